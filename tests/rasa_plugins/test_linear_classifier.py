"""The NLU component reading intents and articles, trained, persisted and loaded the way
Rasa does it (a real ModelStorage on disk). The trained assistant's own figures are in
tests/test_heldout.py; here, what the component promises on a small set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.candidate.answering import decide, ranked_articles
from bot.rasa_plugins.linear_classifier import LinearClassifier

CONTEXT = ExecutionContext(GraphSchema({}), "test-model")
EXAMPLES = {
    "faq/remote-work": [
        "télétravail possible ?",
        "combien de jours de télétravail",
        "can I work from home?",
        "remote work policy",
    ],
    "faq/meal-card": [
        "tickets restaurant ?",
        "vous avez une carte déjeuner",
        "meal vouchers?",
        "is lunch paid for",
    ],
    "greet": ["bonjour", "salut", "hello", "hi there"],
    "apply": ["je veux postuler", "envoyer ma candidature", "I want to apply", "apply now"],
}


def training_data(examples: dict[str, list[str]] = EXAMPLES) -> TrainingData:
    return TrainingData(
        training_examples=[
            Message.build(text=text, intent=label)
            for label, texts in examples.items()
            for text in texts
        ]
    )


def trained_and_loaded(storage: ModelStorage, name: str = "linear") -> LinearClassifier:
    config = LinearClassifier.get_default_config()
    resource = Resource(name)
    component = LinearClassifier.create(config, storage, resource, CONTEXT)
    assert component.train(training_data()) == resource
    return LinearClassifier.load(config, storage, resource, CONTEXT)


@pytest.fixture
def storage(tmp_path: Path) -> ModelStorage:
    return LocalModelStorage.create(tmp_path)


def parse(component: LinearClassifier, text: str) -> dict:
    message = Message.build(text=text)
    component.process([message])
    return message.as_dict_nlu()


def test_intents_and_articles_are_read_after_a_round_trip_through_storage(storage):
    component = trained_and_loaded(storage)
    teletravail = parse(component, "teletravail, c'est combien de jours ?")  # no accent
    assert teletravail["intent"]["name"] == "faq"
    assert [c.article_id for c in ranked_articles(teletravail)][:2] == ["remote-work", "meal-card"]
    selector = teletravail["response_selector"]["faq"]
    assert selector["response"]["intent_response_key"] == "faq/remote-work"
    assert selector["response"]["responses"] == [{"text": "remote-work"}]
    assert sum(r["confidence"] for r in selector["ranking"]) == pytest.approx(1.0)
    ranking = teletravail["intent_ranking"]
    assert {r["name"] for r in ranking} == {"faq", "greet", "apply"}
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)
    assert ranking == sorted(ranking, key=lambda r: r["confidence"], reverse=True)

    applying = parse(component, "je voudrais postuler")
    assert applying["intent"]["name"] == "apply"
    assert parse(component, "hello!")["intent"]["name"] == "greet"


def test_the_assistant_decides_on_the_parse_as_it_did_on_the_response_selectors(storage):
    """`decide` reads P(faq) x P(article | faq) from the parse, whoever wrote it."""
    parsed = parse(trained_and_loaded(storage), "meal vouchers, is lunch paid for?")
    decision = decide(parsed, answer_threshold=0.3, clarify_threshold=0.1)
    assert decision.kind == "answer" and decision.candidates[0].article_id == "meal-card"


def test_two_trainings_of_the_same_data_give_the_same_model(storage):
    first = trained_and_loaded(storage, "first")
    second = trained_and_loaded(storage, "second")
    for name in ("intents", "articles"):
        assert first.layers[name].labels == second.layers[name].labels
        assert np.array_equal(first.layers[name].weights, second.layers[name].weights)
        assert np.array_equal(first.layers[name].bias, second.layers[name].bias)


def test_messages_without_text_and_an_untrained_model_are_left_alone(storage):
    component = trained_and_loaded(storage)
    empty = Message.build(text="")
    component.process([empty])
    assert empty.get("intent") is None
    config = LinearClassifier.get_default_config()
    untrained = LinearClassifier.create(config, storage, Resource("nothing"), CONTEXT)
    # one intent only: nothing to tell apart, nothing persisted, nothing read
    only_greet = {"greet": EXAMPLES["greet"]}
    assert untrained.train(training_data(only_greet)) == Resource("nothing")
    loaded = LinearClassifier.load(config, storage, Resource("nothing"), CONTEXT)
    message = Message.build(text="bonjour")
    loaded.process([message])
    assert message.get("intent") is None


def test_two_intents_and_no_article_still_give_both_probabilities(storage):
    """liblinear keeps a single row for two classes: both come out, summing to one."""
    config = LinearClassifier.get_default_config()
    component = LinearClassifier.create(config, storage, Resource("two"), CONTEXT)
    component.train(training_data({"greet": EXAMPLES["greet"], "apply": EXAMPLES["apply"]}))
    loaded = LinearClassifier.load(config, storage, Resource("two"), CONTEXT)
    parsed = parse(loaded, "I want to apply")
    assert parsed["intent"]["name"] == "apply"
    assert {r["name"] for r in parsed["intent_ranking"]} == {"greet", "apply"}
    assert sum(r["confidence"] for r in parsed["intent_ranking"]) == pytest.approx(1.0)
    assert "response_selector" not in parsed
