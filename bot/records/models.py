"""Database tables of the HR records: one row per event occurrence, one per job position."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Date, DateTime, Integer, String, Time
from sqlalchemy.orm import Mapped

from bot.core.clock import utcnow
from bot.core.db import Base

EVENT_KINDS = ("open_house", "team_coffee", "reverse_qa", "hackathon")
EVENT_STATUSES = ("scheduled", "cancelled")
JOB_STATUSES = ("open", "closed")
# What a candidate filters positions by (bot/records/job_search.py); None: not stated.
JOB_REMOTE = ("full_remote", "hybrid", "on_site")
JOB_LEVELS = ("intern", "junior", "confirmed", "senior")
JOB_CONTRACTS = ("permanent", "fixed_term", "internship", "apprenticeship")
JOB_LANGUAGES = ("fr", "en")
# The company's teams (keys of `teams` in the company file).
TEAMS = (
    "platform",
    "data_ml",
    "product_engineering",
    "mobile",
    "design",
    "customer_success",
    "sales",
    "people",
)


def _time(value: dt.time | None) -> str | None:
    return value.strftime("%H:%M") if value is not None else None


def _timestamp(value: dt.datetime | None) -> str | None:
    """Stored times are naive UTC; the API says so with a trailing Z."""
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


class Event(Base):
    """One dated occurrence of a candidate event (an open house on a given Thursday…).

    Times are local to the office (Europe/Paris); a null start time means the
    company has not given one (team coffees are booked on the day).
    """

    __tablename__ = "event"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = Column(String(16), nullable=False, index=True)
    date: Mapped[dt.date] = Column(Date, nullable=False, index=True)
    # Last day of an event spanning several days (a two-day hackathon), else null.
    end_date: Mapped[dt.date | None] = Column(Date, nullable=True)
    start_time: Mapped[dt.time | None] = Column(Time, nullable=True)
    end_time: Mapped[dt.time | None] = Column(Time, nullable=True)
    place_fr: Mapped[str | None] = Column(String(200), nullable=True)
    place_en: Mapped[str | None] = Column(String(200), nullable=True)
    note_fr: Mapped[str | None] = Column(String(500), nullable=True)
    note_en: Mapped[str | None] = Column(String(500), nullable=True)
    status: Mapped[str] = Column(String(16), nullable=False, default="scheduled", index=True)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str] = Column(String(120), nullable=False, default="")

    @property
    def last_date(self) -> dt.date:
        return self.end_date or self.date

    def to_json(self) -> dict[str, Any]:
        """The event as the HR workspace's JSON API shows it."""
        return {
            "id": self.id,
            "kind": self.kind,
            "date": self.date.isoformat(),
            "end_date": self.end_date.isoformat() if self.end_date else None,
            "start_time": _time(self.start_time),
            "end_time": _time(self.end_time),
            "place_fr": self.place_fr,
            "place_en": self.place_en,
            "note_fr": self.note_fr,
            "note_en": self.note_en,
            "status": self.status,
            "updated_at": _timestamp(self.updated_at),
            "updated_by": self.updated_by,
        }


class JobPosition(Base):
    """A position the company recruits for, open or closed; `article_id` names the
    knowledge-base article that describes it (e.g. job-senior-backend)."""

    __tablename__ = "job_position"

    id: Mapped[str] = Column(String(64), primary_key=True)
    title_fr: Mapped[str] = Column(String(120), nullable=False)
    title_en: Mapped[str] = Column(String(120), nullable=False)
    team: Mapped[str] = Column(String(64), nullable=False)
    location_fr: Mapped[str] = Column(String(120), nullable=False)
    location_en: Mapped[str] = Column(String(120), nullable=False)
    # Yearly gross salary range in euros; every job ad shows its range.
    salary_min: Mapped[int] = Column(Integer, nullable=False)
    salary_max: Mapped[int] = Column(Integer, nullable=False)
    # What comes on top of the range, e.g. "plus variable".
    salary_note_fr: Mapped[str | None] = Column(String(120), nullable=True)
    salary_note_en: Mapped[str | None] = Column(String(120), nullable=True)
    status: Mapped[str] = Column(String(16), nullable=False, default="open", index=True)
    # No foreign key: the knowledge base can be re-imported without touching the records.
    article_id: Mapped[str | None] = Column(String(64), nullable=True, index=True)
    sort_order: Mapped[int] = Column(Integer, nullable=False, default=0)
    # The facts candidates filter by, filled in by HR; None or []: not stated.
    cities: Mapped[list] = Column(JSON, nullable=False, default=list, server_default="[]")
    remote: Mapped[str | None] = Column(String(16), nullable=True)  # one of JOB_REMOTE
    level: Mapped[str | None] = Column(String(16), nullable=True)  # one of JOB_LEVELS
    contract: Mapped[str | None] = Column(String(16), nullable=True)  # one of JOB_CONTRACTS
    languages: Mapped[list] = Column(JSON, nullable=False, default=list, server_default="[]")
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str] = Column(String(120), nullable=False, default="")

    def title(self, language: str) -> str:
        return self.title_fr if language == "fr" else self.title_en

    def location(self, language: str) -> str:
        return self.location_fr if language == "fr" else self.location_en

    def salary_note(self, language: str) -> str | None:
        return self.salary_note_fr if language == "fr" else self.salary_note_en

    def to_json(self) -> dict[str, Any]:
        """The position as the HR workspace's JSON API shows it."""
        return {
            "id": self.id,
            "title_fr": self.title_fr,
            "title_en": self.title_en,
            "team": self.team,
            "location_fr": self.location_fr,
            "location_en": self.location_en,
            "salary_min": self.salary_min,
            "salary_max": self.salary_max,
            "salary_note_fr": self.salary_note_fr,
            "salary_note_en": self.salary_note_en,
            "status": self.status,
            "article_id": self.article_id,
            "sort_order": self.sort_order,
            "cities": list(self.cities or []),
            "remote": self.remote,
            "level": self.level,
            "contract": self.contract,
            "languages": list(self.languages or []),
            "updated_at": _timestamp(self.updated_at),
            "updated_by": self.updated_by,
        }
