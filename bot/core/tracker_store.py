"""Rasa's SQL tracker store, as our code reads it: its `events` table, declared here
(rasa.core.tracker_store.SQLTrackerStore.SQLEvent) so reading it does not import Rasa."""

from __future__ import annotations

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, inspect
from sqlalchemy.engine import Engine

from bot.core.db import session_factory

EVENTS = Table(
    "events",
    MetaData(),
    Column("id", Integer, primary_key=True),
    Column("sender_id", String(255)),
    Column("type_name", String(255)),
    Column("timestamp", Float),
    Column("intent_name", String(255)),
    Column("action_name", String(255)),
    Column("data", Text),
)
EVENTS_TABLE = EVENTS.name


def tracker_engine(url: str) -> Engine:
    return session_factory(url).kw["bind"]


def has_events_table(engine: Engine) -> bool:
    """False until Rasa has stored its first conversation."""
    return inspect(engine).has_table(EVENTS_TABLE)
