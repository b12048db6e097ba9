"""One web process for tests/events/test_reminders.py, started with the "spawn" method:
its own interpreter, its own engine and pool; it waits for the other processes at a
shared barrier, then runs the registrations' sweep at each instant it is given and
writes what it claimed (and whether the mail server accepted it) to a JSON file."""

from __future__ import annotations

import datetime as dt
import json
import traceback
from pathlib import Path
from typing import Any

from sqlalchemy import text, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db import make_engine
from bot.core.settings import Settings
from bot.events import reminders
from bot.events.models import Registration


def claim_without_condition(
    session: Session, registration: Registration, which: reminders.Which, now: dt.datetime
) -> bool:
    """The claim with its condition dropped (check-then-write): what the race tests
    must catch. Used only to show that they can fail."""
    result = session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status == "confirmed")
        .values({reminders._column(which): now})
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def sweep(
    settings: Settings,
    instants: list[dt.datetime],
    results: Path,
    start: Any = None,
    sweeps_per_instant: int = 2,
    unguarded: bool = False,
) -> None:
    """At each instant: wait at `start` (a multiprocessing Barrier shared with the other
    process, if any), then sweep `sweeps_per_instant` times. Writes
    {"notices": [[instant index, registration, kind, sent], ...]} or {"error": ...}."""
    engine = make_engine(settings.database_url)
    sessions = sessionmaker(bind=engine, future=True, expire_on_commit=False)
    notices: list[list[Any]] = []
    try:
        if unguarded:
            reminders._claim = claim_without_condition
        with engine.connect() as connection:  # connect now, not in the race
            connection.execute(text("SELECT 1"))
        for number, now in enumerate(instants):
            if start is not None:
                start.wait(timeout=60)
            for _ in range(sweeps_per_instant):
                done = reminders.send_due_notices(settings, now, sessions=sessions)
                notices += [[number, n.registration, n.kind, n.sent] for n in done]
        results.write_text(json.dumps({"notices": notices}))
    except BaseException:  # noqa: BLE001 - the parent reads it from the file
        results.write_text(json.dumps({"notices": notices, "error": traceback.format_exc()}))
        raise
    finally:
        engine.dispose()
