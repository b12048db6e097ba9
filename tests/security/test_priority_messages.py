"""The "what matters to you" message a candidate can send (`/tell_priorities{"priorities":
[...]}`) with hostile values, against the running assistant (issue 13).

Every attempt gets a reply in the contract (the question, or the message read as plain
text), never a server error; the conversation's `priorities` slot only ever holds known
names; markup typed around priority words is never echoed into the pitch; the crafted
command shows as text in the widget (tests/security/test_xss.py checks every typed
payload there)."""

from __future__ import annotations

import json

import pytest

from bot.candidate.sessions import rest_conversation
from bot.core.priority_texts import PRIORITIES
from tests.e2e.conftest import new_sender, payloads, texts
from tests.security.attacks import SQL, XSS

pytestmark = pytest.mark.e2e

CRAFTED = [
    *[[value] for value in XSS.values()],
    *[[value] for value in SQL.values()],
    ["../../etc/passwd"],
    ["remote", {"nested": "object"}],
    ["remote"] * 13,  # more names than there are priorities
    [f"priority_{i}" for i in range(50)],  # fifty
    [True, 1, None],
    ["a" * 33],
    "remote",  # not a list
    {"remote": True},
    [],
]


@pytest.mark.parametrize("value", CRAFTED, ids=lambda v: json.dumps(v)[:40])
def test_crafted_priorities_get_the_contract_and_no_pitch(assistant, value):
    sender = new_sender()
    message = "/tell_priorities" + json.dumps({"priorities": value})
    replies = assistant.ask(sender, message, metadata={"language": "en"})
    kinds = [p.get("type") for p in payloads(replies)]
    assert replies and "pitch" not in kinds and "error" not in kinds, kinds
    slots = assistant.tracker(rest_conversation(sender))["slots"]
    assert not slots.get("priorities")


def test_other_entities_cannot_ride_along(assistant):
    sender = new_sender()
    message = '/tell_priorities{"priorities": ["pay"], "language": "de", "offer": "human"}'
    replies = assistant.ask(sender, message, metadata={"language": "en"})
    assert "pitch" not in [p.get("type") for p in payloads(replies)]
    slots = assistant.tracker(rest_conversation(sender))["slots"]
    assert slots.get("language") != "de" and slots.get("offer") != "human"


def test_the_slot_keeps_known_names_only(assistant):
    sender = new_sender()
    message = '/tell_priorities{"priorities": ["drop_table", "pay", "pay", "remote"]}'
    replies = assistant.ask(sender, message, metadata={"language": "fr"})
    (pitch,) = [p for p in payloads(replies) if p.get("type") == "pitch"]
    assert pitch["priorities"] == ["pay", "remote"]
    assert assistant.tracker(rest_conversation(sender))["slots"]["priorities"] == ["pay", "remote"]
    assert set(assistant.tracker(rest_conversation(sender))["slots"]["priorities"]) <= set(
        PRIORITIES
    )


@pytest.mark.parametrize("payload", ["script-tag", "img-onerror"])
def test_markup_around_priority_words_is_not_echoed(assistant, payload):
    typed = f"{XSS[payload]} what matters to me is pay and stability"
    replies = assistant.ask(new_sender(), typed, metadata={"language": "en"})
    # the model may read the markup as off topic; a pitch, if any, names the words only
    for pitch in [p for p in payloads(replies) if p.get("type") == "pitch"]:
        assert pitch["priorities"] == ["pay", "stability"]
    said = texts(replies) + json.dumps(payloads(replies))
    assert "<script" not in said and "onerror" not in said


def test_a_huge_message_full_of_priority_words_is_answered_once(assistant):
    typed = "what matters to me: " + " ".join(["remote pay growth mission"] * 120)
    replies = assistant.ask(new_sender(), typed[:2000], metadata={"language": "en"})
    pitches = [p for p in payloads(replies) if p.get("type") == "pitch"]
    assert len(pitches) == 1
    assert pitches[0]["priorities"] == ["remote", "pay", "growth", "mission"]
    assert len(pitches[0]["points"]) <= 5
