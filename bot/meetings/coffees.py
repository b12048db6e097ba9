"""Team coffees as staff see them: the list (upcoming or past, a page at a time) and
what happened at a past coffee (attended / no-show), marked by a recruiter or HR.

Only a confirmed coffee that has started can be marked: a future one has not happened,
a cancelled or declined one never will. A mark can be changed (a click on the wrong
button); every mark is kept in the audit log with the one it replaced.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from bot.core.audit import record
from bot.meetings.booking import BookingNotFound, get_booking
from bot.meetings.invitations import first_name
from bot.meetings.messages import format_when
from bot.meetings.models import ATTENDANCE, Ambassador, Booking

When = Literal["upcoming", "past"]
WHEN: tuple[When, ...] = ("upcoming", "past")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
AUDIT_ACTION = "coffee.attendance"


class CoffeeError(Exception):
    """A mark that cannot be made; `code` says why (the console shows it)."""

    code = "coffee_error"

    def __init__(self, code: str | None = None) -> None:
        self.code = code or self.code
        super().__init__(self.code)


class CoffeeNotFound(CoffeeError):
    """No booking has this public id."""

    code = "coffee_unknown"


class BadAttendance(CoffeeError):
    """Not one of ATTENDANCE."""

    code = "attendance_unknown"


class CoffeeNotHeld(CoffeeError):
    """The coffee was cancelled or declined: nobody could attend it."""

    code = "coffee_not_held"


class CoffeeNotStarted(CoffeeError):
    """The coffee has not started yet: there is nothing to mark."""

    code = "coffee_not_started"


@dataclass(frozen=True)
class Coffee:
    """One coffee for the console, with its host."""

    booking: Booking
    ambassador: Ambassador | None

    def to_json(self, *, office_timezone: str, language: str, now: dt.datetime) -> dict[str, Any]:
        """What staff see: the candidate's first name and e-mail, never their full name or
        conversation; the note as plain text (the console renders it inert)."""
        b, host = self.booking, self.ambassador
        return {
            "id": b.public_id,
            "start": b.start_utc.isoformat(timespec="seconds") + "Z",
            "end": b.end_utc.isoformat(timespec="seconds") + "Z",
            "when": format_when(b.start_utc, timezone=office_timezone, language=language),
            "candidate": first_name(b.candidate_name),
            "email": b.candidate_email,
            "language": b.language,
            "note": b.note,
            "host": host.name if host else b.ambassador_id,
            "host_role": host.role if host else "",
            "status": b.status,
            "attendance": b.attendance,
            "attendance_by": b.attendance_by,
            "attendance_at": (
                b.attendance_at.isoformat(timespec="seconds") + "Z" if b.attendance_at else None
            ),
            "markable": markable(b, now=now),
        }


@dataclass(frozen=True)
class CoffeePage:
    coffees: list[Coffee]
    total: int
    offset: int
    limit: int


def markable(booking: Booking, *, now: dt.datetime) -> bool:
    """Whether staff may mark (or re-mark) what happened at this coffee."""
    return booking.status == "confirmed" and booking.start_utc <= now


def coffees(
    *,
    session: Session,
    when: When,
    now: dt.datetime,
    offset: int = 0,
    limit: int = PAGE_SIZE,
) -> CoffeePage:
    """Upcoming coffees (not started yet, soonest first) or past ones (started, latest
    first), every status; one page of them and how many there are in all."""
    if when not in WHEN:
        raise ValueError(f"when must be one of {WHEN}")
    offset = max(0, offset)
    limit = min(max(1, limit), MAX_PAGE_SIZE)
    if when == "upcoming":
        condition = Booking.start_utc > now
        order = (Booking.start_utc.asc(), Booking.id.asc())
    else:
        condition = Booking.start_utc <= now
        order = (Booking.start_utc.desc(), Booking.id.desc())
    total = session.execute(select(func.count(Booking.id)).where(condition)).scalar_one()
    rows = session.execute(
        select(Booking, Ambassador)
        .outerjoin(Ambassador, Ambassador.id == Booking.ambassador_id)
        .where(condition)
        .order_by(*order)
        .offset(offset)
        .limit(limit)
    ).all()
    return CoffeePage([Coffee(b, a) for b, a in rows], int(total), offset, limit)


def mark_attendance(
    *, session: Session, public_id: Any, attendance: Any, actor: str, now: dt.datetime
) -> Coffee:
    """Mark a past confirmed coffee `attended` or `no_show` (again, to correct it); the
    audit log keeps who, what and the mark replaced. Raises a CoffeeError subclass."""
    if not isinstance(attendance, str) or attendance not in ATTENDANCE:
        raise BadAttendance()
    try:
        booking = get_booking(session=session, public_id=public_id)
    except BookingNotFound:
        raise CoffeeNotFound() from None
    if booking.status != "confirmed":
        raise CoffeeNotHeld()
    if booking.start_utc > now:
        raise CoffeeNotStarted()
    previous = booking.attendance
    # Conditional on what was checked: a coffee cancelled meanwhile is not marked.
    changed = session.execute(
        update(Booking)
        .where(
            Booking.id == booking.id,
            Booking.status == "confirmed",
            Booking.start_utc <= now,
        )
        .values(attendance=attendance, attendance_by=actor[:120], attendance_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(booking)
    if not changed:
        raise CoffeeNotHeld()
    record(
        session=session,
        actor=actor,
        action=AUDIT_ACTION,
        target=f"booking:{booking.public_id}",
        detail={"attendance": attendance, "previous": previous},
    )
    return Coffee(booking, session.get(Ambassador, booking.ambassador_id))
