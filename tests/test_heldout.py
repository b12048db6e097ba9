"""The held-out questions (never trained on) against the trained model.

Targets from the issue: at least 90% of in-scope questions answered with the
right article in each language, at least 90% of unknown and off-topic
questions not answered with an article. The full report is written to
tests/artifacts/heldout-report.txt and summarised at the end of the run.
"""

from __future__ import annotations

import pytest

from bot.evaluation import accuracy, evaluate, load_questions, report
from bot.knowledge.documents import normalize_question
from tests.conftest import ARTIFACTS, HELDOUT_SUMMARY


def test_heldout_set_is_large_varied_and_never_trained_on(default_docs):
    questions = load_questions()
    assert len(questions) >= 150
    for language in ("fr", "en"):
        for kind in ("in_scope", "unknown", "off_topic"):
            assert any(q.language == language and q.kind == kind for q in questions)
    trained = {
        normalize_question(q) for d in default_docs for t in d.texts.values() for q in t.questions
    }
    leaked = [q.text for q in questions if normalize_question(q.text) in trained]
    assert leaked == []
    ids = {d.id for d in default_docs}
    assert {q.article for q in questions if q.kind == "in_scope"} <= ids


@pytest.fixture(scope="module")
def agent(trained):
    from rasa.core.agent import Agent

    return Agent.load(str(trained.model))


async def test_heldout_accuracy(agent, trained):
    outcomes = await evaluate(
        agent.parse_message,
        load_questions(),
        answer_threshold=trained.settings.answer_threshold,
        clarify_threshold=trained.settings.clarify_threshold,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    text = report(outcomes)
    (ARTIFACTS / "heldout-report.txt").write_text(text + "\n", encoding="utf-8")
    HELDOUT_SUMMARY.append(text)
    for language in ("fr", "en"):
        assert accuracy(outcomes, language=language, kinds=("in_scope",)) >= 0.9, text
        assert accuracy(outcomes, language=language, kinds=("unknown", "off_topic")) >= 0.9, text
