"""A question about the company that the knowledge base does not cover is an unknown
company fact, not small talk (issue 18): "I don't know", a recruiter offered, the question
in HR's inbox. Weather and jokes are still politely redirected. The trained assistant
over REST; the phrasings are not training examples."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.candidate.sessions import rest_conversation
from bot.core.db import transaction
from bot.inbox.models import InboxItem
from bot.knowledge.similarity import NearDuplicateIndex
from tests.e2e.conftest import PHRASINGS_MISSES_ALLOWED, new_sender, payloads
from tests.e2e.test_events import training_examples

pytestmark = pytest.mark.e2e

UNKNOWN = [
    ("fr", "C'est quoi votre chiffre d'affaires ?"),
    ("fr", "Quelle est la valorisation de votre entreprise ?"),
    ("en", "What was your revenue last year?"),
    ("en", "Is the company listed on the stock exchange?"),
]
SMALL_TALK = [
    ("fr", "Tu peux me donner la météo de demain à Nantes ?"),
    ("en", "Can you tell me a joke about cats?"),
]


def test_the_phrasings_are_new():
    known = NearDuplicateIndex(training_examples())
    for _, said in UNKNOWN + SMALL_TALK:
        assert known.closest(said) is None, said


def test_an_unknown_company_fact_gets_i_dont_know_and_reaches_hr(assistant):
    """Each is never answered with an article nor taken for small talk. One of them may
    get a "did you mean" instead of "I don't know": a miss (the held-out evaluation
    counts it wrong too), but nothing invented, and the model trains slightly
    differently on another machine (tests/e2e/conftest.py, PHRASINGS_MISSES_ALLOWED)."""
    hedged = []
    for language, said in UNKNOWN:
        sender = new_sender()
        replies = assistant.ask(sender, said, metadata={"language": language})
        kinds = [p.get("type") for p in payloads(replies) if p.get("type") != "disclosure"]
        assert "off_topic" not in kinds and "answer" not in kinds, (said, kinds)
        if kinds == ["clarify"]:
            hedged.append(said)
            continue
        assert "no_answer" in kinds, (said, kinds)
        with transaction(assistant.settings.database_url) as session:
            kept = session.execute(
                select(InboxItem.text, InboxItem.reason).where(
                    InboxItem.conversation_id == rest_conversation(sender)
                )
            ).all()
        assert [tuple(k) for k in kept] == [(said, "no_answer")]
        assert assistant.tracker(rest_conversation(sender))["slots"]["offer"] == "human"
    assert len(hedged) <= PHRASINGS_MISSES_ALLOWED, hedged


@pytest.mark.parametrize(("language", "said"), SMALL_TALK)
def test_small_talk_is_still_redirected(assistant, language, said):
    replies = assistant.ask(new_sender(), said, metadata={"language": language})
    assert "off_topic" in [p.get("type") for p in payloads(replies)]
