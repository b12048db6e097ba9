"""Reading what the latest message carries: a button's or the form's fields, the
candidate's time zone. Shared by the coffee and the event actions."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker

from bot.core.settings import get_settings
from bot.meetings.slots import zone


def candidate_language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or get_settings().default_language


def entities(tracker: Tracker) -> dict[str, Any]:
    """The latest message's entities by name (a button's or the form's JSON)."""
    found: dict[str, Any] = {}
    for entity in tracker.latest_message.get("entities") or []:
        name = entity.get("entity")
        if isinstance(name, str) and name not in found:
            found[name] = entity.get("value")
    return found


def candidate_timezone(tracker: Tracker) -> str | None:
    """The time zone the widget reported with the latest message (None: unknown)."""
    metadata = tracker.latest_message.get("metadata") or {}
    name = metadata.get("timezone") if isinstance(metadata, dict) else None
    return name if zone(name) is not None else None
