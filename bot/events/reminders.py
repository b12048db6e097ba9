"""The registrations' timed e-mails, sent by a sweep any number of processes may run:
offers that lapsed (and the next offers), reminders the day before (24 h) and one hour
before, and the thank-you after the event.

As for coffees (bot.meetings.reminders), everything is derived from the database and
each e-mail is claimed by one conditional UPDATE (`... SET reminded_day_at = :now WHERE
id = :id AND reminded_day_at IS NULL AND status = 'confirmed'`): only the process whose
UPDATE changed the row sends, so two processes and a restart send each e-mail once.
The claim is committed before sending; a claim whose e-mail was refused is released
for the next sweep.

- day before: due from 24 h before the start; dropped when the 1 h one is already due
  or the place was confirmed less than FRESH before it fell due;
- 1 h: due from 1 h before the start; nothing once the event has started;
- thanks: from THANKS_AFTER after the end, to confirmed registrations not marked
  no-show, and not after THANKS_UNTIL (a sweep that was down for days stays quiet).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db import session_factory
from bot.core.settings import Settings
from bot.events.messages import Kind, send_registration_email
from bot.events.models import Registration
from bot.events.registrations import expire_offers
from bot.events.terms import Terms, event_terms
from bot.records.models import Event

logger = logging.getLogger(__name__)
Which = Literal["reminder_day", "reminder_1h", "thanks"]
DAY = dt.timedelta(hours=24)
HOUR = dt.timedelta(hours=1)
FRESH = dt.timedelta(hours=6)
THANKS_AFTER = dt.timedelta(hours=2)
THANKS_UNTIL = dt.timedelta(days=3)
UTC = dt.timezone.utc


@dataclass(frozen=True)
class SentNotice:
    """An e-mail this process claimed and whether the mail server accepted it."""

    registration: str
    kind: Kind
    sent: bool


def _column(which: Which):  # noqa: ANN202 - an InstrumentedAttribute
    return {
        "reminder_day": Registration.reminded_day_at,
        "reminder_1h": Registration.reminded_1h_at,
        "thanks": Registration.thanked_at,
    }[which]


def _due(
    session: Session, now: dt.datetime, office_timezone: str
) -> list[tuple[Registration, Event, Terms, list[Which], bool]]:
    """Confirmed registrations with an e-mail due: (registration, event, terms, what to
    send, whether to drop the day-before reminder)."""
    today = now.replace(tzinfo=UTC).astimezone(ZoneInfo(office_timezone)).date()
    rows = session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == "confirmed",
            Event.status == "scheduled",
            Event.date >= today - dt.timedelta(days=4),
            Event.date <= today + dt.timedelta(days=2),
            or_(
                Registration.reminded_day_at.is_(None),
                Registration.reminded_1h_at.is_(None),
                Registration.thanked_at.is_(None),
            ),
        )
        .order_by(Registration.id)
    ).all()
    found = []
    for registration, event in rows:
        terms = event_terms(session=session, event=event, office_timezone=office_timezone)
        start = terms.start_utc
        what: list[Which] = []
        drop_day = False
        if now < start:
            if start - HOUR <= now:
                if registration.reminded_1h_at is None:
                    what.append("reminder_1h")
                drop_day = registration.reminded_day_at is None
            elif start - DAY <= now and registration.reminded_day_at is None:
                confirmed = registration.confirmed_at or registration.created_at
                if confirmed > start - DAY - FRESH:
                    drop_day = True
                else:
                    what.append("reminder_day")
        elif (
            terms.end_utc + THANKS_AFTER <= now <= terms.end_utc + THANKS_UNTIL
            and registration.thanked_at is None
            and registration.attendance != "no_show"
        ):
            what.append("thanks")
        if what or drop_day:
            found.append((registration, event, terms, what, drop_day))
    return found


def _claim(session: Session, registration: Registration, which: Which, now: dt.datetime) -> bool:
    column = _column(which)
    result = session.execute(
        update(Registration)
        .where(
            Registration.id == registration.id,
            column.is_(None),
            Registration.status == "confirmed",
            Registration.sequence == registration.sequence,
        )
        .values({column: now})
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount == 1)


def _release(session: Session, registration: Registration, which: Which, now: dt.datetime) -> None:
    column = _column(which)
    session.execute(
        update(Registration)
        .where(Registration.id == registration.id, column == now)
        .values({column: None})
        .execution_options(synchronize_session=False)
    )


def send_due_notices(
    settings: Settings,
    now: dt.datetime,
    *,
    sessions: sessionmaker | None = None,
    send: Callable[..., bool] = send_registration_email,
) -> list[SentNotice]:
    """One sweep at `now` (naive UTC): lapse offers and send the next ones, then every
    reminder and thank-you due that no process has claimed. Blocking: off the event loop.
    Without an SMTP server nothing is claimed (offers still lapse and move on)."""
    factory = sessions or session_factory(settings.database_url)
    office = settings.office_timezone
    done: list[SentNotice] = []
    with factory() as session, session.begin():
        sweep = expire_offers(session=session, now=now, office_timezone=office)
        changed: list[tuple[Kind, Registration]] = [("offer_expired", r) for r in sweep.expired]
        changed += [("offered", r) for r in sweep.offered]
        events = {e.id: e for e in session.execute(select(Event)).scalars()} if changed else {}
        lapsed = [
            (kind, r, events[r.event_id], event_terms(
                session=session, event=events[r.event_id], office_timezone=office
            ))
            for kind, r in changed
        ]  # fmt: skip
    for kind, registration, event, terms in lapsed:
        ok = send(kind, settings=settings, registration=registration, event=event, terms=terms)
        done.append(SentNotice(registration.public_id, kind, ok))
    if not settings.smtp_host:
        return done
    with factory() as session, session.begin():
        due = _due(session, now, office)
    for registration, event, terms, what, drop_day in due:
        with factory() as session, session.begin():
            if drop_day:
                _claim(session, registration, "reminder_day", now)
            claimed = [which for which in what if _claim(session, registration, which, now)]
        for which in claimed:
            ok = send(which, settings=settings, registration=registration, event=event, terms=terms)
            if not ok:
                logger.warning("%s of registration %s not sent; retried", which, registration.id)
                with factory() as session, session.begin():
                    _release(session, registration, which, now)
            done.append(SentNotice(registration.public_id, which, ok))
    return done
