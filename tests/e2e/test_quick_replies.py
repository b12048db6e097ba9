"""Quick replies end to end: HR's canned reply, an article's answer and a link, sent in
one click from the console, reach a candidate on socket.io (French) and on REST
(English), filled in for them, through the real Rasa server."""

from __future__ import annotations

import pytest

from bot.candidate.sessions import rest_conversation
from bot.core.db import transaction
from bot.handoff.callbacks import create_callback
from bot.handoff.models import CannedReply
from bot.knowledge.service import published_answer
from tests.e2e.conftest import PASSWORD, close_open_handoffs, new_sender, staff_account
from tests.e2e.console_client import Recruiter
from tests.e2e.socket_client import Candidate, customs

pytestmark = pytest.mark.e2e

HELLO = {
    "title": "Bonjour (quick replies test)",
    "text_fr": "Bonjour {candidat}, je suis {recruteur} : je regarde votre question.",
    "text_en": "Hello {candidat}, I'm {recruteur}: looking into your question.",
}


@pytest.fixture(scope="module")
def people(assistant):
    staff_account(assistant, "quick-rec", "Inès Caron")
    staff_account(assistant, "quick-hr", "Hélène Quick", role="hr")
    web = assistant.settings.web_url
    recruiter, hr = Recruiter(web), Recruiter(web)
    assert recruiter.sign_in("quick-rec", PASSWORD).status_code == 302
    assert hr.sign_in("quick-hr", PASSWORD).status_code == 302
    created = hr.post("/console/api/hr/replies", HELLO)
    assert created.status_code == 201, created.text
    yield recruiter, created.json()["id"]
    hr.http.delete(f"{web}/console/api/hr/replies/{created.json()['id']}", timeout=15)
    recruiter.sign_out()
    hr.sign_out()
    close_open_handoffs(assistant)


def give_name(assistant, conversation: str, name: str) -> None:
    """The candidate asked for an answer by e-mail earlier: the company knows their name."""
    with transaction(assistant.settings.database_url) as session:
        create_callback(
            session=session,
            conversation_id=conversation,
            data={"name": name, "email": "quick@example.org", "question": "?", "consent": True},
            language="fr",
            retention_days=30,
        )


def uses(assistant, reply_id: int) -> int:
    with transaction(assistant.settings.database_url) as session:
        return session.get(CannedReply, reply_id).uses


async def test_a_candidate_on_socketio_gets_the_reply_the_article_and_the_link(assistant, people):
    recruiter, reply_id = people
    candidate = Candidate(assistant.url)
    try:
        await candidate.start()
        _, replies = await candidate.say("Je voudrais parler à un humain", language="fr")
        assert [c for c in customs(replies) if c.get("status") == "queued"], replies
        give_name(assistant, candidate.session_id, "Zoé Martin")
        handoff = recruiter.handoff_for(candidate.session_id)["id"]
        assert recruiter.post(f"/console/api/handoffs/{handoff}/claim").status_code == 200
        await candidate.next_message()  # "Inès Caron joined"

        choices = recruiter.get(f"/console/api/handoffs/{handoff}/replies").json()
        assert choices["candidate"] == "Zoé"
        offered = next(r for r in choices["replies"] if r["id"] == reply_id)
        expected = "Bonjour Zoé, je suis Inès Caron : je regarde votre question."
        assert offered["text"] == expected

        path = f"/console/api/handoffs/{handoff}/messages"
        assert recruiter.post(path, {"reply": reply_id}).status_code == 200
        message = await candidate.next_message()
        assert message["text"] == expected and message["sender"]["name"] == "Inès Caron"
        assert uses(assistant, reply_id) == 1

        assert recruiter.post(path, {"article": "remote-work"}).status_code == 200
        message = await candidate.next_message()
        with transaction(assistant.settings.database_url) as session:
            answer = published_answer(session=session, article_id="remote-work", language="fr")
        assert message["text"].startswith(answer.answer)
        assert f"Source : notre base de connaissances, « {answer.title} »" in message["text"]

        privacy = choices["links"][-1]
        link = f"[{privacy['label']}]({privacy['url']})"
        assert recruiter.post(path, {"text": link}).status_code == 200
        assert (await candidate.next_message())["text"] == link
        # the console's transcript shows what the candidate got, in order
        detail = recruiter.get(f"/console/api/conversations/{candidate.session_id}").json()
        sent = [line["text"] for line in detail["transcript"] if line["sender"] == "recruiter"]
        assert sent[-3:] == [expected, message["text"], link]
        assert recruiter.post(f"/console/api/handoffs/{handoff}/close").status_code == 200
    finally:
        await candidate.close()


def test_a_candidate_on_rest_gets_the_reply_in_english_without_a_name(assistant, people):
    recruiter, reply_id = people
    sender = new_sender()
    for text in ("Hello there", "I'd like to talk to a human being please"):
        assistant.ask(sender, text, metadata={"language": "en"})
    conversation = rest_conversation(sender)
    handoff = recruiter.handoff_for(conversation)
    assert handoff["language"] == "en"
    assert recruiter.post(f"/console/api/handoffs/{handoff['id']}/claim").status_code == 200
    sent = recruiter.post(f"/console/api/handoffs/{handoff['id']}/messages", {"reply": reply_id})
    assert sent.status_code == 200
    detail = recruiter.get(f"/console/api/conversations/{conversation}").json()
    lines = [line["text"] for line in detail["transcript"] if line["sender"] == "recruiter"]
    assert lines[-1] == "Hello, I'm Inès Caron: looking into your question."
    recruiter.post(f"/console/api/handoffs/{handoff['id']}/close")
