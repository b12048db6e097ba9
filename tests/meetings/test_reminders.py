"""Reminders 24 h and 1 h before a coffee: due or not, sent once by two racing
processes (two engines, two threads) on SQLite and PostgreSQL, and across a restart."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.core.db import make_engine
from bot.core.settings import Settings
from bot.meetings.models import Ambassador, Booking
from bot.meetings.reminders import send_due_reminders
from bot.ops.schema import upgrade
from tests.conftest import make_settings, port
from tests.inbox_servers import start_smtp

NOW = dt.datetime(2026, 12, 2, 12, 0)  # naive UTC, a Wednesday
LONG_AGO = NOW - dt.timedelta(days=3)
HOUR = dt.timedelta(hours=1)
SMTP = port(29026)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        database = f"sqlite:///{tmp_path / 'reminders.db'}"
    else:
        database = request.getfixturevalue("pg_url")
    upgrade(database)
    return database


@pytest.fixture
def settings(tmp_path: Path, url: str) -> Settings:
    return make_settings(tmp_path, url, SMTP_HOST="127.0.0.1", SMTP_PORT=str(SMTP))


class Process:
    """One web process: its own engine (own connection pool) on the shared database."""

    def __init__(self, url: str) -> None:
        self.engine = make_engine(url)
        self.sessions = sessionmaker(bind=self.engine, future=True, expire_on_commit=False)

    def stop(self) -> None:
        self.engine.dispose()


@pytest.fixture
def process(url: str) -> Iterator[Process]:
    started = Process(url)
    yield started
    started.stop()


class Outbox:
    """Stands for the SMTP server in the race tests: records each reminder sent."""

    def __init__(self, accepted: bool = True) -> None:
        self.sent: list[tuple[str, str]] = []
        self.accepted = accepted
        self.lock = threading.Lock()

    def __call__(self, kind, *, settings, booking, ambassador, roles):
        assert roles == ("candidate", "ambassador")
        with self.lock:
            self.sent.append((booking.public_id, kind))
        return {"candidate": self.accepted, "ambassador": self.accepted}


def add_coffees(process: Process, *coffees: dict) -> None:
    with process.sessions() as session, session.begin():
        if session.get(Ambassador, "lea") is None:
            session.add(
                Ambassador(
                    id="lea",
                    name="Léa Moreau",
                    role="Staff Engineer",
                    team="platform",
                    languages=["fr", "en"],
                    windows=["thursday 14:00-17:00"],
                    cap=2,
                    email="lea@ardoise.test",
                )
            )
            session.flush()
        for number, coffee in enumerate(coffees):
            start = coffee["start"]
            written = coffee.get("written", LONG_AGO)
            status = coffee.get("status", "confirmed")
            session.add(
                Booking(
                    public_id=coffee["id"],
                    ambassador_id="lea",
                    start_utc=start,
                    end_utc=start + dt.timedelta(minutes=30),
                    week_start=start.date(),  # unique per coffee below, enough for these tests
                    seat=number + 1,
                    status=status,
                    conversation_id=f"conv-{coffee['id']}",
                    candidate_name="Ada",
                    candidate_email=f"{coffee['id']}@example.org",
                    upcoming_email=None,
                    note="",
                    language="fr",
                    sequence=0,
                    created_at=written,
                    updated_at=written,
                )
            )


def reminded(process: Process) -> dict[str, tuple[dt.datetime | None, dt.datetime | None]]:
    with process.sessions() as session:
        return {
            b.public_id: (b.reminded_24h_at, b.reminded_1h_at)
            for b in session.scalars(select(Booking))
        }


def test_each_reminder_goes_out_when_due_and_only_then(settings, process):
    add_coffees(
        process,
        {"id": "tomorrow", "start": NOW + 23 * HOUR},
        {"id": "in-25-hours", "start": NOW + 25 * HOUR},
        {"id": "in-half-an-hour", "start": NOW + HOUR / 2},
        {"id": "cancelled", "start": NOW + 23 * HOUR + HOUR / 2, "status": "cancelled"},
        {"id": "started", "start": NOW - HOUR / 6},
        # booked two hours ago: its confirmation is the reminder
        {"id": "just-booked", "start": NOW + 22.5 * HOUR, "written": NOW - 2 * HOUR},
    )
    outbox = Outbox()
    done = send_due_reminders(settings, NOW, sessions=process.sessions, send=outbox)
    assert sorted(outbox.sent) == [
        ("in-half-an-hour", "reminder_1h"),
        ("tomorrow", "reminder_24h"),
    ]
    assert [(d.booking, d.which) for d in done] == [("in-half-an-hour", "1h"), ("tomorrow", "24h")]
    state = reminded(process)
    assert state["tomorrow"] == (NOW, None)
    # the 24 h reminder of a coffee already within the hour is dropped, not sent late
    assert state["in-half-an-hour"] == (NOW, NOW)
    assert state["just-booked"] == (NOW, None)
    for untouched in ("in-25-hours", "cancelled", "started"):
        assert state[untouched] == (None, None)

    # a minute later: nothing new
    assert (
        send_due_reminders(settings, NOW + HOUR / 60, sessions=process.sessions, send=outbox) == []
    )
    # an hour before "tomorrow": its 1 h reminder, "just-booked"'s, and the 24 h one of
    # "in-25-hours", due since NOW + 1 h
    later = NOW + 22 * HOUR
    send_due_reminders(settings, later, sessions=process.sessions, send=outbox)
    assert sorted(outbox.sent[2:]) == [
        ("in-25-hours", "reminder_24h"),
        ("just-booked", "reminder_1h"),
        ("tomorrow", "reminder_1h"),
    ]
    assert reminded(process)["in-25-hours"] == (later, None)


def test_two_processes_racing_send_each_reminder_once(settings, process, url):
    coffees = [{"id": f"c{i:02d}", "start": NOW + (i + 1) * HOUR / 3 + 2 * HOUR} for i in range(12)]
    coffees += [{"id": f"h{i:02d}", "start": NOW + (i + 1) * HOUR / 7} for i in range(6)]
    add_coffees(process, *coffees)
    outbox = Outbox()
    processes = [Process(url), Process(url)]
    barrier = threading.Barrier(len(processes))
    errors: list[BaseException] = []

    def sweep(web: Process) -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(3):
                send_due_reminders(settings, NOW, sessions=web.sessions, send=outbox)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)

    threads = [threading.Thread(target=sweep, args=(web,)) for web in processes]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        for web in processes:
            web.stop()
    assert errors == []
    expected = [(f"c{i:02d}", "reminder_24h") for i in range(12)]
    expected += [(f"h{i:02d}", "reminder_1h") for i in range(6)]
    assert sorted(outbox.sent) == sorted(expected)  # each once, none twice


def test_a_restart_neither_loses_nor_repeats_a_reminder(settings, url):
    first = Process(url)
    add_coffees(first, {"id": "tomorrow", "start": NOW + 23 * HOUR})
    outbox = Outbox()
    send_due_reminders(settings, NOW, sessions=first.sessions, send=outbox)
    first.stop()  # the web server stops

    second = Process(url)  # and starts again: nothing kept in memory
    try:
        send_due_reminders(settings, NOW + HOUR / 60, sessions=second.sessions, send=outbox)
        assert outbox.sent == [("tomorrow", "reminder_24h")]
        # it was down when the 1 h reminder fell due: sent at the first sweep after
        send_due_reminders(settings, NOW + 22.5 * HOUR, sessions=second.sessions, send=outbox)
        assert outbox.sent == [("tomorrow", "reminder_24h"), ("tomorrow", "reminder_1h")]
    finally:
        second.stop()


def test_a_reminder_no_server_accepted_is_tried_again(settings, process):
    add_coffees(process, {"id": "tomorrow", "start": NOW + 23 * HOUR})
    down = Outbox(accepted=False)
    send_due_reminders(settings, NOW, sessions=process.sessions, send=down)
    assert down.sent == [("tomorrow", "reminder_24h")]
    assert reminded(process)["tomorrow"] == (None, None)  # the claim was given back
    up = Outbox()
    send_due_reminders(settings, NOW + HOUR / 60, sessions=process.sessions, send=up)
    assert up.sent == [("tomorrow", "reminder_24h")]
    assert reminded(process)["tomorrow"] == (NOW + HOUR / 60, None)


def test_nothing_is_claimed_without_a_mail_server(tmp_path, process, url):
    add_coffees(process, {"id": "tomorrow", "start": NOW + 23 * HOUR})
    outbox = Outbox()
    unconfigured = make_settings(tmp_path, url)
    assert send_due_reminders(unconfigured, NOW, sessions=process.sessions, send=outbox) == []
    assert outbox.sent == [] and reminded(process)["tomorrow"] == (None, None)


@pytest.mark.parametrize("url", ["sqlite"], indirect=True)
def test_a_reminder_reaches_the_candidate_and_the_ambassador(settings, process):
    controller, inbox = start_smtp(SMTP)
    try:
        add_coffees(process, {"id": "soon", "start": NOW + HOUR / 2})
        (done,) = send_due_reminders(settings, NOW, sessions=process.sessions)
        assert (done.booking, done.which, done.sent) == (
            "soon",
            "1h",
            {"candidate": True, "ambassador": True},
        )
        inbox.wait_for(lambda m: m["To"] == "soon@example.org")
        inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test")
        assert sorted(m["To"] for m in inbox.messages) == ["lea@ardoise.test", "soon@example.org"]
    finally:
        controller.stop()
