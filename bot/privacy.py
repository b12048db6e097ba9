"""Candidates' data: kept no longer than the retention period, erased on request.

Two places hold what a candidate wrote: Rasa's tracker store (the `events`
table, every message of every conversation) and the HR inbox (questions the
assistant could not settle). Purging removes what is older than the
retention period; erasing removes one conversation entirely.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

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


def purge_expired(*, settings: Settings, now: datetime | None = None) -> Removed:
    """Delete conversation events and inbox items older than the retention period."""
    now = now or datetime.now(timezone.utc)
    cutoff = now - timedelta(days=settings.retention_days)
    events = 0
    if _has_events_table(settings.tracker_store_url):
        with transaction(settings.tracker_store_url) as session:
            result = session.execute(
                text(f"DELETE FROM {EVENTS_TABLE} WHERE timestamp < :cutoff"),
                {"cutoff": cutoff.timestamp()},
            )
            events = result.rowcount or 0
    with transaction(settings.database_url) as session:
        result = session.execute(
            delete(InboxItem).where(InboxItem.created_at < cutoff.replace(tzinfo=None))
        )
        items = result.rowcount or 0
    return Removed(events=events, inbox_items=items)


def erase_conversation(*, settings: Settings, conversation_id: str) -> Removed:
    """Delete everything kept about one conversation (a candidate's erasure request)."""
    events = 0
    if _has_events_table(settings.tracker_store_url):
        with transaction(settings.tracker_store_url) as session:
            result = session.execute(
                text(f"DELETE FROM {EVENTS_TABLE} WHERE sender_id = :sender"),
                {"sender": conversation_id},
            )
            events = result.rowcount or 0
    with transaction(settings.database_url) as session:
        result = session.execute(
            delete(InboxItem).where(InboxItem.conversation_id == conversation_id)
        )
        items = result.rowcount or 0
    return Removed(events=events, inbox_items=items)
