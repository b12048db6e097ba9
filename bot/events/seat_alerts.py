"""Telling the recruiters when an event passes 80 % and 100 % of its seats: once each per
event, by e-mail (NOTIFY_EMAILS) and the chat webhook (NOTIFY_WEBHOOK_URL).

Once is held by the table `event_seat_alert` (one row per event and threshold, its
primary key): `seat_alerts` inserts the row of each threshold the event has reached, each
in its own SAVEPOINT, so of two processes seeing the same registration commit only one
gets the row and the message. Seats taken are confirmed and offered registrations (what
the seat index bounds, bot.events.terms.seats_taken). Reaching 100 % at once (a small
event) sends the 100 % message only and marks the 80 % one sent with it.

Call after a registration (or a seat offer) committed:

    with transaction(settings.database_url) as session:
        messages = seat_alerts(session=session, event_id=event_id, now=utcnow())
    send_seat_alerts(settings, messages)   # off the event loop: SMTP and HTTP

or `alert_seats(settings, event_id=..., now=...)`, which does both.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import Column, DateTime, ForeignKey, Integer, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, sessionmaker

from bot.core.db import Base, session_factory
from bot.core.mail import one_line, send_mail
from bot.core.settings import Settings
from bot.core.webhook import post_webhook
from bot.events.models import EventTerms
from bot.events.terms import seats_taken, terms_of
from bot.records.models import Event

logger = logging.getLogger(__name__)
THRESHOLDS = (80, 100)  # per cent of the seats, in increasing order
# The recruiters' notifications are in French, as the console is.
KIND_NAMES = {"open_house": "Portes ouvertes", "reverse_qa": "Questions inversées"}
MESSAGE = "{name} du {day} : {taken}/{capacity} places prises ({percent} %)"
FULL = " — complet, les suivants vont en liste d'attente"


class EventSeatAlert(Base):
    """That the recruiters were told an event reached `threshold` % of its seats."""

    __tablename__ = "event_seat_alert"

    event_id: Mapped[int] = Column(
        Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    threshold: Mapped[int] = Column(Integer, primary_key=True, autoincrement=False)
    sent_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    taken: Mapped[int] = Column(Integer, nullable=False)
    capacity: Mapped[int] = Column(Integer, nullable=False)


def reached(taken: int, capacity: int) -> list[int]:
    """The thresholds `taken` seats of `capacity` have reached (80 % of 25 is 20)."""
    if capacity <= 0:
        return []
    return [t for t in THRESHOLDS if taken * 100 >= t * capacity]


def _message(event: Event, taken: int, capacity: int, threshold: int) -> str:
    name = KIND_NAMES.get(event.kind, event.kind)
    start = f" {event.start_time:%H:%M}" if event.start_time else ""
    text = MESSAGE.format(
        name=name,
        day=f"{event.date:%d/%m/%Y}{start}",
        taken=taken,
        capacity=capacity,
        percent=threshold,
    )
    return text + (FULL if threshold == 100 else "")


def seat_alerts(*, session: Session, event_id: int, now: dt.datetime) -> list[str]:
    """Claim the thresholds the event newly reached; the messages to send (none when
    nothing new). Never commits: send after the caller's commit (`send_seat_alerts`)."""
    event = session.get(Event, event_id)
    if event is None or event.status != "scheduled":
        return []
    # The capacity does not depend on the office's time zone (only the times do).
    capacity = terms_of(event, session.get(EventTerms, event_id), "UTC").capacity or 0
    taken = seats_taken(session=session, event_id=event_id)
    claimed: list[int] = []
    for threshold in reached(taken, capacity):
        already = session.execute(
            select(EventSeatAlert.threshold).where(
                EventSeatAlert.event_id == event_id, EventSeatAlert.threshold == threshold
            )
        ).first()
        if already:
            continue
        try:
            with session.begin_nested():
                session.add(
                    EventSeatAlert(
                        event_id=event_id,
                        threshold=threshold,
                        sent_at=now,
                        taken=taken,
                        capacity=capacity,
                    )
                )
        except IntegrityError:
            continue  # another process claimed it first: it sends the message
        claimed.append(threshold)
    if not claimed:
        return []
    return [_message(event, taken, capacity, max(claimed))]


def _email(settings: Settings, message: str) -> bool:
    if not settings.notify_emails:
        return False
    return send_mail(
        settings, to=settings.notify_emails, subject=one_line(message), body=message + "\n"
    )


def _post(settings: Settings, message: str) -> bool:
    return post_webhook(settings, one_line(message))


def send_seat_alerts(settings: Settings, messages: list[str]) -> int:
    """E-mail and post each message to the recruiters; how many reached at least one of
    the two. Never raises; blocking (SMTP, HTTP): call it off the event loop."""
    delivered = 0
    for message in messages:
        sent = False
        for channel, send in (("email", _email), ("webhook", _post)):
            try:
                sent = send(settings, message) or sent
            except Exception:  # noqa: BLE001 - a notifier must never break a registration
                logger.exception("the seat alert's %s notification failed", channel)
        delivered += sent
    return delivered


def alert_seats(
    settings: Settings,
    *,
    event_id: int,
    now: dt.datetime,
    sessions: sessionmaker | None = None,
) -> list[str]:
    """`seat_alerts` in its own transaction, then `send_seat_alerts`; the messages."""
    factory = sessions or session_factory(settings.database_url)
    with factory() as session, session.begin():
        messages = seat_alerts(session=session, event_id=event_id, now=now)
    send_seat_alerts(settings, messages)
    return messages
