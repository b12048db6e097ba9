"""A message is acknowledged only once the tracker store's database holds it.

When its database refuses a turn's events, Rasa's FailSafeTrackerStore keeps them in
memory and the turn looks done: the candidate would be told the message was received,
and it would be gone. Here the real tracker store (the assistant's SQLite database)
refuses one conversation's rows with a trigger, as a database away would, and the
channels must ask the client to send the message again; once the database takes rows
again, the same message goes through and is stored once. The widget's outbox doing
this by itself: tests/browser/test_widget.py.
"""

from __future__ import annotations

import uuid

import pytest
import requests

from bot.candidate.sessions import rest_conversation
from tests.e2e.socket_client import Candidate
from tests.e2e.tracker_faults import refusing, stored_texts

pytestmark = pytest.mark.e2e

QUESTION = "Quelle est votre politique de télétravail ?"


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
        # the apology alone (its text, then its payload): the answer comes with the kept copy
        assert [m["custom"] for m in refused.json() if "custom" in m] == [{"type": "error"}]
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
            # the apology alone: the answer comes with the copy that is kept
            assert [m.get("custom") for m in said] == [{"type": "error"}]
            assert QUESTION not in stored_texts(url, conversation_id)
        # the widget's outbox sends the same message again
        ack, said = await candidate.say(QUESTION, language="fr", message_id=message_id)
        assert ack == {"ok": True, "message_id": message_id}
        assert {"type": "error"} not in [m.get("custom") for m in said]
        assert [
            m["custom"]["article"] for m in said if m.get("custom", {}).get("type") == "answer"
        ] == ["remote-work"]
        assert stored_texts(url, conversation_id) == ["Bonjour", QUESTION]
    finally:
        await candidate.close()
