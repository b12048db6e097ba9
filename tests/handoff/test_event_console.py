"""Open houses and reverse Q&As in the console's API over a real socket and a real
database: the dates with their seats, one date's registrations and waitlist, the CSV, the
check-in, and the host's questions (ranked by votes, answered, hidden), for recruiters and
HR alike, with clear error codes."""

from __future__ import annotations

import csv
import io

import pytest
from aiohttp.test_utils import TestServer

from bot.core.audit import entries
from bot.core.db import transaction
from bot.web.app import create_app
from tests.conftest import make_settings, port
from tests.handoff.event_data import (
    HOSTILE_NAME,
    HOSTILE_QUESTION,
    ask,
    open_house,
    rename,
    reverse_qa,
    set_capacity,
    sign_up,
    upvote,
)
from tests.handoff.factories import add_staff
from tests.handoff.test_console_api import Staff
from tests.web.test_workspace import PASSWORD


@pytest.fixture
async def console(tmp_path, db_url):
    settings = make_settings(
        tmp_path,
        database_url=db_url,
        RASA_PORT=str(port(15994)),
        WEB_PORT=str(port(8127)),
        RASA_TOKEN="t",
    )
    add_staff(db_url, PASSWORD)
    house = open_house(db_url)
    set_capacity(db_url, house, 2)
    people = {
        "ana": sign_up(db_url, house, "Ana"),
        "zoe": rename(db_url, sign_up(db_url, house, "Zoé"), HOSTILE_NAME),
        "bob": sign_up(db_url, house, '=HYPERLINK("http://x")'),  # waitlisted, 1st
        "cy": sign_up(db_url, house, "Cy"),  # waitlisted, 2nd
    }
    panel = reverse_qa(db_url)
    askers = [sign_up(db_url, panel, name) for name in ("Dee", "Eli", "Fay")]
    questions = {
        "hostile": ask(db_url, askers[0], HOSTILE_QUESTION),
        "pay": ask(db_url, askers[1], "Comment se passe la revue de salaire ?"),
        "remote": ask(db_url, askers[2], "Combien de jours de télétravail ?"),
    }
    upvote(db_url, askers[0], questions["pay"])
    upvote(db_url, askers[2], questions["pay"])
    upvote(db_url, askers[1], questions["remote"])
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url(""))
    staff = {name: Staff(base) for name in ("camille", "hr1")}
    for name, person in staff.items():
        await person.sign_in(name)
    yield staff, {"house": house, "panel": panel}, people, questions, db_url
    for person in staff.values():
        await person.http.close()
    await server.close()


async def test_the_dates_come_with_their_seats_and_waitlist(console):
    staff, ids, _, _, _ = console
    status, data = await staff["camille"].call("GET", "/console/api/events")
    assert status == 200 and data["when"] == "upcoming"
    by_id = {e["id"]: e for e in data["events"]}
    house, panel = by_id[ids["house"]], by_id[ids["panel"]]
    assert (house["capacity"], house["seats_taken"], house["waitlist"]) == (2, 2, 2)
    assert (house["name"], house["kind"]) == ("Portes ouvertes", "open_house")
    assert (panel["capacity"], panel["seats_taken"], panel["questions"]) == (150, 3, 3)
    status, past = await staff["camille"].call("GET", "/console/api/events?when=past")
    assert status == 200 and past["events"] == []


async def test_a_dates_registrations_and_its_waitlist_in_order(console):
    staff, ids, people, _, _ = console
    path = f"/console/api/events/{ids['house']}/registrations"
    status, data = await staff["camille"].call("GET", path)
    assert status == 200
    rows = data["registrations"]
    assert [r["id"] for r in rows] == [
        people[name].public_id for name in ("ana", "zoe", "bob", "cy")
    ]
    assert [(r["status"], r["seat"], r["position"]) for r in rows] == [
        ("confirmed", 1, None),
        ("confirmed", 2, None),
        ("waitlisted", None, 1),
        ("waitlisted", None, 2),
    ]
    assert rows[1]["first_name"] == HOSTILE_NAME  # as typed: the page shows it as text
    assert rows[0]["email"] == "ana@example.org"
    assert "conversation_id" not in rows[0]
    assert [r["checkable"] for r in rows] == [True, True, False, False]


async def test_the_csv_holds_every_registration_with_formulas_defused(console):
    staff, ids, _, _, _ = console
    async with staff["hr1"].http.get(
        f"/console/api/events/{ids['house']}/registrations.csv"
    ) as answer:
        assert answer.status == 200
        assert answer.headers["Content-Type"].startswith("text/csv")
        assert "attachment" in answer.headers["Content-Disposition"]
        rows = list(csv.reader(io.StringIO(await answer.text())))
    assert rows[0][:6] == ["first_name", "email", "language", "status", "seat", "position"]
    assert [r[0] for r in rows[1:]] == ["Ana", HOSTILE_NAME, '\'=HYPERLINK("http://x")', "Cy"]
    assert [r[3] for r in rows[1:]] == ["confirmed", "confirmed", "waitlisted", "waitlisted"]
    assert [r[5] for r in rows[1:]] == ["", "", "1", "2"]


async def test_check_in_on_the_day_by_a_recruiter_then_hr_is_audited(console):
    staff, ids, people, _, db_url = console
    ana = people["ana"].public_id
    path = f"/console/api/registrations/{ana}/attendance"
    status, data = await staff["camille"].call("POST", path, {"attendance": "attended"})
    assert status == 200 and data["registration"]["attendance"] == "attended"
    assert data["registration"]["attendance_by"] == "Camille Roux"
    status, data = await staff["hr1"].call("POST", path, {"attendance": "no_show"})
    assert status == 200 and data["registration"]["attendance_by"] == "Hélène RH"
    _, listed = await staff["camille"].call(
        "GET", f"/console/api/events/{ids['house']}/registrations"
    )
    assert listed["registrations"][0]["attendance"] == "no_show"
    assert listed["event"]["no_shows"] == 1
    status, data = await staff["hr1"].call("POST", path, {"attendance": None})
    assert status == 200 and data["registration"]["attendance"] is None
    with transaction(db_url) as session:
        found = [e for e in entries(session=session) if e.action == "registration.attendance"]
    assert [(e.actor, e.detail["attendance"]) for e in reversed(found)] == [
        ("Camille Roux", "attended"),
        ("Hélène RH", "no_show"),
        ("Hélène RH", None),
    ]


@pytest.mark.parametrize(
    ("who", "body", "expected"),
    [
        ("bob", {"attendance": "attended"}, (409, "registration_closed")),
        ("ana", {"attendance": "maybe"}, (400, "attendance_unknown")),
        ("nobody", {"attendance": "attended"}, (404, "registration_unknown")),
    ],
)
async def test_a_check_in_that_cannot_be_made_says_why(console, who, body, expected):
    staff, _, people, _, _ = console
    public_id = people[who].public_id if who in people else "no-such-registration"
    status, data = await staff["camille"].call(
        "POST", f"/console/api/registrations/{public_id}/attendance", body
    )
    assert (status, data["code"]) == expected


async def test_the_host_sees_questions_ranked_by_votes_and_never_who_asked(console):
    staff, ids, _, questions, _ = console
    status, data = await staff["camille"].call(
        "GET", f"/console/api/events/{ids['panel']}/questions"
    )
    assert status == 200
    assert [(q["id"], q["votes"]) for q in data["questions"]] == [
        (questions["pay"], 2),
        (questions["remote"], 1),
        (questions["hostile"], 0),
    ]
    assert data["questions"][2]["text"] == HOSTILE_QUESTION
    assert not {"registration", "first_name", "email"} & set(data["questions"][0])


async def test_the_host_marks_answered_and_hides_a_question(console):
    staff, ids, _, questions, db_url = console
    pay, hostile = questions["pay"], questions["hostile"]
    status, data = await staff["camille"].call(
        "POST", f"/console/api/questions/{pay}/answered", {"answered": True}
    )
    assert status == 200 and data["question"]["answered"] is True
    assert data["question"]["votes"] == 2
    status, data = await staff["hr1"].call(
        "POST", f"/console/api/questions/{hostile}/status", {"status": "hidden"}
    )
    assert status == 200 and data["question"]["status"] == "hidden"
    _, listed = await staff["camille"].call("GET", f"/console/api/events/{ids['panel']}/questions")
    states = {q["id"]: (q["answered"], q["status"]) for q in listed["questions"]}
    assert states[pay] == (True, "open") and states[hostile] == (False, "hidden")
    with transaction(db_url) as session:
        actions = {e.action for e in entries(session=session)}
    assert {"panel_question.answered", "panel_question.status"} <= actions


@pytest.mark.parametrize(
    ("path", "body", "expected"),
    [
        ("/console/api/questions/{pay}/answered", {"answered": "yes"}, (400, "answered_invalid")),
        ("/console/api/questions/{pay}/answered", {}, (400, "answered_invalid")),
        ("/console/api/questions/{pay}/status", {"status": "gone"}, (400, "status_unknown")),
        ("/console/api/questions/nope/status", {"status": "open"}, (404, "question_unknown")),
    ],
)
async def test_a_question_change_that_cannot_be_made_says_why(console, path, body, expected):
    staff, _, _, questions, _ = console
    status, data = await staff["camille"].call("POST", path.format(**questions), body)
    assert (status, data["code"]) == expected


@pytest.mark.parametrize(
    "path",
    [
        "/console/api/events/999999/registrations",
        "/console/api/events/999999/registrations.csv",
        "/console/api/events/999999/questions",
        "/console/api/events/%D9%A3/registrations",
        "/console/api/events/-1/questions",
    ],
)
async def test_an_unknown_date_is_a_clear_404(console, path):
    staff, _, _, _, _ = console
    status, data = await staff["camille"].call("GET", path)
    assert (status, data["code"]) == (404, "event_unknown")


async def test_a_bad_filter_is_a_clear_400(console):
    staff, _, _, _, _ = console
    status, data = await staff["camille"].call("GET", "/console/api/events?when=someday")
    assert (status, data["code"]) == (400, "when_unknown")


async def test_a_change_without_the_csrf_token_is_refused(console):
    staff, _, people, _, _ = console
    path = f"/console/api/registrations/{people['ana'].public_id}/attendance"
    status, _ = await staff["camille"].call("POST", path, {"attendance": "attended"}, csrf=False)
    assert status == 403
