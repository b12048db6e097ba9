"""'Tell me when it opens' for a kind of event without dates (the hackathon).

A candidate leaves an e-mail address with their consent; when HR sets a date of that
kind, everyone on the list gets one e-mail and their entry is deleted. Each entry is
claimed by a conditional UPDATE (`notified_at`) before it is sent and deleted once the
mail server accepted it, so two processes never send it twice; an entry whose e-mail
was refused is released and waits for the next call.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from bot.core.db import session_factory
from bot.core.event_mail_texts import event_alert_texts
from bot.core.mail import send_mail
from bot.core.settings import Settings
from bot.events.messages import assistant_url, event_name, format_when
from bot.events.models import EventAlert
from bot.events.registrations import LANGUAGES, BadRegistration
from bot.events.terms import event_terms
from bot.meetings.booking import BookingError, check_email
from bot.records.models import Event

logger = logging.getLogger(__name__)
ALERT_KINDS = ("hackathon",)


def keep_alert(
    *,
    session: Session,
    kind: str,
    email: Any,
    language: str,
    consent: Any,
    now: dt.datetime,
    consent_text: str = "",
    conversation_id: str | None = None,
) -> EventAlert:
    """Put an address on the list for `kind` (consent required). Asking twice keeps one
    entry (the latest address as typed, language and consent)."""
    if kind not in ALERT_KINDS:
        raise BadRegistration("kind", "kind_unknown")
    try:
        address = check_email(email)
    except BookingError as error:
        raise BadRegistration(error.field, error.code) from None
    if consent is not True:
        raise BadRegistration("consent", "consent_missing")
    if language not in LANGUAGES:
        raise BadRegistration("language", "language_unknown")
    key = address.lower()
    alert = EventAlert(
        kind=kind,
        email=address,
        email_key=key,
        language=language,
        consent_text=consent_text,
        conversation_id=conversation_id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(alert)
        return alert
    except IntegrityError:
        existing = session.execute(
            select(EventAlert).where(EventAlert.kind == kind, EventAlert.email_key == key)
        ).scalar_one()
        existing.email, existing.language = address, language
        existing.consent_text = consent_text
        existing.conversation_id = conversation_id or existing.conversation_id
        session.flush()
        return existing


def alert_count(*, session: Session, kind: str) -> int:
    return len(session.execute(select(EventAlert.id).where(EventAlert.kind == kind)).all())


def should_announce(event: Event, today: dt.date) -> bool:
    """Whether saving `event` opens what the list waits for: a scheduled date of an
    alert kind still to come."""
    return event.kind in ALERT_KINDS and event.status == "scheduled" and event.date >= today


@dataclass(frozen=True)
class Announced:
    sent: int
    failed: int


def announce(
    settings: Settings,
    *,
    event_id: int,
    now: dt.datetime,
    sessions: sessionmaker | None = None,
) -> Announced:
    """HR set a date of an alert kind (call after the record's commit, off the event
    loop): one e-mail to each address on the kind's list, and its entry deleted."""
    factory = sessions or session_factory(settings.database_url)
    with factory() as session, session.begin():
        event = session.get(Event, event_id)
        if event is None or event.kind not in ALERT_KINDS or event.status != "scheduled":
            return Announced(0, 0)
        session.expunge(event)
        terms = event_terms(session=session, event=event, office_timezone=settings.office_timezone)
        alerts = list(
            session.execute(
                select(EventAlert)
                .where(EventAlert.kind == event.kind, EventAlert.notified_at.is_(None))
                .order_by(EventAlert.id)
            ).scalars()
        )
    sent = failed = 0
    if not settings.smtp_host:
        return Announced(0, len(alerts))
    for alert in alerts:
        with factory() as session, session.begin():
            claimed = session.execute(
                update(EventAlert)
                .where(EventAlert.id == alert.id, EventAlert.notified_at.is_(None))
                .values(notified_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
        if not claimed:
            continue
        language = "fr" if alert.language == "fr" else "en"
        name = event_name(event.kind, language)
        when = format_when(terms.start_utc, timezone=settings.office_timezone, language=language)
        ok = send_mail(
            settings,
            to=[alert.email],
            subject=event_alert_texts(language)["subject"].format(event=name),
            body=event_alert_texts(language)["body"].format(
                event=name, when=when, url=assistant_url(settings, language)
            ),
        )
        with factory() as session, session.begin():
            if ok:
                session.execute(delete(EventAlert).where(EventAlert.id == alert.id))
            else:
                session.execute(
                    update(EventAlert).where(EventAlert.id == alert.id).values(notified_at=None)
                )
        sent, failed = sent + ok, failed + (not ok)
    if failed:
        logger.warning("%d event alert(s) not sent; kept for the next announcement", failed)
    return Announced(sent, failed)
