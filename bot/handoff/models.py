"""What the handoff workflow keeps: handoffs, recruiters' notes, callback requests, presence."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.core.clock import utcnow
from bot.core.db import Base

# queued -> claimed -> returned | closed; queued -> callback (nobody claimed in time);
# queued -> cancelled (the candidate withdrew the request before anyone took it)
HANDOFF_STATUSES = ("queued", "claimed", "returned", "closed", "callback", "cancelled")
OPEN_STATUSES = ("queued", "claimed")
CALLBACK_STATUSES = ("new", "in_progress", "done")


class Handoff(Base):
    """A conversation handed to a human: who it is for, who has it, what happened."""

    __tablename__ = "handoff"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    status: Mapped[str] = Column(String(16), nullable=False, index=True)
    reason: Mapped[str] = Column(String(32), nullable=False)
    language: Mapped[str] = Column(String(8), nullable=False)
    topic: Mapped[str] = Column(String(64), nullable=False, default="")
    # The recruiter it is routed to (login), empty when anyone may take it.
    routed_to: Mapped[str] = Column(String(64), nullable=False, default="")
    summary: Mapped[dict] = Column(JSON, nullable=False, default=dict)
    requested_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    claimed_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    claimed_by: Mapped[int | None] = Column(
        Integer, ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )
    ended_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    updated_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)


class HandoffNote(Base):
    """A recruiter's internal note on a conversation (never shown to the candidate)."""

    __tablename__ = "handoff_note"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    author_id: Mapped[int | None] = Column(
        Integer, ForeignKey("staff_user.id", ondelete="SET NULL"), nullable=True
    )
    author_name: Mapped[str] = Column(String(80), nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)


class CallbackRequest(Base):
    """A candidate's request to be contacted, with the consent they gave."""

    __tablename__ = "callback_request"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    name: Mapped[str] = Column(String(120), nullable=False)
    email: Mapped[str] = Column(String(254), nullable=False)
    question: Mapped[str] = Column(Text, nullable=False)
    language: Mapped[str] = Column(String(8), nullable=False)
    consent_text: Mapped[str] = Column(Text, nullable=False)
    consented_at: Mapped[datetime] = Column(DateTime, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="new", index=True)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    updated_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)


class Presence(Base):
    """When a recruiter's console last reported in (signed in and open)."""

    __tablename__ = "staff_presence"

    user_id: Mapped[int] = Column(
        Integer, ForeignKey("staff_user.id", ondelete="CASCADE"), primary_key=True
    )
    last_seen_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)


class CannedReply(Base):
    """A reply HR prepares for recruiters (bot.handoff.canned): a title, and the text in
    French and in English, with {candidat} and {recruteur} (or {candidate} and
    {recruiter}) filled in when a recruiter uses it."""

    __tablename__ = "canned_reply"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = Column(String(80), nullable=False)
    text_fr: Mapped[str] = Column(Text, nullable=False)
    text_en: Mapped[str] = Column(Text, nullable=False)
    # How often recruiters sent it, and when last: HR sees which replies earn their place.
    uses: Mapped[int] = Column(Integer, nullable=False, default=0)
    last_used_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)
    updated_by: Mapped[str] = Column(String(120), nullable=False, default="")
