"""Issue 16, findings 3 and 14, against the real running servers: what a candidate's socket
can make happen outside the conversation (HR's inbox and analytics, recruiters' e-mail and
chat webhook).

- Thumbs: only on an article the assistant answered in that conversation, one inbox item
  per conversation and article however many clicks (the audit: 40 thumbs in half a second
  made 20 inbox items; any article id was taken).
- Callback requests: only after the assistant offered an answer by e-mail in that
  conversation, once per conversation (each one notifies the recruiters); a name with a
  line break is refused with a clear sentence (it once cancelled both notifications).
"""

from __future__ import annotations

import asyncio
import uuid

import pytest
from sqlalchemy import delete

from bot.candidate.feedback import AnswerFeedback
from bot.core.db import transaction
from bot.handoff.models import CallbackRequest, Presence
from bot.inbox.models import InboxItem
from tests.e2e.socket_client import Candidate, customs

pytestmark = pytest.mark.e2e


@pytest.fixture
async def candidates(assistant):
    """Socket clients like the widget; closed at the end of the test."""
    opened: list[Candidate] = []

    def new() -> Candidate:
        opened.append(Candidate(assistant.url))
        return opened[-1]

    yield new
    for client in opened:
        await client.close()


@pytest.fixture
def nobody_on_duty(assistant):
    """Every recruiter signed out: asking for a human gets the offer of an e-mail answer."""
    with transaction(assistant.settings.database_url) as session:
        session.execute(delete(Presence))


async def answered(candidate: Candidate) -> str:
    """A new conversation where the assistant answered a question; the article it gave."""
    await candidate.start()
    _, replies = await candidate.say("Can I work from home?", language="en")
    return next(c["article"] for c in customs(replies) if c.get("type") == "answer")


async def offered(candidate: Candidate) -> None:
    """A new conversation where the assistant offered an answer by e-mail."""
    await candidate.start()
    _, replies = await candidate.say("I would like to talk to a human", language="en")
    offers = [c for c in customs(replies) if c.get("type") == "handoff"]
    assert offers == [
        {"type": "handoff", "status": "offered", "reason": "unavailable", "callback": True}
    ], replies


def request(name: str, language: str = "en") -> dict:
    return {
        "name": name,
        "email": "candidate@example.org",
        "question": "Do you sponsor visas?",
        "consent": True,
        "language": language,
    }


def stored_callbacks(assistant, conversation: str) -> list[str]:
    with transaction(assistant.settings.database_url) as session:
        rows = session.query(CallbackRequest).filter_by(conversation_id=conversation)
        return [row.name for row in rows]


async def test_forty_thumbs_make_one_inbox_item(assistant, candidates):
    candidate = candidates()
    article = await answered(candidate)
    ratings = ["down", "up"] * 20
    acks = []
    # 40 clicks, 8 at a time (engine.io takes at most 16 packets in one polling request)
    for start in range(0, len(ratings), 8):
        clicks = [
            candidate.sio.call(
                "feedback", {"article": article, "rating": rating, "language": "en"}, timeout=30
            )
            for rating in ratings[start : start + 8]
        ]
        acks += await asyncio.gather(*clicks)
    assert {"ok": True} in acks  # clicks were taken (later ones may be slowed down)
    with transaction(assistant.settings.database_url) as session:
        # what the ratings put in HR's inbox (an answer given with low confidence may
        # have put the question there too: that depends on the model, not on the clicks)
        items = (
            session.query(InboxItem)
            .filter_by(conversation_id=candidate.session_id, reason="not_helpful")
            .all()
        )
        assert [(i.reason, i.article_id, i.text) for i in items] == [
            ("not_helpful", article, "Can I work from home?")
        ]
        ratings = session.query(AnswerFeedback).filter_by(conversation_id=candidate.session_id)
        assert [r.article_id for r in ratings] == [article]


async def test_an_article_the_conversation_was_not_answered_with_cannot_be_rated(
    assistant, candidates, default_docs
):
    candidate = candidates()
    article = await answered(candidate)
    other = next(doc.id for doc in default_docs if doc.id != article)
    for rated in (other, "made-up-article", "x" * 64):
        ack = await candidate.sio.call(
            "feedback", {"article": rated, "rating": "down", "language": "en"}
        )
        assert ack == {
            "ok": False,
            "error": "I can only save your rating for an answer I gave you in this conversation.",
        }
    # an article answered in another conversation neither
    intruder = candidates()
    await intruder.start()
    ack = await intruder.sio.call(
        "feedback", {"article": article, "rating": "up", "language": "fr"}
    )
    assert ack == {
        "ok": False,
        "error": "Je ne peux enregistrer votre avis que sur une réponse que je vous ai donnée "
        "dans cette conversation.",
    }
    with transaction(assistant.settings.database_url) as session:
        for conversation in (candidate.session_id, intruder.session_id):
            assert (
                session.query(AnswerFeedback).filter_by(conversation_id=conversation).count() == 0
            )
            refused = session.query(InboxItem).filter_by(
                conversation_id=conversation, reason="not_helpful"
            )
            assert refused.count() == 0


async def test_a_callback_needs_its_offer_and_is_taken_once(
    assistant, candidates, nobody_on_duty, mailbox, hooks
):
    tag = uuid.uuid4().hex[:8]
    # never offered: refused, nothing stored, nobody told
    mallory = candidates()
    await mallory.start()
    await mallory.say("Hello", language="en")
    refused = await mallory.sio.call("callback_request", request(f"Mallory {tag}"))
    assert refused == {
        "ok": False,
        "errors": {
            "form": "I can only pass on a request for an e-mail answer after offering it to "
            "you. Ask to talk to a recruiter and I'll tell you what is possible."
        },
    }
    assert stored_callbacks(assistant, mallory.session_id) == []

    # offered: the first request is taken, a second one gets a polite answer
    ada = candidates()
    await offered(ada)
    first = await ada.sio.call("callback_request", request(f"Ada {tag}"))
    assert first["ok"] is True
    again = await ada.sio.call("callback_request", request(f"Ada again {tag}", language="fr"))
    assert again == {
        "ok": False,
        "errors": {
            "form": "Votre demande est déjà entre les mains de l'équipe recrutement : un "
            "recruteur vous répondra par e-mail, inutile de la renvoyer. Je reste à votre "
            "disposition."
        },
    }
    assert stored_callbacks(assistant, ada.session_id) == [f"Ada {tag}"]

    # a later request elsewhere arrives: only the requests taken ever notified anyone
    grace = candidates()
    await offered(grace)
    assert (await grace.sio.call("callback_request", request(f"Grace {tag}")))["ok"] is True
    mailbox.wait_for(lambda m: f"Grace {tag}" in m["Subject"])
    hooks.wait_for(lambda body: f"Grace {tag}" in body["text"])
    mailed = sorted(m["Subject"] for m in mailbox.messages if tag in m["Subject"])
    assert mailed == [
        f"[Ardoise] Callback request from Ada {tag} (en)",
        f"[Ardoise] Callback request from Grace {tag} (en)",
    ]
    assert len([b for b in hooks.bodies if tag in b["text"]]) == 2


async def test_a_line_break_in_a_callback_name_is_refused_and_both_notifications_go_out(
    assistant, candidates, nobody_on_duty, mailbox, hooks
):
    tag = uuid.uuid4().hex[:8]
    candidate = candidates()
    await offered(candidate)
    refused = await candidate.sio.call(
        "callback_request", request(f"Ada {tag}\nBcc: everyone@example.org", language="fr")
    )
    assert refused == {
        "ok": False,
        "errors": {"name": "Votre nom doit tenir sur une ligne, sans caractères invisibles."},
    }
    assert stored_callbacks(assistant, candidate.session_id) == []
    # the corrected form is taken, and both the e-mail and the webhook go out
    accepted = await candidate.sio.call("callback_request", request(f"Ada {tag}", language="fr"))
    assert accepted["ok"] is True
    mail = mailbox.wait_for(lambda m: tag in m["Subject"])
    assert mail["Subject"] == f"[Ardoise] Callback request from Ada {tag} (fr)"
    hooks.wait_for(lambda body: f"Ada {tag}" in body["text"])
