"""Forty candidates register at the same instant for the last five seats of an open house,
through two Rasa processes on PostgreSQL (the `production` assistant of
tests/e2e/conftest.py): five confirmed, thirty-five waitlisted, in arrival order."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.events.models import Registration
from bot.events.terms import open_dates, save_terms
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.conftest import port
from tests.e2e.conftest import new_sender, payloads

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]
RACERS = 40
SEATS = 5


def ask(number: int, sender: str, message: str) -> list[dict]:
    reply = requests.post(
        f"http://127.0.0.1:{number}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=180,
    )
    reply.raise_for_status()
    return reply.json()


@pytest.fixture(scope="module")
def open_house(production) -> tuple[str, int]:
    """The next open house, cut down to five seats."""
    settings, _, url = production
    with transaction(url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
        date = open_dates(
            session=session,
            kinds=("open_house",),
            now=utcnow(),
            office_timezone=settings.office_timezone,
        )[0]
        save_terms(session=session, event_id=date.event.id, capacity=SEATS, author="tests")
    return url, date.event.id


def test_forty_candidates_five_seats(open_house):
    url, event_id = open_house
    servers = [port(16005), port(16006)]
    senders = [new_sender() for _ in range(RACERS)]
    for number, sender in enumerate(senders):
        ask(servers[number % 2], sender, "Bonjour")
    start = threading.Barrier(RACERS)

    def register(number: int) -> dict:
        details = {
            "slot": f"event-{event_id}",
            "name": f"Racer {number}",
            "email": f"{senders[number]}@example.org",
            "consent": True,
        }
        start.wait()
        replies = ask(servers[number % 2], senders[number], "/book" + json.dumps(details))
        (booking,) = [p for p in payloads(replies) if p.get("type") == "booking"]
        return booking

    with ThreadPoolExecutor(RACERS) as pool:
        outcome = list(pool.map(register, range(RACERS)))
    statuses = sorted(o["status"] for o in outcome)
    assert statuses == ["confirmed"] * SEATS + ["waitlisted"] * (RACERS - SEATS)
    with transaction(url) as session:
        rows = (
            session.execute(
                select(Registration)
                .where(Registration.event_id == event_id)
                .order_by(Registration.id)
            )
            .scalars()
            .all()
        )
        seats = sorted(r.seat for r in rows if r.status == "confirmed")
    assert seats == list(range(1, SEATS + 1))
    # the waitlist is in arrival order (row order); a cancellation offers the first in line
    waiting = [r for r in rows if r.status == "waitlisted"]
    first_confirmed = next(r for r in rows if r.status == "confirmed")
    sender = first_confirmed.conversation_id.removeprefix("rest:")
    cancelled = [
        p
        for p in payloads(
            ask(
                servers[0],
                sender,
                "/cancel_booking" + json.dumps({"booking": first_confirmed.public_id}),
            )
        )
        if p.get("type") == "booking"
    ]
    assert cancelled[0]["status"] == "cancelled"
    with transaction(url) as session:
        promoted = session.get(Registration, waiting[0].id)
        others = [session.get(Registration, r.id).status for r in waiting[1:]]
    assert promoted.status == "offered" and promoted.seat is not None
    assert set(others) == {"waitlisted"}
