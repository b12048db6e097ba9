"""Issue 16, findings 2, 8, 9 and 11, against the real running Rasa and action servers: what a
candidate's REST call or socket can make the candidate channels store or do.

- 2: request bodies are capped (64 KB) before they are read, metadata keeps only what the
  assistant uses (the audit stored a 12 MB `metadata` three times).
- 8: a transcript shows a button's title only for a button the assistant sent.
- 9: only the reply contract's commands, with valid entities, are read as commands
  (`/greet{"language": {"x": 1}}` set a slot of the wrong type).
- 11: REST conversations live apart from the widget's and follow the handoff's rules.
"""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from sqlalchemy import delete, update

from bot.candidate.sessions import rest_conversation
from bot.core.db import transaction
from bot.handoff.models import Handoff, Presence
from bot.handoff.service import touch_presence
from bot.staff.accounts import add_user
from tests.e2e.conftest import new_sender, payloads, texts
from tests.e2e.socket_client import Candidate, customs

pytestmark = pytest.mark.e2e

KB = 1024


def webhook(assistant) -> str:
    return f"{assistant.url}/webhooks/rest/webhook"


def rest_events(assistant, sender: str) -> list[dict]:
    return assistant.tracker(rest_conversation(sender))["events"]


def user_events(events: list[dict]) -> list[dict]:
    return [e for e in events if e["event"] == "user"]


def client_metadata(event: dict) -> dict:
    """A user event's metadata without what Rasa adds itself (model and assistant ids)."""
    return {k: v for k, v in event["metadata"].items() if k not in ("model_id", "assistant_id")}


@pytest.fixture
async def candidate(assistant):
    client = Candidate(assistant.url)
    yield client
    await client.close()


# ---------------------------------------------------------------- 2: sizes


@pytest.mark.parametrize("size", [70 * KB, 12 * 1024 * KB])
def test_a_body_over_64_kb_is_refused_before_it_is_read(assistant, size):
    sender = new_sender()
    body = {"sender": sender, "message": "hello", "metadata": {"blob": "x" * size}}
    reply = requests.post(webhook(assistant), json=body, timeout=60)
    assert reply.status_code == 413
    assert reply.json() == {"error": "the request body is larger than 64 KB"}
    assert user_events(rest_events(assistant, sender)) == []


def test_a_chunked_body_without_length_is_capped_too(assistant):
    sender = new_sender()
    head = json.dumps({"sender": sender, "message": "hello", "metadata": {"blob": ""}})[:-2]

    def chunks():
        yield head.encode()
        for _ in range(100):  # 1.6 MB in all, no Content-Length
            yield b"y" * (16 * KB)
        yield b'"}}'

    reply = requests.post(
        webhook(assistant), data=chunks(), headers={"Content-Type": "application/json"}, timeout=60
    )
    assert reply.status_code == 413
    assert user_events(rest_events(assistant, sender)) == []
    assert assistant.ask(new_sender(), "hello")  # still up


def test_unknown_metadata_is_not_stored(assistant):
    sender = new_sender()
    metadata = {"language": "en", "blob": "x" * (50 * KB), "nested": {"a": [1, 2]}}
    messages = assistant.ask(sender, "hello", metadata=metadata)
    assert messages and all(m["recipient_id"] == sender for m in messages)
    events = rest_events(assistant, sender)
    assert [client_metadata(e) for e in user_events(events)] == [{"language": "en"}]
    assert "x" * 100 not in json.dumps(events)


def test_a_socketio_body_over_64_kb_is_refused(assistant):
    reply = requests.post(
        f"{assistant.url}/socket.io/",
        params={"EIO": "4", "transport": "polling", "sid": "x"},
        data=b"4" + b"x" * (1024 * KB),
        timeout=60,
    )
    assert reply.status_code == 413


# ---------------------------------------------------------------- 8: button titles


async def test_a_made_up_display_never_reaches_the_transcript(assistant, candidate):
    confirm = await candidate.start()
    ack, _ = await candidate.say(
        "I withdraw my application", metadata={"language": "en", "display": "Thank you!"}
    )
    assert ack["ok"]
    ack, _ = await candidate.say(
        "/deny", metadata={"language": "en", "display": "Yes, I accept your offer"}
    )
    assert ack["ok"]
    resumed = await candidate.start(confirm["session_id"])
    shown = [m["text"] for m in resumed["history"] if m["from"] == "candidate"]
    assert shown == ["I withdraw my application", "/deny"]


async def test_the_title_of_a_button_the_assistant_sent_is_shown(assistant, candidate):
    confirm = await candidate.start()
    _, replies = await candidate.say("What is your hiring process?", language="en")
    button = next(b for m in replies for b in m.get("quick_replies", []))
    ack, replies = await candidate.say(
        button["payload"], metadata={"language": "en", "display": button["title"]}
    )
    assert ack["ok"] and any(c.get("type") == "answer" for c in customs(replies))
    # the widget's own "talk to a recruiter" button
    human = "I'd like to talk to a person from the recruiting team."
    ack, _ = await candidate.say("/request_human", metadata={"language": "en", "display": human})
    resumed = await candidate.start(confirm["session_id"])
    shown = [m["text"] for m in resumed["history"] if m["from"] == "candidate"]
    assert shown == ["What is your hiring process?", button["title"], human]


def test_a_rest_display_is_dropped_unless_the_button_was_sent(assistant):
    sender = new_sender()
    assistant.ask(sender, "hello", metadata={"language": "en", "display": "I love you"})
    assert [client_metadata(e) for e in user_events(rest_events(assistant, sender))] == [
        {"language": "en"}
    ]


# ---------------------------------------------------------------- 9: commands


@pytest.mark.parametrize(
    "command",
    [
        '/greet{"language": {"x": 1}}',
        '/affirm{"language": ["fr", "en"]}',
        '/choose_article{"article": {"id": "remote-work"}}',
        '/choose_article{"article": "remote-work", "offer": "human"}',
        "/action_request_human",
    ],
)
def test_a_crafted_command_is_read_as_plain_text(assistant, command):
    sender = new_sender()
    messages = assistant.ask(sender, command, metadata={"language": "en"})
    assert messages and {"type": "error"} not in payloads(messages)
    tracker = assistant.tracker(rest_conversation(sender))
    assert tracker["slots"]["language"] == "en"
    (user,) = user_events(tracker["events"])
    assert user["text"].endswith(command) and not user["text"].startswith("/")
    assert user["parse_data"]["intent"]["name"] not in (
        "greet",
        "affirm",
        "choose_article",
        "action_request_human",
    )
    assert all(isinstance(e["value"], str) for e in user["parse_data"]["entities"])


def test_the_contracts_commands_still_work(assistant):
    sender = new_sender()
    messages = assistant.ask(
        sender, '/choose_article{"article": "remote-work"}', metadata={"language": "en"}
    )
    answer = next(p for p in payloads(messages) if p["type"] == "answer")
    # (the answer's source, owner and review date, follows: bot.core.replies.answer)
    assert {key: answer[key] for key in ("type", "article", "confidence", "language")} == {
        "type": "answer",
        "article": "remote-work",
        "confidence": 1.0,
        "language": "en",
    }


async def test_a_crafted_command_on_the_socket_is_plain_text(assistant, candidate):
    confirm = await candidate.start()
    ack, replies = await candidate.say('/greet{"language": {"x": 1}}', language="fr")
    assert ack["ok"] and replies
    tracker = assistant.tracker(confirm["session_id"])
    assert tracker["slots"]["language"] == "fr"
    resumed = await candidate.start(confirm["session_id"])
    assert [m["text"] for m in resumed["history"] if m["from"] == "candidate"] == [
        '/greet{"language": {"x": 1}}'
    ]


# ---------------------------------------------------------------- 11: REST's own conversations


async def test_rest_cannot_write_into_a_widget_conversation(assistant, candidate):
    confirm = await candidate.start()
    session_id = confirm["session_id"]
    await candidate.say("Bonjour", language="fr")
    messages = assistant.ask(session_id, "I am writing into someone else's chat")
    assert messages and all(m["recipient_id"] == session_id for m in messages)
    widget = [e.get("text") for e in user_events(assistant.tracker(session_id)["events"])]
    assert widget == ["Bonjour"]
    resumed = await candidate.start(session_id)
    assert "someone else" not in json.dumps(resumed["history"])
    assert [e["text"] for e in user_events(rest_events(assistant, session_id))] == [
        "I am writing into someone else's chat"
    ]


@pytest.fixture
def recruiter_on_duty(assistant, mailbox, hooks):
    """A recruiter whose console is open (a presence row), so a handoff is queued
    (the recruiters' e-mail and webhook go to the local test servers)."""
    login = f"rec-{uuid.uuid4().hex[:8]}"
    with transaction(assistant.settings.database_url) as session:
        user = add_user(
            session=session,
            login=login,
            display_name="Camille Test",
            role="recruiter",
            password="a-long-test-password",
        )
        touch_presence(session=session, user_id=user.id)
    yield
    with transaction(assistant.settings.database_url) as session:
        session.execute(delete(Presence))
        session.execute(
            update(Handoff).where(Handoff.status.in_(("queued", "claimed"))).values(status="closed")
        )


def test_a_rest_candidate_waiting_for_a_recruiter_is_heard_not_apologised_to(
    assistant, recruiter_on_duty
):
    sender = new_sender()
    assistant.ask(sender, "Bonjour", metadata={"language": "fr"})
    queued = assistant.ask(sender, "Je voudrais parler à un humain", metadata={"language": "fr"})
    assert any(p.get("status") == "queued" for p in payloads(queued))
    waiting = assistant.ask(sender, "Vous êtes là ?", metadata={"language": "fr"})
    # kept for the recruiter and said so, once: no apology, no "technical problem"
    assert payloads(waiting) == [{"type": "handoff", "status": "noted"}]
    assert assistant.ask(sender, "Toujours là ?", metadata={"language": "fr"}) == []
    relay = requests.post(
        f"{assistant.url}/webhooks/socketio/relay",
        json={
            "conversation_id": rest_conversation(sender),
            "messages": [
                {"text": "Bonjour, ici Camille", "sender": {"role": "recruiter", "name": "Camille"}}
            ],
        },
        headers={"Authorization": f"Bearer {assistant.settings.rasa_token}"},
        timeout=10,
    )
    assert relay.status_code == 200
    answered = assistant.ask(sender, "Super, merci", metadata={"language": "fr"})
    assert answered == [
        {
            "recipient_id": sender,
            "text": "Bonjour, ici Camille",
            "sender": {"role": "recruiter", "name": "Camille"},
        }
    ]
    assert assistant.ask(sender, "Et ensuite ?", metadata={"language": "fr"}) == []
    said = [e["text"] for e in user_events(rest_events(assistant, sender))]
    assert said[-4:] == ["Vous êtes là ?", "Toujours là ?", "Super, merci", "Et ensuite ?"]
    assert "technique" not in texts(waiting + answered)
