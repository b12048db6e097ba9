"""Callback requests: a candidate leaves a name, an e-mail and a question, with consent.

Nothing is stored unless the candidate ticked the consent sentence, which is
kept with the request (what they agreed to, and when). Requests are deleted
with the rest of the conversation after the retention period.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.office_hours import OfficeHours
from bot.handoff.models import CALLBACK_STATUSES, CallbackRequest

EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$")
MAX_NAME = 120
MAX_QUESTION = 2000

CONSENT = {
    "fr": "J'accepte qu'Ardoise Labs conserve mon nom, mon adresse e-mail et ma question pour "
    "qu'un recruteur me réponde, pendant {days} jours au plus, puis les supprime.",
    "en": "I agree that Ardoise Labs keeps my name, e-mail address and question so that a "
    "recruiter can answer me, for at most {days} days, after which they are deleted.",
}


class BadCallback(ValueError):
    """What the candidate must fix, field by field."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class CallbackNotFound(LookupError):
    """No callback request has this id."""


def consent_text(language: str, retention_days: int) -> str:
    return CONSENT.get(language, CONSENT["fr"]).format(days=retention_days)


def next_business_day(now_utc: datetime, hours: OfficeHours) -> date:
    """The next day recruiters work, in their time zone (the promise made to the candidate)."""
    local = now_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(hours.zone)
    day = local.date() + timedelta(days=1)
    for _ in range(8):
        if day.weekday() in hours.days:
            return day
        day += timedelta(days=1)
    return day


def read_callback(data: Any) -> tuple[str, str, str]:
    """Name, e-mail and question from the widget's form, or BadCallback naming each problem."""
    if not isinstance(data, dict):
        raise BadCallback({"form": "the request must be an object"})
    errors: dict[str, str] = {}
    name = data.get("name")
    email = data.get("email")
    question = data.get("question")
    if not isinstance(name, str) or not name.strip():
        errors["name"] = "required"
    elif len(name.strip()) > MAX_NAME:
        errors["name"] = f"at most {MAX_NAME} characters"
    if not isinstance(email, str) or not EMAIL.match(email.strip()) or len(email.strip()) > 254:
        errors["email"] = "not a valid e-mail address"
    if not isinstance(question, str) or not question.strip():
        errors["question"] = "required"
    elif len(question) > MAX_QUESTION:
        errors["question"] = f"at most {MAX_QUESTION} characters"
    if data.get("consent") is not True:
        errors["consent"] = "consent is required to keep your details"
    if errors:
        raise BadCallback(errors)
    assert isinstance(name, str) and isinstance(email, str) and isinstance(question, str)
    return name.strip(), email.strip(), question.strip()


def create_callback(
    *,
    session: Session,
    conversation_id: str,
    data: Any,
    language: str,
    retention_days: int,
) -> CallbackRequest:
    name, email, question = read_callback(data)
    now = utcnow()
    request = CallbackRequest(
        conversation_id=conversation_id,
        name=name,
        email=email,
        question=question,
        language=language,
        consent_text=consent_text(language, retention_days),
        consented_at=now,
        status="new",
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.flush()
    return request


def callbacks(*, session: Session, status: str | None = None) -> list[CallbackRequest]:
    query = select(CallbackRequest).order_by(CallbackRequest.created_at.desc()).limit(200)
    if status:
        query = query.where(CallbackRequest.status == status)
    return list(session.execute(query).scalars())


def set_status(*, session: Session, callback_id: int, status: object) -> CallbackRequest:
    if status not in CALLBACK_STATUSES:
        raise BadCallback({"status": f"one of {', '.join(CALLBACK_STATUSES)}"})
    request = session.get(CallbackRequest, callback_id)
    if request is None:
        raise CallbackNotFound(callback_id)
    request.status = str(status)
    request.updated_at = utcnow()
    session.flush()
    return request
