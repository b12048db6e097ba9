"""Applications: taking one from the chat, listing and moving them on for recruiters,
purging and erasing them (with their CVs).

An application names an open position, the candidate's first and last name and
e-mail, a CV (the token of an upload) or a link (LinkedIn, portfolio), an optional
message and the consent. Everything is checked before anything is written, and
each refusal names the field and a code (bot.core.application_texts words it). One
e-mail address applies once per position, and at most `MAX_PER_DAY` times a day.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.applications import ats
from bot.applications.models import APPLICATION_STATUSES, Application, CvFile
from bot.meetings.booking import BadBooking, check_email, check_name, check_note
from bot.records.models import JobPosition

__all__ = [
    "ApplicationError",
    "ApplicationNotFound",
    "Taken",
    "applications_of",
    "erase_applications_of",
    "erase_conversation_applications",
    "get_application",
    "list_applications",
    "purge_old_applications",
    "purge_unclaimed_cvs",
    "set_status",
    "take_application",
]

MAX_URL = 500
MAX_MESSAGE = 2000
MAX_PER_DAY = 5
# An upload no application took within this time is deleted.
UNCLAIMED_CV = dt.timedelta(days=1)
PUBLIC_ID = r"[A-Za-z0-9_-]{10,32}"


class ApplicationError(ValueError):
    """An application that cannot be taken: `field` names the input at fault, `code` why."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


class ApplicationNotFound(LookupError):
    """No application has this id."""


@dataclass(frozen=True)
class Taken:
    """A new application, the position it is for, and its CV (if any)."""

    application: Application
    job: JobPosition
    cv: CvFile | None


def _name(value: Any, field: str) -> str:
    try:
        return check_name(value)
    except BadBooking as error:
        raise ApplicationError(
            field, f"{field}_missing" if error.code == "name_missing" else f"{field}_invalid"
        ) from None


def _url(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise ApplicationError("url", "url_invalid")
    url = value.strip()
    parts = urlsplit(url) if len(url) <= MAX_URL else None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or "." not in parts.hostname
        or any(c.isspace() or c in "<>\"'`" for c in url)
    ):
        raise ApplicationError("url", "url_invalid")
    return url


def _message(value: Any) -> str:
    if isinstance(value, str) and len(value) > MAX_MESSAGE:
        raise ApplicationError("message", "message_invalid")
    try:
        return check_note(value)
    except BadBooking:
        raise ApplicationError("message", "message_invalid") from None


def _open_job(session: Session, value: Any) -> JobPosition:
    job = session.get(JobPosition, value) if isinstance(value, str) and len(value) <= 64 else None
    if job is None or job.status != "open":
        raise ApplicationError("job", "job_unknown")
    return job


def _cv(session: Session, value: Any) -> CvFile | None:
    if value is None or value == "":
        return None
    found = (
        session.execute(select(CvFile).where(CvFile.token == value)).scalar_one_or_none()
        if isinstance(value, str) and len(value) <= 64
        else None
    )
    if found is None or found.application_id is not None:
        raise ApplicationError("cv", "cv_unknown")
    return found


def take_application(
    *,
    session: Session,
    data: Mapping[str, Any],
    conversation_id: str,
    language: str,
    consent_text: str,
    now: dt.datetime,
) -> Taken:
    """Check every field, then record the application and give it its CV."""
    job = _open_job(session, data.get("job"))
    first_name = _name(data.get("first_name"), "first_name")
    last_name = _name(data.get("last_name"), "last_name")
    try:
        email = check_email(data.get("email"))
    except BadBooking:
        raise ApplicationError("email", "email_invalid") from None
    url = _url(data.get("url"))
    cv = _cv(session, data.get("cv"))
    if cv is None and url is None:
        raise ApplicationError("cv", "cv_or_url_missing")
    message = _message(data.get("message"))
    if data.get("consent") is not True:
        raise ApplicationError("consent", "consent_missing")
    key = email.lower()
    mine = select(Application).where(Application.email_key == key)
    if session.execute(mine.where(Application.job_id == job.id).limit(1)).first():
        raise ApplicationError("email", "already_applied")
    today = session.execute(
        select(func.count())
        .select_from(Application)
        .where(Application.email_key == key, Application.created_at >= now - dt.timedelta(days=1))
    ).scalar_one()
    if today >= MAX_PER_DAY:
        raise ApplicationError("email", "too_many_applications")
    application = Application(
        public_id=secrets.token_urlsafe(16),
        job_id=job.id,
        job_title=job.title_fr if language == "fr" else job.title_en,
        first_name=first_name,
        last_name=last_name,
        email=email,
        email_key=key,
        url=url,
        message=message,
        language=language,
        consent_text=consent_text,
        consented_at=now,
        status="new",
        conversation_id=conversation_id[:255],
        created_at=now,
        updated_at=now,
    )
    session.add(application)
    session.flush()
    if cv is not None:
        cv.application_id = application.id
    return Taken(application, job, cv)


def applications_of(*, session: Session, conversation_id: str) -> list[Application]:
    """The applications sent from one conversation, newest first."""
    return list(
        session.execute(
            select(Application)
            .where(Application.conversation_id == conversation_id)
            .order_by(Application.created_at.desc(), Application.id.desc())
        ).scalars()
    )


def list_applications(
    *, session: Session, job: str | None = None, status: str | None = None, limit: int = 200
) -> list[tuple[Application, CvFile | None]]:
    """Applications for the console, newest first, each with its CV."""
    query = select(Application, CvFile).outerjoin(CvFile, CvFile.application_id == Application.id)
    if job:
        query = query.where(Application.job_id == job)
    if status:
        query = query.where(Application.status == status)
    rows = session.execute(
        query.order_by(Application.created_at.desc(), Application.id.desc()).limit(limit)
    ).all()
    return [(row[0], row[1]) for row in rows]


def get_application(*, session: Session, public_id: Any) -> tuple[Application, CvFile | None]:
    if not isinstance(public_id, str) or not 10 <= len(public_id) <= 32:
        raise ApplicationNotFound(public_id)
    row = session.execute(
        select(Application, CvFile)
        .outerjoin(CvFile, CvFile.application_id == Application.id)
        .where(Application.public_id == public_id)
    ).first()
    if row is None:
        raise ApplicationNotFound(public_id)
    return row[0], row[1]


def set_status(
    *, session: Session, public_id: Any, status: Any, author: str, now: dt.datetime
) -> Application:
    """Move an application on (new, in_review, forwarded); ValueError for another status."""
    if status not in APPLICATION_STATUSES:
        raise ValueError(f"status must be one of {', '.join(APPLICATION_STATUSES)}")
    application, _cv_file = get_application(session=session, public_id=public_id)
    if application.status != status:
        application.status = status
        application.status_by = author[:120]
        application.updated_at = now
    return application


def _delete(session: Session, where: Any, announce: dt.datetime | None) -> tuple[int, list[str]]:
    """Delete applications and their CV rows; how many applications, and the stored files
    to remove from the disk once the transaction commits. `announce` (the time): tell the
    ATS (bot.applications.ats) that each one is gone."""
    rows = session.execute(select(Application.id, Application.public_id).where(where)).all()
    ids = [row[0] for row in rows]
    if not ids:
        return 0, []
    if announce is not None:
        for _id, public_id in rows:
            ats.enqueue(
                session=session, kind="application.deleted", application=public_id, now=announce
            )
    files = list(
        session.execute(select(CvFile.stored_as).where(CvFile.application_id.in_(ids))).scalars()
    )
    session.execute(delete(CvFile).where(CvFile.application_id.in_(ids)))
    session.execute(delete(Application).where(Application.id.in_(ids)))
    return len(ids), files


def erase_conversation_applications(
    *, session: Session, conversation_id: str, announce: dt.datetime | None = None
) -> tuple[int, list[str]]:
    """Everything applied from one conversation (an erasure request)."""
    return _delete(session, Application.conversation_id == conversation_id, announce)


def purge_old_applications(
    *, session: Session, cutoff: dt.datetime, announce: dt.datetime | None = None
) -> tuple[int, list[str]]:
    """Applications older than the retention period."""
    return _delete(session, Application.created_at < cutoff, announce)


def purge_unclaimed_cvs(*, session: Session, now: dt.datetime) -> list[str]:
    """Uploads no application took within a day: their rows go, their files to remove."""
    where = (CvFile.application_id.is_(None)) & (CvFile.created_at < now - UNCLAIMED_CV)
    files = list(session.execute(select(CvFile.stored_as).where(where)).scalars())
    session.execute(delete(CvFile).where(where))
    return files


def erase_applications_of(
    *, session: Session, email: str, announce: dt.datetime | None = None
) -> tuple[int, list[str]]:
    """Every application sent with one e-mail address (the e-mail's erasure link)."""
    return _delete(session, Application.email_key == email.lower(), announce)
