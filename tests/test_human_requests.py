"""HR's inbox lists requests for a recruiter apart, with the question asked before each;
a group's suggested article is the one the assistant hesitated on."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.hr.grouping import group_entries
from bot.hr.human_requests import question_before, with_questions
from bot.inbox.models import InboxEntry

AT = datetime(2026, 11, 30, 10, 0, 0)


def message(text: str, intent: str | None, seconds: float) -> dict:
    at = (AT + timedelta(seconds=seconds)).replace(tzinfo=timezone.utc).timestamp()
    parse = {"intent": {"name": intent}} if intent else {}
    return {"event": "user", "text": text, "timestamp": at, "parse_data": parse}


def entry(number: int, text: str, reason: str, article: str | None = None) -> InboxEntry:
    return InboxEntry(
        id=f"inbox:{number}",
        reason=reason,
        text=text,
        language="fr",
        conversation_id=f"conv-{number}",
        created_at=AT,
        status="open",
        article_id=article,
    )


def test_the_question_before_a_request_skips_the_request_greetings_and_later_messages():
    messages = [
        message("Bonjour", "greet", -60),
        message("Vous avez une crèche ?", "faq", -40),
        message("Et un parking ?", None, -30),
        message("Oui", "affirm", -20),
        message("/request_human", "request_human", -10),
        message("Un humain svp", "request_human", -5),
        # asked in words, read by the model as a personal matter: still the request itself
        message("je voudrais parler à quelqu'un des RH", "needs_human", -4),
        message("Et la cantine ?", "faq", 60),
    ]
    assert question_before(messages, AT) == "Et un parking ?"
    assert question_before(messages[:1] + messages[4:], AT) is None
    assert question_before([], AT) is None


def test_a_request_keeps_its_own_question_else_the_conversation_tells_it():
    entries = [entry(1, "Quel salaire ?", "human_request"), entry(2, "", "human_request")]
    messages = {
        "conv-1": [message("Autre chose", "faq", -5)],
        "conv-2": [message("Des tickets resto ?", "faq", -5)],
    }
    found = [r.to_json() for r in with_questions(entries, messages)]
    assert [(r["id"], r["question"]) for r in found] == [
        ("inbox:1", "Quel salaire ?"),
        ("inbox:2", "Des tickets resto ?"),
    ]
    assert set(found[0]) == {"id", "language", "question", "created_at"}  # nobody's details
    assert with_questions([entry(3, "", "human_request")], {})[0].question is None


def test_a_group_suggests_the_article_the_assistant_hesitated_on():
    text = "Des actions gratuites pour les salariés ?"
    [group] = group_entries(
        [
            entry(1, text, "no_answer", "benefits-overview"),
            entry(2, text, "no_answer", "benefits-overview"),
            entry(3, text, "clarify", "equity"),
        ]
    )
    assert group.suggested_article == "equity"
    assert group.articles == {"benefits-overview": 2, "equity": 1}
    [guess] = group_entries([entry(4, text, "no_answer", "benefits-overview")])
    assert guess.suggested_article == "benefits-overview"  # no hesitation: the guess
