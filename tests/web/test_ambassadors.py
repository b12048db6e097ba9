"""The ambassadors' routes of the HR workspace over a real socket, a real database and a
real SMTP server: HR only, the French problems of bad input, pauses, and removing an
ambassador whose coffees are still to come (409, then "cancel" or "keep")."""

from __future__ import annotations

from collections.abc import Iterator
from email.header import decode_header, make_header

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.core.audit import entries
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.meetings.booking import book
from bot.meetings.defaults import load_defaults, seed_ambassadors
from bot.meetings.models import Ambassador, Booking
from bot.meetings.slots import free_slots
from bot.staff.accounts import add_user
from bot.web.app import create_app
from tests.conftest import make_settings, port
from tests.inbox_servers import Mailbox, start_smtp
from tests.web.test_workspace import PASSWORD, Staff

SMTP = port(29027)
NEW = {
    "name": "Inès Diallo",
    "role": "Data Engineer",
    "team": "data_ml",
    "languages": ["fr"],
    "topics": ["Airflow"],
    "windows": ["mardi 14:00-16:00"],
    "cap": 2,
    "bio_fr": "Data Engineer.",
    "bio_en": "Data Engineer.",
    "consent": "Prénom, rôle, équipe et sujets montrés aux candidats.",
    "email": "",
}
ROUTES = [
    ("GET", "/ambassadors"),
    ("POST", "/ambassadors"),
    ("PUT", "/ambassadors/lea"),
    ("DELETE", "/ambassadors/lea"),
    ("POST", "/ambassadors/lea/pauses"),
    ("DELETE", "/ambassadors/lea/pauses/1"),
]


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    controller, box = start_smtp(SMTP)
    yield box
    controller.stop()


@pytest.fixture
async def web(tmp_path, db_url, mailbox):
    mailbox.messages.clear()
    settings = make_settings(
        tmp_path,
        database_url=db_url,
        RASA_PORT="15998",
        WEB_PORT="8124",
        RASA_TOKEN="t",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(SMTP),
        NOTIFY_FROM="assistant@ardoise.test",
    )
    with transaction(db_url) as session:
        seed_ambassadors(session=session, defaults=load_defaults())
        add_user(session=session, login="hana", display_name="Hana", role="hr", password=PASSWORD)
        add_user(
            session=session,
            login="camille",
            display_name="Camille",
            role="recruiter",
            password=PASSWORD,
        )
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url(""))
    people = {"hr": Staff(base), "recruiter": Staff(base), "nobody": Staff(base)}
    await people["hr"].sign_in("hana")
    await people["recruiter"].sign_in("camille")
    yield people, settings
    for person in people.values():
        await person.http.close()
    await server.close()


def book_with(settings, ambassador_id: str, email: str) -> Booking:
    """A real booking of the ambassador's next free slot, made now."""
    now = utcnow()
    with transaction(settings.database_url) as session:
        (slot, *_) = free_slots(
            session=session,
            now=now,
            office_timezone=settings.office_timezone,
            ambassador_ids=[ambassador_id],
        )
        return book(
            session=session,
            slot_id=slot.id,
            conversation_id=f"conv-{email}",
            name="Ada Lovelace",
            email=email,
            language="fr",
            consent=True,
            now=now,
            office_timezone=settings.office_timezone,
        )


async def test_only_hr_may_use_the_ambassadors_routes(web):
    people, settings = web
    for method, path in ROUTES:
        status, data = await people["nobody"].call(method, path, {})
        assert status == 401, (method, path, data)
        status, data = await people["recruiter"].call(method, path, {})
        assert (status, data["error"]) == (403, "not allowed for your role"), (method, path)
        status, data = await people["hr"].call(method, path, {}, csrf=False)
        assert status == 403 if method != "GET" else status == 200, (method, path, data)
    with transaction(settings.database_url) as session:
        assert session.get(Ambassador, "lea").active is True
        assert entries(session=session, target="ambassador:lea") == []


async def test_hr_lists_adds_edits_and_pauses(web):
    people, settings = web
    hr = people["hr"]
    status, data = await hr.call("GET", "/ambassadors")
    assert status == 200 and len(data["ambassadors"]) == 7
    lea = next(a for a in data["ambassadors"] if a["id"] == "lea")
    assert lea["pauses"] == [] and lea["upcoming"] == 0 and lea["consent"]

    status, created = await hr.call("POST", "/ambassadors", NEW)
    assert status == 201 and created["id"] == "ines-diallo"
    assert created["windows"] == ["tuesday 14:00-16:00"] and created["email"] is None

    status, data = await hr.call("POST", "/ambassadors", {**NEW, "windows": ["mardi"], "cap": 99})
    assert status == 422 and data["error"] == "la fiche de l'ambassadeur est à corriger"
    assert data["errors"] == {
        "windows": "« mardi » n'est pas une plage de la semaine : écrivez le jour puis les "
        "heures, par exemple « mardi 10:00-12:00 » (la fin après le début)",
        "cap": "doit être compris entre 1 et 50",
    }
    status, edited = await hr.call("PUT", "/ambassadors/ines-diallo", {"bio_en": "Pipelines."})
    assert (
        status == 200 and edited["bio_en"] == "Pipelines." and edited["bio_fr"] == "Data Engineer."
    )
    status, data = await hr.call("PUT", "/ambassadors/nobody", {"cap": 2})
    assert (status, data["code"]) == (404, "ambassador_not_found")
    assert data["error"] == "l'ambassadeur « nobody » n'existe pas (ou plus)"

    status, paused = await hr.call(
        "POST",
        "/ambassadors/ines-diallo/pauses",
        {"first_day": "2030-07-01", "last_day": "2030-07-31"},
    )
    assert status == 201 and paused["coffees_during"] == 0
    status, data = await hr.call(
        "POST",
        "/ambassadors/ines-diallo/pauses",
        {"first_day": "2030-07-31", "last_day": "2030-07-01"},
    )
    assert status == 422 and data["errors"] == {
        "last_day": "ne doit pas être avant la date de début"
    }
    status, data = await hr.call("GET", "/ambassadors")
    ines = next(a for a in data["ambassadors"] if a["id"] == "ines-diallo")
    assert ines["pauses"] == [
        {"id": paused["id"], "first_day": "2030-07-01", "last_day": "2030-07-31"}
    ]

    for bad in ("x", "٣", "99999"):
        status, data = await hr.call("DELETE", f"/ambassadors/ines-diallo/pauses/{bad}")
        assert (status, data["code"]) == (404, "pause_not_found"), bad
    status, data = await hr.call("DELETE", f"/ambassadors/lea/pauses/{paused['id']}")
    assert (status, data["code"]) == (404, "pause_not_found")  # not Léa's
    status, data = await hr.call("DELETE", f"/ambassadors/ines-diallo/pauses/{paused['id']}")
    assert (status, data) == (200, {"ok": True})

    with transaction(settings.database_url) as session:
        actions = [e.action for e in entries(session=session, target="ambassador:ines-diallo")]
    assert actions == [
        "ambassador.pause_removed",
        "ambassador.paused",
        "ambassador.updated",
        "ambassador.created",
    ]


async def test_removing_asks_about_upcoming_coffees_then_cancels_them(web, mailbox):
    people, settings = web
    hr = people["hr"]
    coffee = book_with(settings, "lea", "ada@example.org")
    status, data = await hr.call("DELETE", "/ambassadors/lea")
    assert status == 409 and data["code"] == "ambassador_has_upcoming"
    assert data["error"].startswith("1 café confirmé est encore à venir avec cet ambassadeur")
    assert data["upcoming"] == [
        {
            "booking": coffee.id,
            "start": coffee.start_utc.isoformat(timespec="seconds") + "Z",
            "candidate": "Ada",
            "language": "fr",
        }
    ]
    status, data = await hr.call("DELETE", "/ambassadors/lea", {"upcoming": "perhaps"})
    assert status == 422 and "upcoming" in data["errors"]
    assert mailbox.messages == []

    status, data = await hr.call("DELETE", "/ambassadors/lea", {"upcoming": "cancel"})
    assert status == 200, data
    assert data["outcome"] == "deactivated" and data["candidates_told"] == 1
    assert [c["candidate"] for c in data["cancelled"]] == ["Ada"]
    apology = mailbox.wait_for(lambda m: m["To"] == "ada@example.org")
    assert str(make_header(decode_header(apology["Subject"]))) == (
        "Votre café avec Léa : toutes nos excuses"
    )
    with transaction(settings.database_url) as session:
        assert session.execute(select(Booking.status)).scalars().all() == ["declined"]
        assert session.get(Ambassador, "lea").active is False
    status, listed = await hr.call("GET", "/ambassadors")
    lea = next(a for a in listed["ambassadors"] if a["id"] == "lea")
    assert lea["active"] is False and lea["upcoming"] == 0


async def test_keeping_the_coffees_or_having_none(web, mailbox):
    people, settings = web
    hr = people["hr"]
    book_with(settings, "thomas", "bob@example.org")
    status, data = await hr.call("DELETE", "/ambassadors/thomas?upcoming=keep")
    assert status == 200 and (data["outcome"], data["kept"]) == ("deactivated", 1)
    status, data = await hr.call("DELETE", "/ambassadors/lea")  # never booked
    assert (status, data["outcome"]) == (200, "deleted")
    status, data = await hr.call("DELETE", "/ambassadors/lea")
    assert (status, data["code"]) == (404, "ambassador_not_found")
    with transaction(settings.database_url) as session:
        assert session.execute(select(Booking.status)).scalars().all() == ["confirmed"]
        assert session.get(Ambassador, "thomas").active is False
    assert mailbox.messages == []


async def test_the_dashboard_counts_the_coffee_funnel_in_json_and_csv(web):
    people, settings = web
    book_with(settings, "lea", "ada@example.org")  # booked today, no conversation stored
    for who in ("hr", "recruiter"):
        status, data = await people[who].call("GET", "/analytics")
        assert status == 200
        assert data["coffee"] == {
            "asked": 0,
            "offered": 0,
            "booked": 1,
            "attended": 0,
            "no_shows": 0,
            "no_show_rate": None,
            "median_seconds_to_booking": None,
        }
        status, text = await people[who].call("GET", "/analytics.csv")
        assert status == 200 and "coffee,,booked,1" in text.splitlines()
        assert "coffee,,no_show_rate," in text.splitlines()
