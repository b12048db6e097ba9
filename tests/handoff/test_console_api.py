"""The recruiter console's API over a real socket and a real database: sign-in, the
queue, claims, notes, search, callback requests, roles and CSRF. The e2e and browser
tests drive the same routes against a running assistant."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import insert

from bot.core.db import transaction
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.handoff.callbacks import create_callback
from bot.staff.views import LOGIN_CSRF_COOKIE
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.handoff.factories import add_staff, queue
from tests.web.test_workspace import PASSWORD
from tests.web.test_workspace import Staff as SignedInStaff


class Staff(SignedInStaff):
    """One browser signed in through the form (as in the workspace's tests), calling /console."""

    async def call(
        self, method: str, path: str, body: Any = None, csrf: bool = True
    ) -> tuple[int, Any]:
        """Every console route answers JSON, errors included."""
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        async with self.http.request(method, path, json=body, headers=headers) as answer:
            return answer.status, await answer.json(content_type=None)


@pytest.fixture
async def console(tmp_path, db_url):
    # RASA_PORT: nothing listens there, so telling the candidate fails (and is reported).
    settings = make_settings(
        tmp_path, database_url=db_url, RASA_PORT="15997", WEB_PORT="8125", RASA_TOKEN="t"
    )
    staff = add_staff(db_url, PASSWORD)  # the password SignedInStaff types
    for conversation in ("alex", "sam"):
        queue(db_url, staff, conversation)
    with transaction(db_url) as session:
        create_callback(
            session=session,
            conversation_id="sam",
            data={"name": "Sam", "email": "sam@example.org", "question": "Visa ?", "consent": True},
            language="fr",
            retention_days=30,
        )
    engine = tracker_engine(db_url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        for sender, kind, event in (
            ("alex", "user", {"event": "user", "text": "Le télétravail ?", "timestamp": 1.0}),
            ("sam", "user", {"event": "user", "text": "Mon visa", "timestamp": 2.0}),
        ):
            connection.execute(
                insert(EVENTS).values(sender_id=sender, type_name=kind, data=json.dumps(event))
            )
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url(""))
    people = {name: Staff(base) for name in ("camille", "malik", "hr1", "nobody")}
    for name in ("camille", "malik", "hr1"):
        await people[name].sign_in(name)
    yield people
    for person in people.values():
        await person.http.close()
    await server.close()


async def test_sign_in_lands_each_role_on_its_page_and_refuses_bad_forms(console):
    assert console["camille"].landing == "/console"
    assert console["hr1"].landing == "/console/hr"
    stranger = console["nobody"]
    async with stranger.http.get("/console/login") as page:
        text = await page.text()
        assert 'name="login"' in text and 'type="password"' in text
        assert 'role="alert"' not in text and "{{" not in text
        assert LOGIN_CSRF_COOKIE in page.headers.get("Set-Cookie", "")
    form = {"csrf": stranger.http.cookie_jar.filter_cookies(page.url)[LOGIN_CSRF_COOKIE].value}
    async with stranger.http.post(
        "/console/login", data={**form, "login": "camille", "password": "wrong-password"}
    ) as answer:
        assert answer.status == 401
        assert "Wrong login or password" in await answer.text()
    async with stranger.http.post(
        "/console/login", data={"csrf": "forged", "login": "camille", "password": PASSWORD}
    ) as answer:
        assert answer.status == 403
        assert "Expired form, try again" in await answer.text()
    async with console["camille"].http.get("/console/login", allow_redirects=False) as page:
        assert page.status == 302 and page.headers["Location"] == "/console"


async def test_the_queue_lists_waiting_conversations_oldest_first(console):
    status, data = await console["camille"].call("GET", "/console/api/queue")
    assert status == 200
    assert [h["conversation"] for h in data["handoffs"]] == ["alex", "sam"]
    first = data["handoffs"][0]
    assert first["status"] == "queued" and first["claimed_by"] is None
    assert first["requested_at"].endswith("Z")
    status, me = await console["camille"].call("GET", "/console/api/me")
    assert me == {"id": me["id"], "name": "Camille Roux", "role": "recruiter", "login": "camille"}


async def test_of_two_simultaneous_claims_one_wins_and_the_other_sees_who(console):
    _, data = await console["camille"].call("GET", "/console/api/queue")
    handoff = data["handoffs"][0]["id"]
    path = f"/console/api/handoffs/{handoff}/claim"
    results = await asyncio.gather(
        console["camille"].call("POST", path), console["malik"].call("POST", path)
    )
    statuses = sorted(status for status, _ in results)
    assert statuses == [200, 409]
    won = next(body for status, body in results if status == 200)
    lost = next(body for status, body in results if status == 409)
    assert won == {"ok": True, "candidate_notified": False}  # no Rasa here
    assert lost["error"] == "already taken" and lost["status"] == "claimed"
    assert lost["by"] in ("Camille Roux", "Malik Benali")
    status, missing = await console["camille"].call("POST", "/console/api/handoffs/999/claim")
    assert (status, missing) == (404, {"error": "unknown handoff"})


async def test_only_the_holder_writes_hands_back_or_closes(console):
    _, data = await console["camille"].call("GET", "/console/api/queue")
    handoff = data["handoffs"][0]["id"]
    await console["camille"].call("POST", f"/console/api/handoffs/{handoff}/claim")
    messages = f"/console/api/handoffs/{handoff}/messages"
    assert await console["malik"].call("POST", messages, {"text": "Bonjour"}) == (
        409,
        {"error": "this conversation is not yours"},
    )
    assert await console["camille"].call("POST", messages, {"text": "  "}) == (
        400,
        {"error": "the message is empty"},
    )
    status, _ = await console["camille"].call("POST", messages, {"text": "x" * 2001})
    assert status == 413
    status, failed = await console["camille"].call("POST", messages, {"text": "Bonjour"})
    assert status == 502 and failed["error"].startswith("not delivered: ")
    ending = f"/console/api/handoffs/{handoff}/return"
    assert (await console["malik"].call("POST", ending))[0] == 409
    assert await console["camille"].call("POST", ending) == (
        200,
        {"ok": True, "candidate_notified": False},
    )
    assert (await console["camille"].call("POST", f"/console/api/handoffs/{handoff}/close"))[
        0
    ] == 409


async def test_notes_and_the_transcript_of_a_conversation(console):
    path = "/console/api/conversations/alex"
    assert await console["camille"].call("POST", f"{path}/notes", {"text": " "}) == (
        400,
        {"error": "a note needs some text"},
    )
    assert await console["malik"].call("POST", f"{path}/notes", {"text": "Rappeler"}) == (
        200,
        {"ok": True},
    )
    status, data = await console["camille"].call("GET", path)
    assert status == 200 and data["conversation"] == "alex"
    assert [(n["author"], n["text"]) for n in data["notes"]] == [("Malik Benali", "Rappeler")]
    assert [(x["sender"], x["text"]) for x in data["transcript"]] == [
        ("candidate", "Le télétravail ?")
    ]
    assert [h["conversation"] for h in data["handoffs"]] == ["alex"]
    assert await console["camille"].call("GET", "/console/api/conversations/nobody") == (
        404,
        {"error": "no handoff for this conversation"},
    )


async def test_search_by_words_dates_and_language(console):
    async def found(query: str) -> Any:
        status, data = await console["camille"].call("GET", f"/console/api/search?{query}")
        return [h["conversation"] for h in data["handoffs"]] if status == 200 else (status, data)

    assert await found("q=T%C3%89L%C3%89TRAVAIL") == ["alex"]
    assert await found("q=visa") == ["sam"]
    assert sorted(await found("language=fr&status=queued")) == ["alex", "sam"]
    assert await found("from=2999-01-01") == []
    assert await found("from=yesterday") == (
        400,
        {
            "error": "dates are written like 2026-11-26, between 2000-01-01 and 2999-12-31",
            "code": "request_date",
        },
    )
    assert await found("language=de") == (400, {"error": "language is fr or en"})


async def test_callback_requests_are_listed_and_recruiters_move_them_on(console):
    status, data = await console["malik"].call("GET", "/console/api/callbacks")
    assert status == 200
    (request,) = data["callbacks"]
    assert request["email"] == "sam@example.org" and request["status"] == "new"
    path = f"/console/api/callbacks/{request['id']}"
    assert (await console["hr1"].call("POST", path, {"status": "done"}))[0] == 403
    assert await console["camille"].call("POST", path, {"status": "done"}) == (200, {"ok": True})
    assert (await console["camille"].call("POST", path, {"status": "lost"}))[0] == 400
    assert await console["camille"].call(
        "POST", "/console/api/callbacks/999999", {"status": "done"}
    ) == (404, {"error": "unknown callback request"})
    assert await console["camille"].call("POST", "/console/api/callbacks/x1", {}) == (
        404,
        {"error": "unknown callback request"},
    )


async def test_roles_sign_in_and_csrf_guard_every_change(console):
    _, data = await console["camille"].call("GET", "/console/api/queue")
    handoff = data["handoffs"][0]["id"]
    claim = f"/console/api/handoffs/{handoff}/claim"
    assert await console["nobody"].call("GET", "/console/api/queue") == (
        401,
        {"error": "sign in first"},
    )
    assert await console["hr1"].call("POST", claim) == (
        403,
        {"error": "not allowed for your role"},
    )
    assert await console["camille"].call("POST", claim, csrf=False) == (
        403,
        {"error": "missing or wrong CSRF token"},
    )
    async with console["nobody"].http.get("/console", allow_redirects=False) as page:
        assert page.status == 302 and page.headers["Location"] == "/console/login"
    async with console["camille"].http.get(
        "/console/ws", headers={"Origin": "https://evil.example"}
    ) as refused:
        assert refused.status == 403


async def test_the_socket_hears_notes_and_sign_out_ends_the_session(console):
    camille = console["camille"]
    async with camille.http.ws_connect("/console/ws") as socket:
        await console["malik"].call("POST", "/console/api/conversations/sam/notes", {"text": "Vu"})
        messages = []
        while {"type": "notes", "conversation": "sam"} not in messages:
            messages.append(json.loads((await socket.receive(timeout=5)).data))
    assert await camille.call("POST", "/console/logout") == (200, {"ok": True})
    assert (await camille.call("GET", "/console/api/queue"))[0] == 401
