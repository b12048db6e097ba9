"""Rasa's SQL tracker store, as our code reads it: its `events` table, declared here
(rasa.core.tracker_store.SQLTrackerStore.SQLEvent) so reading it does not import Rasa."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any, NamedTuple

from sqlalchemy import (
    Column,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    inspect,
    or_,
    select,
)
from sqlalchemy.engine import Engine

from bot.core.db import session_factory


def event_columns() -> list[Column]:
    """The columns of Rasa's `events` table, new objects each call (a Column belongs to one
    table): the tracker store's, and the event stream's read model (bot/ops/stream.py)."""
    return [
        Column("id", Integer, primary_key=True),
        Column("sender_id", String(255)),
        Column("type_name", String(255)),
        Column("timestamp", Float),
        Column("intent_name", String(255)),
        Column("action_name", String(255)),
        Column("data", Text),
    ]


EVENTS = Table("events", MetaData(), *event_columns())
EVENTS_TABLE = EVENTS.name
# The events people read: what the candidate said and what was said to them.
MESSAGE_TYPES = ("user", "bot")
MAX_NEW_EVENTS = 1000
MAX_MENTIONING = 500


class TrackerEvent(NamedTuple):
    """One stored event: its row id, its conversation and Rasa's JSON of it."""

    id: int
    conversation_id: str
    data: dict[str, Any]


def tracker_engine(url: str) -> Engine:
    return session_factory(url).kw["bind"]


def has_events_table(engine: Engine) -> bool:
    """False until Rasa has stored its first conversation."""
    return inspect(engine).has_table(EVENTS_TABLE)


def conversation_events(url: str, conversation_id: str) -> list[dict[str, Any]]:
    """Every event of one conversation, oldest first (none before Rasa made its table)."""
    engine = tracker_engine(url)
    if not has_events_table(engine):
        return []
    query = select(EVENTS.c.data).where(EVENTS.c.sender_id == conversation_id).order_by(EVENTS.c.id)
    with engine.connect() as connection:
        return [json.loads(row) for row in connection.execute(query).scalars()]


def conversations_with_events(url: str, conversation_ids: Iterable[str]) -> set[str]:
    """Which of these conversations still have events (the others were deleted, or never
    reached Rasa)."""
    wanted = sorted(set(conversation_ids))
    engine = tracker_engine(url)
    if not wanted or not has_events_table(engine):
        return set()
    query = select(EVENTS.c.sender_id).distinct().where(EVENTS.c.sender_id.in_(wanted))
    with engine.connect() as connection:
        return set(connection.execute(query).scalars())


def candidate_messages(
    url: str, conversation_ids: Iterable[str]
) -> dict[str, list[dict[str, Any]]]:
    """What the candidates said in these conversations (Rasa's `user` events), oldest first."""
    wanted = sorted(set(conversation_ids))
    engine = tracker_engine(url)
    if not wanted or not has_events_table(engine):
        return {}
    query = (
        select(EVENTS.c.sender_id, EVENTS.c.data)
        .where(EVENTS.c.sender_id.in_(wanted), EVENTS.c.type_name == "user")
        .order_by(EVENTS.c.id)
    )
    found: dict[str, list[dict[str, Any]]] = {}
    with engine.connect() as connection:
        for sender, data in connection.execute(query):
            found.setdefault(str(sender), []).append(json.loads(data))
    return found


def last_event_id(url: str) -> int | None:
    """The newest event's id (0 when empty), or None while Rasa has not made its table."""
    engine = tracker_engine(url)
    if not has_events_table(engine):
        return None
    with engine.connect() as connection:
        return int(connection.execute(select(func.max(EVENTS.c.id))).scalar() or 0)


def events_after(url: str, last: int, limit: int = MAX_NEW_EVENTS) -> list[TrackerEvent]:
    """The messages stored after event `last`, oldest first (at most `limit`)."""
    query = (
        select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.data)
        .where(EVENTS.c.id > last, EVENTS.c.type_name.in_(MESSAGE_TYPES))
        .order_by(EVENTS.c.id)
        .limit(limit)
    )
    with tracker_engine(url).connect() as connection:
        rows = connection.execute(query).all()
    return [TrackerEvent(int(r[0]), str(r[1]), json.loads(r[2])) for r in rows]


def conversations_mentioning(url: str, words: str, limit: int = MAX_MENTIONING) -> list[str]:
    """The conversations whose messages contain `words` (case ignored)."""
    engine = tracker_engine(url)
    if not has_events_table(engine):
        return []
    # Rasa stores events as JSON with non-ASCII letters escaped (\u00e9): look for both forms.
    words = words.lower()
    forms = sorted({words, json.dumps(words)[1:-1]})
    matches = [
        func.lower(EVENTS.c.data).like(func.lower(_like_pattern(form)), escape="\\")
        for form in forms
    ]
    query = (
        select(EVENTS.c.sender_id)
        .distinct()
        .where(EVENTS.c.type_name.in_(MESSAGE_TYPES), or_(*matches))
        .limit(limit)
    )
    with engine.connect() as connection:
        return list(connection.execute(query).scalars())


def _like_pattern(text: str) -> str:
    """`%text%` with LIKE's own characters escaped by a backslash."""
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
