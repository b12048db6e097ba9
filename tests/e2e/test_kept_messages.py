"""A message is acknowledged only once the tracker store's database holds it.

When its database refuses a turn's events, Rasa's FailSafeTrackerStore keeps them in
memory and the turn looks done: the candidate would be told the message was received,
and it would be gone. Here the real tracker store (the assistant's SQLite database)
refuses one conversation's rows with a trigger, as a database away would, and the
channels must ask the client to send the message again; once the database takes rows
again, the same message goes through and is stored once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.candidate.sessions import rest_conversation
from bot.core.tracker_store import conversation_events
from tests.e2e.socket_client import Candidate

pytestmark = pytest.mark.e2e

QUESTION = "Quelle est votre politique de télétravail ?"


@contextmanager
def refusing(url: str, conversation_id: str) -> Iterator[None]:
    """The tracker store's database refuses every new row of this conversation."""
    engine = create_engine(url)
    name = f"refuse_{uuid.uuid4().hex[:8]}"
    quoted = conversation_id.replace("'", "''")
    with engine.begin() as connection:
        connection.execute(
            text(
                f"CREATE TRIGGER {name} BEFORE INSERT ON events "
                f"WHEN NEW.sender_id = '{quoted}' "
                "BEGIN SELECT RAISE(ABORT, 'the database is away'); END"
            )
        )
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP TRIGGER {name}"))
        engine.dispose()


def stored_texts(url: str, conversation_id: str) -> list[str]:
    return [e["text"] for e in conversation_events(url, conversation_id) if e["event"] == "user"]


def test_rest_answers_503_until_the_message_is_stored(assistant):
    url = assistant.settings.tracker_store_url
    sender = f"kept-{uuid.uuid4().hex[:10]}"
    conversation_id = rest_conversation(sender)
    assistant.ask(sender, "Bonjour")  # the conversation exists, its disclosure is said
    webhook = f"{assistant.url}/webhooks/rest/webhook"
    body = {"sender": sender, "message": QUESTION}
    with refusing(url, conversation_id):
        refused = requests.post(webhook, json=body, timeout=60)
        assert refused.status_code == 503
        assert int(refused.headers["Retry-After"]) > 0
        assert refused.json()[-1]["custom"] == {"type": "error"}  # the apology
        assert QUESTION not in stored_texts(url, conversation_id)
    again = requests.post(webhook, json=body, timeout=60)
    assert again.status_code == 200
    assert {"type": "error"} not in [m.get("custom") for m in again.json()]
    assert stored_texts(url, conversation_id) == ["Bonjour", QUESTION]


async def test_socketio_acknowledges_only_the_stored_copy(assistant):
    url = assistant.settings.tracker_store_url
    candidate = Candidate(assistant.url)
    try:
        await candidate.start()
        conversation_id = candidate.session_id
        assert conversation_id is not None
        ack, _ = await candidate.say("Bonjour", language="fr")
        assert ack["ok"] is True
        message_id = uuid.uuid4().hex
        with refusing(url, conversation_id):
            ack, said = await candidate.say(QUESTION, language="fr", message_id=message_id)
            assert ack["ok"] is False and ack["status"] == 503 and ack["retry_after"] > 0
            assert ack["message_id"] == message_id
            assert said[-1]["custom"] == {"type": "error"}
            assert QUESTION not in stored_texts(url, conversation_id)
        # the widget's outbox sends the same message again
        ack, said = await candidate.say(QUESTION, language="fr", message_id=message_id)
        assert ack == {"ok": True, "message_id": message_id}
        assert {"type": "error"} not in [m.get("custom") for m in said]
        assert stored_texts(url, conversation_id) == ["Bonjour", QUESTION]
    finally:
        await candidate.close()
