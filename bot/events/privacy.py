"""What event registrations keep about people, erased on request and purged by age
(wired into bot.ops.privacy).

- A registration holds a first name, an e-mail, consent and rating: deleted.
- Its questions are the person's words: deleted, unless HR turned one into an article
  (`article_id`), which is kept anonymised (no link to the registration).
- Its votes: the row stays, so each question's count stays; the link to the person
  goes (`registration_id` set to null by the foreign key, done explicitly here too).
- The "tell me" list (event_alert): deleted.
An erased place at a date still to come frees its seat, offered to the next in line.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, select, update
from sqlalchemy.orm import Session

from bot.events.models import (
    EventAlert,
    PanelQuestion,
    PanelVote,
    Registration,
)
from bot.events.registrations import fill_seats
from bot.records.models import Event


@dataclass(frozen=True)
class ErasedRegistrations:
    """What an erasure removed, and the offers it made (the caller e-mails them)."""

    registrations: int
    questions: int
    alerts: int
    offers: list[Registration]


def _forget(session: Session, registration_ids: list[int]) -> int:
    """Unlink votes, anonymise kept questions, delete the rest and the registrations;
    how many questions were deleted."""
    if not registration_ids:
        return 0
    session.execute(
        update(PanelVote)
        .where(PanelVote.registration_id.in_(registration_ids))
        .values(registration_id=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(PanelQuestion)
        .where(
            PanelQuestion.registration_id.in_(registration_ids),
            PanelQuestion.article_id.isnot(None),
        )
        .values(registration_id=None)
        .execution_options(synchronize_session=False)
    )
    questions = (
        session.execute(
            delete(PanelQuestion)
            .where(PanelQuestion.registration_id.in_(registration_ids))
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    session.execute(
        delete(Registration)
        .where(Registration.id.in_(registration_ids))
        .execution_options(synchronize_session=False)
    )
    return questions


def erase_conversation_registrations(
    *, session: Session, conversation_id: str, now: dt.datetime, office_timezone: str
) -> ErasedRegistrations:
    """Delete everything event registrations keep about one conversation; seats freed at
    dates still to come are offered to the next in line (returned for the e-mails)."""
    rows = session.execute(
        select(Registration.id, Registration.event_id).where(
            Registration.conversation_id == conversation_id
        )
    ).all()
    ids = [row.id for row in rows]
    questions = _forget(session, ids)
    alerts = (
        session.execute(
            delete(EventAlert)
            .where(EventAlert.conversation_id == conversation_id)
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    offers: list[Registration] = []
    for event_id in sorted({row.event_id for row in rows}):
        offers += fill_seats(
            session=session, event_id=event_id, now=now, office_timezone=office_timezone
        )
    return ErasedRegistrations(len(ids), questions, alerts, offers)


def purge_old_registrations(*, session: Session, cutoff: dt.datetime) -> int:
    """Delete the registrations (and their questions, unless kept) of events whose last
    day is before `cutoff`'s date (naive UTC; now - retention days), and "tell me"
    entries older than `cutoff`; how many rows were deleted."""
    ids = list(
        session.execute(
            select(Registration.id)
            .join(Event, Event.id == Registration.event_id)
            .where(func.coalesce(Event.end_date, Event.date) < cutoff.date())
        ).scalars()
    )
    questions = _forget(session, ids)
    alerts = (
        session.execute(
            delete(EventAlert)
            .where(and_(EventAlert.created_at < cutoff))
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )
    return len(ids) + questions + alerts
