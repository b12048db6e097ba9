"""Reminders 24 hours and 1 hour before each coffee, to the candidate and the ambassador.

Everything is derived from the database: a sweep (`send_due_reminders`, run every
minute or so by any number of web processes) looks for confirmed coffees whose
reminder is due and not yet claimed, and claims each with one conditional UPDATE
(`... SET reminded_24h_at = :now WHERE id = :id AND reminded_24h_at IS NULL`).
Only the process whose UPDATE changed the row sends, so two processes send each
reminder once, and a restart neither loses nor repeats one (no state in memory).

The claim is committed before the e-mails go out. When not a single e-mail of a
claimed reminder is accepted (mail server down), the claim is released so the next
sweep tries again; a process killed between claim and send loses that one reminder
rather than risk sending it twice.

Which reminder:
- the 24 h one is due from 24 h before the start; it is dropped (claimed without
  sending) when the 1 h one is already due, or when the booking was confirmed or
  moved less than `FRESH` before it fell due (the confirmation is still fresh);
- the 1 h one is due from 1 h before the start;
- nothing is sent once the coffee has started.
The claim also names the booking's start and sequence as read: a coffee moved or
cancelled between the read and the claim is left for the next sweep.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db import session_factory
from bot.core.settings import Settings
from bot.meetings.messages import Role, send_booking_emails
from bot.meetings.models import Ambassador, Booking

logger = logging.getLogger(__name__)
Which = Literal["24h", "1h"]
BEFORE: dict[Which, dt.timedelta] = {"24h": dt.timedelta(hours=24), "1h": dt.timedelta(hours=1)}
FRESH = dt.timedelta(hours=6)
# How many bookings one sweep looks at (the rest waits for the next sweep).
BATCH = 200


@dataclass(frozen=True)
class SentReminder:
    """A reminder this process claimed, and whether each e-mail was accepted."""

    booking: str
    which: Which
    sent: dict[Role, bool]


def _column(which: Which):  # noqa: ANN202 - an InstrumentedAttribute
    return Booking.reminded_24h_at if which == "24h" else Booking.reminded_1h_at


def _due(*, session: Session, now: dt.datetime) -> list[tuple[Booking, Ambassador]]:
    """Confirmed coffees still to come with a reminder due and unclaimed, soonest first."""
    rows = session.execute(
        select(Booking, Ambassador)
        .join(Ambassador, Ambassador.id == Booking.ambassador_id)
        .where(
            Booking.status == "confirmed",
            Booking.start_utc > now,
            Booking.start_utc <= now + BEFORE["24h"],
            or_(
                Booking.reminded_24h_at.is_(None),
                (Booking.reminded_1h_at.is_(None)) & (Booking.start_utc <= now + BEFORE["1h"]),
            ),
        )
        .order_by(Booking.start_utc, Booking.id)
        .limit(BATCH)
    ).all()
    return [(booking, ambassador) for booking, ambassador in rows]


def _claim(*, session: Session, booking: Booking, which: Which, now: dt.datetime) -> bool:
    """One conditional UPDATE: True only for the one process that changed the row."""
    column = _column(which)
    result = session.execute(
        update(Booking)
        .where(
            Booking.id == booking.id,
            column.is_(None),
            Booking.status == "confirmed",
            Booking.start_utc == booking.start_utc,
            Booking.sequence == booking.sequence,
        )
        .values({column: now})
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def _release(*, session: Session, booking: Booking, which: Which, now: dt.datetime) -> None:
    """Give back a claim whose e-mails all failed, so the next sweep tries again."""
    column = _column(which)
    session.execute(
        update(Booking)
        .where(Booking.id == booking.id, column == now)
        .values({column: None})
        .execution_options(synchronize_session=False)
    )


def _which(booking: Booking, now: dt.datetime) -> tuple[Which | None, bool]:
    """The reminder to send now (or None), and whether the 24 h one is to be dropped."""
    one_hour_due = booking.start_utc - BEFORE["1h"] <= now
    if one_hour_due:
        return ("1h" if booking.reminded_1h_at is None else None), booking.reminded_24h_at is None
    if booking.reminded_24h_at is not None:
        return None, False
    falls_due = booking.start_utc - BEFORE["24h"]
    if (booking.updated_at or booking.created_at) > falls_due - FRESH:
        return None, True
    return "24h", False


def send_due_reminders(
    settings: Settings,
    now: dt.datetime,
    *,
    sessions: sessionmaker | None = None,
    send: Callable[..., dict[Role, bool]] = send_booking_emails,
) -> list[SentReminder]:
    """Send every reminder due at `now` (naive UTC) that no process has claimed yet.

    `sessions`: the session factory to use (default: the settings' database); `send`:
    what sends the e-mails (tests may count calls). Blocking: call it off the event loop.
    """
    if not settings.smtp_host:
        return []  # nothing could be sent: leave every reminder unclaimed
    factory = sessions or session_factory(settings.database_url)
    with factory() as session, session.begin():
        due = _due(session=session, now=now)
    done = []
    for booking, ambassador in due:
        which, drop_24h = _which(booking, now)
        with factory() as session, session.begin():
            if drop_24h:
                _claim(session=session, booking=booking, which="24h", now=now)
            claimed = which is not None and _claim(
                session=session, booking=booking, which=which, now=now
            )
        if not claimed or which is None:
            continue
        sent = send(
            f"reminder_{which}",
            settings=settings,
            booking=booking,
            ambassador=ambassador,
            roles=("candidate", "ambassador"),
        )
        if not any(sent.values()):
            logger.warning(
                "reminder %s of booking %s not sent; retried next sweep", which, booking.id
            )
            with factory() as session, session.begin():
                _release(session=session, booking=booking, which=which, now=now)
        done.append(SentReminder(booking=booking.public_id, which=which, sent=sent))
    return done


async def remind_forever(
    settings: Settings, *, every_seconds: float = 60.0, clock: Callable[[], dt.datetime]
) -> None:
    """Sweep every `every_seconds` until cancelled (a web server's background task).

    A failing sweep (database away) is logged and the loop goes on.
    """
    while True:
        try:
            await asyncio.to_thread(send_due_reminders, settings, clock())
        except Exception:  # noqa: BLE001 - a background sweep must outlive a bad minute
            logger.exception("the reminder sweep failed")
        await asyncio.sleep(every_seconds)
