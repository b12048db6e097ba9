"""Database tables of applications: one row per application, one per uploaded CV."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.core.clock import utcnow
from bot.core.db import Base

# new -> in_review -> forwarded (to the company's applicant tracking system or a manager)
APPLICATION_STATUSES = ("new", "in_review", "forwarded")
CV_KINDS = ("pdf", "docx")


def _timestamp(value: dt.datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") + "Z" if value is not None else None


class Application(Base):
    """A candidate's application to one open position, with the consent they gave."""

    __tablename__ = "application"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    # Random and unguessable: what the chat and the candidate's links refer to.
    public_id: Mapped[str] = Column(String(32), nullable=False, unique=True)
    # No foreign key: a position HR deletes later keeps its applications (and their title).
    job_id: Mapped[str] = Column(String(64), nullable=False, index=True)
    job_title: Mapped[str] = Column(String(120), nullable=False)
    first_name: Mapped[str] = Column(String(80), nullable=False)
    last_name: Mapped[str] = Column(String(80), nullable=False)
    email: Mapped[str] = Column(String(254), nullable=False)
    email_key: Mapped[str] = Column(String(254), nullable=False, index=True)
    # A LinkedIn profile or a portfolio (http or https), and/or a CV.
    url: Mapped[str | None] = Column(String(500), nullable=True)
    message: Mapped[str] = Column(Text, nullable=False, default="")
    language: Mapped[str] = Column(String(8), nullable=False)
    consent_text: Mapped[str] = Column(Text, nullable=False)
    consented_at: Mapped[dt.datetime] = Column(DateTime, nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="new", index=True)
    status_by: Mapped[str] = Column(String(120), nullable=False, default="")
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)

    def to_json(self, cv: CvFile | None = None) -> dict[str, Any]:
        """The application as the recruiters' console shows it."""
        return {
            "id": self.public_id,
            "job": self.job_id,
            "job_title": self.job_title,
            "first_name": self.first_name,
            "last_name": self.last_name,
            "email": self.email,
            "url": self.url,
            "message": self.message,
            "language": self.language,
            "status": self.status,
            "status_by": self.status_by,
            "conversation": self.conversation_id,
            "created_at": _timestamp(self.created_at),
            "updated_at": _timestamp(self.updated_at),
            "cv": {"kind": cv.kind, "size": cv.size} if cv is not None else None,
        }


class CvFile(Base):
    """An uploaded CV: stored under a random name in the uploads folder (never served
    but to staff); `application_id` is set when an application takes it. An upload no
    application took is deleted after a day."""

    __tablename__ = "cv_file"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    # What the upload route returns and the application message carries.
    token: Mapped[str] = Column(String(64), nullable=False, unique=True)
    stored_as: Mapped[str] = Column(String(64), nullable=False, unique=True)
    kind: Mapped[str] = Column(String(8), nullable=False)
    size: Mapped[int] = Column(Integer, nullable=False)
    application_id: Mapped[int | None] = Column(
        Integer, ForeignKey("application.id", ondelete="SET NULL"), nullable=True, index=True
    )
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)


class AtsDelivery(Base):
    """One event for the company's applicant tracking system, in an outbox: written in the
    transaction that takes (or erases) the application, so none is lost, and sent by the
    web processes' sweep until the receiver answers 2xx. It holds no personal data: the
    body is built from the application when it is sent. `key` is the idempotency key the
    receiver sees on every attempt."""

    __tablename__ = "ats_delivery"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = Column(String(64), nullable=False, unique=True)
    # application.created, application.status_changed or application.deleted
    kind: Mapped[str] = Column(String(40), nullable=False)
    application: Mapped[str] = Column(String(32), nullable=False, index=True)
    attempts: Mapped[int] = Column(Integer, nullable=False, default=0)
    next_attempt_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, index=True)
    finished_at: Mapped[dt.datetime | None] = Column(DateTime, nullable=True, index=True)
    # when it was delivered, skipped or given up ("delivered", "skipped": the application
    # was erased before it went, "failed": MAX_ATTEMPTS refusals)
    outcome: Mapped[str | None] = Column(String(16), nullable=True)
    last_error: Mapped[str] = Column(String(300), nullable=False, default="")
    created_at: Mapped[dt.datetime] = Column(DateTime, nullable=False, default=utcnow)
