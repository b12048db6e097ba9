"""The held-out questions (never trained on) against the trained model.

Three sets, none trained on: the retraining gate the product ships
(data/heldout/gate.yml), and the tests' own two halves: a development half
(tests/heldout/dev.yml) that thresholds are tuned on and whose misses are read,
and a sealed test half (tests/heldout/test.yml) that is only measured. "Never
trained on" means no question nearly copies a training example with the same
answer (bot.knowledge.similarity: 80% of the words of the longer, or 90% alike
character trigrams), and the three sets do not nearly copy each other.

The report (both halves, then the misses of the development half only) is
written to tests/artifacts/heldout-report.txt and summarised at the end of the run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.core.db import transaction
from bot.core.settings import PROJECT_ROOT
from bot.hr.retraining.evaluation import (
    GATE_FILE,
    KINDS,
    HeldOutQuestion,
    Outcome,
    accuracy,
    evaluate,
    load_questions,
    report,
)
from bot.knowledge.files import ArticleDoc
from bot.knowledge.search import ArticleIndex
from bot.knowledge.service import training_examples
from bot.knowledge.similarity import NearDuplicateIndex
from tests.conftest import ARTIFACTS, HELDOUT_SUMMARY

HELDOUT = PROJECT_ROOT / "tests" / "heldout"
HALVES = {"dev": HELDOUT / "dev.yml", "test": HELDOUT / "test.yml"}
SETS = {**HALVES, "gate": GATE_FILE}
FLOORS = yaml.safe_load((HELDOUT / "floors.yml").read_text(encoding="utf-8"))
# What a held-out question of each kind must not copy, among the hand-written intents.
INTENT_OF_KIND = {"unknown": "out_of_scope", "off_topic": "off_topic"}


def training_by_answer(docs: list[ArticleDoc]) -> dict[str, list[str]]:
    """Every training example, keyed by what it teaches: an article id or an intent."""
    taught: dict[str, list[str]] = {}
    for doc in docs:
        for text in doc.texts.values():
            taught.setdefault(doc.id, []).extend(text.questions)
    for path in sorted((PROJECT_ROOT / "data" / "nlu").glob("*.yml")):
        for intent in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            taught.setdefault(intent["intent"], []).extend(
                line.strip()[2:]
                for line in intent["examples"].splitlines()
                if line.strip().startswith("- ")
            )
    return taught


def answer_of(question: HeldOutQuestion) -> str:
    return question.intent or question.article or INTENT_OF_KIND[question.kind]


@pytest.mark.parametrize("name", list(SETS))
def test_each_set_is_large_varied_and_never_trained_on(name, default_docs):
    questions = load_questions(SETS[name])
    assert len(questions) >= 110
    for language in ("fr", "en"):
        for kind in KINDS:
            assert sum(q.language == language and q.kind == kind for q in questions) >= 10
    ids = {d.id for d in default_docs}
    assert {q.article for q in questions if q.kind == "in_scope" and q.intent is None} <= ids
    # requests the assistant acts on name an intent of data/nlu instead of an article
    assert all(q.article is None for q in questions if q.intent is not None)
    indexes = {
        answer: NearDuplicateIndex(texts)
        for answer, texts in training_by_answer(default_docs).items()
    }
    leaked = [
        (q.text, copy.of)
        for q in questions
        if (copy := indexes[answer_of(q)].closest(q.text)) is not None
    ]
    assert leaked == []


def test_the_sets_do_not_copy_each_other():
    texts = {name: [q.text for q in load_questions(path)] for name, path in SETS.items()}
    names = list(texts)
    for number, name in enumerate(names):
        for other in names[number + 1 :]:
            index = NearDuplicateIndex(texts[other])
            copies = [(t, c.of) for t in texts[name] if (c := index.closest(t)) is not None]
            assert copies == [], (name, other)


def test_the_leak_check_catches_a_training_line_with_a_word_changed(default_docs):
    """The check above can fail: a near-copy of an example of the same article is caught."""
    taught = training_by_answer(default_docs)
    example = taught["remote-allowance"][0]
    words = example.split()
    changed = " ".join([*words[:-1], "svp", words[-1]])
    assert NearDuplicateIndex(taught["remote-allowance"]).closest(changed) is not None


@pytest.fixture(scope="module")
def agent(trained):
    from rasa.core.agent import Agent

    return Agent.load(str(trained.model))


def _in_and_out(outcomes: list[Outcome], language: str) -> dict[str, float]:
    return {
        "in_scope": accuracy(outcomes, language=language, kinds=("in_scope",)),
        "out": accuracy(outcomes, language=language, kinds=("unknown", "off_topic")),
    }


async def test_heldout_accuracy(agent, trained):
    with transaction(trained.settings.database_url) as session:
        index = ArticleIndex(training_examples(session=session))
    results: dict[str, list[Outcome]] = {}
    for half, path in HALVES.items():
        results[half] = await evaluate(
            agent.parse_message,
            load_questions(Path(path)),
            answer_threshold=trained.settings.answer_threshold,
            clarify_threshold=trained.settings.clarify_threshold,
            index=index,
        )
    dev_table, dev_misses = report(results["dev"]).split("\nmisses:")
    sealed_table = report(results["test"]).split("\nmisses:")[0]
    summary = (
        f"DEVELOPMENT HALF (tests/heldout/dev.yml)\n{dev_table}\n"
        f"SEALED TEST HALF (tests/heldout/test.yml), only measured\n{sealed_table}"
    )
    text = f"{summary}\nmisses of the development half:{dev_misses}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "heldout-report.txt").write_text(text + "\n", encoding="utf-8")
    HELDOUT_SUMMARY.append(summary)
    below = [
        (half, language, part, round(value, 3), floor)
        for half, outcomes in results.items()
        for language in ("fr", "en")
        for part, value in _in_and_out(outcomes, language).items()
        if value < (floor := FLOORS[half][language][part])
    ]
    assert below == [], text
