"""A conversation as people read it, from the events in Rasa's tracker store.

The widget restores its history from this, and the recruiter console shows
the same lines. Candidate messages sent with a button show the button's title
(`metadata.display`), not the payload the assistant received. A recruiter's
messages are bot events whose metadata names them (`sender.role`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

MAX_LINES = 300
# What a recruiter's message carries in its metadata.
RECRUITER_ROLE = "recruiter"
# Put by the candidate channels in front of a message starting with "/" that is not one of
# the assistant's commands, so Rasa reads it as text (bot.candidate.inputs.for_assistant).
PLAIN_TEXT_MARK = "\u2060"


def refused_command(text: str) -> bool:
    """Whether the channels marked `text` as plain text: it looked like a command of the
    assistant's but was not one it takes (crafted values)."""
    return text.startswith(PLAIN_TEXT_MARK + "/")


def said(text: str) -> str:
    """A candidate's message as they typed it (without the channels' plain-text mark)."""
    return text.removeprefix(PLAIN_TEXT_MARK)


@dataclass(frozen=True)
class Line:
    sender: str  # candidate | assistant | recruiter
    text: str
    at: float
    message_id: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    custom: dict[str, Any] | None = None
    author: str | None = None  # the recruiter's display name


def _buttons(data: Mapping[str, Any]) -> list[dict[str, str]]:
    raw = data.get("buttons") or data.get("quick_replies") or []
    return [
        {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))}
        for b in raw
        if isinstance(b, Mapping) and b.get("payload")
    ]


def _candidate_line(event: Mapping[str, Any]) -> Line | None:
    text = said(str(event.get("text") or ""))
    metadata = event.get("metadata") or {}
    display = metadata.get("display") if isinstance(metadata, Mapping) else None
    if isinstance(display, str) and display.strip():
        text = display
    if not text.strip():
        return None
    return Line("candidate", text, float(event.get("timestamp") or 0), event.get("message_id"))


def _bot_line(event: Mapping[str, Any]) -> Line | None:
    data = event.get("data") or {}
    metadata = event.get("metadata") or {}
    custom = data.get("custom") if isinstance(data.get("custom"), Mapping) else None
    text = str(event.get("text") or "")
    if not text and not custom:
        return None
    sender = metadata.get("sender") if isinstance(metadata, Mapping) else None
    if isinstance(sender, Mapping) and sender.get("role") == RECRUITER_ROLE:
        return Line(
            "recruiter",
            text,
            float(event.get("timestamp") or 0),
            author=str(sender.get("name") or ""),
            custom=dict(custom) if custom else None,
        )
    return Line(
        "assistant",
        text,
        float(event.get("timestamp") or 0),
        buttons=_buttons(data),
        custom=dict(custom) if custom else None,
    )


def lines(events: Iterable[Mapping[str, Any]], limit: int = MAX_LINES) -> list[Line]:
    """The messages of a conversation in the order the candidate saw them (the last `limit`).

    Rasa starts a session (and says its opening lines, the AI disclosure)
    just before storing the message that opened it; the candidate saw their
    message first, so opening lines are put after it.
    """
    result: list[Line] = []
    opening: list[Line] | None = None
    for event in events:
        kind = event.get("event")
        if kind == "session_started" or (
            kind == "action" and event.get("name") == "action_session_start"
        ):
            opening = [] if opening is None else opening
        elif kind == "user":
            line = _candidate_line(event)
            if line is not None:
                result.append(line)
            result.extend(opening or [])
            opening = None
        elif kind == "bot":
            line = _bot_line(event)
            if line is None:
                continue
            if opening is not None:
                opening.append(line)
            else:
                result.append(line)
    result.extend(opening or [])
    return result[-limit:]


def widget_message(line: Line) -> dict[str, Any]:
    """The `bot_uttered`-shaped message the widget renders (candidate lines say `from`)."""
    message: dict[str, Any] = {"from": line.sender, "text": line.text, "timestamp": line.at}
    if line.message_id:
        message["message_id"] = line.message_id
    if line.buttons:
        message["quick_replies"] = [
            {"content_type": "text", "title": b["title"], "payload": b["payload"]}
            for b in line.buttons
        ]
    if line.custom:
        message["custom"] = line.custom
    if line.author is not None:
        message["sender"] = {"role": RECRUITER_ROLE, "name": line.author}
    return message
