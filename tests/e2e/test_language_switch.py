"""A message clearly written in the other language than the page's is answered in its own
language, and the assistant says so once (issue 18); a short or unclear message keeps the
page's language. The trained assistant over REST."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import new_sender, payloads, texts

pytestmark = pytest.mark.e2e

NOTICES = {
    "fr": "Vous m'écrivez en français : je vous réponds en français.",
    "en": "You wrote in English, so I'm answering in English.",
}


def kinds(replies: list[dict]) -> list[str]:
    return [p.get("type") for p in payloads(replies) if p.get("type") != "disclosure"]


@pytest.mark.parametrize(
    ("page", "question", "written"),
    [
        ("en", "Combien de jours de télétravail par semaine chez vous ?", "fr"),
        ("fr", "How many days can I work from home each week?", "en"),
    ],
)
def test_a_question_in_the_other_language_is_answered_in_it_and_said_once(
    assistant, page, question, written
):
    sender = new_sender()
    replies = assistant.ask(sender, question, metadata={"language": page})
    assert kinds(replies)[:2] == ["language", "answer"], kinds(replies)
    (switch,) = [p for p in payloads(replies) if p.get("type") == "language"]
    assert switch["language"] == written
    assert NOTICES[written] in texts(replies)
    (answer,) = [p for p in payloads(replies) if p.get("type") == "answer"]
    assert answer["language"] == written
    # the next question in that language: answered in it, without saying it again
    again = (
        "Et pour les congés, combien de jours ?" if written == "fr" else "And how many days off?"
    )
    replies = assistant.ask(sender, again, metadata={"language": page})
    assert "language" not in kinds(replies)
    assert [p["language"] for p in payloads(replies) if p.get("type") == "answer"] == [written]


@pytest.mark.parametrize(("page", "short"), [("en", "télétravail ?"), ("fr", "remote ?")])
def test_a_short_message_keeps_the_pages_language(assistant, page, short):
    replies = assistant.ask(new_sender(), short, metadata={"language": page})
    assert "language" not in kinds(replies)
    answered = [p["language"] for p in payloads(replies) if p.get("type") == "answer"]
    assert answered in ([], [page])
