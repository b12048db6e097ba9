"""Booking, moving, cancelling and declining team coffees, race-safe by construction.

No check-then-insert: the row is written and the database refuses what breaks
a rule (see the indexes on `Booking`):
- the same slot twice: `ux_booking_slot` -> SlotTaken;
- more than `cap` coffees in an ambassador's week: each booking takes a seat
  1..cap of the week (`ux_booking_seat`), tried in order in a savepoint each;
  every seat taken -> CapReached;
- a second upcoming coffee for the same e-mail (case ignored): the unique
  `upcoming_email` -> AlreadyBooked (a past coffee's key is released first).
Each write runs in a SAVEPOINT, so a refusal leaves the caller's transaction usable.
The reads that come first (does the slot exist, is the host active) only pick the
right error; they guarantee nothing.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.meetings.models import LANGUAGES, Ambassador, AmbassadorPause, Booking
from bot.meetings.rules import CoffeeRules
from bot.meetings.slots import (
    UTC,
    BadSlotId,
    coffee_rules,
    is_window_start,
    parse_slot_id,
    week_start,
    zone,
)

MAX_NAME = 80
MAX_NOTE = 500
MAX_EMAIL = 254
MAX_CONVERSATION_ID = 255
EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$")
# Characters that reorder or hide text: refused in names and notes.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


class BookingError(Exception):
    """A booking that cannot be made or changed: `field` names the input at fault
    ("slot", "name", "email", "note", "consent", "language", "booking"), `code` why."""

    field: str = ""
    code: str = ""

    def __init__(self, field: str | None = None, code: str | None = None) -> None:
        self.field = field or self.field
        self.code = code or self.code
        super().__init__(f"{self.field}: {self.code}")


class BadBooking(BookingError):
    """Input that can never book: bad name, e-mail or note, no consent, unknown or past slot…"""


class SlotTaken(BookingError):
    """Someone else has this slot (now or since it was offered)."""

    field, code = "slot", "slot_taken"


class CapReached(BookingError):
    """The ambassador's coffees of that week are all booked."""

    field, code = "slot", "cap_reached"


class AlreadyBooked(BookingError):
    """This e-mail address already has an upcoming coffee (one at a time)."""

    field, code = "email", "already_booked"


class BookingNotFound(BookingError):
    """No booking has this public id."""

    field, code = "booking", "booking_unknown"


class BookingNotYours(BookingNotFound):
    """The booking belongs to another conversation."""

    code = "booking_not_yours"


class BookingClosed(BookingError):
    """The booking is cancelled, declined or already past: it cannot change any more."""

    field, code = "booking", "booking_closed"


def _plain(value: str, *, newlines: bool) -> bool:
    for char in value:
        if char in BIDI_CONTROLS:
            return False
        if unicodedata.category(char) == "Cc" and not (newlines and char in "\n\t"):
            return False
    return True


def check_name(value: Any) -> str:
    """A first name: one line of plain text, 1 to 80 characters."""
    if not isinstance(value, str) or not value.strip():
        raise BadBooking("name", "name_missing")
    name = value.strip()
    if not _plain(name, newlines=False) or "<" in name or ">" in name:
        raise BadBooking("name", "name_not_plain")
    name = " ".join(name.split())
    if len(name) > MAX_NAME:
        raise BadBooking("name", "name_too_long")
    return name


def check_email(value: Any) -> str:
    """An e-mail address (trimmed; the case is kept, compared without it)."""
    email = value.strip() if isinstance(value, str) else ""
    if not email or len(email) > MAX_EMAIL or not EMAIL.match(email):
        raise BadBooking("email", "email_invalid")
    return email


def check_note(value: Any) -> str:
    """The optional note for the host: plain text up to 500 characters, line breaks kept.
    Markup is kept as typed; whoever shows it escapes it."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadBooking("note", "note_not_plain")
    note = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not _plain(note, newlines=True):
        raise BadBooking("note", "note_not_plain")
    if len(note) > MAX_NOTE:
        raise BadBooking("note", "note_too_long")
    return note


def _paused(session: Session, ambassador_id: str, day: dt.date) -> bool:
    return (
        session.execute(
            select(AmbassadorPause.id).where(
                AmbassadorPause.ambassador_id == ambassador_id,
                AmbassadorPause.first_day <= day,
                AmbassadorPause.last_day >= day,
            )
        ).first()
        is not None
    )


def check_slot(
    *, session: Session, slot_id: Any, now: dt.datetime, office_timezone: str, rules: CoffeeRules
) -> tuple[Ambassador, dt.datetime]:
    """The slot's ambassador and UTC start, if it could be booked now (taken aside);
    BadBooking (field "slot") says why not."""
    try:
        ambassador_id, start = parse_slot_id(slot_id)
    except BadSlotId:
        raise BadBooking("slot", "slot_unknown") from None
    ambassador = session.get(Ambassador, ambassador_id)
    if ambassador is None or not is_window_start(ambassador.windows, start, office_timezone, rules):
        raise BadBooking("slot", "slot_unknown")
    if start <= now:
        raise BadBooking("slot", "slot_past")
    if start < now + rules.notice:
        raise BadBooking("slot", "slot_too_soon")
    if start > now + rules.horizon:
        raise BadBooking("slot", "slot_too_far")
    if not ambassador.active:
        raise BadBooking("slot", "host_inactive")
    local_day = start.replace(tzinfo=UTC).astimezone(ZoneInfo(office_timezone)).date()
    if _paused(session, ambassador.id, local_day):
        raise BadBooking("slot", "host_paused")
    return ambassador, start


def slot_held(
    *, session: Session, ambassador_id: str, start: dt.datetime, end: dt.datetime, but: int = 0
) -> bool:
    """Whether a confirmed booking (other than `but`) overlaps that time with that host."""
    return (
        session.execute(
            select(Booking.id).where(
                Booking.ambassador_id == ambassador_id,
                Booking.status == "confirmed",
                Booking.start_utc < end,
                Booking.end_utc > start,
                Booking.id != but,
            )
        ).first()
        is not None
    )


def _email_held(session: Session, key: str) -> bool:
    return (
        session.execute(select(Booking.id).where(Booking.upcoming_email == key)).first() is not None
    )


def book(
    *,
    session: Session,
    slot_id: str,
    conversation_id: str,
    name: Any,
    email: Any,
    note: Any = None,
    language: str,
    candidate_timezone: str | None = None,
    consent: Any,
    now: dt.datetime,
    office_timezone: str,
    consent_text: str = "",
    rules: CoffeeRules | None = None,
) -> Booking:
    """Book a coffee for a candidate; the confirmed Booking, or a BookingError subclass.

    `now` is naive UTC. An unknown or invalid `candidate_timezone` is ignored (stored
    as None): it only changes how times are shown.
    """
    rules = rules or coffee_rules()
    if not isinstance(conversation_id, str) or not 0 < len(conversation_id) <= 255:
        raise BadBooking("conversation_id", "conversation_missing")
    name = check_name(name)
    email = check_email(email)
    note = check_note(note)
    if consent is not True:
        raise BadBooking("consent", "consent_missing")
    if language not in LANGUAGES:
        raise BadBooking("language", "language_unknown")
    ambassador, start = check_slot(
        session=session, slot_id=slot_id, now=now, office_timezone=office_timezone, rules=rules
    )
    end = start + rules.duration
    if slot_held(session=session, ambassador_id=ambassador.id, start=start, end=end):
        raise SlotTaken()
    key = email.lower()
    # The e-mail's coffee that has started is no longer "upcoming": release its key.
    session.execute(
        update(Booking)
        .where(Booking.upcoming_email == key, Booking.start_utc <= now)
        .values(upcoming_email=None)
        .execution_options(synchronize_session=False)
    )
    week = week_start(start, office_timezone)
    timezone = candidate_timezone if zone(candidate_timezone) is not None else None
    for seat in range(1, ambassador.cap + 1):
        booking = Booking(
            public_id=secrets.token_urlsafe(16),
            ambassador_id=ambassador.id,
            start_utc=start,
            end_utc=end,
            week_start=week,
            seat=seat,
            status="confirmed",
            conversation_id=conversation_id,
            candidate_name=name,
            candidate_email=email,
            upcoming_email=key,
            note=note,
            language=language,
            candidate_timezone=timezone,
            consent_text=consent_text,
            sequence=0,
            created_at=now,
            updated_at=now,
        )
        try:
            with session.begin_nested():
                session.add(booking)
        except IntegrityError:
            if slot_held(session=session, ambassador_id=ambassador.id, start=start, end=end):
                raise SlotTaken() from None
            if _email_held(session, key):
                raise AlreadyBooked() from None
            continue  # that seat of the week is taken: try the next one
        return booking
    raise CapReached()


def get_booking(*, session: Session, public_id: Any) -> Booking:
    """The booking with that public id; BookingNotFound when there is none."""
    booking = None
    if isinstance(public_id, str) and 0 < len(public_id) <= 64:
        booking = session.execute(
            select(Booking).where(Booking.public_id == public_id)
        ).scalar_one_or_none()
    if booking is None:
        raise BookingNotFound()
    return booking


def changeable(
    *, session: Session, public_id: Any, conversation_id: str | None, now: dt.datetime
) -> Booking:
    """The booking if it can still be cancelled or moved by that conversation (None: by a
    signed link); BookingNotFound, BookingNotYours or BookingClosed otherwise."""
    booking = get_booking(session=session, public_id=public_id)
    if conversation_id is not None and booking.conversation_id != conversation_id:
        raise BookingNotYours()
    if booking.status != "confirmed" or booking.start_utc <= now:
        raise BookingClosed()
    return booking


def _end(session: Session, booking: Booking, status: str, now: dt.datetime) -> Booking:
    """Cancel or decline with one conditional UPDATE: of two at once, one wins."""
    changed = session.execute(
        update(Booking)
        .where(Booking.id == booking.id, Booking.status == "confirmed")
        .values(
            status=status,
            cancelled_at=now,
            updated_at=now,
            upcoming_email=None,
            sequence=Booking.sequence + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(booking)
    if not changed:
        raise BookingClosed()
    return booking


def cancel(
    *,
    session: Session,
    public_id: Any,
    now: dt.datetime,
    conversation_id: str | None = None,
) -> Booking:
    """The candidate cancels (from the chat: `conversation_id` must be the booking's;
    from a signed link: None). The slot is free again."""
    booking = changeable(
        session=session, public_id=public_id, conversation_id=conversation_id, now=now
    )
    return _end(session, booking, "cancelled", now)


def decline(*, session: Session, public_id: Any, now: dt.datetime) -> Booking:
    """The ambassador declines (from their e-mail's signed link). The slot is free again."""
    booking = changeable(session=session, public_id=public_id, conversation_id=None, now=now)
    return _end(session, booking, "declined", now)


def move(
    *,
    session: Session,
    public_id: Any,
    new_slot_id: Any,
    now: dt.datetime,
    office_timezone: str,
    conversation_id: str | None = None,
    rules: CoffeeRules | None = None,
) -> Booking:
    """Move a confirmed coffee to another free slot (any host); same public id,
    SEQUENCE + 1, reminders to send again. SlotTaken / CapReached when refused."""
    rules = rules or coffee_rules()
    booking = changeable(
        session=session, public_id=public_id, conversation_id=conversation_id, now=now
    )
    ambassador, start = check_slot(
        session=session, slot_id=new_slot_id, now=now, office_timezone=office_timezone, rules=rules
    )
    if (ambassador.id, start) == (booking.ambassador_id, booking.start_utc):
        raise BadBooking("slot", "slot_unchanged")
    end = start + rules.duration
    if slot_held(
        session=session, ambassador_id=ambassador.id, start=start, end=end, but=booking.id
    ):
        raise SlotTaken()
    week = week_start(start, office_timezone)
    seats = list(range(1, ambassador.cap + 1))
    if (ambassador.id, week) == (booking.ambassador_id, booking.week_start):
        seats = [booking.seat]  # its own seat of that week stays its own
    for seat in seats:
        try:
            with session.begin_nested():
                changed = session.execute(
                    update(Booking)
                    .where(Booking.id == booking.id, Booking.status == "confirmed")
                    .values(
                        ambassador_id=ambassador.id,
                        start_utc=start,
                        end_utc=end,
                        week_start=week,
                        seat=seat,
                        sequence=Booking.sequence + 1,
                        updated_at=now,
                        reminded_24h_at=None,
                        reminded_1h_at=None,
                    )
                    .execution_options(synchronize_session=False)
                ).rowcount
        except IntegrityError:
            if slot_held(
                session=session, ambassador_id=ambassador.id, start=start, end=end, but=booking.id
            ):
                raise SlotTaken() from None
            continue
        session.refresh(booking)
        if not changed:
            raise BookingClosed()
        return booking
    raise CapReached()


def upcoming_for(*, session: Session, conversation_id: str, now: dt.datetime) -> list[Booking]:
    """The conversation's confirmed coffees still to come, soonest first."""
    return list(
        session.execute(
            select(Booking)
            .where(
                Booking.conversation_id == conversation_id,
                Booking.status == "confirmed",
                Booking.start_utc > now,
            )
            .order_by(Booking.start_utc)
        ).scalars()
    )


@dataclass(frozen=True)
class ErasedBookings:
    """What an erasure deleted. `upcoming`: each upcoming coffee as a detached copy
    (status cancelled, `sequence` already raised) with its host, for the host's
    METHOD:CANCEL; the rows themselves are gone."""

    removed: int
    upcoming: tuple[tuple[Booking, Ambassador], ...]


def erase_conversation_bookings(
    *, session: Session, conversation_id: str, now: dt.datetime
) -> ErasedBookings:
    """Delete every booking of a conversation (contact details and note with them);
    returns the upcoming ones, whose ambassadors must be told of the cancellation."""
    upcoming = []
    for booking in upcoming_for(session=session, conversation_id=conversation_id, now=now):
        host = session.get(Ambassador, booking.ambassador_id)
        if host is None:
            continue
        session.expunge(booking)  # the copy the e-mails are written from
        booking.status, booking.sequence = "cancelled", booking.sequence + 1
        upcoming.append((booking, host))
    removed = session.execute(
        delete(Booking)
        .where(Booking.conversation_id == conversation_id)
        .execution_options(synchronize_session=False)
    ).rowcount
    for _, host in upcoming:
        session.expunge(host)  # readable once the transaction is over
    return ErasedBookings(removed=removed or 0, upcoming=tuple(upcoming))


def purge_old_bookings(*, session: Session, cutoff: dt.datetime) -> int:
    """Delete bookings whose coffee ended before `cutoff` (naive UTC; now - retention days),
    whatever their status; how many were deleted."""
    return (
        session.execute(
            delete(Booking)
            .where(Booking.end_utc < cutoff)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
