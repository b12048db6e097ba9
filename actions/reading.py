"""What the actions share: reading the latest message (its language, a button's or the
form's fields, the candidate's time zone) and the yes/no buttons of an offer."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Tracker

from bot.candidate.language import declared_language
from bot.core import replies
from bot.core.meeting_texts import TEAMS
from bot.core.settings import Settings, get_settings
from bot.core.texts import text
from bot.core.transcript import said
from bot.meetings.chat import ANY_TEAM
from bot.meetings.slots import zone


def candidate_language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or get_settings().default_language


def typed_words(parse: Mapping[str, Any]) -> str:
    """What the candidate typed (as they typed it), or "" for a button's command."""
    typed = str(parse.get("text") or "")
    return "" if typed.startswith("/") else said(typed)


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


@dataclass(frozen=True)
class Reader:
    """Who is asking and how to answer: the settings, the conversation's language and the
    candidate's time zone (None: unknown)."""

    settings: Settings
    language: str
    timezone: str | None

    def unpacked(self) -> tuple[Settings, str, str | None]:
        return self.settings, self.language, self.timezone


def reader(tracker: Tracker) -> Reader:
    return Reader(get_settings(), candidate_language(tracker), candidate_timezone(tracker))


def yes_no(language: str) -> list[dict[str, str]]:
    """The buttons of an offer (a recruiter, a coffee): /affirm and /deny."""
    if language == "en":
        return [
            {"title": "Yes, please", "payload": "/affirm"},
            {"title": "No, thanks", "payload": "/deny"},
        ]
    return [
        {"title": "Oui, volontiers", "payload": "/affirm"},
        {"title": "Non, merci", "payload": "/deny"},
    ]


def coffee_button(team: str, language: str) -> dict[str, str]:
    """ "Have a coffee with the Platform team" (or "Book a coffee" for any team)."""
    if team == ANY_TEAM:
        title = text("coffee_book_button", language)
    else:
        label = TEAMS.get(language, TEAMS["en"]).get(team, team)
        title = text("coffee_team_button", language, team=label)
    return {"title": title, "payload": replies.command("meet_team", {"team": team})}


def switched_language(tracker: Tracker) -> str | None:
    """The conversation's language when the latest message switched to it away from the
    page's (a French question on the English page), else None."""
    metadata = tracker.latest_message.get("metadata") or {}
    page = declared_language(metadata.get("language")) if isinstance(metadata, dict) else None
    now = tracker.get_slot("language")
    if not page or not now or now == page:
        return None
    value = before = None
    for event in tracker.events:
        if event.get("event") == "user":
            before = value
        elif event.get("event") == "slot" and event.get("name") == "language":
            value = event.get("value")
    return str(now) if before != now else None
