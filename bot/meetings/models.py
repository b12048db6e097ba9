"""Database tables of team coffees: ambassadors, their pauses, and bookings.

Times are naive UTC (bot.core.clock.utcnow); windows and weeks are read in the
office's time zone (settings.office_timezone).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
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

BOOKING_STATUSES = ("confirmed", "cancelled", "declined")
# What staff record after a coffee has taken place (None: not marked yet).
ATTENDANCE = ("attended", "no_show")
LANGUAGES = ("fr", "en")
# The partial unique indexes only cover live bookings: a cancelled slot is free again.
CONFIRMED = text("status = 'confirmed'")


def _timestamp(value: dt.datetime | None) -> str | None:
    """Stored times are naive UTC; the JSON says so with a trailing Z."""
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


class Ambassador(Base):
    """An employee who volunteered to meet candidates: who they are, when and how often.

    `windows` are weekly office-time ranges ("tuesday 10:00-12:00"); `cap` is the
    most coffees per ISO week (office time); `consent` records what they agreed
    to have shown to candidates; `email` is where invitations go (None: unknown).
    """

    __tablename__ = "ambassador"

    id: Mapped[str] = Column(String(64), primary_key=True)
    name: Mapped[str] = Column(String(120), nullable=False)
    role: Mapped[str] = Column(String(120), nullable=False)
    team: Mapped[str] = Column(String(64), nullable=False, index=True)
    languages: Mapped[list] = Column(JSON, nullable=False, default=list)
    topics: Mapped[list] = Column(JSON, nullable=False, default=list)
    windows: Mapped[list] = Column(JSON, nullable=False, default=list)
    cap: Mapped[int] = Column(Integer, nullable=False, default=2)
    bio_fr: Mapped[str] = Column(Text, nullable=False, default="")
    bio_en: Mapped[str] = Column(Text, nullable=False, default="")
    consent: Mapped[str] = Column(Text, nullable=False, default="")
    email: Mapped[str | None] = Column(String(254), nullable=True)
    active: Mapped[bool] = Column(Boolean, nullable=False, default=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)

    @property
    def first_name(self) -> str:
        """What candidates see of the name (the consent covers the first name only)."""
        return self.name.split()[0] if self.name.split() else self.name

    def bio(self, language: str) -> str:
        return self.bio_fr if language == "fr" else self.bio_en

    def to_json(self) -> dict[str, Any]:
        """Everything about the ambassador, for staff (candidates see `first_name` etc. only)."""
        return {
            "id": self.id,
            "name": self.name,
            "role": self.role,
            "team": self.team,
            "languages": list(self.languages),
            "topics": list(self.topics),
            "windows": list(self.windows),
            "cap": self.cap,
            "bio_fr": self.bio_fr,
            "bio_en": self.bio_en,
            "consent": self.consent,
            "email": self.email,
            "active": self.active,
            "created_at": _timestamp(self.created_at),
            "updated_at": _timestamp(self.updated_at),
        }


class AmbassadorPause(Base):
    """Days (office calendar, both included) when an ambassador offers no slot: holidays."""

    __tablename__ = "ambassador_pause"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    ambassador_id: Mapped[str] = Column(
        String(64), ForeignKey("ambassador.id", ondelete="CASCADE"), nullable=False, index=True
    )
    first_day: Mapped[dt.date] = Column(Date, nullable=False)
    last_day: Mapped[dt.date] = Column(Date, nullable=False)


class Booking(Base):
    """One coffee booked by a candidate with an ambassador.

    Race safety lives in the indexes, not in the code that checks first:
    - `ux_booking_slot`: one confirmed booking per ambassador and start;
    - `ux_booking_seat`: `seat` is 1..cap within the ambassador's office-time ISO
      week (`week_start`, its Monday), unique among confirmed bookings, so at most
      `cap` confirmed coffees a week whatever the concurrency;
    - `upcoming_email`: the lower-cased e-mail while the coffee is confirmed and
      still to come, else NULL; unique, so one upcoming coffee per candidate.
    """

    __tablename__ = "booking"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    # Random and unguessable: what the candidate, the chat and links refer to.
    public_id: Mapped[str] = Column(String(32), nullable=False, unique=True)
    ambassador_id: Mapped[str] = Column(
        String(64), ForeignKey("ambassador.id"), nullable=False, index=True
    )
    start_utc: Mapped[dt.datetime] = Column(DateTime, nullable=False, index=True)
    end_utc: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    week_start: Mapped[dt.date] = Column(Date, nullable=False)
    seat: Mapped[int] = Column(Integer, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="confirmed", index=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    candidate_name: Mapped[str] = Column(String(80), nullable=False)
    candidate_email: Mapped[str] = Column(String(254), nullable=False)
    upcoming_email: Mapped[str | None] = Column(String(254), nullable=True, unique=True)
    note: Mapped[str] = Column(Text, nullable=False, default="")
    language: Mapped[str] = Column(String(8), nullable=False)
    candidate_timezone: Mapped[str | None] = Column(String(64), nullable=True)
    # What the candidate agreed to (the consent sentence they were shown).
    consent_text: Mapped[str] = Column(Text, nullable=False, default="")
    # iCalendar SEQUENCE: raised on every change the invitation must carry.
    sequence: Mapped[int] = Column(Integer, nullable=False, default=0)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
    cancelled_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    reminded_24h_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    reminded_1h_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    # Marked by a recruiter or HR once the coffee is past: "attended" / "no_show".
    attendance: Mapped[str | None] = Column(String(16), nullable=True)
    attendance_by: Mapped[str | None] = Column(String(120), nullable=True)
    attendance_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)

    __table_args__ = (
        Index(
            "ux_booking_slot",
            "ambassador_id",
            "start_utc",
            unique=True,
            sqlite_where=CONFIRMED,
            postgresql_where=CONFIRMED,
        ),
        Index(
            "ux_booking_seat",
            "ambassador_id",
            "week_start",
            "seat",
            unique=True,
            sqlite_where=CONFIRMED,
            postgresql_where=CONFIRMED,
        ),
    )

    def to_json(self) -> dict[str, Any]:
        """The booking for staff pages (the candidate's note is returned as text, never HTML)."""
        return {
            "id": self.public_id,
            "ambassador": self.ambassador_id,
            "start": _timestamp(self.start_utc),
            "end": _timestamp(self.end_utc),
            "status": self.status,
            "conversation_id": self.conversation_id,
            "name": self.candidate_name,
            "email": self.candidate_email,
            "note": self.note,
            "language": self.language,
            "candidate_timezone": self.candidate_timezone,
            "sequence": self.sequence,
            "created_at": _timestamp(self.created_at),
            "updated_at": _timestamp(self.updated_at),
            "cancelled_at": _timestamp(self.cancelled_at),
            "attendance": self.attendance,
            "attendance_by": self.attendance_by,
            "attendance_at": _timestamp(self.attendance_at),
        }
