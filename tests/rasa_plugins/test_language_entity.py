"""The NLU component that tags each message with the candidate's language, trained,
persisted and loaded the way Rasa does it (a real ModelStorage on disk)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, METADATA, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.rasa_plugins.language_entity import FILE_NAME, LanguageEntityExtractor

RESOURCE = Resource("language_entity")
CONTEXT = ExecutionContext(GraphSchema({}), "test-model")

# Words the built-in lists do not know: only training can tell their language.
EXAMPLES = [
    ("fr", "mutuelle santé"),
    ("fr", "la mutuelle"),
    ("fr", "une mutuelle"),
    ("fr", "mutuelle famille"),
    ("en", "perks overview"),
    ("en", "the perks"),
    ("en", "some perks"),
    ("en", "perks list"),
]


@pytest.fixture
def storage(tmp_path: Path) -> ModelStorage:
    return LocalModelStorage.create(tmp_path)


def training_data() -> TrainingData:
    return TrainingData(
        training_examples=[
            Message.build(text=text, intent="faq/benefits", example_metadata={"language": lang})
            for lang, text in EXAMPLES
        ]
        # examples without a language teach nothing
        + [Message.build(text="mutuelle perks", intent="faq/benefits")]
    )


def trained_and_loaded(storage: ModelStorage) -> LanguageEntityExtractor:
    component = LanguageEntityExtractor.create(
        LanguageEntityExtractor.get_default_config(), storage, RESOURCE, CONTEXT
    )
    assert component.train(training_data()) == RESOURCE
    return LanguageEntityExtractor.load(
        LanguageEntityExtractor.get_default_config(), storage, RESOURCE, CONTEXT
    )


def message(text: str, metadata: dict | None = None) -> Message:
    data: dict = {TEXT: text}
    if metadata is not None:
        data[METADATA] = metadata
    return Message(data=data)


def languages(component: LanguageEntityExtractor, msg: Message) -> list[str]:
    [processed] = component.process([msg])
    return [e["value"] for e in processed.get(ENTITIES, []) if e["entity"] == "language"]


def test_training_persists_counts_that_a_loaded_component_uses(storage):
    loaded = trained_and_loaded(storage)
    with storage.read_from(RESOURCE) as path:
        assert (path / FILE_NAME).is_file()
    assert languages(loaded, message("mutuelle ?")) == ["fr"]
    assert languages(loaded, message("perks?")) == ["en"]
    # an untrained component does not know these words
    untrained = LanguageEntityExtractor.create({}, storage, RESOURCE, CONTEXT)
    assert languages(untrained, message("mutuelle ?")) == []


def test_the_page_language_wins_over_a_short_text_not_over_a_clear_one(storage):
    loaded = trained_and_loaded(storage)
    assert languages(loaded, message("Bonjour !", {"language": "en-GB"})) == ["en"]
    assert languages(loaded, message("perks?", {"language": "fr"})) == ["fr"]
    # three words or more, clearly the other language: answered in it (issue 18)
    assert languages(loaded, message("Bonjour, la mutuelle ?", {"language": "en-GB"})) == ["fr"]
    assert languages(loaded, message("What are the perks?", {"language": "fr"})) == ["en"]
    # a language we do not speak is ignored: the text decides
    assert languages(loaded, message("What are the perks?", {"language": "de"})) == ["en"]


def test_french_and_english_text(storage):
    loaded = trained_and_loaded(storage)
    assert languages(loaded, message("Est-ce que vous proposez une mutuelle ?")) == ["fr"]
    assert languages(loaded, message("Do you have any perks for parents?")) == ["en"]


def test_an_undecided_text_adds_nothing_and_keeps_other_entities(storage):
    loaded = trained_and_loaded(storage)
    for text in ("ok", "Python ?", ""):
        assert languages(loaded, message(text)) == []
    other = {"entity": "team", "value": "sre", "start": 0, "end": 3}
    msg = message("SRE")
    msg.set(ENTITIES, [other])
    [processed] = loaded.process([msg])
    assert processed.get(ENTITIES) == [other]
    msg = message("les perks de la team SRE")
    msg.set(ENTITIES, [other])
    [processed] = loaded.process([msg])
    assert processed.get(ENTITIES)[0] == other
    assert processed.get(ENTITIES)[1] == {
        "entity": "language",
        "value": "fr",
        "start": 0,
        "end": 0,
        "confidence": 1.0,
        "extractor": "LanguageEntityExtractor",
    }


def test_loading_without_a_persisted_model_falls_back_to_the_built_in_words(storage):
    loaded = LanguageEntityExtractor.load({}, storage, Resource("never-trained"), CONTEXT)
    assert languages(loaded, message("est-ce que vous avez des bureaux")) == ["fr"]
    assert languages(loaded, message("mutuelle ?")) == []
