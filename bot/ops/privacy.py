"""Candidates' data: kept no longer than the retention period, erased on request.

What a candidate leaves: Rasa's tracker store (the `events` table, every
message of every conversation), the HR inbox (questions the assistant could
not settle), their ratings of answers and their chat session. Purging removes
what is older than the retention period; erasing removes one conversation
entirely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, text

from bot.candidate.feedback import AnswerFeedback
from bot.candidate.sessions import ChatSession
from bot.core.db import transaction
from bot.core.settings import Settings
from bot.core.tracker_store import EVENTS_TABLE, has_events_table, tracker_engine
from bot.handoff.models import CallbackRequest, Handoff, HandoffNote
from bot.inbox.models import InboxItem


@dataclass(frozen=True)
class Removed:
    events: int
    inbox_items: int
    ratings: int = 0
    sessions: int = 0
    handoffs: int = 0

    def __str__(self) -> str:
        return (
            f"{self.events} conversation events, {self.inbox_items} inbox items, "
            f"{self.ratings} answer ratings, {self.sessions} chat sessions, "
            f"{self.handoffs} handoffs, notes and callback requests"
        )


def _remove(
    settings: Settings,
    events_where: str,
    params: dict[str, Any],
    inbox_where: Any,
    ratings_where: Any,
    sessions_where: Any,
    handoff_where: tuple[Any, Any, Any],
) -> Removed:
    """Delete matching tracker events (if Rasa ever created its table) and our rows."""
    events = 0
    if has_events_table(tracker_engine(settings.tracker_store_url)):
        with transaction(settings.tracker_store_url) as session:
            result = session.execute(
                text(f"DELETE FROM {EVENTS_TABLE} WHERE {events_where}"), params
            )
            events = result.rowcount or 0
    with transaction(settings.database_url) as session:
        items = session.execute(delete(InboxItem).where(inbox_where)).rowcount or 0
        ratings = session.execute(delete(AnswerFeedback).where(ratings_where)).rowcount or 0
        sessions = session.execute(delete(ChatSession).where(sessions_where)).rowcount or 0
        handoffs = sum(
            session.execute(delete(model).where(where)).rowcount or 0
            for model, where in zip(
                (HandoffNote, CallbackRequest, Handoff), handoff_where, strict=True
            )
        )
    return Removed(
        events=events, inbox_items=items, ratings=ratings, sessions=sessions, handoffs=handoffs
    )


def purge_expired(*, settings: Settings, now: datetime | None = None) -> Removed:
    """Delete what is older than the retention period (a session: unused for that long)."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=settings.retention_days)
    naive = cutoff.replace(tzinfo=None)
    return _remove(
        settings,
        "timestamp < :cutoff",
        {"cutoff": cutoff.timestamp()},
        InboxItem.created_at < naive,
        AnswerFeedback.created_at < naive,
        ChatSession.last_seen_at < naive,
        (
            HandoffNote.created_at < naive,
            CallbackRequest.created_at < naive,
            Handoff.requested_at < naive,
        ),
    )


def erase_conversation(*, settings: Settings, conversation_id: str) -> Removed:
    """Delete everything kept about one conversation (a candidate's erasure request)."""
    return _remove(
        settings,
        "sender_id = :sender",
        {"sender": conversation_id},
        InboxItem.conversation_id == conversation_id,
        AnswerFeedback.conversation_id == conversation_id,
        ChatSession.id == conversation_id,
        (
            HandoffNote.conversation_id == conversation_id,
            CallbackRequest.conversation_id == conversation_id,
            Handoff.conversation_id == conversation_id,
        ),
    )
