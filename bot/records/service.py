"""HR records operations for the workspace's JSON API: list, save, cancel or close, delete.

Input dicts are checked by `bot.records.validation` (RecordError lists every
problem by field); an unknown id raises RecordNotFound. Every change leaves an
audit entry naming its author; saving identical values changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.clock import utcnow
from bot.core.problem_texts import Problem
from bot.knowledge.models import Article
from bot.records.models import Event, JobPosition
from bot.records.validation import (
    EVENT_FIELDS,
    JOB_FIELDS,
    RecordError,
    event_values,
    job_values,
    record_id,
    slug,
)

__all__ = [
    "RecordError",
    "RecordNotFound",
    "cancel_event",
    "close_job",
    "delete_event",
    "delete_job",
    "get_event",
    "get_job",
    "list_events",
    "list_jobs",
    "local_today",
    "reopen_job",
    "save_event",
    "save_job",
]


class RecordNotFound(LookupError):
    """No event or job position has this id."""

    def __init__(self, kind: str, record_id: object):
        self.kind = kind
        self.record_id = record_id
        code = "event_not_found" if kind == "event" else "job_not_found"
        self.problem = Problem(code, {"id": record_id})
        super().__init__(str(self.problem))


def local_today(timezone: str) -> dt.date:
    """Today's date on the office's calendar (settings.office_timezone), not the server's."""
    return dt.datetime.now(ZoneInfo(timezone)).date()


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _apply(record: Event | JobPosition, values: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Set the values that differ; returns {field: [before, after]} for the audit log."""
    changes: dict[str, list[Any]] = {}
    for name, value in values.items():
        before = getattr(record, name)
        if before != value:
            changes[name] = [_json_value(before), _json_value(value)]
            setattr(record, name, value)
    return changes


def _stamp(record: Event | JobPosition, author: str) -> None:
    record.updated_at = utcnow()
    record.updated_by = author[:120]


def _snapshot(record: Event | JobPosition) -> dict[str, Any]:
    data = record.to_json()
    for key in ("updated_at", "updated_by"):
        data.pop(key)
    return data


def _create(session: Session, record: Event | JobPosition, kind: str, author: str) -> None:
    """Add a new record; the audit entry keeps all of it."""
    _stamp(record, author)
    session.add(record)
    session.flush()
    audit.record(
        session=session,
        actor=author,
        action=f"{kind}.created",
        target=f"{kind}:{record.id}",
        detail={"record": _snapshot(record)},
    )


def _update(
    session: Session,
    record: Event | JobPosition,
    kind: str,
    values: Mapping[str, Any],
    author: str,
) -> None:
    """Change what differs; nothing changed, nothing stamped nor audited."""
    changes = _apply(record, values)
    if changes:
        _stamp(record, author)
        session.flush()
        audit.record(
            session=session,
            actor=author,
            action=f"{kind}.updated",
            target=f"{kind}:{record.id}",
            detail={"changes": changes},
        )


# Events


def list_events(
    *,
    session: Session,
    upcoming_only: bool = False,
    today: dt.date | None = None,
    kinds: tuple[str, ...] | None = None,
    include_cancelled: bool = True,
) -> list[Event]:
    """Events by date and time; `upcoming_only` keeps those not over before `today`."""
    query = select(Event)
    if upcoming_only:
        if today is None:
            raise ValueError("listing upcoming events needs today's date")
        query = query.where(or_(Event.date >= today, Event.end_date >= today))
    if kinds is not None:
        query = query.where(Event.kind.in_(kinds))
    if not include_cancelled:
        query = query.where(Event.status == "scheduled")
    # Events without a time first on every database (PostgreSQL sorts nulls last).
    query = query.order_by(
        Event.date, Event.start_time.isnot(None), Event.start_time, Event.kind, Event.id
    )
    return list(session.execute(query).scalars())


def get_event(*, session: Session, event_id: Any) -> Event:
    number = record_id(event_id)
    event = session.get(Event, number) if number is not None else None
    if event is None:
        raise RecordNotFound("event", event_id)
    return event


def save_event(*, session: Session, data: Any, author: str) -> Event:
    """Create the event when `data` has no id, else update the fields `data` gives."""
    if isinstance(data, Mapping) and data.get("id") not in (None, ""):
        event = get_event(session=session, event_id=data["id"])
        current = {f.name: getattr(event, f.name) for f in EVENT_FIELDS}
        _update(session, event, "event", event_values(data, current=current), author)
        return event
    event = Event(**event_values(data))
    _create(session, event, "event", author)
    return event


def cancel_event(*, session: Session, event_id: Any, author: str) -> Event:
    """Mark an occurrence cancelled: the assistant stops announcing it, HR still sees it."""
    event = get_event(session=session, event_id=event_id)
    if event.status != "cancelled":
        event.status = "cancelled"
        _stamp(event, author)
        session.flush()
        audit.record(
            session=session,
            actor=author,
            action="event.cancelled",
            target=f"event:{event.id}",
            detail={"kind": event.kind, "date": event.date.isoformat()},
        )
    return event


def _delete(session: Session, record: Event | JobPosition, kind: str, author: str) -> None:
    """Delete a record; the audit entry keeps all of it."""
    snapshot = _snapshot(record)
    session.delete(record)
    session.flush()
    audit.record(
        session=session,
        actor=author,
        action=f"{kind}.deleted",
        target=f"{kind}:{snapshot['id']}",
        detail={"record": snapshot},
    )


def delete_event(*, session: Session, event_id: Any, author: str) -> None:
    """Remove an occurrence entered by mistake; the audit entry keeps what it was."""
    _delete(session, get_event(session=session, event_id=event_id), "event", author)


# Job positions


def list_jobs(*, session: Session, status: str | None = None) -> list[JobPosition]:
    """Positions in HR's order; `status` ("open" or "closed") filters."""
    query = select(JobPosition).order_by(
        JobPosition.sort_order, JobPosition.title_en, JobPosition.id
    )
    if status is not None:
        query = query.where(JobPosition.status == status)
    return list(session.execute(query).scalars())


def get_job(*, session: Session, job_id: Any) -> JobPosition:
    job = session.get(JobPosition, job_id) if isinstance(job_id, str) else None
    if job is None:
        raise RecordNotFound("job position", job_id)
    return job


def _article_exists(session: Session) -> Callable[[str], bool]:
    return lambda article_id: session.get(Article, article_id) is not None


def _free_job_id(session: Session, title: str) -> str:
    base = slug(title)
    candidate, number = base, 2
    while session.get(JobPosition, candidate) is not None:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def save_job(*, session: Session, data: Any, author: str) -> JobPosition:
    """Create the position when `data` has no id (the id is made from the English title),
    else update the fields `data` gives."""
    if isinstance(data, Mapping) and data.get("id") not in (None, ""):
        job = get_job(session=session, job_id=data["id"])
        current = {f.name: getattr(job, f.name) for f in JOB_FIELDS}
        values = job_values(data, current=current, article_exists=_article_exists(session))
        if values["sort_order"] is None:
            values["sort_order"] = job.sort_order
        _update(session, job, "job", values, author)
        return job
    values = job_values(data, article_exists=_article_exists(session))
    if values["sort_order"] is None:
        last = session.execute(select(func.max(JobPosition.sort_order))).scalar()
        values["sort_order"] = (last or 0) + 1
    job = JobPosition(id=_free_job_id(session, values["title_en"]), **values)
    _create(session, job, "job", author)
    return job


def _set_job_status(*, session: Session, job_id: Any, author: str, status: str) -> JobPosition:
    job = get_job(session=session, job_id=job_id)
    if job.status != status:
        job.status = status
        _stamp(job, author)
        session.flush()
        audit.record(
            session=session,
            actor=author,
            action="job.closed" if status == "closed" else "job.reopened",
            target=f"job:{job.id}",
            detail={"title": job.title_en},
        )
    return job


def close_job(*, session: Session, job_id: Any, author: str) -> JobPosition:
    """The position is filled or withdrawn: the assistant says so from the next answer on."""
    return _set_job_status(session=session, job_id=job_id, author=author, status="closed")


def reopen_job(*, session: Session, job_id: Any, author: str) -> JobPosition:
    return _set_job_status(session=session, job_id=job_id, author=author, status="open")


def delete_job(*, session: Session, job_id: Any, author: str) -> None:
    """Remove a position entered by mistake (a filled one is closed instead)."""
    _delete(session, get_job(session=session, job_id=job_id), "job", author)
