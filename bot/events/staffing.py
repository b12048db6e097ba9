"""What staff do with registrations, for the console and HR's workspace: the dates with
their seats, one date's registrations and waitlist (and as CSV), HR's terms of a date
(seats, deadline, video link), cancelling a date, and whether a date may be deleted.

The engine's rules stay in registrations.py, terms.py and panel.py; this module puts
them together for the staff pages, every function taking the caller's session and never
committing. E-mails go out after the commit (`send_cancellation_emails`, `send_offers`).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.settings import Settings
from bot.events.messages import event_name, send_registration_email
from bot.events.models import EventTerms, PanelQuestion, Registration
from bot.events.panel import (
    PanelError,
    mark_answered,
    session_questions,
    set_question_status,
    vote_count,
)
from bot.events.registrations import (
    cancel_event_registrations,
    fill_seats,
    get_registration,
    list_registrations,
    mark_attendance,
)
from bot.events.terms import (
    UTC,
    OpenDate,
    Terms,
    TermsError,
    defaults_for,
    event_terms,
    local_to_utc,
    open_dates,
    save_terms,
    seats_taken,
    waitlist_length,
)
from bot.records import service as records
from bot.records.models import Event

logger = logging.getLogger(__name__)
# Kinds candidates register for; another kind shows up once HR gives a date seats.
REGISTRATION_KINDS = ("open_house", "reverse_qa")
WHEN = ("upcoming", "past")
STAFF_LANGUAGE = "fr"
FIRST_YEAR, LAST_YEAR = 2000, 2999
LOCAL_MINUTE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
CSV_COLUMNS = (
    "first_name",
    "email",
    "language",
    "status",
    "seat",
    "position",
    "registered_at",
    "confirmed_at",
    "attendance",
    "attendance_by",
    "rating",
)
# Text a spreadsheet would run as a formula (CSV injection): prefixed with a quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class EventNotFound(LookupError):
    code = "event_unknown"


def _z(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


def _local(value: dt.datetime, office_timezone: str) -> str:
    """A naive UTC time as office wall-clock time, "2026-12-02T12:00" (the form's value)."""
    local = value.replace(tzinfo=UTC).astimezone(ZoneInfo(office_timezone))
    return local.strftime("%Y-%m-%dT%H:%M")


def get_event(*, session: Session, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise EventNotFound(event_id)
    return event


def summary(*, session: Session, event: Event, office_timezone: str) -> dict[str, Any]:
    """A date as the staff lists show it: when, where, seats, line, check-in, questions."""
    terms = event_terms(session=session, event=event, office_timezone=office_timezone)
    stored = session.get(EventTerms, event.id)
    marks = dict(
        session.execute(
            select(Registration.attendance, func.count())
            .where(Registration.event_id == event.id, Registration.attendance.is_not(None))
            .group_by(Registration.attendance)
        ).all()
    )
    questions = session.execute(
        select(func.count()).select_from(PanelQuestion).where(PanelQuestion.event_id == event.id)
    ).scalar_one()
    return {
        **event.to_json(),
        "name": event_name(event.kind, STAFF_LANGUAGE),
        "start": _z(terms.start_utc),
        "end": _z(terms.end_utc),
        "capacity": terms.capacity,
        "default_capacity": defaults_for(event.kind).capacity,
        "capacity_set": stored.capacity if stored is not None else None,
        "deadline": _z(terms.deadline_utc),
        "deadline_local": _local(terms.deadline_utc, office_timezone),
        "deadline_set": stored is not None and stored.registration_deadline is not None,
        "video_url": terms.video_url,
        "online": terms.online,
        "seats_taken": seats_taken(session=session, event_id=event.id),
        "waitlist": waitlist_length(session=session, event_id=event.id),
        "attended": int(marks.get("attended", 0)),
        "no_shows": int(marks.get("no_show", 0)),
        "questions": int(questions),
    }


def staff_events(
    *, session: Session, when: str, today: dt.date, office_timezone: str
) -> list[dict[str, Any]]:
    """The dates staff follow registrations for: the registration kinds' dates, and any
    date with seats set or registrations; upcoming soonest first, past latest first."""
    if when not in WHEN:
        raise ValueError(f"when must be one of {WHEN}")
    has_terms = select(EventTerms.event_id).where(EventTerms.capacity.is_not(None))
    has_rows = select(Registration.event_id)
    query = select(Event).where(
        or_(Event.kind.in_(REGISTRATION_KINDS), Event.id.in_(has_terms), Event.id.in_(has_rows))
    )
    last_day = func.coalesce(Event.end_date, Event.date)
    if when == "upcoming":
        query = query.where(last_day >= today).order_by(Event.date, Event.start_time, Event.id)
    else:
        query = query.where(last_day < today).order_by(
            Event.date.desc(), Event.start_time.desc(), Event.id.desc()
        )
    return [
        summary(session=session, event=event, office_timezone=office_timezone)
        for event in session.execute(query).scalars()
    ]


def _positions(rows: Sequence[Registration]) -> dict[int, int]:
    waiting = sorted(r.id for r in rows if r.status == "waitlisted")
    return {row_id: number for number, row_id in enumerate(waiting, start=1)}


def registration_row(registration: Registration, position: int | None) -> dict[str, Any]:
    """A registration for staff: what the check-in and the lists need, no conversation id."""
    return {
        "id": registration.public_id,
        "status": registration.status,
        "seat": registration.seat,
        "position": position,
        "first_name": registration.first_name,
        "email": registration.email,
        "language": registration.language,
        "registered_at": _z(registration.created_at),
        "confirmed_at": _z(registration.confirmed_at),
        "offer_expires_at": _z(registration.offer_expires_at),
        "cancelled_at": _z(registration.cancelled_at),
        "ended_by": registration.ended_by,
        "attendance": registration.attendance,
        "attendance_by": registration.attendance_by,
        "attendance_at": _z(registration.attendance_at),
        "rating": registration.rating,
        "checkable": registration.status == "confirmed",
    }


def roster(*, session: Session, event_id: int, office_timezone: str) -> dict[str, Any]:
    """One date and its registrations: confirmed by seat, offers, the waitlist in order
    (with each one's position), then the ended ones."""
    event = get_event(session=session, event_id=event_id)
    rows = list_registrations(session=session, event_id=event.id)
    positions = _positions(rows)
    return {
        "event": summary(session=session, event=event, office_timezone=office_timezone),
        "registrations": [registration_row(r, positions.get(r.id)) for r in rows],
    }


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def roster_csv(*, session: Session, event_id: int, office_timezone: str) -> tuple[str, str]:
    """The date's registrations as CSV (one row each, the columns CSV_COLUMNS, text that a
    spreadsheet would run as a formula quoted); and a file name for it."""
    found = roster(session=session, event_id=event_id, office_timezone=office_timezone)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for row in found["registrations"]:
        writer.writerow([_cell(row[column]) for column in CSV_COLUMNS])
    event = found["event"]
    return f"inscriptions-{event['kind']}-{event['date']}-{event['id']}.csv", out.getvalue()


def registration_count(*, session: Session, event_id: int) -> int:
    """Every registration a date holds, live or ended (deleting the date would delete them)."""
    return int(
        session.execute(
            select(func.count()).select_from(Registration).where(Registration.event_id == event_id)
        ).scalar_one()
    )


# ---------------------------------------------------------------- HR's terms of a date


def _deadline(value: Any, office_timezone: str) -> dt.datetime | None:
    """The form's office-time "YYYY-MM-DDTHH:MM" as naive UTC (None: the default)."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not LOCAL_MINUTE.fullmatch(value):
        raise TermsError("deadline", "deadline_invalid")
    try:
        local = dt.datetime.fromisoformat(value)
    except ValueError:
        raise TermsError("deadline", "deadline_invalid") from None
    if not FIRST_YEAR <= local.year <= LAST_YEAR:  # far from date's limits (time zones)
        raise TermsError("deadline", "deadline_invalid")
    return local_to_utc(local.date(), local.time(), office_timezone)


@dataclass(frozen=True)
class SavedTerms:
    """The date after HR saved its terms, and the seats that offered to the waitlist."""

    event: Event
    terms: Terms
    shown: dict[str, Any]
    offers: list[Registration] = field(default_factory=list)


def update_terms(
    *,
    session: Session,
    event_id: int,
    data: Mapping[str, Any],
    author: str,
    now: dt.datetime,
    office_timezone: str,
) -> SavedTerms:
    """HR sets a date's `capacity` (a whole number, null: the kind's default), `deadline`
    (office time "YYYY-MM-DDTHH:MM", null: the default) and `video_url` (https, null or
    "": none); a key left out keeps its value. New seats go to the waitlist at once."""
    event = get_event(session=session, event_id=event_id)
    stored = session.get(EventTerms, event.id)
    before = {
        "capacity": stored.capacity if stored else None,
        "deadline": stored.registration_deadline if stored else None,
        "video_url": stored.video_url if stored else None,
    }
    after = dict(before)
    if "capacity" in data:
        after["capacity"] = data["capacity"]
    if "deadline" in data:
        after["deadline"] = _deadline(data["deadline"], office_timezone)
    if "video_url" in data:
        after["video_url"] = data["video_url"] or None
    save_terms(
        session=session,
        event_id=event.id,
        capacity=after["capacity"],
        deadline_utc=after["deadline"],
        video_url=after["video_url"],
        author=author,
        now=now,
    )
    changes = {
        name: [_json(before[name]), _json(after[name])]
        for name in before
        if before[name] != after[name]
    }
    if changes:
        audit.record(
            session=session,
            actor=author,
            action="event.terms_updated",
            target=f"event:{event.id}",
            detail={"changes": changes},
        )
    offers = fill_seats(
        session=session, event_id=event.id, now=now, office_timezone=office_timezone
    )
    terms = event_terms(session=session, event=event, office_timezone=office_timezone)
    return SavedTerms(
        event, terms, summary(session=session, event=event, office_timezone=office_timezone), offers
    )


def _json(value: Any) -> Any:
    return _z(value) if isinstance(value, dt.datetime) else value


def send_offers(settings: Settings, saved: SavedTerms) -> int:
    """E-mail each registration the new seats were offered to (after the commit;
    blocking); how many the server accepted."""
    return sum(
        send_registration_email(
            "offered",
            settings=settings,
            registration=registration,
            event=saved.event,
            terms=saved.terms,
        )
        for registration in saved.offers
    )


# ---------------------------------------------------------------- cancelling a date


@dataclass(frozen=True)
class CancelledDate:
    """A date HR cancelled: the registrations it ended (to apologise to), and the next
    dates of its kind to offer them."""

    event: Event
    terms: Terms
    registrations: list[Registration]
    next_dates: list[OpenDate]

    def to_json(self) -> dict[str, Any]:
        return {
            "event": self.event.to_json(),
            "registrations_cancelled": len(self.registrations),
            "next_dates": [d.event.id for d in self.next_dates],
        }


def cancel_date(
    *, session: Session, event_id: int, author: str, now: dt.datetime, office_timezone: str
) -> CancelledDate:
    """Cancel the date (the record, audited) and every live registration in one
    transaction. RecordNotFound for an unknown date."""
    event = records.cancel_event(session=session, event_id=event_id, author=author)
    ended = cancel_event_registrations(session=session, event_id=event.id, now=now)
    terms = event_terms(session=session, event=event, office_timezone=office_timezone)
    following = open_dates(
        session=session,
        kinds=(event.kind,),
        now=now,
        office_timezone=office_timezone,
        but=event.id,
    )
    return CancelledDate(event, terms, ended, following)


def send_cancellation_emails(settings: Settings, cancelled: CancelledDate) -> int:
    """The apology, with the next dates and a CANCEL invitation, to each registration the
    cancellation ended (after the commit; blocking); how many the server accepted."""
    return sum(
        send_registration_email(
            "event_cancelled",
            settings=settings,
            registration=registration,
            event=cancelled.event,
            terms=cancelled.terms,
            next_dates=cancelled.next_dates,
        )
        for registration in cancelled.registrations
    )


# ---------------------------------------------------------------- check-in and questions


def check_in(
    *, session: Session, public_id: Any, attendance: Any, by: str, now: dt.datetime
) -> dict[str, Any]:
    """Tick a confirmed registration attended / no-show (None clears it), audited."""
    registration = get_registration(session=session, public_id=public_id)
    previous = registration.attendance
    marked = mark_attendance(
        session=session, public_id=public_id, attendance=attendance, by=by, now=now
    )
    if previous != marked.attendance:
        audit.record(
            session=session,
            actor=by,
            action="registration.attendance",
            target=f"registration:{marked.public_id}",
            detail={"attendance": marked.attendance, "previous": previous},
        )
    return registration_row(marked, None)


def question_row(*, session: Session, question: PanelQuestion) -> dict[str, Any]:
    """A question as the host's view shows it: its votes, never who asked."""
    return {
        "id": question.public_id,
        "text": question.text,
        "votes": vote_count(session=session, question_id=question.id),
        "answered": question.answered,
        "status": question.status,
        "article": question.article_id,
        "created_at": _z(question.created_at),
    }


def host_questions(*, session: Session, event_id: int) -> list[dict[str, Any]]:
    """A date's questions for its host, most voted first, hidden ones included."""
    get_event(session=session, event_id=event_id)
    linked = dict(
        session.execute(
            select(PanelQuestion.public_id, PanelQuestion.article_id).where(
                PanelQuestion.event_id == event_id
            )
        ).all()
    )
    return [
        {**view.to_json(), "article": linked.get(view.id)}
        for view in session_questions(session=session, event_id=event_id, include_hidden=True)
    ]


def staff_question(
    *, session: Session, question_id: Any, change: str, value: Any, by: str, now: dt.datetime
) -> dict[str, Any]:
    """The host marks a question answered (`change` "answered", `value` a bool) or hides
    or shows it (`change` "status", `value` "hidden" / "open"), audited; PanelError for
    a bad value, QuestionNotFound for an unknown question."""
    if change == "answered":
        if not isinstance(value, bool):
            raise PanelError("answered", "answered_invalid")
        question = mark_answered(
            session=session, question_id=question_id, answered=value, by=by, now=now
        )
        detail: dict[str, Any] = {"answered": value}
    else:
        question = set_question_status(
            session=session, question_id=question_id, status=value if isinstance(value, str) else ""
        )
        detail = {"status": question.status}
    audit.record(
        session=session,
        actor=by,
        action=f"panel_question.{change}",
        target=f"panel_question:{question.public_id}",
        detail=detail,
    )
    return question_row(session=session, question=question)
