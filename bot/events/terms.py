"""An event's registration terms: seats, deadline, start and end in UTC, video link.

The defaults come from the company's logistics (`events.logistics` in the company file):
- open house: 25 seats, registration closes the day before at 12:00 office time,
  2 hours when the record gives no end time (17:30-19:30);
- reverse Q&A: 150 seats, online, 45 minutes (12:30-13:15); the logistics set no
  deadline, so registration closes when the session starts;
- other kinds (hackathon…): no registration unless HR gives the date a capacity.
HR overrides any of them per date (`EventTerms`, table `event_settings`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.events.models import SEATED_STATUSES, EventTerms, Registration
from bot.records.models import Event

UTC = dt.timezone.utc
MAX_CAPACITY = 10_000
MAX_VIDEO_URL = 500


@dataclass(frozen=True)
class KindDefaults:
    capacity: int | None
    length: dt.timedelta
    # Deadline: this many days before the event at `deadline_time` (office time);
    # None: registration closes when the event starts.
    deadline_days_before: int | None = None
    deadline_time: dt.time = dt.time(12, 0)
    online: bool = False


DEFAULTS: dict[str, KindDefaults] = {
    "open_house": KindDefaults(capacity=25, length=dt.timedelta(hours=2), deadline_days_before=1),
    "reverse_qa": KindDefaults(capacity=150, length=dt.timedelta(minutes=45), online=True),
}
OTHER = KindDefaults(capacity=None, length=dt.timedelta(hours=2))


class TermsError(ValueError):
    """HR's terms refused: `field` ("capacity", "deadline", "video_url"), `code` why."""

    def __init__(self, field: str, code: str) -> None:
        self.field, self.code = field, code
        super().__init__(f"{field}: {code}")


@dataclass(frozen=True)
class Terms:
    """Everything registration needs to know about one date, times in naive UTC."""

    event_id: int
    kind: str
    capacity: int | None
    start_utc: dt.datetime
    end_utc: dt.datetime
    deadline_utc: dt.datetime
    video_url: str | None
    online: bool

    @property
    def registrable(self) -> bool:
        return bool(self.capacity)


def local_to_utc(day: dt.date, time: dt.time, office_timezone: str) -> dt.datetime:
    """Office wall-clock time as naive UTC (a time skipped by a clock change moves on)."""
    local = dt.datetime.combine(day, time, tzinfo=ZoneInfo(office_timezone))
    return local.astimezone(UTC).replace(tzinfo=None)


def defaults_for(kind: str) -> KindDefaults:
    return DEFAULTS.get(kind, OTHER)


def terms_of(event: Event, stored: EventTerms | None, office_timezone: str) -> Terms:
    """The terms of `event` from its record, HR's overrides (`stored`) and the defaults."""
    base = defaults_for(event.kind)
    start = local_to_utc(event.date, event.start_time or dt.time(0, 0), office_timezone)
    if event.end_time is not None and event.end_time > (event.start_time or dt.time(0, 0)):
        end = local_to_utc(event.last_date, event.end_time, office_timezone)
    elif event.end_date is not None:
        end = local_to_utc(event.end_date + dt.timedelta(days=1), dt.time(0, 0), office_timezone)
    else:
        end = start + base.length
    if stored is not None and stored.registration_deadline is not None:
        deadline = stored.registration_deadline
    elif base.deadline_days_before is not None:
        day = event.date - dt.timedelta(days=base.deadline_days_before)
        deadline = local_to_utc(day, base.deadline_time, office_timezone)
    else:
        deadline = start
    return Terms(
        event_id=event.id,
        kind=event.kind,
        capacity=capacity_of(event, stored),
        start_utc=start,
        end_utc=end,
        deadline_utc=min(deadline, start),
        video_url=stored.video_url if stored is not None else None,
        online=base.online,
    )


def capacity_of(event: Event, stored: EventTerms | None) -> int | None:
    """The seats of a date: HR's number for it, else its kind's default (None: no seats)."""
    if stored is not None and stored.capacity:
        return stored.capacity
    return defaults_for(event.kind).capacity


def event_terms(*, session: Session, event: Event, office_timezone: str) -> Terms:
    return terms_of(event, session.get(EventTerms, event.id), office_timezone)


def seats_taken(*, session: Session, event_id: int) -> int:
    """Confirmed and offered registrations of the event (what the seat index bounds)."""
    return int(
        session.execute(
            select(func.count())
            .select_from(Registration)
            .where(Registration.event_id == event_id, Registration.status.in_(SEATED_STATUSES))
        ).scalar_one()
    )


def waitlist_length(*, session: Session, event_id: int) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(Registration)
            .where(Registration.event_id == event_id, Registration.status == "waitlisted")
        ).scalar_one()
    )


@dataclass(frozen=True)
class OpenDate:
    """A date candidates can register for (the chat's `meeting_offer` slot)."""

    event: Event
    terms: Terms
    seats_left: int
    waitlist: bool  # full (or people in line): a registration joins the waitlist

    @property
    def slot_id(self) -> str:
        return slot_id(self.event.id)


def slot_id(event_id: int) -> str:
    """How the chat names a date: "event-12"."""
    return f"event-{event_id}"


def parse_slot_id(value: Any) -> int | None:
    """The event id of "event-12", or None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if value > 0 else None
    if not isinstance(value, str) or len(value) > 32:
        return None
    number = value.removeprefix("event-")
    return int(number) if number.isdigit() and len(number) <= 9 and int(number) > 0 else None


def open_dates(
    *,
    session: Session,
    kinds: tuple[str, ...],
    now: dt.datetime,
    office_timezone: str,
    limit: int = 5,
    but: int | None = None,
) -> list[OpenDate]:
    """The next scheduled dates of `kinds` still open for registration at `now`
    (full ones too, flagged `waitlist`), soonest first; `but` leaves one date out."""
    today = now.replace(tzinfo=UTC).astimezone(ZoneInfo(office_timezone)).date()
    events = session.execute(
        select(Event)
        .where(
            Event.kind.in_(kinds),
            Event.status == "scheduled",
            Event.date >= today - dt.timedelta(days=1),
        )
        .order_by(Event.date, Event.start_time, Event.id)
    ).scalars()
    found = []
    for event in events:
        if event.id == but:
            continue
        terms = event_terms(session=session, event=event, office_timezone=office_timezone)
        if not terms.capacity or now >= terms.deadline_utc:
            continue
        left = max(terms.capacity - seats_taken(session=session, event_id=event.id), 0)
        line = waitlist_length(session=session, event_id=event.id)
        found.append(OpenDate(event, terms, left, waitlist=left == 0 or line > 0))
        if len(found) >= limit:
            break
    return found


def save_terms(
    *,
    session: Session,
    event_id: int,
    capacity: Any = None,
    deadline_utc: Any = None,
    video_url: Any = None,
    author: str,
    now: dt.datetime | None = None,
) -> EventTerms:
    """HR sets a date's seats, deadline (naive UTC) or video link (None: the default).

    A capacity below the seats already held is refused (`capacity_below_taken`): a
    seat is never taken back. After raising it, call `registrations.fill_seats` so
    the waitlist gets the new seats.
    """
    event = session.get(Event, event_id)
    if event is None:
        raise TermsError("event", "event_unknown")
    if capacity is not None:
        if not isinstance(capacity, int) or isinstance(capacity, bool):
            raise TermsError("capacity", "capacity_invalid")
        if not 1 <= capacity <= MAX_CAPACITY:
            raise TermsError("capacity", "capacity_invalid")
        if capacity < seats_taken(session=session, event_id=event_id):
            raise TermsError("capacity", "capacity_below_taken")
    if deadline_utc is not None and not isinstance(deadline_utc, dt.datetime):
        raise TermsError("deadline", "deadline_invalid")
    if video_url is not None:
        if (
            not isinstance(video_url, str)
            or not video_url.startswith("https://")
            or len(video_url) > MAX_VIDEO_URL
            or any(c.isspace() or c in "<>\"'" for c in video_url)
        ):
            raise TermsError("video_url", "video_url_invalid")
    stored = session.get(EventTerms, event_id)
    if stored is None:
        stored = EventTerms(event_id=event_id)
        session.add(stored)
    stored.capacity = capacity
    stored.registration_deadline = deadline_utc
    stored.video_url = video_url
    stored.updated_at = now or utcnow()
    stored.updated_by = author[:120]
    session.flush()
    return stored
