"""Database tables of the talent community: one row per sign-up (a member once its
e-mail's link was clicked), one per position waiting to be announced to a member."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped

from bot.core.clock import utcnow
from bot.core.db import Base


def _timestamp(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


class CommunityMember(Base):
    """A sign-up to the talent community with the wishes and the consent given.

    Pending (`confirmed_at` None) until the confirmation link of its e-mail is clicked:
    a pending sign-up is never written to and goes after PENDING_DAYS. Once confirmed it
    lasts until `expires_at` (24 months, renewed by the renewal e-mail's link). One
    confirmed member per e-mail address: confirming a new sign-up replaces the old one.
    """

    __tablename__ = "community_member"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    # Random and unguessable: what the e-mails' links name.
    public_id: Mapped[str] = Column(String(32), nullable=False, unique=True)
    email: Mapped[str] = Column(String(254), nullable=False)
    email_key: Mapped[str] = Column(String(254), nullable=False, index=True)
    # What they want; empty lists or None: any. Teams and levels as the records name them
    # (bot.core.meeting_texts.TEAMS, JOB_LEVELS), cities as written in OFFICE_CITIES.
    teams: Mapped[list] = Column(JSON, nullable=False, default=list)
    locations: Mapped[list] = Column(JSON, nullable=False, default=list)
    # True: only positions that can be done fully remotely.
    remote: Mapped[bool] = Column(Boolean, nullable=False, default=False)
    level: Mapped[str | None] = Column(String(16), nullable=True)
    # The languages they work in ("fr", "en"); a position needing another does not fit.
    languages: Mapped[list] = Column(JSON, nullable=False, default=list)
    # The language of the conversation: the e-mails are written in it.
    language: Mapped[str] = Column(String(8), nullable=False)
    consent_text: Mapped[str] = Column(Text, nullable=False)
    consented_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    confirmed_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True, index=True)
    expires_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True, index=True)
    renewal_sent_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)
    # The last e-mail about positions (announcements and recruiters' messages).
    last_mailed_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True)

    def wishes_json(self) -> dict[str, Any]:
        """The wishes without the e-mail address (HR's counts and CSV)."""
        return {
            "teams": list(self.teams or []),
            "locations": list(self.locations or []),
            "remote": self.remote,
            "level": self.level,
            "languages": list(self.languages or []),
            "language": self.language,
        }

    def to_json(self) -> dict[str, Any]:
        """The member as the recruiters' console shows it."""
        return {
            "id": self.public_id,
            "email": self.email,
            **self.wishes_json(),
            "joined_at": _timestamp(self.confirmed_at),
            "expires_at": _timestamp(self.expires_at),
            "last_mailed_at": _timestamp(self.last_mailed_at),
        }


class CommunityNotice(Base):
    """A newly opened position that fits a member, waiting for their next e-mail (at
    most one a week: the positions opened meanwhile go together)."""

    __tablename__ = "community_notice"
    __table_args__ = (UniqueConstraint("member_id", "job_id"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    member_id: Mapped[int] = Column(
        Integer, ForeignKey("community_member.id", ondelete="CASCADE"), nullable=False, index=True
    )
    job_id: Mapped[str] = Column(String(64), nullable=False)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True, index=True)
