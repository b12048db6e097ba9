"""Requests for a recruiter in HR's inbox: a list of their own, each with the question the
candidate asked just before asking for a person (what HR can act on), never who asked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from sqlalchemy.orm import Session

from bot.handoff.summary import is_question
from bot.hr.triage import inbox_entries
from bot.inbox.models import MAX_TEXT, InboxEntry

HUMAN_REQUEST = "human_request"
MAX_REQUESTS = 200


@dataclass(frozen=True)
class HumanRequest:
    """One open request for a recruiter, as HR's inbox lists it."""

    id: str
    language: str
    question: str | None  # what the candidate asked before the request; None: nothing
    created_at: datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "language": self.language,
            "question": self.question,
            "created_at": self.created_at.isoformat(),
        }


def open_requests(
    *, session: Session, language: str | None = None, limit: int = MAX_REQUESTS
) -> list[InboxEntry]:
    """The open requests for a recruiter, newest first."""
    entries = inbox_entries(session=session, reasons=[HUMAN_REQUEST], language=language)
    return sorted(entries, key=lambda e: (e.created_at, e.id), reverse=True)[: max(limit, 0)]


def question_before(messages: Iterable[Mapping[str, Any]], at: datetime) -> str | None:
    """The candidate's last question said before `at` (naive UTC), skipping the request
    itself (by intent or in words), yes/no, greetings and buttons' commands; None when
    there is none."""
    until = at.replace(tzinfo=timezone.utc).timestamp()
    question = None
    for message in messages:
        if float(message.get("timestamp") or 0.0) > until:
            continue
        text = str(message.get("text") or "").strip()
        intent = ((message.get("parse_data") or {}).get("intent") or {}).get("name")
        if is_question(text, intent):
            question = text
    return question[:MAX_TEXT] if question else None


def with_questions(
    entries: Iterable[InboxEntry], messages: Mapping[str, Sequence[Mapping[str, Any]]]
) -> list[HumanRequest]:
    """The requests with their questions: the one kept with the item, else the one read in
    the conversation (`messages`: the candidate's messages per conversation, oldest first)."""
    return [
        HumanRequest(
            id=entry.id,
            language=entry.language,
            question=entry.text
            or question_before(messages.get(entry.conversation_id, ()), entry.created_at),
            created_at=entry.created_at,
        )
        for entry in entries
    ]
