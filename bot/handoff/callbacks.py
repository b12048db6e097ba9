"""Callback requests: a candidate leaves a name, an e-mail and a question, with consent.

Nothing is stored unless the candidate ticked the consent sentence, which is
kept with the request (what they agreed to, and when). Requests are deleted
with the rest of the conversation after the retention period. A request is
taken only after the assistant offered it in the conversation, and once per
conversation: each one notifies the recruiters.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import DateTime, String, Text, exists, func, insert, literal, select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.office_hours import OfficeHours
from bot.core.texts import text
from bot.handoff.models import CALLBACK_STATUSES, CallbackRequest

EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$")
MAX_NAME = 120
MAX_QUESTION = 2000
# Not in a name: controls (line breaks included), format characters (bidi overrides,
# zero-width spaces; the joiners some scripts and emoji need are allowed), line and
# paragraph separators, lone surrogates.
_NOT_IN_NAME = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_JOINERS = frozenset({"\u200c", "\u200d"})
# Not in a question: controls, apart from the layout of a text of several lines.
_NOT_IN_QUESTION = frozenset({"Cc", "Cs"})
_LAYOUT = frozenset({"\n", "\r", "\t"})


class BadCallback(ValueError):
    """What the candidate must fix, field by field: `errors` words each problem for its
    reader, `codes` names it (a key of bot.core.texts) when it is the candidate's."""

    def __init__(self, errors: dict[str, str], codes: dict[str, str] | None = None) -> None:
        self.errors = errors
        self.codes = codes or {}
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))


class CallbackRefused(BadCallback):
    """A well-formed request that is not taken: never offered, or already sent.

    Raised with the polite sentence under "form"; nothing is stored, nobody notified.
    """

    def __init__(self, code: str, language: str) -> None:
        super().__init__({"form": text(code, language)}, {"form": code})
        self.code = code


class CallbackNotFound(LookupError):
    """No callback request has this id."""


def consent_text(language: str, retention_days: int) -> str:
    return text("callback_consent", language, days=retention_days)


def next_business_day(now_utc: datetime, hours: OfficeHours) -> date:
    """The next day recruiters work, in their time zone (the promise made to the candidate)."""
    local = now_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(hours.zone)
    day = local.date() + timedelta(days=1)
    for _ in range(8):
        if day.weekday() in hours.days:
            return day
        day += timedelta(days=1)
    return day


def has_invisible(value: str, *, categories: frozenset[str], allowed: frozenset[str]) -> bool:
    """Whether `value` holds a character of the Unicode `categories` (apart from `allowed`)."""
    return any(unicodedata.category(c) in categories and c not in allowed for c in value)


def read_callback(data: Any, language: str = "en") -> tuple[str, str, str]:
    """Name, e-mail and question from the widget's form, or BadCallback naming each problem
    (worded in `language`)."""
    if not isinstance(data, dict):
        codes = {"form": "callback_not_an_object"}
        raise BadCallback(_worded(codes, language), codes)
    codes = {}
    name = data.get("name")
    email = data.get("email")
    question = data.get("question")
    if not isinstance(name, str) or not name.strip():
        codes["name"] = "callback_name_required"
    elif has_invisible(name, categories=_NOT_IN_NAME, allowed=_JOINERS):
        # A line break in a name once broke the recruiters' e-mail (a header).
        codes["name"] = "callback_name_control_characters"
    elif len(name.strip()) > MAX_NAME:
        codes["name"] = "callback_name_too_long"
    if (
        not isinstance(email, str)
        or len(email.strip()) > 254
        or has_invisible(email, categories=_NOT_IN_NAME, allowed=frozenset())
        or not EMAIL.match(email.strip())
    ):
        codes["email"] = "callback_email_invalid"
    if not isinstance(question, str) or not question.strip():
        codes["question"] = "callback_question_required"
    elif has_invisible(question, categories=_NOT_IN_QUESTION, allowed=_LAYOUT):
        codes["question"] = "callback_question_control_characters"
    elif len(question) > MAX_QUESTION:
        codes["question"] = "callback_question_too_long"
    if data.get("consent") is not True:
        codes["consent"] = "callback_consent_required"
    if codes:
        raise BadCallback(_worded(codes, language), codes)
    assert isinstance(name, str) and isinstance(email, str) and isinstance(question, str)
    return name.strip(), email.strip(), question.strip()


def _worded(codes: Mapping[str, str], language: str) -> dict[str, str]:
    """Each field's problem in `language`, with the limit it names."""
    limits = {"name": MAX_NAME, "question": MAX_QUESTION}
    return {
        field: text(code, language, maximum=limits.get(field, 0)) for field, code in codes.items()
    }


def callback_offered(events: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the assistant offered an answer by e-mail in these events of a conversation
    (a `handoff` `offered` payload with `callback`, bot.core.replies.handoff_offered)."""
    for event in events:
        if event.get("event") != "bot":
            continue
        custom = (event.get("data") or {}).get("custom")
        if (
            isinstance(custom, Mapping)
            and custom.get("type") == "handoff"
            and custom.get("status") == "offered"
            and custom.get("callback") is True
        ):
            return True
    return False


def _serialize_conversation(session: Session, conversation_id: str) -> None:
    """Hold the conversation's callback lock until commit (PostgreSQL: an advisory lock; on
    SQLite the one INSERT below is atomic by itself)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(func.pg_advisory_xact_lock(func.hashtext(f"callback:{conversation_id}")))
        )


def create_callback(
    *,
    session: Session,
    conversation_id: str,
    data: Any,
    language: str,
    retention_days: int,
) -> CallbackRequest:
    """Store the request, once per conversation: a second one is CallbackRefused
    ("callback_already_requested"), even when both arrive at the same moment."""
    name, email, question = read_callback(data, language)
    now = utcnow()
    values = {
        "conversation_id": (conversation_id, String),
        "name": (name, String),
        "email": (email, String),
        "question": (question, Text),
        "language": (language, String),
        "consent_text": (consent_text(language, retention_days), Text),
        "consented_at": (now, DateTime),
        "status": ("new", String),
        "created_at": (now, DateTime),
        "updated_at": (now, DateTime),
    }
    _serialize_conversation(session, conversation_id)
    # One statement: insert unless the conversation already has a request.
    already = exists().where(CallbackRequest.conversation_id == conversation_id)
    row = select(*(literal(value, type_).label(key) for key, (value, type_) in values.items()))
    inserted = session.execute(
        insert(CallbackRequest).from_select(list(values), row.where(~already))
    )
    if inserted.rowcount != 1:
        raise CallbackRefused("callback_already_requested", language)
    return session.execute(
        select(CallbackRequest)
        .where(CallbackRequest.conversation_id == conversation_id)
        .order_by(CallbackRequest.id.desc())
        .limit(1)
    ).scalar_one()


def callbacks(*, session: Session, status: str | None = None) -> list[CallbackRequest]:
    query = select(CallbackRequest).order_by(CallbackRequest.created_at.desc()).limit(200)
    if status:
        query = query.where(CallbackRequest.status == status)
    return list(session.execute(query).scalars())


def conversation_callback(*, session: Session, conversation_id: str) -> CallbackRequest | None:
    """The conversation's callback request (there is at most one), or None."""
    return session.execute(
        select(CallbackRequest).where(CallbackRequest.conversation_id == conversation_id).limit(1)
    ).scalar_one_or_none()


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
