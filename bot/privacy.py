"""Candidates' data: kept no longer than the retention period, erased on request.

Two places hold what a candidate wrote: Rasa's tracker store (the `events`
table, every message of every conversation) and the HR inbox (questions the
assistant could not settle). Purging removes what is older than the
retention period; erasing removes one conversation entirely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, inspect, text

from bot.db import session_factory, transaction
from bot.inbox import InboxItem
from bot.settings import Settings

EVENTS_TABLE = "events"  # Rasa's SQL tracker store


@dataclass(frozen=True)
class Removed:
    events: int
    inbox_items: int


def _has_events_table(url: str) -> bool:
    return inspect(session_factory(url).kw["bind"]).has_table(EVENTS_TABLE)


def _remove(
    settings: Settings, events_where: str, params: dict[str, Any], inbox_where: Any
) -> Removed:
    """Delete matching tracker events (if Rasa ever created its table) and inbox items."""
    events = 0
    if _has_events_table(settings.tracker_store_url):
        with transaction(settings.tracker_store_url) as session:
            result = session.execute(
                text(f"DELETE FROM {EVENTS_TABLE} WHERE {events_where}"), params
            )
            events = result.rowcount or 0
    with transaction(settings.database_url) as session:
        items = session.execute(delete(InboxItem).where(inbox_where)).rowcount or 0
    return Removed(events=events, inbox_items=items)


def purge_expired(*, settings: Settings, now: datetime | None = None) -> Removed:
    """Delete conversation events and inbox items older than the retention period."""
    cutoff = (now or datetime.now(timezone.utc)) - timedelta(days=settings.retention_days)
    return _remove(
        settings,
        "timestamp < :cutoff",
        {"cutoff": cutoff.timestamp()},
        InboxItem.created_at < cutoff.replace(tzinfo=None),
    )


def erase_conversation(*, settings: Settings, conversation_id: str) -> Removed:
    """Delete everything kept about one conversation (a candidate's erasure request)."""
    return _remove(
        settings,
        "sender_id = :sender",
        {"sender": conversation_id},
        InboxItem.conversation_id == conversation_id,
    )
