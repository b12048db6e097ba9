"""HR keeps the ambassadors in the workspace: list, add, edit, pause, remove.

Input dicts come from the browser and are untrusted: every problem is collected by
field as a Problem (worded in French for HR by bot.core.problem_texts), raised as
AmbassadorError. Every change leaves an audit entry naming its author; saving
identical values changes nothing.

Removing an ambassador who still has confirmed coffees to come needs a decision
(`upcoming`): "cancel" declines each coffee on the company's behalf (the candidate
gets the decline apology with other hosts' free slots, `send_removal_emails`), "keep"
lets them take place. Either way the ambassador offers no new slot; the row is only
deleted when no booking at all refers to it, otherwise it is deactivated.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.clock import utcnow
from bot.core.dates import DAY_NAMES, WEEKDAYS
from bot.core.meeting_texts import TEAMS
from bot.core.problem_texts import FieldErrors, Problem
from bot.core.settings import Settings
from bot.knowledge.files import HTML_TAG
from bot.meetings import booking as bookings
from bot.meetings.booking import EMAIL
from bot.meetings.messages import Alternative, alternatives_from, send_booking_emails
from bot.meetings.models import LANGUAGES, Ambassador, AmbassadorPause, Booking
from bot.meetings.rules import BadWindow, CoffeeRules, parse_window
from bot.meetings.slots import free_slots

__all__ = [
    "AmbassadorError",
    "AmbassadorNotFound",
    "CancelledCoffee",
    "Listing",
    "PauseNotFound",
    "Removal",
    "UpcomingCoffees",
    "add_pause",
    "get_ambassador",
    "list_ambassadors",
    "remove_ambassador",
    "remove_pause",
    "save_ambassador",
    "send_removal_emails",
]

WHOLE_INPUT = "__all__"
READ_ONLY = ("id", "created_at", "updated_at", "pauses", "upcoming")
MAX_CAP = 50
MAX_TOPICS = 12
MAX_WINDOWS = 14
MAX_PAUSE_DAYS = 366
FIRST_YEAR, LAST_YEAR = 2000, 2100
# How many free slots of other hosts the apology offers (as when a host declines).
ALTERNATIVES_IN_APOLOGY = 5
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
WINDOW_EXAMPLE = "tuesday 10:00-12:00"
# HR may write the day in French: "mardi 10:00-12:00" is stored as "tuesday 10:00-12:00".
FRENCH_DAYS = dict(zip(DAY_NAMES["fr"], WEEKDAYS, strict=True))
UpcomingChoice = Literal["cancel", "keep"]
UPCOMING_CHOICES: tuple[str, ...] = ("cancel", "keep")


class AmbassadorError(FieldErrors):
    """Input an ambassador or a pause cannot take; `errors` maps each field to its Problem."""


class AmbassadorNotFound(LookupError):
    """No ambassador has this id."""

    def __init__(self, ambassador_id: object):
        self.problem = Problem("ambassador_not_found", {"id": str(ambassador_id)[:64]})
        super().__init__(str(self.problem))


class PauseNotFound(LookupError):
    """The ambassador has no pause with this id."""

    def __init__(self, pause_id: object):
        self.problem = Problem("pause_not_found", {"id": str(pause_id)[:20]})
        super().__init__(str(self.problem))


class UpcomingCoffees(Exception):
    """Removing needs a decision about these confirmed coffees still to come."""

    def __init__(self, coffees: Sequence[Booking]):
        self.coffees = [upcoming_json(b) for b in coffees]
        self.problem = Problem("ambassador_has_upcoming", {"count": len(self.coffees)})
        super().__init__(str(self.problem))


class _FieldProblem(ValueError):
    def __init__(self, code: str, **values: Any):
        self.problem = Problem(code=code, values=values)
        super().__init__(str(self.problem))


def _at(field: str, code: str, **values: Any) -> Problem:
    return Problem(code=code, values=values, field=field)


def _timestamp(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds") + "Z"


def upcoming_json(booking: Booking) -> dict[str, Any]:
    """A coffee as HR sees it when deciding: when, and the candidate's first name only."""
    words = booking.candidate_name.split()
    return {
        "booking": booking.id,
        "start": _timestamp(booking.start_utc),
        "candidate": words[0] if words else "",
        "language": booking.language,
    }


# ---------------------------------------------------------------- reading the input


def _text(max_length: int) -> Callable[[Any], str | None]:
    """One line of plain text: whitespace collapsed, no HTML, no control characters."""

    def parse(value: Any) -> str | None:
        if not isinstance(value, str):
            raise _FieldProblem("not_a_text")
        text = " ".join(value.split())
        if not text:
            return None
        if len(text) > max_length:
            raise _FieldProblem("text_too_long", maximum=max_length, length=len(text))
        if any(unicodedata.category(c) in ("Cc", "Cs", "Cf") for c in text):
            raise _FieldProblem("control_characters")
        if HTML_TAG.search(text):
            raise _FieldProblem("html_markup")
        return text

    return parse


def _one_of(options: Sequence[str]) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        if value == "":
            return None
        if not isinstance(value, str) or value not in options:
            raise _FieldProblem("not_one_of", options=list(options))
        return value

    return parse


def _list_of(
    item: Callable[[Any], str | None], maximum: int, *, key: Callable[[str], str] = str.lower
) -> Callable[[Any], list[str]]:
    """A list (or a comma-separated text) of items; duplicates and blanks dropped."""

    def parse(value: Any) -> list[str]:
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list):
            raise _FieldProblem("not_a_list")
        found: list[str] = []
        for raw in value:
            parsed = item(raw)
            if parsed is not None and key(parsed) not in {key(f) for f in found}:
                found.append(parsed)
        if len(found) > maximum:
            raise _FieldProblem("too_many_items", maximum=maximum)
        return found

    return parse


def _window(value: Any) -> str | None:
    """A weekly window, in English or French day names, stored as "tuesday 10:00-12:00"."""
    if not isinstance(value, str):
        raise _FieldProblem("not_a_text")
    text = " ".join(value.split())
    if not text:
        return None
    words = text.split(" ", 1)
    day = FRENCH_DAYS.get(words[0].lower(), words[0])
    try:
        return str(parse_window(" ".join([day, *words[1:]])))
    except BadWindow:
        raise _FieldProblem("window_not_weekly", value=text[:60], example=WINDOW_EXAMPLE) from None


def _cap(value: Any) -> int | None:
    if value == "":
        return None
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,4}\s*", value):
        value = int(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _FieldProblem("not_a_whole_number")
    if not 1 <= value <= MAX_CAP:
        raise _FieldProblem("number_out_of_range", low=1, high=MAX_CAP)
    return value


def _email(value: Any) -> str | None:
    if value == "":
        return None
    if not isinstance(value, str):
        raise _FieldProblem("not_a_text")
    text = value.strip()
    if not text:
        return None
    if len(text) > 254 or not EMAIL.match(text):
        raise _FieldProblem("not_an_email", example="lea.moreau@ardoise-labs.fr")
    return text


def _active(value: Any) -> bool:
    if not isinstance(value, bool):
        raise _FieldProblem("not_one_of", options=["true", "false"])
    return value


@dataclass(frozen=True)
class _Field:
    name: str
    parse: Callable[[Any], Any]
    required: bool = False
    default: Any = None


FIELDS = (
    _Field("name", _text(120), required=True),
    _Field("role", _text(120), required=True),
    _Field("team", _one_of(tuple(TEAMS["en"])), required=True),
    _Field("languages", _list_of(_one_of(LANGUAGES), len(LANGUAGES)), required=True),
    _Field("topics", _list_of(_text(60), MAX_TOPICS), default=[]),
    _Field("windows", _list_of(_window, MAX_WINDOWS), required=True),
    _Field("cap", _cap, required=True, default=2),
    _Field("bio_fr", _text(600), required=True),
    _Field("bio_en", _text(600), required=True),
    _Field("consent", _text(300), required=True),
    _Field("email", _email),
    _Field("active", _active, default=True),
)
EMPTY_IS_MISSING = ("languages", "windows")


def ambassador_values(data: Any, *, current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The ambassador's column values after applying `data` (a partial update when
    `current` is given); AmbassadorError lists every problem by field."""
    if not isinstance(data, Mapping):
        raise AmbassadorError({WHOLE_INPUT: _at(WHOLE_INPUT, "record_not_an_object")})
    errors: dict[str, Problem] = {}
    known = {f.name for f in FIELDS} | set(READ_ONLY)
    for key in data:
        if key not in known:
            name = str(key)[:64]
            errors[name] = _at(name, "unknown_field")
    values: dict[str, Any] = {}
    for spec in FIELDS:
        if spec.name not in data:
            if current is not None:
                values[spec.name] = current.get(spec.name)
            elif spec.default is not None or not spec.required:
                values[spec.name] = spec.default
            else:
                errors[spec.name] = _at(spec.name, "is_required")
            continue
        raw = data[spec.name]
        try:
            value = spec.parse(raw) if raw is not None else None
        except _FieldProblem as problem:
            errors[spec.name] = replace(problem.problem, field=spec.name)
            continue
        if spec.name in EMPTY_IS_MISSING and value == []:
            value = None
        if value is None and spec.required:
            errors[spec.name] = _at(spec.name, "is_required")
            continue
        if value is None and spec.default is not None:
            value = spec.default
        values[spec.name] = value
    if errors:
        raise AmbassadorError(errors)
    return values


def _day(field: str, value: Any, errors: dict[str, Problem]) -> dt.date | None:
    """A day written 2026-12-03 (what <input type="date"> sends)."""
    if value is None or value == "":
        errors[field] = _at(field, "is_required")
        return None
    day = None
    if isinstance(value, str) and DATE_TEXT.match(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            errors[field] = _at(field, "not_a_calendar_day", value=value.strip())
            return None
    if day is None:
        errors[field] = _at(field, "not_a_date", example="2026-12-03")
        return None
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        errors[field] = _at(field, "date_out_of_range", first=FIRST_YEAR, last=LAST_YEAR)
        return None
    return day


def pause_days(data: Any) -> tuple[dt.date, dt.date]:
    """The first and last day of a pause (both included); AmbassadorError when not."""
    if not isinstance(data, Mapping):
        raise AmbassadorError({WHOLE_INPUT: _at(WHOLE_INPUT, "record_not_an_object")})
    errors: dict[str, Problem] = {}
    for key in data:
        if key not in ("first_day", "last_day"):
            name = str(key)[:64]
            errors[name] = _at(name, "unknown_field")
    first = _day("first_day", data.get("first_day"), errors)
    last = _day("last_day", data.get("last_day"), errors)
    if first is not None and last is not None:
        if last < first:
            errors["last_day"] = _at("last_day", "end_before_start")
        elif (last - first).days >= MAX_PAUSE_DAYS:
            errors["last_day"] = _at("last_day", "pause_too_long", maximum=MAX_PAUSE_DAYS)
    if errors or first is None or last is None:
        raise AmbassadorError(errors)
    return first, last


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Listing:
    """An ambassador with their pauses not yet over and their confirmed coffees to come."""

    ambassador: Ambassador
    pauses: tuple[AmbassadorPause, ...]
    upcoming: int

    def to_json(self) -> dict[str, Any]:
        return {
            **self.ambassador.to_json(),
            "pauses": [pause_json(p) for p in self.pauses],
            "upcoming": self.upcoming,
        }


def pause_json(pause: AmbassadorPause) -> dict[str, Any]:
    return {
        "id": pause.id,
        "first_day": pause.first_day.isoformat(),
        "last_day": pause.last_day.isoformat(),
    }


def get_ambassador(*, session: Session, ambassador_id: Any) -> Ambassador:
    found = session.get(Ambassador, ambassador_id) if isinstance(ambassador_id, str) else None
    if found is None:
        raise AmbassadorNotFound(ambassador_id)
    return found


def _upcoming(session: Session, ambassador_id: str, now: dt.datetime) -> list[Booking]:
    return list(
        session.execute(
            select(Booking)
            .where(
                Booking.ambassador_id == ambassador_id,
                Booking.status == "confirmed",
                Booking.start_utc > now,
            )
            .order_by(Booking.start_utc)
        ).scalars()
    )


def list_ambassadors(*, session: Session, today: dt.date, now: dt.datetime) -> list[Listing]:
    """Every ambassador, active first then by name, with pauses ending today or later."""
    ambassadors = list(
        session.execute(
            select(Ambassador).order_by(Ambassador.active.desc(), Ambassador.name, Ambassador.id)
        ).scalars()
    )
    pauses: dict[str, list[AmbassadorPause]] = {}
    for pause in session.execute(
        select(AmbassadorPause)
        .where(AmbassadorPause.last_day >= today)
        .order_by(AmbassadorPause.first_day, AmbassadorPause.id)
    ).scalars():
        pauses.setdefault(pause.ambassador_id, []).append(pause)
    counts = dict(
        session.execute(
            select(Booking.ambassador_id, func.count())
            .where(Booking.status == "confirmed", Booking.start_utc > now)
            .group_by(Booking.ambassador_id)
        ).all()
    )
    return [Listing(a, tuple(pauses.get(a.id, ())), int(counts.get(a.id, 0))) for a in ambassadors]


# ---------------------------------------------------------------- changing


def _snapshot(ambassador: Ambassador) -> dict[str, Any]:
    data = ambassador.to_json()
    for key in ("created_at", "updated_at"):
        data.pop(key)
    return data


def _free_id(session: Session, name: str) -> str:
    """An id made from the name: lower-case ASCII words joined by dashes, unique."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    base = "-".join(re.findall(r"[a-z0-9]+", ascii_text.lower()))[:56].strip("-") or "ambassador"
    candidate, number = base, 2
    while session.get(Ambassador, candidate) is not None:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def save_ambassador(
    *, session: Session, data: Any, author: str, ambassador_id: str | None = None
) -> Ambassador:
    """Add an ambassador (`ambassador_id` None: the id is made from the name), or change
    the fields `data` gives of an existing one."""
    now = utcnow()
    if ambassador_id is None:
        values = ambassador_values(data)
        ambassador = Ambassador(
            id=_free_id(session, values["name"]), created_at=now, updated_at=now, **values
        )
        session.add(ambassador)
        session.flush()
        audit.record(
            session=session,
            actor=author,
            action="ambassador.created",
            target=f"ambassador:{ambassador.id}",
            detail={"ambassador": _snapshot(ambassador)},
        )
        return ambassador
    ambassador = get_ambassador(session=session, ambassador_id=ambassador_id)
    current = {f.name: getattr(ambassador, f.name) for f in FIELDS}
    values = ambassador_values(data, current=current)
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        before = getattr(ambassador, name)
        if before != value:
            changes[name] = [before, value]
            setattr(ambassador, name, value)
    if changes:
        ambassador.updated_at = now
        session.flush()
        audit.record(
            session=session,
            actor=author,
            action="ambassador.updated",
            target=f"ambassador:{ambassador.id}",
            detail={"changes": changes},
        )
    return ambassador


@dataclass(frozen=True)
class PauseAdded:
    """The new pause, and how many confirmed coffees fall in it (they are not cancelled)."""

    pause: AmbassadorPause
    coffees_during: int

    def to_json(self) -> dict[str, Any]:
        return {**pause_json(self.pause), "coffees_during": self.coffees_during}


def add_pause(
    *, session: Session, ambassador_id: Any, data: Any, author: str, office_timezone: str
) -> PauseAdded:
    """Days with no slot for the ambassador; coffees already booked then stay booked."""
    ambassador = get_ambassador(session=session, ambassador_id=ambassador_id)
    first, last = pause_days(data)
    pause = AmbassadorPause(ambassador_id=ambassador.id, first_day=first, last_day=last)
    session.add(pause)
    session.flush()
    audit.record(
        session=session,
        actor=author,
        action="ambassador.paused",
        target=f"ambassador:{ambassador.id}",
        detail={"pause": pause_json(pause)},
    )
    zone = ZoneInfo(office_timezone)
    during = sum(
        1
        for start in session.execute(
            select(Booking.start_utc).where(
                Booking.ambassador_id == ambassador.id, Booking.status == "confirmed"
            )
        ).scalars()
        if first <= start.replace(tzinfo=dt.timezone.utc).astimezone(zone).date() <= last
    )
    return PauseAdded(pause, during)


def remove_pause(*, session: Session, ambassador_id: Any, pause_id: int, author: str) -> None:
    ambassador = get_ambassador(session=session, ambassador_id=ambassador_id)
    pause = session.get(AmbassadorPause, pause_id)
    if pause is None or pause.ambassador_id != ambassador.id:
        raise PauseNotFound(pause_id)
    detail = {"pause": pause_json(pause)}
    session.delete(pause)
    session.flush()
    audit.record(
        session=session,
        actor=author,
        action="ambassador.pause_removed",
        target=f"ambassador:{ambassador.id}",
        detail=detail,
    )


@dataclass(frozen=True)
class CancelledCoffee:
    """A coffee the company declined on removal, and the free slots its apology offers."""

    booking: Booking
    alternatives: tuple[Alternative, ...]


@dataclass(frozen=True)
class Removal:
    """What removing did: `outcome` "deleted" (no booking ever) or "deactivated"."""

    ambassador: Ambassador
    outcome: Literal["deleted", "deactivated"]
    cancelled: tuple[CancelledCoffee, ...]
    kept: int

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.ambassador.id,
            "outcome": self.outcome,
            "cancelled": [upcoming_json(c.booking) for c in self.cancelled],
            "kept": self.kept,
        }


def remove_ambassador(
    *,
    session: Session,
    ambassador_id: Any,
    author: str,
    upcoming: Any,
    now: dt.datetime,
    office_timezone: str,
    rules: CoffeeRules | None = None,
) -> Removal:
    """Remove an ambassador: UpcomingCoffees when confirmed coffees are still to come
    and `upcoming` is neither "cancel" nor "keep"; AmbassadorError for another value."""
    if upcoming not in (None, *UPCOMING_CHOICES):
        raise AmbassadorError(
            {"upcoming": _at("upcoming", "not_one_of", options=list(UPCOMING_CHOICES))}
        )
    ambassador = get_ambassador(session=session, ambassador_id=ambassador_id)
    coming = _upcoming(session, ambassador.id, now)
    if coming and upcoming is None:
        raise UpcomingCoffees(coming)
    ambassador.active = False  # first: the apologies must not offer their own slots
    ambassador.updated_at = now
    session.flush()
    cancelled: list[CancelledCoffee] = []
    if upcoming == "cancel":
        for booking in coming:
            try:
                declined = bookings.decline(session=session, public_id=booking.public_id, now=now)
            except bookings.BookingClosed:
                continue  # the candidate cancelled (or a colleague declined) meanwhile
            slots = free_slots(
                session=session,
                now=now,
                office_timezone=office_timezone,
                rules=rules,
                language=declined.language,
            )[:ALTERNATIVES_IN_APOLOGY]
            hosts = {
                a.id: a
                for a in session.execute(
                    select(Ambassador).where(Ambassador.id.in_({s.ambassador_id for s in slots}))
                ).scalars()
            }
            cancelled.append(CancelledCoffee(declined, tuple(alternatives_from(slots, hosts))))
    kept = sum(1 for b in coming if b.status == "confirmed")
    referenced = session.execute(
        select(func.count()).select_from(Booking).where(Booking.ambassador_id == ambassador.id)
    ).scalar_one()
    snapshot = _snapshot(ambassador)
    detail: dict[str, Any] = {
        "cancelled": [c.booking.id for c in cancelled],
        "kept": [b.id for b in coming if b.status == "confirmed"],
    }
    if referenced:
        outcome: Literal["deleted", "deactivated"] = "deactivated"
        detail["ambassador"] = snapshot["name"]
    else:
        outcome = "deleted"
        session.execute(
            delete(AmbassadorPause).where(AmbassadorPause.ambassador_id == ambassador.id)
        )
        session.delete(ambassador)
        session.flush()
        detail["ambassador"] = snapshot
    audit.record(
        session=session,
        actor=author,
        action=f"ambassador.{outcome}",
        target=f"ambassador:{snapshot['id']}",
        detail=detail,
    )
    return Removal(ambassador, outcome, tuple(cancelled), kept)


def send_removal_emails(settings: Settings, removal: Removal) -> int:
    """Each cancelled coffee's e-mails: the decline apology with other hosts' slots to the
    candidate (and the recruiters' copy), the cancellation to the host. Blocking (SMTP):
    call it off the event loop, after the transaction. How many candidates were told."""
    told = 0
    for coffee in removal.cancelled:
        sent = send_booking_emails(
            "declined",
            settings=settings,
            booking=coffee.booking,
            ambassador=removal.ambassador,
            alternatives=coffee.alternatives,
            roles=("candidate", "recruiters"),
        )
        send_booking_emails(
            "cancelled",
            settings=settings,
            booking=coffee.booking,
            ambassador=removal.ambassador,
            roles=("ambassador",),
        )
        told += int(sent.get("candidate", False))
    return told
