"""The widget's socket.io channel against the real Rasa and action servers."""

from __future__ import annotations

import pytest
import requests
import socketio

from bot.candidate.feedback import ratings_of
from bot.core.db import transaction
from bot.inbox.service import open_items
from tests.e2e.socket_client import Candidate, customs

pytestmark = pytest.mark.e2e


@pytest.fixture
async def candidate(assistant):
    client = Candidate(assistant.url)
    yield client
    await client.close()


def user_texts(assistant, conversation_id: str) -> list[str]:
    events = assistant.tracker(conversation_id)["events"]
    return [e["text"] for e in events if e["event"] == "user"]


async def test_the_server_issues_the_session_id(candidate):
    confirm = await candidate.start("chosen-by-the-client")
    assert confirm["session_id"] != "chosen-by-the-client"
    assert confirm["new"] is True and confirm["history"] == []
    assert len(confirm["session_id"]) == 32


async def test_a_question_gets_its_answer_as_one_message(candidate):
    await candidate.start()
    ack, replies = await candidate.say("Quels sont vos avantages sociaux ?", language="fr")
    assert ack["ok"] is True
    answers = [m for m in replies if m.get("custom", {}).get("type") == "answer"]
    assert len(answers) == 1
    answer = answers[0]
    # text, buttons and payload arrive together, paragraphs unsplit
    assert answer["from"] == "assistant" and len(answer["text"]) > 80
    assert answer["custom"]["language"] == "fr"
    assert {"type": "disclosure"} in customs(replies)


async def test_resuming_restores_the_history_and_the_ratings(assistant, candidate):
    confirm = await candidate.start()
    _, replies = await candidate.say("Can I work from home?", language="en")
    article = next(c["article"] for c in customs(replies) if c.get("type") == "answer")
    rated = await candidate.sio.call(
        "feedback", {"article": article, "rating": "down", "language": "en"}
    )
    assert rated == {"ok": True}
    await candidate.close()

    again = Candidate(assistant.url)
    try:
        resumed = await again.start(confirm["session_id"])
    finally:
        await again.close()
    assert resumed["session_id"] == confirm["session_id"] and resumed["new"] is False
    # the question, the disclosure, the answer: in the order the candidate saw them
    assert [m["from"] for m in resumed["history"]][:2] == ["candidate", "assistant"]
    assert resumed["history"][1]["custom"] == {"type": "disclosure"}
    assert [m.get("custom", {}).get("article") for m in resumed["history"]][-1] == article
    candidate_lines = [m for m in resumed["history"] if m["from"] == "candidate"]
    assert [m["text"] for m in candidate_lines] == ["Can I work from home?"]
    assert candidate_lines[0]["message_id"]
    assert resumed["feedback"] == {article: "down"}
    with transaction(assistant.settings.database_url) as session:
        assert ratings_of(session=session, conversation_id=confirm["session_id"]) == {
            article: "down"
        }
        flagged = open_items(session=session, reason="not_helpful")
        assert any(
            i.conversation_id == confirm["session_id"] and i.text == "Can I work from home?"
            for i in flagged
        )


async def test_a_made_up_id_gives_no_access_to_another_conversation(assistant, candidate):
    victim = await candidate.start()
    await candidate.say("Quel est le salaire pour le poste SRE ?", language="fr")
    intruder = Candidate(assistant.url)
    try:
        # a well-formed guess and the victim's id pushed in a message's session_id field
        confirm = await intruder.start("A" * 32)
        assert confirm["new"] is True and confirm["history"] == []
        ack, _ = await intruder.say("hello", session_id=victim["session_id"])
        assert ack["ok"] is True
        assert user_texts(assistant, victim["session_id"]) == [
            "Quel est le salaire pour le poste SRE ?"
        ]
        assert user_texts(assistant, confirm["session_id"]) == ["hello"]
        # and the intruder never received the victim's messages
        await candidate.say("Et pour un data scientist ?", language="fr")
        assert all("data" not in m.get("text", "").lower() for m in intruder.drain())
    finally:
        await intruder.close()


async def test_only_allowed_sites_may_connect(assistant):
    refused = Candidate(assistant.url, origin="http://evil.example")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await refused.connect()
    allowed = Candidate(assistant.url, origin=f"http://127.0.0.1:{assistant.settings.web_port}")
    try:
        confirm = await allowed.start()
        assert confirm["session_id"]
    finally:
        await allowed.close()


@pytest.mark.parametrize(
    "payload, error",
    [
        ({"message": ""}, "empty"),
        ({"message": "   "}, "empty"),
        ({"message": "x" * 2001}, "longer than 2000"),
        ({"message": 42}, "must be a text"),
        ({"text": "wrong field"}, "must be a text"),
        ("just a string", "must be an object"),
        (None, "must be an object"),
    ],
)
async def test_bad_messages_are_refused_clearly_and_not_stored(
    assistant, candidate, payload, error
):
    confirm = await candidate.start()
    ack = await candidate.sio.call("user_uttered", payload, timeout=30)
    assert ack["ok"] is False and error in ack["error"]
    tracker = requests.get(
        f"{assistant.url}/conversations/{confirm['session_id']}/tracker",
        params={"token": assistant.settings.rasa_token},
        timeout=10,
    ).json()
    assert [e for e in tracker["events"] if e["event"] == "user"] == []


async def test_a_message_sent_twice_is_handled_once(assistant, candidate):
    confirm = await candidate.start()
    payload = {"message": "Bonjour", "message_id": "same-id-1", "metadata": {"language": "fr"}}
    first = await candidate.sio.call("user_uttered", payload, timeout=60)
    second = await candidate.sio.call("user_uttered", payload, timeout=60)
    assert first == {"ok": True, "message_id": "same-id-1"}
    assert second["duplicate"] is True
    assert user_texts(assistant, confirm["session_id"]) == ["Bonjour"]


async def test_a_button_shows_its_title_in_the_history(assistant, candidate):
    confirm = await candidate.start()
    # the widget's own "talk to a recruiter" button (a made-up title is dropped: tests/security)
    title = "I'd like to talk to a person from the recruiting team."
    ack, _ = await candidate.say("/request_human", metadata={"language": "en", "display": title})
    assert ack["ok"]
    resumed = await candidate.start(confirm["session_id"])
    assert [m["text"] for m in resumed["history"] if m["from"] == "candidate"] == [title]


async def test_a_rasa_webchat_client_without_session_request_is_served(assistant):
    client = Candidate(assistant.url)
    try:
        await client.connect()
        ack = await client.sio.call(
            "user_uttered",
            {"message": "What is your hiring process?", "customData": {"language": "en"}},
            timeout=60,
        )
        confirm = await client.confirms.get()
        assert ack["ok"] and confirm["new"] is True
        replies = client.drain()
        assert any(c.get("type") == "answer" for c in customs(replies))
    finally:
        await client.close()


async def test_bad_feedback_is_refused(candidate):
    await candidate.start()
    for payload in ({"article": "x", "rating": "meh"}, {"rating": "up"}, "nope", None):
        reply = await candidate.sio.call("feedback", payload)
        assert reply["ok"] is False and reply["error"]


async def test_messages_sent_through_the_http_api_reach_the_widget(assistant, candidate):
    confirm = await candidate.start()
    await candidate.say("Bonjour", language="fr")
    candidate.drain()
    response = requests.post(
        f"{assistant.url}/conversations/{confirm['session_id']}/tracker/events",
        params={
            "token": assistant.settings.rasa_token,
            "output_channel": "socketio",
            "execute_side_effects": "true",
        },
        json={
            "event": "bot",
            "text": "Bonjour, ici Camille",
            "metadata": {"sender": {"role": "recruiter", "name": "Camille"}},
        },
        timeout=10,
    )
    assert response.status_code == 200
    message = await candidate.next_message()
    assert message["from"] == "recruiter" and message["sender"]["name"] == "Camille"
    assert message["text"] == "Bonjour, ici Camille"
