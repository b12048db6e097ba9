"""Team coffees in the console's API over a real socket and a real database: the
upcoming and past lists, marking a past coffee attended or no-show with clear error
codes, for recruiters and HR alike, behind the CSRF check."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer

from bot.core.audit import entries
from bot.core.db import transaction
from bot.meetings.coffees import AUDIT_ACTION
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.handoff.coffee_data import HOSTILE_NOTE, add_coffee
from tests.handoff.factories import add_staff
from tests.handoff.test_console_api import Staff
from tests.web.test_workspace import PASSWORD


@pytest.fixture
async def console(tmp_path, db_url):
    settings = make_settings(
        tmp_path, database_url=db_url, RASA_PORT="15996", WEB_PORT="8126", RASA_TOKEN="t"
    )
    add_staff(db_url, PASSWORD)
    ids = {
        "yesterday": add_coffee(db_url, hours_from_now=-24, note=HOSTILE_NOTE),
        "last_week": add_coffee(db_url, hours_from_now=-24 * 7, candidate_name="Bob Martin"),
        "cancelled": add_coffee(db_url, hours_from_now=-48, status="cancelled"),
        "tomorrow": add_coffee(db_url, hours_from_now=30, candidate_name="Zoé Petit"),
        "next_week": add_coffee(db_url, hours_from_now=24 * 7, ambassador_id="thomas"),
    }
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url(""))
    people = {name: Staff(base) for name in ("camille", "hr1")}
    for name, person in people.items():
        await person.sign_in(name)
    yield people, ids, db_url
    for person in people.values():
        await person.http.close()
    await server.close()


async def test_recruiters_see_upcoming_coffees_soonest_first(console):
    people, ids, _ = console
    status, data = await people["camille"].call("GET", "/console/api/coffees")
    assert status == 200
    assert [c["id"] for c in data["coffees"]] == [ids["tomorrow"], ids["next_week"]]
    assert (data["total"], data["when"], data["offset"]) == (2, "upcoming", 0)
    tomorrow = data["coffees"][0]
    assert tomorrow["candidate"] == "Zoé" and tomorrow["email"] == "camille@example.org"
    assert tomorrow["host"] == "Léa Moreau" and tomorrow["status"] == "confirmed"
    assert tomorrow["when"].endswith("(heure de Paris)") and tomorrow["markable"] is False
    assert data["coffees"][1]["host"] == "Thomas Nguyen"


async def test_past_coffees_come_latest_first_with_their_note_as_typed(console):
    people, ids, _ = console
    status, data = await people["camille"].call("GET", "/console/api/coffees?when=past")
    assert status == 200
    assert [c["id"] for c in data["coffees"]] == [
        ids["yesterday"],
        ids["cancelled"],
        ids["last_week"],
    ]
    yesterday = data["coffees"][0]
    assert yesterday["note"] == HOSTILE_NOTE and yesterday["markable"] is True
    assert data["coffees"][1]["status"] == "cancelled" and data["coffees"][1]["markable"] is False


async def test_a_page_of_past_coffees(console):
    people, ids, _ = console
    status, data = await people["camille"].call(
        "GET", "/console/api/coffees?when=past&offset=1&limit=1"
    )
    assert status == 200 and data["total"] == 3
    assert [c["id"] for c in data["coffees"]] == [ids["cancelled"]]


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("when=someday", "when_unknown"),
        ("when=past&offset=-1", "page_invalid"),
        ("limit=0", "page_invalid"),
        ("limit=ten", "page_invalid"),
        ("offset=%C2%B2", "page_invalid"),
        ("limit=9999999999999", "page_invalid"),
    ],
)
async def test_a_bad_filter_or_page_is_a_clear_400(console, query, code):
    people, _, _ = console
    status, data = await people["camille"].call("GET", f"/console/api/coffees?{query}")
    assert status == 400 and data["code"] == code


async def test_a_recruiter_marks_a_past_coffee_attended_and_it_is_audited(console):
    people, ids, db_url = console
    path = f"/console/api/coffees/{ids['yesterday']}/attendance"
    status, data = await people["camille"].call("POST", path, {"attendance": "attended"})
    assert status == 200 and data["ok"] is True
    assert data["coffee"]["attendance"] == "attended"
    assert data["coffee"]["attendance_by"] == "Camille Roux"
    _, listed = await people["camille"].call("GET", "/console/api/coffees?when=past")
    assert listed["coffees"][0]["attendance"] == "attended"
    with transaction(db_url) as session:
        (entry,) = [e for e in entries(session=session) if e.action == AUDIT_ACTION]
        assert (entry.actor, entry.target) == ("Camille Roux", f"booking:{ids['yesterday']}")


async def test_hr_sees_the_coffees_and_may_change_a_mark(console):
    """Issue 11: recruiters and HR both follow coffees in the console."""
    people, ids, db_url = console
    path = f"/console/api/coffees/{ids['last_week']}/attendance"
    assert (await people["camille"].call("POST", path, {"attendance": "attended"}))[0] == 200
    status, data = await people["hr1"].call("POST", path, {"attendance": "no_show"})
    assert status == 200 and data["coffee"]["attendance"] == "no_show"
    assert data["coffee"]["attendance_by"] == "Hélène RH"
    status, listed = await people["hr1"].call("GET", "/console/api/coffees?when=past")
    assert status == 200 and len(listed["coffees"]) == 3
    with transaction(db_url) as session:
        found = [e.detail for e in entries(session=session) if e.action == AUDIT_ACTION]
    assert found[0] == {"attendance": "no_show", "previous": "attended"}


@pytest.mark.parametrize(
    ("coffee", "body", "expected"),
    [
        ("tomorrow", {"attendance": "attended"}, (409, "coffee_not_started")),
        ("cancelled", {"attendance": "no_show"}, (409, "coffee_not_held")),
        ("yesterday", {"attendance": "maybe"}, (400, "attendance_unknown")),
        ("yesterday", {}, (400, "attendance_unknown")),
        ("unknown", {"attendance": "attended"}, (404, "coffee_unknown")),
    ],
)
async def test_marks_that_cannot_be_made_say_why_and_change_nothing(
    console, coffee, body, expected
):
    people, ids, db_url = console
    public_id = ids.get(coffee, "no-such-coffee")
    status, data = await people["camille"].call(
        "POST", f"/console/api/coffees/{public_id}/attendance", body
    )
    assert (status, data["code"]) == expected and data["error"]
    with transaction(db_url) as session:
        assert [e for e in entries(session=session) if e.action == AUDIT_ACTION] == []


async def test_a_mark_without_the_csrf_token_is_refused(console):
    people, ids, db_url = console
    status, data = await people["camille"].call(
        "POST",
        f"/console/api/coffees/{ids['yesterday']}/attendance",
        {"attendance": "attended"},
        csrf=False,
    )
    assert status == 403 and "CSRF" in data["error"]
    _, listed = await people["camille"].call("GET", "/console/api/coffees?when=past")
    assert listed["coffees"][0]["attendance"] is None


async def test_a_body_that_is_not_a_json_object_is_a_400(console):
    people, ids, _ = console
    path = f"/console/api/coffees/{ids['yesterday']}/attendance"
    assert (await people["camille"].call("POST", path, ["attended"]))[0] == 400
