"""Issue 16, finding 3 (the transport's part), against a real Rasa server with strict limits
(tests/security/candidate_stack.py): messages, new sessions, ratings and callback requests
per client address and per conversation. A refused request gets the polite `slow_down`
sentence (REST: a reply like any other; socket.io: the acknowledgement) and is not processed.

The client address is the one nginx (a trusted proxy, TRUSTED_PROXIES) puts in
X-Forwarded-For: each test is its own address, however many tests share the server.
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from bot.candidate.abuse import slow_down_text
from bot.candidate.sessions import ChatSession, rest_conversation
from bot.core.db import transaction
from tests.e2e.conftest import new_sender
from tests.security.candidate_stack import STRICT_LIMITS, Stack, fresh_ip, strict_stack

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def stack(request, trained, default_docs, tmp_path_factory) -> Stack:
    return strict_stack(request, trained, default_docs, tmp_path_factory.mktemp("strict"))


@pytest.fixture
async def candidates(stack):
    opened = []

    def new(ip: str):
        opened.append(stack.candidate(ip))
        return opened[-1]

    yield new
    for client in opened:
        await client.close()


def user_texts(stack: Stack, conversation_id: str) -> list[str]:
    return [e["text"] for e in stack.tracker(conversation_id)["events"] if e["event"] == "user"]


def sessions(stack: Stack) -> int:
    with transaction(stack.settings.database_url) as session:
        return int(session.execute(select(func.count()).select_from(ChatSession)).scalar_one())


def is_slow_down(ack: dict, language: str) -> bool:
    return (
        ack.get("ok") is False
        and ack.get("status") == 429
        and ack["retry_after"] >= 1
        and ack["error"] == slow_down_text(language, ack["retry_after"])
    )


# ---------------------------------------------------------------- REST


def test_rest_messages_per_conversation(stack):
    sender, ip = new_sender(), fresh_ip()
    count, _ = STRICT_LIMITS["messages-conversation"]
    for number in range(count):
        reply = stack.post(sender, f"question {number}", ip, metadata={"language": "en"})
        assert reply.status_code == 200 and "Retry-After" not in reply.headers
    refused = stack.post(sender, "one too many", ip, metadata={"language": "en"})
    assert refused.status_code == 200
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 60
    assert refused.json() == [{"recipient_id": sender, "text": slow_down_text("en", wait)}]
    # not processed: never stored
    assert user_texts(stack, rest_conversation(sender)) == [f"question {n}" for n in range(count)]


def test_rest_messages_per_address(stack):
    ip = fresh_ip()
    count, _ = STRICT_LIMITS["messages-ip"]
    per_conversation, _ = STRICT_LIMITS["messages-conversation"]
    for number in range(count):
        sender = f"ip-test-{number // per_conversation}-{ip}"
        assert "Retry-After" not in stack.post(sender, "hello", ip).headers
    refused = stack.post(new_sender(), "hello", ip, metadata={"language": "fr"})
    wait = int(refused.headers["Retry-After"])
    assert refused.json()[0]["text"] == slow_down_text("fr", wait)
    # another address is not held back
    assert "Retry-After" not in stack.post(new_sender(), "hello", fresh_ip()).headers


# ---------------------------------------------------------------- socket.io


async def test_socket_messages_per_conversation(stack, candidates):
    client = candidates(fresh_ip())
    confirm = await client.start()
    count, _ = STRICT_LIMITS["messages-conversation"]
    for number in range(count):
        ack, _ = await client.say(f"question {number}", language="en")
        assert ack["ok"] is True
    ack, replies = await client.say("one too many", language="en")
    assert is_slow_down(ack, "en") and replies == []
    assert user_texts(stack, confirm["session_id"]) == [f"question {n}" for n in range(count)]


async def test_new_sessions_per_address(stack, candidates):
    ip = fresh_ip()
    count, _ = STRICT_LIMITS["sessions-ip"]
    before = sessions(stack)
    first = candidates(ip)
    confirm = await first.start()
    for _ in range(count - 1):
        await candidates(ip).start()
    assert sessions(stack) == before + count
    refused = candidates(ip)
    await refused.connect()
    ack = await refused.sio.call("session_request", {"session_id": None, "language": "en"})
    assert is_slow_down(ack, "en")
    told = await refused.next_message()
    assert told["text"] == ack["error"]
    assert refused.confirms.empty()
    # a client skipping session_request is held back the same way
    ack = await refused.sio.call(
        "user_uttered", {"message": "hello", "metadata": {"language": "en"}}
    )
    assert is_slow_down(ack, "en")
    assert sessions(stack) == before + count
    # resuming a known session is not a new one
    again = await candidates(ip).start(confirm["session_id"])
    assert again["session_id"] == confirm["session_id"] and again["new"] is False


async def test_ratings_per_conversation_and_address(stack, candidates):
    ip = fresh_ip()
    per_conversation, _ = STRICT_LIMITS["ratings-conversation"]
    per_address, _ = STRICT_LIMITS["ratings-ip"]
    rating = {"article": "remote-work", "rating": "down", "language": "en"}
    client = candidates(ip)
    await client.start()
    for _ in range(per_conversation):
        assert "retry_after" not in await client.sio.call("feedback", rating)
    assert is_slow_down(await client.sio.call("feedback", rating), "en")
    other = candidates(ip)
    await other.start()
    for _ in range(per_address - per_conversation):
        assert "retry_after" not in await other.sio.call("feedback", rating)
    assert is_slow_down(await other.sio.call("feedback", rating), "en")


async def test_callback_requests_per_address(stack, candidates):
    ip = fresh_ip()
    count, _ = STRICT_LIMITS["callbacks-ip"]
    request = {
        "name": "Alex Martin",
        "email": "alex@example.org",
        "question": "Do you sponsor visas?",
        "consent": True,
        "language": "en",
    }
    client = candidates(ip)
    await client.start()
    for _ in range(count):
        assert "retry_after" not in await client.sio.call("callback_request", request)
    refused = await client.sio.call("callback_request", request)
    assert is_slow_down(refused, "en")
    assert refused["errors"] == {"form": refused["error"]}


def test_filled_in_forms_per_address(stack):
    """Applications and community sign-ups send e-mails: a few an hour per address, on top
    of the message limits; other messages from that address still go through."""
    ip = fresh_ip()
    count, _ = STRICT_LIMITS["forms-ip"]
    forms = [
        '/join_community{"email": "a@example.org", "consent": true}',
        '/apply{"job": "sre", "email": "a@example.org", "consent": true}',
    ]
    for number in range(count):
        reply = stack.post(new_sender(), forms[number % 2], ip, metadata={"language": "en"})
        assert "Retry-After" not in reply.headers
    sender = new_sender()
    refused = stack.post(sender, forms[0], ip, metadata={"language": "en"})
    wait = int(refused.headers["Retry-After"])
    assert refused.json() == [{"recipient_id": sender, "text": slow_down_text("en", wait)}]
    assert user_texts(stack, rest_conversation(sender)) == []  # not processed
    # a button's `/apply{"job"}` (no e-mail) and plain messages are not forms
    for message in ('/apply{"job": "sre"}', "hello"):
        assert "Retry-After" not in stack.post(new_sender(), message, ip).headers


async def test_filled_in_forms_per_address_over_socket_io(stack, candidates):
    ip = fresh_ip()
    count, _ = STRICT_LIMITS["forms-ip"]
    form = {"message": '/join_community{"email": "b@example.org"}', "metadata": {"language": "en"}}
    client = candidates(ip)
    await client.start()
    for _ in range(count):
        assert (await client.sio.call("user_uttered", form)).get("ok") is True
    assert is_slow_down(await client.sio.call("user_uttered", form), "en")
