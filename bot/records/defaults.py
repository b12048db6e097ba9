"""The records that ship with the assistant (data/records/defaults.yml), and the calendar
rules that turn "the first Thursday of every month" into dated occurrences.

`prepare_records` runs at every start: it fills empty tables with the defaults,
then adds the occurrences that now fall inside each rule's horizon, after the
last one recorded (so a date HR deleted does not come back).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.clock import utcnow
from bot.core.dates import WEEKDAYS
from bot.core.settings import PROJECT_ROOT
from bot.records.models import EVENT_KINDS, Event, JobPosition
from bot.records.validation import RecordError, event_values, job_values

DEFAULTS_FILE = PROJECT_ROOT / "data" / "records" / "defaults.yml"
# What candidates filter positions by (bot/records/job_search.py), as the file gives them.
JOB_FACETS = ("cities", "remote", "level", "contract", "languages")
DEFAULTS_AUTHOR = "default records"
WEEKS = ("first", "second", "third", "fourth", "last")


class DefaultsFileError(ValueError):
    """The defaults file cannot be used; the message names every problem."""


def nth_weekday(year: int, month: int, weekday: int, week: str) -> dt.date:
    """The first…fourth or last given weekday (0 = Monday) of a month."""
    if week == "last":
        last = dt.date(year, month, calendar.monthrange(year, month)[1])
        return last - dt.timedelta(days=(last.weekday() - weekday) % 7)
    first = dt.date(year, month, 1)
    return first + dt.timedelta(days=(weekday - first.weekday()) % 7 + 7 * WEEKS.index(week))


@dataclass(frozen=True)
class EventRule:
    """How a kind of event recurs, and how far ahead its occurrences are kept."""

    kind: str
    repeat: str  # monthly | weekly
    weekdays: tuple[int, ...]
    week: str = "first"  # monthly rules: which weekday of the month
    occurrences: int = 6  # monthly rules: how many dates ahead
    weeks: int = 4  # weekly rules: how many weeks ahead
    details: Mapping[str, Any] = field(default_factory=dict)  # times, place, note

    def dates(self, *, start: dt.date) -> list[dt.date]:
        """The occurrences from `start` (included) to the end of the horizon."""
        if self.repeat == "weekly":
            days = (start + dt.timedelta(days=n) for n in range(7 * self.weeks))
            return [d for d in days if d.weekday() in self.weekdays]
        found: list[dt.date] = []
        year, month = start.year, start.month
        while len(found) < self.occurrences:
            day = nth_weekday(year, month, self.weekdays[0], self.week)
            if day >= start:
                found.append(day)
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        return found


@dataclass(frozen=True)
class RecordDefaults:
    events: tuple[EventRule, ...]
    jobs: tuple[dict[str, Any], ...]  # job input, as the workspace would send it


def _localized(value: Any, name: str, where: str, problems: list[str]) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        problems.append(f"{where}: {name} must have fr and en texts")
        return {}
    return {f"{name}_fr": value.get("fr"), f"{name}_en": value.get("en")}


def _weekday(value: Any, where: str, problems: list[str]) -> int:
    if value not in WEEKDAYS:
        problems.append(f"{where}: weekday must be one of {', '.join(WEEKDAYS)}")
        return 0
    return WEEKDAYS.index(value)


def _event_rule(item: Any, where: str, problems: list[str]) -> EventRule | None:
    if not isinstance(item, Mapping) or item.get("kind") not in EVENT_KINDS:
        problems.append(f"{where}: kind must be one of {', '.join(EVENT_KINDS)}")
        return None
    repeat = item.get("repeat")
    details = {
        "start_time": item.get("start_time"),
        "end_time": item.get("end_time"),
        **_localized(item.get("place"), "place", where, problems),
        **_localized(item.get("note"), "note", where, problems),
    }
    try:  # the same checks as HR's input
        event_values({"kind": item["kind"], "date": dt.date(2026, 1, 1), **details})
    except RecordError as error:
        problems.extend(f"{where}: {name} {problem}" for name, problem in error.errors.items())
    if repeat == "monthly":
        if item.get("week") not in WEEKS:
            problems.append(f"{where}: week must be one of {', '.join(WEEKS)}")
        count = item.get("occurrences")
        if not isinstance(count, int) or not 1 <= count <= 24:
            problems.append(f"{where}: occurrences must be a number from 1 to 24")
            count = 1
        return EventRule(
            kind=item["kind"],
            repeat=repeat,
            weekdays=(_weekday(item.get("weekday"), where, problems),),
            week=str(item["week"]) if item.get("week") in WEEKS else "first",
            occurrences=count,
            details=details,
        )
    if repeat == "weekly":
        names = item.get("weekdays")
        if not isinstance(names, list) or not names:
            problems.append(f"{where}: weekdays must be a list of day names")
            names = []
        weeks = item.get("weeks")
        if not isinstance(weeks, int) or not 1 <= weeks <= 26:
            problems.append(f"{where}: weeks must be a number from 1 to 26")
            weeks = 1
        return EventRule(
            kind=item["kind"],
            repeat=repeat,
            weekdays=tuple(_weekday(name, where, problems) for name in names),
            weeks=weeks,
            details=details,
        )
    problems.append(f"{where}: repeat must be monthly or weekly")
    return None


def _job_input(item: Any, where: str, problems: list[str]) -> dict[str, Any]:
    if not isinstance(item, Mapping) or not isinstance(item.get("id"), str):
        problems.append(f"{where}: a job needs an id")
        return {}
    salary: Mapping[str, Any] = item["salary"] if isinstance(item.get("salary"), Mapping) else {}
    data = {
        "id": item["id"],
        "team": item.get("team"),
        "salary_min": salary.get("min"),
        "salary_max": salary.get("max"),
        "article_id": item.get("article"),
        **{key: item[key] for key in JOB_FACETS if key in item},
        **_localized(item.get("title"), "title", where, problems),
        **_localized(item.get("location"), "location", where, problems),
        **_localized(salary.get("note"), "salary_note", where, problems),
    }
    try:
        job_values(data)
    except RecordError as error:
        problems.extend(f"{where}: {name} {problem}" for name, problem in error.errors.items())
    return data


def load_defaults(path: Path = DEFAULTS_FILE) -> RecordDefaults:
    """Read and check the defaults file; DefaultsFileError lists every problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise DefaultsFileError(f"{path}: {error}") from None
    problems: list[str] = []
    events = [
        _event_rule(item, f"{path.name}, event {n}", problems)
        for n, item in enumerate(raw.get("events") or [], start=1)
    ]
    jobs = [
        _job_input(item, f"{path.name}, job {n}", problems)
        for n, item in enumerate(raw.get("jobs") or [], start=1)
    ]
    ids = [job.get("id") for job in jobs]
    if len(set(ids)) != len(ids):
        problems.append(f"{path.name}: two jobs have the same id")
    if problems:
        raise DefaultsFileError("\n".join(problems))
    return RecordDefaults(
        events=tuple(rule for rule in events if rule is not None), jobs=tuple(jobs)
    )


@dataclass
class SeedReport:
    jobs: int = 0
    events: dict[str, int] = field(default_factory=dict)  # kind -> occurrences added

    @property
    def changed(self) -> bool:
        return bool(self.jobs or any(self.events.values()))


def _add_event(session: Session, values: Mapping[str, Any], author: str) -> None:
    session.add(Event(**event_values(values), updated_at=utcnow(), updated_by=author))


def _count(session: Session, model: type[Event] | type[JobPosition]) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def seed_defaults(
    *, session: Session, today: dt.date, defaults: RecordDefaults, author: str = DEFAULTS_AUTHOR
) -> SeedReport:
    """Fill whichever of the two tables is empty: jobs, and event occurrences from `today`."""
    report = SeedReport()
    if _count(session, JobPosition) == 0:
        for order, data in enumerate(defaults.jobs, start=1):
            values = job_values({**data, "sort_order": order})
            session.add(
                JobPosition(id=data["id"], **values, updated_at=utcnow(), updated_by=author)
            )
        report.jobs = len(defaults.jobs)
    if _count(session, Event) == 0:
        for rule in defaults.events:
            dates = rule.dates(start=today)
            for day in dates:
                _add_event(session, {"kind": rule.kind, "date": day, **rule.details}, author)
            report.events[rule.kind] = len(dates)
    session.flush()
    if report.changed:
        audit.record(
            session=session,
            actor=author,
            action="records.seeded",
            target="records",
            detail={"jobs": report.jobs, "events": report.events},
        )
    return report


def _template(session: Session, rule: EventRule) -> dict[str, Any]:
    """Times and place of the kind's latest scheduled occurrence (HR's current practice),
    else the rule's; a note belongs to one occurrence and is never copied."""
    latest = session.execute(
        select(Event)
        .where(Event.kind == rule.kind, Event.status == "scheduled")
        .order_by(Event.date.desc(), Event.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if latest is None:
        return dict(rule.details)
    return {
        "start_time": latest.start_time,
        "end_time": latest.end_time,
        "place_fr": latest.place_fr,
        "place_en": latest.place_en,
        "note_fr": rule.details.get("note_fr"),
        "note_en": rule.details.get("note_en"),
    }


def top_up_events(
    *, session: Session, today: dt.date, defaults: RecordDefaults, author: str = DEFAULTS_AUTHOR
) -> SeedReport:
    """Add each rule's occurrences that come after the last one recorded, up to its horizon."""
    report = SeedReport()
    for rule in defaults.events:
        last = session.execute(select(func.max(Event.date)).where(Event.kind == rule.kind)).scalar()
        new = [d for d in rule.dates(start=today) if last is None or d > last]
        if not new:
            continue
        template = _template(session, rule)
        for day in new:
            _add_event(session, {"kind": rule.kind, "date": day, **template}, author)
        report.events[rule.kind] = len(new)
    session.flush()
    if report.changed:
        audit.record(
            session=session,
            actor=author,
            action="events.topped_up",
            target="records",
            detail={"events": report.events},
        )
    return report


def fill_job_facets(
    *, session: Session, defaults: RecordDefaults, author: str = DEFAULTS_AUTHOR
) -> list[str]:
    """Positions recorded before they had facets (cities, remote...) get the file's, once:
    only a default position with none of them set; HR's own choices are kept."""
    filled = []
    for data in defaults.jobs:
        job = session.get(JobPosition, data["id"])
        given = {key: data[key] for key in JOB_FACETS if data.get(key)}
        if job is None or not given or any(getattr(job, key) for key in JOB_FACETS):
            continue
        values = job_values(given, current=job.to_json())
        for key in JOB_FACETS:
            setattr(job, key, values[key])
        filled.append(job.id)
    if filled:
        session.flush()
        audit.record(
            session=session,
            actor=author,
            action="jobs.facets_filled",
            target="records",
            detail={"jobs": filled},
        )
    return filled


def prepare_records(
    *, session: Session, today: dt.date, defaults: RecordDefaults | None = None
) -> SeedReport:
    """At start: the defaults into empty tables, then the calendar extended to its horizon."""
    rules = defaults if defaults is not None else load_defaults()
    report = seed_defaults(session=session, today=today, defaults=rules)
    fill_job_facets(session=session, defaults=rules)
    added = top_up_events(session=session, today=today, defaults=rules)
    for kind, count in added.events.items():
        report.events[kind] = report.events.get(kind, 0) + count
    return report
