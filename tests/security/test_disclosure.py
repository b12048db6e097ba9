"""Issue 16, finding 15: the AI disclosure (EU AI Act art. 50) comes first in every
conversation, whatever fails. With the action server down when a conversation starts, Rasa
records the failed `action_session_start` as done and never says it again; the channels
send it themselves. Against a Rasa server with no action server at all
(tests/security/candidate_stack.py), over REST and socket.io.
"""

from __future__ import annotations

import pytest

from bot.candidate.sessions import rest_conversation
from tests.e2e.conftest import new_sender, payloads
from tests.e2e.socket_client import customs
from tests.security.candidate_stack import Stack, fresh_ip, strict_stack

pytestmark = pytest.mark.e2e

ENGLISH = "Hello, I'm Ardoise Labs' virtual assistant: an AI, not a person."
FRENCH = "Bonjour, je suis l'assistant virtuel d'Ardoise Labs : une IA, pas une personne."


@pytest.fixture(scope="session")
def stack(request, trained, default_docs, tmp_path_factory) -> Stack:
    return strict_stack(request, trained, default_docs, tmp_path_factory.mktemp("strict"))


def disclosures(events: list[dict]) -> list[str]:
    return [
        e["text"]
        for e in events
        if e["event"] == "bot" and (e.get("data") or {}).get("custom") == {"type": "disclosure"}
    ]


def test_rest_discloses_first_with_the_action_server_down(stack):
    sender, ip = new_sender(), fresh_ip()
    first = stack.post(sender, "Hello", ip, metadata={"language": "en"}).json()
    assert first[0]["text"].startswith(ENGLISH)
    assert payloads(first)[0] == {"type": "disclosure"}
    assert payloads(first).count({"type": "disclosure"}) == 1
    second = stack.post(sender, "What about remote work?", ip, metadata={"language": "en"}).json()
    assert second and {"type": "disclosure"} not in payloads(second)
    # stored: the recruiter's transcript and a resumed widget show it
    (stored,) = disclosures(stack.tracker(rest_conversation(sender))["events"])
    assert stored.startswith(ENGLISH)


def test_rest_discloses_in_both_languages_when_the_language_is_unknown(stack):
    first = stack.post(new_sender(), "ok", fresh_ip()).json()
    assert payloads(first)[0] == {"type": "disclosure"}
    assert FRENCH in first[0]["text"] and ENGLISH in first[0]["text"]


async def test_the_socket_discloses_first_with_the_action_server_down(stack):
    client = stack.candidate(fresh_ip())
    try:
        confirm = await client.start()
        ack, replies = await client.say("Bonjour", language="fr")
        assert ack["ok"] is True
        assert customs(replies)[0] == {"type": "disclosure"}
        assert replies[0]["text"].startswith(FRENCH)
        ack, replies = await client.say("Et le télétravail ?", language="fr")
        assert {"type": "disclosure"} not in customs(replies)
        resumed = await client.start(confirm["session_id"])
        shown = [m for m in resumed["history"] if m.get("custom") == {"type": "disclosure"}]
        assert len(shown) == 1 and shown[0]["text"].startswith(FRENCH)
        assert len(disclosures(stack.tracker(confirm["session_id"])["events"])) == 1
    finally:
        await client.close()
