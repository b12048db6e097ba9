"""The registrations' timed e-mails (day before, 1 h before, thank-you) go out exactly
once, counted at a real local SMTP server, on SQLite and PostgreSQL:

- two OS processes (spawned, each with its own engine) released together at each due
  instant send each of six registrations' three e-mails once, and the same race with
  the claim's condition dropped does send some twice (the race is real);
- after a restart, a new process sweeping at the same instant sends nothing again, and
  at the next due time only the new kind;
- an e-mail the server refused (554) is claimed back and sent once by the next sweep.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select
from sqlalchemy.orm import sessionmaker

from bot.core.db import make_engine
from bot.core.settings import Settings
from bot.events.models import Registration
from bot.events.reminders import send_due_notices
from tests.conftest import port
from tests.events import sweep_process
from tests.events.conftest import OPEN_HOUSE_START, add_event, mail_settings, registrar, subject

REFUSING_SMTP = port(29240)
DAY_BEFORE = OPEN_HOUSE_START - dt.timedelta(hours=23)
HOUR_BEFORE = OPEN_HOUSE_START - dt.timedelta(minutes=50)
AFTER = OPEN_HOUSE_START + dt.timedelta(hours=5)  # it ends at 18:30 UTC; thanks from 20:30
DUE = [(DAY_BEFORE, "reminder_day"), (HOUR_BEFORE, "reminder_1h"), (AFTER, "thanks")]
GUESTS = [f"guest{n}@example.org" for n in range(6)]
MINUTE = dt.timedelta(minutes=1)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def url(request: pytest.FixtureRequest) -> str:
    """A fresh, migrated database holding the open house and six English registrations."""
    fixture = "events_url" if request.param == "sqlite" else "events_pg_url"
    database = request.getfixturevalue(fixture)
    event_id = add_event(database)
    register = registrar(database)
    for number, email in enumerate(GUESTS):
        register(event_id, email=email, conversation_id=f"conv-{number}", language="en")
    return database


@pytest.fixture
def settings(tmp_path: Path, url: str) -> Settings:
    return mail_settings(tmp_path, url)


def kind_of(message: Message) -> str:
    """Which timed e-mail an English message is, from its subject."""
    title = subject(message)
    if title.startswith("Reminder:"):
        return "reminder_day"
    if title.endswith("starts in an hour"):
        return "reminder_1h"
    if title.startswith("Thank you for coming"):
        return "thanks"
    return f"other: {title}"


def received(messages: list[Message]) -> Counter:
    """How many e-mails of each kind each address got."""
    return Counter((m["To"], kind_of(m)) for m in messages)


def each_once(*kinds: str) -> Counter:
    return Counter({(email, kind): 1 for email in GUESTS for kind in kinds})


def sweep_in_processes(
    settings: Settings, tmp_path: Path, plans: list[list[dt.datetime]], unguarded: bool = False
) -> list[list[list[Any]]]:
    """One spawned process per plan, all started before any sweeps, released together
    at each instant of their plans (a shared barrier); what each one claimed."""
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(len(plans)) if len(plans) > 1 else None
    runs = []
    for number, instants in enumerate(plans):
        results = tmp_path / f"sweep-{number}-{uuid.uuid4().hex[:8]}.json"
        process = context.Process(
            target=sweep_process.sweep,
            args=(settings, instants, results),
            kwargs={"start": start, "unguarded": unguarded},
        )
        process.start()
        runs.append((process, results))
    reports = []
    for process, results in runs:
        process.join(timeout=120)
        if process.is_alive():
            process.kill()
            process.join()
        report = json.loads(results.read_text()) if results.exists() else {"error": "no report"}
        assert report.get("error") is None and process.exitcode == 0, report
        reports.append(report["notices"])
    return reports


def claimed_at(url: str) -> dict[str, tuple[dt.datetime | None, ...]]:
    with own_sessions(url) as sessions, sessions() as session:
        return {
            r.email: (r.reminded_day_at, r.reminded_1h_at, r.thanked_at)
            for r in session.scalars(select(Registration))
        }


@contextmanager
def own_sessions(url: str) -> Iterator[sessionmaker]:
    """A process's own engine on the shared database, disposed at the end."""
    engine = make_engine(url)
    try:
        yield sessionmaker(bind=engine, future=True, expire_on_commit=False)
    finally:
        engine.dispose()


def test_two_processes_sweeping_at_the_same_instants_send_each_email_once(
    settings, url, inbox, tmp_path
):
    instants = [now for now, _ in DUE]
    first, second = sweep_in_processes(settings, tmp_path, [instants, instants])
    assert received(inbox.messages) == each_once("reminder_day", "reminder_1h", "thanks")
    # what the two processes claimed: each e-mail by one of them, accepted, at its instant
    claims = Counter((n[1], n[2]) for n in first + second)
    assert set(claims.values()) == {1} and len(claims) == len(GUESTS) * 3
    assert all(sent for *_, sent in first + second)
    assert {(number, kind) for number, _, kind, _ in first + second} == {
        (0, "reminder_day"),
        (1, "reminder_1h"),
        (2, "thanks"),
    }
    assert set(claimed_at(url).values()) == {(DAY_BEFORE, HOUR_BEFORE, AFTER)}


def test_without_the_conditional_claim_the_same_race_sends_twice(settings, url, inbox, tmp_path):
    """The race above is real: with the claim's condition dropped (check-then-write),
    two processes released together do send some reminder twice."""
    sweep_in_processes(settings, tmp_path, [[DAY_BEFORE], [DAY_BEFORE]], unguarded=True)
    twice = [key for key, count in received(inbox.messages).items() if count > 1]
    assert twice, received(inbox.messages)


def test_after_a_restart_nothing_is_sent_again_and_then_only_the_new_kind(
    settings, url, inbox, tmp_path
):
    (before,) = sweep_in_processes(settings, tmp_path, [[DAY_BEFORE]])
    assert sorted(kind for *_, kind, _ in before) == ["reminder_day"] * len(GUESTS)
    assert received(inbox.messages) == each_once("reminder_day")
    # that process has ended; a new one sweeps at the same instant, then an hour before
    (restarted,) = sweep_in_processes(settings, tmp_path, [[DAY_BEFORE, HOUR_BEFORE]])
    assert {(number, kind) for number, _, kind, _ in restarted} == {(1, "reminder_1h")}
    assert len(restarted) == len(GUESTS)
    assert received(inbox.messages) == each_once("reminder_day", "reminder_1h")
    # and once more: the 1 h instant again (nothing), then after the event (thanks only)
    (again,) = sweep_in_processes(settings, tmp_path, [[HOUR_BEFORE, AFTER]])
    assert {(number, kind) for number, _, kind, _ in again} == {(1, "thanks")}
    assert received(inbox.messages) == each_once("reminder_day", "reminder_1h", "thanks")


class Gate:
    """An SMTP server that refuses (554) the e-mails to the addresses in `refusing` and
    keeps the others."""

    def __init__(self) -> None:
        self.refusing: set[str] = set()
        self.accepted: list[Message] = []
        self.refused: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content)
        if self.refusing & set(envelope.rcpt_tos):
            self.refused.append(message)
            return "554 5.7.1 Message refused"
        self.accepted.append(message)
        return "250 Message accepted for delivery"


@pytest.fixture(scope="module")
def gate_server() -> Iterator[Gate]:
    gate = Gate()
    controller = Controller(gate, hostname="127.0.0.1", port=REFUSING_SMTP)
    controller.start()
    yield gate
    controller.stop()


@pytest.fixture
def gate(gate_server: Gate) -> Gate:
    gate_server.refusing.clear()
    gate_server.accepted.clear()
    gate_server.refused.clear()
    return gate_server


def test_an_email_the_server_refused_is_sent_by_the_next_sweep_once(settings, url, gate):
    behind_gate = replace(settings, smtp_port=REFUSING_SMTP)
    unlucky = GUESTS[2]
    with own_sessions(url) as sessions:
        for column, (now, kind) in enumerate(DUE):
            gate.refusing = {unlucky}
            done = send_due_notices(behind_gate, now, sessions=sessions)
            assert sorted(n.sent for n in done) == [False] + [True] * (len(GUESTS) - 1)
            assert {n.kind for n in done} == {kind}
            assert claimed_at(url)[unlucky][column] is None  # given back for the next sweep
            gate.refusing = set()
            (retried,) = send_due_notices(behind_gate, now + MINUTE, sessions=sessions)
            assert (retried.kind, retried.sent) == (kind, True)
            assert claimed_at(url)[unlucky][column] == now + MINUTE
            assert send_due_notices(behind_gate, now + 2 * MINUTE, sessions=sessions) == []
    assert received(gate.accepted) == each_once("reminder_day", "reminder_1h", "thanks")
    assert received(gate.refused) == Counter(
        {(unlucky, "reminder_day"): 1, (unlucky, "reminder_1h"): 1, (unlucky, "thanks"): 1}
    )
