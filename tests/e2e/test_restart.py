"""Conversations live in the SQL tracker store: a restart loses nothing."""

from __future__ import annotations

import pytest

from bot.candidate.sessions import rest_conversation
from tests.e2e.conftest import new_sender, payloads

pytestmark = pytest.mark.e2e


def user_texts(tracker: dict) -> list[str]:
    return [e.get("text") for e in tracker["events"] if e["event"] == "user"]


def test_restarting_the_rasa_server_keeps_the_conversation(assistant):
    sender = new_sender()
    assistant.ask(sender, "Hello, what's the remote policy?")
    before = assistant.tracker(rest_conversation(sender))
    assistant.services.stop("rasa")
    assistant.services.start_rasa()
    assistant.services.wait_ready()
    after = assistant.tracker(rest_conversation(sender))
    assert user_texts(after) == user_texts(before) == ["Hello, what's the remote policy?"]
    assert after["slots"]["language"] == "en"
    messages = assistant.ask(sender, "and the home office allowance?")
    # same session: no second disclosure, and the language was kept
    assert {"type": "disclosure"} not in payloads(messages)
    assert any(p.get("language") == "en" for p in payloads(messages))


def test_restarting_the_action_server_mid_conversation(assistant):
    sender = new_sender()
    assistant.ask(sender, "Bonjour")
    assistant.services.stop("actions")
    try:
        # the answer needs the action server: the candidate gets an apology, not silence
        down = assistant.ask(
            sender, "Combien de jours de congés par an ?", metadata={"language": "fr"}
        )
        assert {"type": "error"} in payloads(down)
        assert "problème technique" in down[0]["text"]
    finally:
        assistant.services.start_actions()
        assistant.services.wait_ready()
    messages = assistant.ask(sender, "Combien de jours de congés par an ?")
    assert any(p["type"] == "answer" for p in payloads(messages))
