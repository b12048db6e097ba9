"""Forged sessions: made-up, tampered, expired or ended staff session cookies open
nothing on the web server; forged widget session ids over socket.io (someone else's
id in a message, a REST conversation's id, malformed and huge ids) never reach another
conversation's history."""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import string
from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import text

from bot.core.clock import utcnow
from bot.core.db import transaction
from tests.conftest import Assistant, port
from tests.e2e.socket_client import Candidate
from tests.security.attacks import Staff, WebStack, anonymous, web_stack

pytestmark = [pytest.mark.e2e]

# ---------------------------------------------------------------- staff cookies


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    yield from web_stack(tmp_path_factory.mktemp("forged"), port(18580))


def _flip_last(token: str) -> str:
    alphabet = string.ascii_letters + string.digits
    return token[:-1] + next(c for c in alphabet if c != token[-1])


def forged_cookie(kind: str, stack: WebStack) -> tuple[str, str]:
    """(cookie name, value) an attacker sends; the session it imitates is real where it can be."""
    if kind == "random-token":
        return "ardoise_staff", secrets.token_urlsafe(32)
    if kind == "empty":
        return "ardoise_staff", ""
    if kind == "longer-than-any-token":
        return "ardoise_staff", "A" * 129
    if kind == "huge":
        return "ardoise_staff", "A" * 6000
    if kind == "sql-metacharacters":
        return "ardoise_staff", "x' OR '1'='1' --"
    staff = Staff(stack.url, stack.db_url, "recruiter")
    if kind == "tampered-token":
        return "ardoise_staff", _flip_last(staff.cookie)
    if kind == "stored-hash-of-a-token":
        return "ardoise_staff", hashlib.sha256(staff.cookie.encode()).hexdigest()
    if kind == "csrf-token-as-session":
        return "ardoise_staff", staff.csrf
    if kind == "other-cookie-name":
        return "Ardoise_Staff", staff.cookie
    if kind == "expired-session":
        with transaction(stack.db_url) as session:
            session.execute(
                text("UPDATE web_session SET expires_at = :past WHERE user_id = :user"),
                {"past": utcnow() - timedelta(minutes=1), "user": staff.user_id},
            )
        return "ardoise_staff", staff.cookie
    if kind == "signed-out-session":
        assert staff.request("POST", "/console/logout", csrf=staff.csrf).status_code == 200
        return "ardoise_staff", staff.cookie
    if kind == "deleted-account":
        with transaction(stack.db_url) as session:
            session.execute(
                text("DELETE FROM web_session WHERE user_id = :u"), {"u": staff.user_id}
            )
            session.execute(text("DELETE FROM staff_user WHERE id = :u"), {"u": staff.user_id})
        return "ardoise_staff", staff.cookie
    raise AssertionError(kind)


COOKIES = (
    "random-token",
    "empty",
    "longer-than-any-token",
    "huge",
    "sql-metacharacters",
    "tampered-token",
    "stored-hash-of-a-token",
    "csrf-token-as-session",
    "other-cookie-name",
    "expired-session",
    "signed-out-session",
    "deleted-account",
)


@pytest.mark.parametrize("kind", COOKIES)
def test_a_forged_staff_cookie_opens_nothing(stack: WebStack, kind: str):
    name, value = forged_cookie(kind, stack)
    cookie = {"Cookie": f"{name}={value}"}
    me = anonymous(stack.url, "GET", "/console/api/me", headers=cookie)
    if kind == "huge":
        # over the server's header limit: refused before any handler
        assert me.status_code in (400, 401, 431), me.status_code
    else:
        assert me.status_code == 401, (me.status_code, me.text[:200])
        page = anonymous(stack.url, "GET", "/console/hr", headers=cookie)
        assert (page.status_code, page.headers.get("Location")) == (302, "/console/login")
    assert "Attack" not in me.text


# ---------------------------------------------------------------- widget session ids

SECRET = "Mon numéro de dossier confidentiel est 4242-SECRET"


def user_texts(assistant: Assistant, conversation_id: str) -> list[str]:
    events = assistant.tracker(conversation_id)["events"]
    return [e["text"] for e in events if e["event"] == "user"]


def forged_ids(victim: str, rest_sender: str) -> dict[str, object]:
    return {
        "rest-conversation-id": rest_sender,
        "victim-id-upper-case": victim.upper() if victim.upper() != victim else victim.lower(),
        "victim-id-truncated": victim[:-1],
        "victim-id-plus-one-char": victim + "A",
        "victim-id-padded": f" {victim} ",
        "victim-id-with-nul": victim + "\x00",
        "victim-id-with-path": "../" + victim,
        "victim-id-in-a-list": [victim],
        "victim-id-in-an-object": {"$eq": victim},
        "number": 4242,
        "boolean": True,
        "empty": "",
        "sql-metacharacters": "x' OR '1'='1' --" + "A" * 16,
        "unicode-lookalike": "\uff21" * 32,
        "long": "A" * 10_000,
        "huge": "A" * 200_000,
    }


FORGED_IDS = list(forged_ids("v" * 32, "r" * 32))


@pytest.fixture(scope="module")
def victim(assistant: Assistant) -> dict[str, str]:
    """A widget conversation holding a secret, and a REST conversation with an id the
    shape of a widget's."""

    async def chat() -> str:
        client = Candidate(assistant.url)
        try:
            confirm = await client.start()
            await client.say(SECRET, language="fr")
            return confirm["session_id"]
        finally:
            await client.close()

    session_id = asyncio.run(chat())
    rest_sender = secrets.token_urlsafe(24)
    assistant.ask(rest_sender, f"REST {SECRET}", {"language": "fr"})
    return {"session_id": session_id, "rest_sender": rest_sender}


@pytest.mark.parametrize("kind", FORGED_IDS)
async def test_a_forged_widget_session_id_reaches_no_other_conversation(
    assistant: Assistant, victim: dict[str, str], kind: str
):
    requested = forged_ids(victim["session_id"], victim["rest_sender"])[kind]
    intruder = Candidate(assistant.url)
    try:
        try:
            confirm = await intruder.start(requested)
        except asyncio.TimeoutError:
            # over the server's request size cap: refused at the door, the socket dropped
            assert kind == "huge"
            assert user_texts(assistant, victim["session_id"]) == [SECRET]
            return
        assert confirm["new"] is True and confirm["history"] == []
        assert confirm["session_id"] not in (victim["session_id"], victim["rest_sender"])
        ack, replies = await intruder.say(f"intrus {kind}", language="fr")
        assert ack["ok"] is True
        assert all("SECRET" not in str(m) for m in replies)
    finally:
        await intruder.close()
    assert user_texts(assistant, victim["session_id"]) == [SECRET]
    assert f"intrus {kind}" not in str(assistant.tracker(victim["rest_sender"]))


async def test_a_message_naming_the_victims_id_stays_in_the_senders_conversation(
    assistant: Assistant, victim: dict[str, str]
):
    intruder = Candidate(assistant.url)
    try:
        # no session_request first: the message names the victim's conversation itself
        await intruder.connect()
        ack = await intruder.sio.call(
            "user_uttered",
            {"message": "intrus direct", "session_id": victim["session_id"], "message_id": "m1"},
            timeout=60,
        )
        assert ack["ok"] is True
        confirm = await intruder.confirms.get()
        assert confirm["session_id"] != victim["session_id"] and confirm["history"] == []
    finally:
        await intruder.close()
    assert user_texts(assistant, victim["session_id"]) == [SECRET]
