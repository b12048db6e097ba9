"""Database tables of event registrations: per-event terms, registrations, the reverse
Q&A's questions and votes, and the "tell me when it opens" list.

Race safety lives in the indexes, as for team coffees (bot.meetings.models):
- `ux_registration_seat`: a confirmed or offered registration holds a seat 1..capacity
  of its event, unique among those rows, so never more than `capacity` of them;
- `ux_registration_email`: one live (confirmed, offered or waitlisted) registration per
  e-mail (lower-cased) and event;
- `ux_panel_vote`: one vote per registration and question;
- `ux_panel_question_number`: a registration's questions are numbered 1..MAX_QUESTIONS.
Times are naive UTC (bot.core.clock.utcnow).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    text,
)
from sqlalchemy.orm import Mapped

from bot.core.clock import utcnow
from bot.core.db import Base

# confirmed: holds a seat; offered: a seat held for a waitlisted candidate until
# `offer_expires_at`; waitlisted: in line (order: id); cancelled / expired: over.
REGISTRATION_STATUSES = ("confirmed", "offered", "waitlisted", "cancelled", "expired")
LIVE_STATUSES = ("confirmed", "offered", "waitlisted")
SEATED_STATUSES = ("confirmed", "offered")
ATTENDANCE = ("attended", "no_show")
QUESTION_STATUSES = ("open", "hidden")
SEATED = text("status IN ('confirmed', 'offered')")
LIVE = text("status IN ('confirmed', 'offered', 'waitlisted')")


def _timestamp(value: dt.datetime | None) -> str | None:
    """Stored times are naive UTC; the JSON says so with a trailing Z."""
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


class EventTerms(Base):
    """What HR set for one event beyond the record itself; a null column means the
    kind's default (bot.events.terms.DEFAULTS): seats, registration deadline, video link."""

    __tablename__ = "event_settings"

    event_id: Mapped[int] = Column(
        Integer, ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    capacity: Mapped[int | None] = Column(Integer, nullable=True)
    registration_deadline: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    video_url: Mapped[str | None] = Column(String(500), nullable=True)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str] = Column(String(120), nullable=False, default="")


class Registration(Base):
    """One candidate's place (or place in line) at one event."""

    __tablename__ = "registration"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    # Random and unguessable: what the candidate, the chat and links refer to.
    public_id: Mapped[str] = Column(String(32), nullable=False, unique=True)
    event_id: Mapped[int] = Column(
        Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True
    )
    status: Mapped[str] = Column(String(16), nullable=False, index=True)
    # 1..capacity while confirmed or offered, else null.
    seat: Mapped[int | None] = Column(Integer, nullable=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    first_name: Mapped[str] = Column(String(80), nullable=False)
    email: Mapped[str] = Column(String(254), nullable=False)
    # The e-mail lower-cased: unique per event among live registrations.
    email_key: Mapped[str] = Column(String(254), nullable=False)
    language: Mapped[str] = Column(String(8), nullable=False)
    consent_text: Mapped[str] = Column(Text, nullable=False, default="")
    # iCalendar SEQUENCE of the invitation: raised on every change it must carry.
    sequence: Mapped[int] = Column(Integer, nullable=False, default=0)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
    # When the seat was confirmed (on registering, or on accepting an offer).
    confirmed_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    offered_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    offer_expires_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    cancelled_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    # Who ended it: "candidate", "event" (HR cancelled the date), "offer" (expired).
    ended_by: Mapped[str | None] = Column(String(16), nullable=True)
    reminded_day_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    reminded_1h_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    thanked_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    # The thank-you e-mail's question: 1..5 and a free comment.
    rating: Mapped[int | None] = Column(Integer, nullable=True)
    rating_comment: Mapped[str | None] = Column(Text, nullable=True)
    rated_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    # Check-in by staff: "attended" / "no_show" (None: not marked).
    attendance: Mapped[str | None] = Column(String(16), nullable=True)
    attendance_by: Mapped[str | None] = Column(String(120), nullable=True)
    attendance_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)

    __table_args__ = (
        Index(
            "ux_registration_seat",
            "event_id",
            "seat",
            unique=True,
            sqlite_where=SEATED,
            postgresql_where=SEATED,
        ),
        Index(
            "ux_registration_email",
            "event_id",
            "email_key",
            unique=True,
            sqlite_where=LIVE,
            postgresql_where=LIVE,
        ),
    )

    def to_json(self) -> dict[str, Any]:
        """The registration for staff pages (names are returned as text, never HTML)."""
        return {
            "id": self.public_id,
            "event": self.event_id,
            "status": self.status,
            "seat": self.seat,
            "conversation_id": self.conversation_id,
            "first_name": self.first_name,
            "email": self.email,
            "language": self.language,
            "created_at": _timestamp(self.created_at),
            "confirmed_at": _timestamp(self.confirmed_at),
            "offered_at": _timestamp(self.offered_at),
            "offer_expires_at": _timestamp(self.offer_expires_at),
            "cancelled_at": _timestamp(self.cancelled_at),
            "ended_by": self.ended_by,
            "attendance": self.attendance,
            "attendance_by": self.attendance_by,
            "attendance_at": _timestamp(self.attendance_at),
            "rating": self.rating,
            "rating_comment": self.rating_comment,
        }


class PanelQuestion(Base):
    """A question a registered candidate wants the leaders to answer at a reverse Q&A.

    `registration_id` goes null when the person is erased and HR kept the question
    (turned into an article: `article_id`); otherwise their questions are deleted.
    """

    __tablename__ = "panel_question"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    public_id: Mapped[str] = Column(String(32), nullable=False, unique=True)
    event_id: Mapped[int] = Column(
        Integer, ForeignKey("event.id", ondelete="CASCADE"), nullable=False, index=True
    )
    registration_id: Mapped[int | None] = Column(
        Integer, ForeignKey("registration.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # 1..MAX_QUESTIONS within the registration (the per-candidate limit, held by an index).
    number: Mapped[int] = Column(Integer, nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="open")
    answered: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    answered_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    answered_by: Mapped[str | None] = Column(String(120), nullable=True)
    # The knowledge-base article HR drafted from it (no foreign key, as job positions).
    article_id: Mapped[str | None] = Column(String(64), nullable=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ux_panel_question_number", "registration_id", "number", unique=True),)


class PanelVote(Base):
    """One registration's vote for one question. Erasing the voter keeps the row
    (the count stays) and drops the link to the person (`registration_id` null)."""

    __tablename__ = "panel_vote"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    question_id: Mapped[int] = Column(
        Integer, ForeignKey("panel_question.id", ondelete="CASCADE"), nullable=False
    )
    registration_id: Mapped[int | None] = Column(
        Integer, ForeignKey("registration.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ux_panel_vote", "question_id", "registration_id", unique=True),)


class EventAlert(Base):
    """'Tell me when it opens' for a kind without dates (the hackathon): one e-mail when
    HR sets a date, then the row is deleted."""

    __tablename__ = "event_alert"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = Column(String(16), nullable=False)
    email: Mapped[str] = Column(String(254), nullable=False)
    email_key: Mapped[str] = Column(String(254), nullable=False)
    language: Mapped[str] = Column(String(8), nullable=False)
    consent_text: Mapped[str] = Column(Text, nullable=False, default="")
    conversation_id: Mapped[str | None] = Column(String(255), nullable=True, index=True)
    # Claimed by the process sending the announcement (null: not being sent).
    notified_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)

    __table_args__ = (Index("ux_event_alert_email", "kind", "email_key", unique=True),)
