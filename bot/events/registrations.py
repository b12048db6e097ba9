"""Registering for an event, the waitlist, offers of freed seats, cancelling, check-in.

Race-safe by construction, as team coffees are (bot.meetings.booking): no
check-then-insert. A confirmed or offered registration holds a seat 1..capacity
(`ux_registration_seat`); registering tries the seats that looked free, each in
its own SAVEPOINT, and the database refuses a seat someone else took meanwhile.
When none is left the registration joins the waitlist (order: arrival, i.e. id).
So never more confirmed + offered registrations than seats, whatever the
concurrency, on SQLite and PostgreSQL. One live registration per e-mail and
event is `ux_registration_email`.

The waitlist moves by offers. When a seat frees up (a cancellation, an offer that
expired, HR adding seats) the first in line gets it as `offered`, held for them
until `offer_expires_at`: OFFER_WINDOW (24 h) after the offer, but never after the
registration deadline. The list is final at the deadline (the open house's list
goes to reception the day before), so no offer is made once it has passed and an
open offer lapses with it. An offer the candidate does not confirm in time
expires (`expire_offers`, swept every minute) and the seat goes to the next one.
Moving someone up is one conditional UPDATE (`WHERE status = 'waitlisted'`), so
of two processes freeing seats at once, each promotes a different person.

A new candidate joins the waitlist while anyone is in line, even if a seat looks
free (it is about to be offered); the sweep also offers seats freed by a
cancellation that could not see a registration committed at the same moment.

Every function takes the caller's session and never commits; e-mails are sent by
the caller after the commit (bot.events.messages), from what these return.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.events.models import (
    ATTENDANCE,
    LIVE_STATUSES,
    SEATED_STATUSES,
    Registration,
)
from bot.events.terms import Terms, event_terms, parse_slot_id
from bot.meetings.booking import BookingError, check_email, check_name
from bot.records.models import Event

OFFER_WINDOW = dt.timedelta(hours=24)
LANGUAGES = ("fr", "en")
MAX_COMMENT = 1000


class RegistrationError(BookingError):
    """A registration that cannot be made or changed: `field` names the input at fault
    ("event", "name", "email", "consent", "language", "registration"…), `code` why.
    A BookingError, so the chat answers both with the same `booking` reply."""


class BadRegistration(RegistrationError):
    """Input that can never register: bad name or e-mail, no consent, unknown date…"""


class RegistrationClosed(RegistrationError):
    """The date takes no registration: cancelled, past, after the deadline, or not a
    kind with seats (`code` says which)."""

    field = "event"


class AlreadyRegistered(RegistrationError):
    """This e-mail already holds a place (or a place in line) at this date."""

    field, code = "email", "already_registered"


class RegistrationNotFound(RegistrationError):
    field, code = "registration", "registration_unknown"


class RegistrationNotYours(RegistrationNotFound):
    """The registration belongs to another conversation."""

    code = "registration_not_yours"


class RegistrationOver(RegistrationError):
    """Cancelled, expired, or the event has started: nothing left to change."""

    field, code = "registration", "registration_closed"


class OfferExpired(RegistrationError):
    """The seat offered was not confirmed in time (it went to the next in line)."""

    field, code = "registration", "offer_expired"


def _event(session: Session, event_id: Any) -> Event:
    number = parse_slot_id(event_id)
    event = session.get(Event, number) if number is not None else None
    if event is None:
        raise BadRegistration("event", "event_unknown")
    return event


def open_terms(*, session: Session, event: Event, now: dt.datetime, office_timezone: str) -> Terms:
    """The date's terms if it takes registrations at `now`; RegistrationClosed otherwise."""
    terms = event_terms(session=session, event=event, office_timezone=office_timezone)
    if event.status != "scheduled":
        raise RegistrationClosed(code="event_cancelled")
    if not terms.capacity:
        raise RegistrationClosed(code="not_registrable")
    if terms.start_utc <= now:
        raise RegistrationClosed(code="event_past")
    if now >= terms.deadline_utc:
        raise RegistrationClosed(code="registration_closed")
    return terms


def _live_for(session: Session, event_id: int, key: str) -> bool:
    return (
        session.execute(
            select(Registration.id).where(
                Registration.event_id == event_id,
                Registration.email_key == key,
                Registration.status.in_(LIVE_STATUSES),
            )
        ).first()
        is not None
    )


def _taken_seats(session: Session, event_id: int) -> set[int]:
    return {
        seat
        for seat in session.execute(
            select(Registration.seat).where(
                Registration.event_id == event_id, Registration.status.in_(SEATED_STATUSES)
            )
        ).scalars()
        if seat is not None
    }


def _first_waiting(session: Session, event_id: int, skip: set[int]) -> Registration | None:
    query = select(Registration).where(
        Registration.event_id == event_id, Registration.status == "waitlisted"
    )
    if skip:
        query = query.where(Registration.id.notin_(skip))
    return session.execute(query.order_by(Registration.id).limit(1)).scalar_one_or_none()


def register(
    *,
    session: Session,
    event_id: Any,
    conversation_id: str,
    first_name: Any,
    email: Any,
    language: str,
    consent: Any,
    now: dt.datetime,
    office_timezone: str,
    consent_text: str = "",
) -> Registration:
    """Register a candidate for a date (`event_id`: the id or "event-<id>"): a
    `confirmed` Registration with a seat, or `waitlisted` when the date is full.
    Raises a RegistrationError subclass. `now` is naive UTC."""
    if not isinstance(conversation_id, str) or not 0 < len(conversation_id) <= 255:
        raise BadRegistration("conversation_id", "conversation_missing")
    try:
        name = check_name(first_name)
        address = check_email(email)
    except BookingError as error:
        raise BadRegistration(error.field, error.code) from None
    if consent is not True:
        raise BadRegistration("consent", "consent_missing")
    if language not in LANGUAGES:
        raise BadRegistration("language", "language_unknown")
    event = _event(session, event_id)
    terms = open_terms(session=session, event=event, now=now, office_timezone=office_timezone)
    key = address.lower()
    if _live_for(session, event.id, key):
        raise AlreadyRegistered()

    def row(status: str, seat: int | None) -> Registration:
        return Registration(
            public_id=secrets.token_urlsafe(16),
            event_id=event.id,
            status=status,
            seat=seat,
            conversation_id=conversation_id,
            first_name=name,
            email=address,
            email_key=key,
            language=language,
            consent_text=consent_text,
            sequence=0,
            created_at=now,
            updated_at=now,
            confirmed_at=now if status == "confirmed" else None,
        )

    capacity = terms.capacity or 0
    if _first_waiting(session, event.id, set()) is None:
        taken = _taken_seats(session, event.id)
        for seat in (s for s in range(1, capacity + 1) if s not in taken):
            registration = row("confirmed", seat)
            try:
                with session.begin_nested():
                    session.add(registration)
            except IntegrityError:
                if _live_for(session, event.id, key):
                    raise AlreadyRegistered() from None
                continue  # someone took that seat meanwhile: try the next one
            return registration
    registration = row("waitlisted", None)
    try:
        with session.begin_nested():
            session.add(registration)
    except IntegrityError:
        raise AlreadyRegistered() from None
    return registration


def get_registration(*, session: Session, public_id: Any) -> Registration:
    """The registration with that public id; RegistrationNotFound when there is none."""
    registration = None
    if isinstance(public_id, str) and 0 < len(public_id) <= 64:
        registration = session.execute(
            select(Registration).where(Registration.public_id == public_id)
        ).scalar_one_or_none()
    if registration is None:
        raise RegistrationNotFound()
    return registration


def _owned(
    session: Session, public_id: Any, conversation_id: str | None
) -> tuple[Registration, Event]:
    registration = get_registration(session=session, public_id=public_id)
    if conversation_id is not None and registration.conversation_id != conversation_id:
        raise RegistrationNotYours()
    event = session.get(Event, registration.event_id)
    if event is None:  # pragma: no cover - the foreign key deletes registrations with it
        raise RegistrationNotFound()
    return registration, event


def waitlist_position(*, session: Session, registration: Registration) -> int | None:
    """1 for the first in line; None when the registration is not waitlisted."""
    if registration.status != "waitlisted":
        return None
    ahead = session.execute(
        select(Registration.id).where(
            Registration.event_id == registration.event_id,
            Registration.status == "waitlisted",
            Registration.id < registration.id,
        )
    ).all()
    return len(ahead) + 1


def fill_seats(
    *, session: Session, event_id: int, now: dt.datetime, office_timezone: str
) -> list[Registration]:
    """Offer every free seat of the date to the first in line, in order; the
    registrations now `offered` (the caller e-mails them). Nothing once the date is
    cancelled, started or past its registration deadline."""
    event = session.get(Event, event_id)
    if event is None or event.status != "scheduled":
        return []
    terms = event_terms(session=session, event=event, office_timezone=office_timezone)
    if not terms.capacity or now >= terms.deadline_utc or terms.start_utc <= now:
        return []
    expires = min(now + OFFER_WINDOW, terms.deadline_utc)
    offers: list[Registration] = []
    seen: set[int] = set()
    while True:
        free = [s for s in range(1, terms.capacity + 1) if s not in _taken_seats(session, event_id)]
        waiting = _first_waiting(session, event_id, seen) if free else None
        if waiting is None:
            return offers
        seen.add(waiting.id)
        changed = None
        for seat in free:
            try:
                with session.begin_nested():
                    changed = session.execute(
                        update(Registration)
                        .where(Registration.id == waiting.id, Registration.status == "waitlisted")
                        .values(
                            status="offered",
                            seat=seat,
                            offered_at=now,
                            offer_expires_at=expires,
                            updated_at=now,
                        )
                        .execution_options(synchronize_session=False)
                    ).rowcount
            except IntegrityError:
                continue  # taken meanwhile: the next free seat
            break
        if changed is None:
            return offers  # every seat that looked free was taken meanwhile
        if changed:
            session.refresh(waiting)
            offers.append(waiting)


@dataclass(frozen=True)
class Cancellation:
    """A cancelled registration and the seats it freed, now offered to the waitlist."""

    registration: Registration
    event: Event
    offers: list[Registration] = field(default_factory=list)


def cancel(
    *,
    session: Session,
    public_id: Any,
    now: dt.datetime,
    office_timezone: str,
    conversation_id: str | None = None,
    statuses: tuple[str, ...] = LIVE_STATUSES,
) -> Cancellation:
    """The candidate cancels a place, a place in line or an offer (from the chat:
    `conversation_id` must be the registration's; from a signed link: None). A freed
    seat is offered to the first in line in the same transaction. `statuses`: what may
    be cancelled (declining an offer passes ("offered",), so a seat confirmed at the same
    instant is kept: the UPDATE is conditional on it)."""
    registration, event = _owned(session, public_id, conversation_id)
    terms = event_terms(session=session, event=event, office_timezone=office_timezone)
    if registration.status not in statuses or terms.start_utc <= now:
        raise RegistrationOver()
    changed = session.execute(
        update(Registration)
        .where(Registration.id == registration.id, Registration.status.in_(statuses))
        .values(
            status="cancelled",
            seat=None,
            cancelled_at=now,
            updated_at=now,
            ended_by="candidate",
            offer_expires_at=None,
            sequence=Registration.sequence + 1,
        )
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(registration)
    if not changed:
        raise RegistrationOver()
    offers = fill_seats(
        session=session, event_id=event.id, now=now, office_timezone=office_timezone
    )
    return Cancellation(registration, event, offers)


def confirm_offer(
    *,
    session: Session,
    public_id: Any,
    now: dt.datetime,
    conversation_id: str | None = None,
) -> Registration:
    """The candidate takes the seat offered to them, before `offer_expires_at`:
    one conditional UPDATE, so an offer that expires at that instant is not taken twice."""
    registration, _ = _owned(session, public_id, conversation_id)
    changed = session.execute(
        update(Registration)
        .where(
            Registration.id == registration.id,
            Registration.status == "offered",
            Registration.offer_expires_at > now,
        )
        .values(status="confirmed", confirmed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(registration)
    if changed:
        return registration
    if registration.status == "confirmed":
        return registration  # confirmed already (a second click): nothing to do
    if registration.status in ("offered", "expired"):
        raise OfferExpired()
    raise RegistrationOver()


@dataclass(frozen=True)
class OfferSweep:
    """What one sweep did: offers that lapsed and the new offers they made."""

    expired: list[Registration]
    offered: list[Registration]


def expire_offers(*, session: Session, now: dt.datetime, office_timezone: str) -> OfferSweep:
    """Expire every offer not confirmed by its deadline and offer the seat to the
    next in line; also offers seats left free beside a waitlist (a cancellation that
    raced a registration). Each expiry is a conditional UPDATE: of two processes
    sweeping at once, each row is expired (and e-mailed) by one."""
    due = list(
        session.execute(
            select(Registration)
            .where(Registration.status == "offered", Registration.offer_expires_at <= now)
            .order_by(Registration.id)
        ).scalars()
    )
    expired = []
    for registration in due:
        changed = session.execute(
            update(Registration)
            .where(
                Registration.id == registration.id,
                Registration.status == "offered",
                Registration.offer_expires_at <= now,
            )
            .values(
                status="expired",
                seat=None,
                cancelled_at=now,
                updated_at=now,
                ended_by="offer",
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            session.refresh(registration)
            expired.append(registration)
    events = {r.event_id for r in expired}
    events |= set(
        session.execute(
            select(Registration.event_id).where(Registration.status == "waitlisted").distinct()
        ).scalars()
    )
    offered = []
    for event_id in sorted(events):
        offered += fill_seats(
            session=session, event_id=event_id, now=now, office_timezone=office_timezone
        )
    return OfferSweep(expired, offered)


def cancel_event_registrations(
    *, session: Session, event_id: int, now: dt.datetime
) -> list[Registration]:
    """HR cancelled the date: every live registration ends (`ended_by` "event"); the
    ones to send the apology and a CANCEL invitation to, in arrival order. Call it in
    the transaction that cancels the record."""
    live = list(
        session.execute(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.status.in_(LIVE_STATUSES))
            .order_by(Registration.id)
        ).scalars()
    )
    ended = []
    for registration in live:
        changed = session.execute(
            update(Registration)
            .where(Registration.id == registration.id, Registration.status.in_(LIVE_STATUSES))
            .values(
                status="cancelled",
                seat=None,
                cancelled_at=now,
                updated_at=now,
                ended_by="event",
                offer_expires_at=None,
                sequence=Registration.sequence + 1,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            session.refresh(registration)
            ended.append(registration)
    return ended


def upcoming_for(
    *, session: Session, conversation_id: str, now: dt.datetime, office_timezone: str
) -> list[tuple[Registration, Event]]:
    """The conversation's live registrations for dates still to come, soonest first
    (what "cancel my registration" offers)."""
    rows = session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.conversation_id == conversation_id,
            Registration.status.in_(LIVE_STATUSES),
        )
        .order_by(Event.date, Event.start_time, Registration.id)
    ).all()
    return [
        (registration, event)
        for registration, event in rows
        if event_terms(session=session, event=event, office_timezone=office_timezone).start_utc
        > now
    ]


ORDER = {"confirmed": 0, "offered": 1, "waitlisted": 2, "cancelled": 3, "expired": 4}


def list_registrations(*, session: Session, event_id: int) -> list[Registration]:
    """Every registration of a date for staff: confirmed by seat, offers, the waitlist
    in order, then the ended ones."""
    rows = session.execute(
        select(Registration).where(Registration.event_id == event_id).order_by(Registration.id)
    ).scalars()
    return sorted(rows, key=lambda r: (ORDER.get(r.status, 9), r.seat or 0, r.id))


def mark_attendance(
    *, session: Session, public_id: Any, attendance: str | None, by: str, now: dt.datetime
) -> Registration:
    """Check-in on the day: "attended", "no_show", or None to clear. Only a confirmed
    registration can be ticked."""
    if attendance is not None and attendance not in ATTENDANCE:
        raise BadRegistration("attendance", "attendance_unknown")
    registration = get_registration(session=session, public_id=public_id)
    if registration.status != "confirmed":
        raise RegistrationOver()
    registration.attendance = attendance
    registration.attendance_by = by[:120] if attendance else None
    registration.attendance_at = now if attendance else None
    session.flush()
    return registration


def record_rating(
    *, session: Session, public_id: Any, rating: Any, comment: Any, now: dt.datetime
) -> Registration:
    """The thank-you e-mail's answer: 1..5 and an optional plain-text comment (the
    last answer counts)."""
    if not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 5:
        raise BadRegistration("rating", "rating_invalid")
    if comment is not None and not isinstance(comment, str):
        raise BadRegistration("comment", "comment_invalid")
    text = (comment or "").replace("\r\n", "\n").strip()
    if len(text) > MAX_COMMENT:
        raise BadRegistration("comment", "comment_too_long")
    registration = get_registration(session=session, public_id=public_id)
    if registration.status != "confirmed":
        raise RegistrationOver()
    registration.rating = rating
    registration.rating_comment = text or None
    registration.rated_at = now
    session.flush()
    return registration
