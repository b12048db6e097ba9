from __future__ import annotations

from datetime import datetime, timedelta, timezone

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select, text

from bot.core.db import session_factory, transaction
from bot.inbox.models import InboxItem
from bot.inbox.service import record_question
from bot.ops.privacy import erase_conversation, purge_expired


async def store_conversation(url: str, sender: str, when: datetime) -> None:
    """A conversation written by Rasa's own SQL tracker store."""
    store = SQLTrackerStore(domain=Domain.empty(), host=url)
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered("my name is Alex, alex@example.org", timestamp=when.timestamp()))
    await store.save(tracker)
    store.engine.dispose()


def count(url: str, sql: str) -> int:
    with session_factory(url)() as session:
        return session.execute(text(sql)).scalar_one()


async def test_purge_deletes_only_what_is_past_retention(settings):
    now = datetime.now(timezone.utc)
    old, recent = now - timedelta(days=settings.retention_days + 1), now - timedelta(days=1)
    await store_conversation(settings.tracker_store_url, "old", old)
    await store_conversation(settings.tracker_store_url, "recent", recent)
    with transaction(settings.database_url) as session:
        for conversation, when in (("old", old), ("recent", recent)):
            item = record_question(
                session=session,
                conversation_id=conversation,
                text="q",
                language="en",
                reason="no_answer",
            )
            item.created_at = when.replace(tzinfo=None)
    removed = purge_expired(settings=settings, now=now)
    assert (removed.events, removed.inbox_items) == (1, 1)
    assert (
        count(settings.tracker_store_url, "SELECT count(*) FROM events WHERE sender_id = 'recent'")
        == 1
    )
    assert (
        count(settings.tracker_store_url, "SELECT count(*) FROM events WHERE sender_id = 'old'")
        == 0
    )
    with transaction(settings.database_url) as session:
        assert session.execute(select(InboxItem.conversation_id)).scalars().all() == ["recent"]


async def test_erase_removes_one_conversation_entirely(settings):
    now = datetime.now(timezone.utc)
    await store_conversation(settings.tracker_store_url, "alex", now)
    await store_conversation(settings.tracker_store_url, "sam", now)
    with transaction(settings.database_url) as session:
        record_question(
            session=session, conversation_id="alex", text="q", language="fr", reason="clarify"
        )
    removed = erase_conversation(settings=settings, conversation_id="alex")
    assert (removed.events, removed.inbox_items) == (1, 1)
    assert count(settings.tracker_store_url, "SELECT count(*) FROM events") == 1
    with transaction(settings.database_url) as session:
        assert session.execute(select(func.count()).select_from(InboxItem)).scalar_one() == 0


def test_nothing_to_purge_before_rasa_ever_ran(settings):
    assert purge_expired(settings=settings).events == 0
