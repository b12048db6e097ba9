"""Twenty candidates book at the same instant through two Rasa processes on PostgreSQL.

The `production` assistant (tests/e2e/conftest.py): two Rasa servers sharing the
conversations, Redis locks, one action server, PostgreSQL for everything. The
database refuses what breaks a rule (bot/meetings/booking.py), so the race is
decided there, whatever the processes do.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from concurrent.futures import ThreadPoolExecutor
from zoneinfo import ZoneInfo

import pytest
import requests
from sqlalchemy import func, select

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.meetings.defaults import prepare_ambassadors
from bot.meetings.models import Ambassador, Booking
from bot.meetings.slots import slot_id
from tests.conftest import port
from tests.e2e.conftest import new_sender, payloads

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
RACERS = 20
PARIS = ZoneInfo("Europe/Paris")


def ask(number: int, sender: str, message: str) -> list[dict]:
    reply = requests.post(
        f"http://127.0.0.1:{number}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=120,
    )
    reply.raise_for_status()
    return reply.json()


def race_week() -> dt.date:
    """A Monday whose Tuesday to Thursday are all more than 24 h and less than 14 days away."""
    tomorrow = (utcnow() + dt.timedelta(days=1)).date()
    return tomorrow + dt.timedelta(days=7 - tomorrow.weekday())


def slot_at(host: str, day: dt.date, hour: int, minute: int) -> str:
    local = dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)
    return slot_id(host, local.astimezone(dt.timezone.utc).replace(tzinfo=None))


@pytest.fixture(scope="module")
def hosts(production):
    """The default ambassadors, and Zoé: open all day Tuesday to Thursday, two a week."""
    _, _, url = production
    with transaction(url) as session:
        prepare_ambassadors(session=session)
        if session.get(Ambassador, "zoe") is None:
            session.add(
                Ambassador(
                    id="zoe",
                    name="Zoé Martin",
                    role="QA Engineer",
                    team="product_engineering",
                    languages=["fr", "en"],
                    topics=["testing"],
                    windows=[f"{day} 09:00-17:00" for day in ("tuesday", "wednesday", "thursday")],
                    cap=2,
                    bio_fr="QA.",
                    bio_en="QA.",
                    consent="first name, role, team, topics",
                )
            )
    return url


def race(slots: list[str]) -> list[list[dict]]:
    """Each racer opens its conversation, then all book at once, alternating the processes."""
    servers = [port(16005), port(16006)]
    senders = [new_sender() for _ in slots]
    for number, sender in enumerate(senders):
        ask(servers[number % 2], sender, "Bonjour")
    start = threading.Barrier(len(slots))

    def book(number: int) -> list[dict]:
        details = {
            "slot": slots[number],
            "name": f"Racer {number}",
            "email": f"racer{number}.{senders[number]}@example.org",
            "consent": True,
        }
        start.wait()
        return ask(servers[number % 2], senders[number], "/book" + json.dumps(details))

    with ThreadPoolExecutor(len(slots)) as pool:
        return list(pool.map(book, range(len(slots))))


def results(replies: list[list[dict]]) -> list[dict]:
    found = []
    for reply in replies:
        bookings = [p for p in payloads(reply) if p.get("type") == "booking"]
        assert len(bookings) == 1, reply
        found.append(
            {
                **bookings[0],
                "offer": [p for p in payloads(reply) if p.get("type") == "meeting_offer"],
            }
        )
    return found


def test_one_slot_twenty_candidates_one_confirmation(hosts):
    slot = slot_at("zoe", race_week() + dt.timedelta(days=1), 10, 0)
    outcome = results(race([slot] * RACERS))
    statuses = sorted(r["status"] for r in outcome)
    assert statuses == ["confirmed"] + ["unavailable"] * (RACERS - 1)
    for refused in (r for r in outcome if r["status"] == "unavailable"):
        assert refused["slot"] == slot
        (offer,) = refused["offer"]
        assert len(offer["slots"]) >= 3 and slot not in [s["id"] for s in offer["slots"]]
    with transaction(hosts) as session:
        held = session.execute(
            select(func.count())
            .select_from(Booking)
            .where(Booking.ambassador_id == "zoe", Booking.status == "confirmed")
        ).scalar_one()
    assert held == 1


def test_the_weekly_cap_holds_under_the_same_race(hosts):
    week = race_week()
    # twenty different slots of the same week with Zoé, whose cap is 2 a week (the test
    # above may have taken one seat of it already)
    with transaction(hosts) as session:
        before = session.execute(
            select(func.count())
            .select_from(Booking)
            .where(
                Booking.ambassador_id == "zoe",
                Booking.status == "confirmed",
                Booking.week_start == week,
            )
        ).scalar_one()
    slots = [
        slot_at("zoe", week + dt.timedelta(days=1 + n % 3), 9 + n // 6, 30 * (n % 2))
        for n in range(RACERS)
    ]
    assert len(set(slots)) == RACERS
    outcome = results(race(slots))
    confirmed = [r for r in outcome if r["status"] == "confirmed"]
    assert len(confirmed) == 2 - before
    assert all(r["status"] == "unavailable" for r in outcome if r["status"] != "confirmed")
    with transaction(hosts) as session:
        held = session.execute(
            select(func.count())
            .select_from(Booking)
            .where(
                Booking.ambassador_id == "zoe",
                Booking.status == "confirmed",
                Booking.week_start == week,
            )
        ).scalar_one()
    assert held == 2
