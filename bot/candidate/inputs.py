"""What the channels accept: a candidate's message (REST or socket.io) and the console's relay.

Each reader turns a raw body into typed values or raises `BadMessage`, whose
`status` is the HTTP status to send (400 for a wrong shape, 413 for too long),
so nothing malformed reaches the assistant.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple, TypedDict

from bot.candidate.language import declared_language
from bot.core.transcript import RECRUITER_ROLE

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 255
MAX_MESSAGE_ID_CHARS = 64
MAX_DISPLAY_CHARS = 300
MAX_RELAYED = 10
MAX_RECRUITER_NAME_CHARS = 80


class BadMessage(ValueError):
    """The request cannot become a candidate message; `status` is the HTTP status to send."""

    def __init__(self, status: int, error: str):
        self.status = status
        super().__init__(error)


class RestMessage(NamedTuple):
    """A candidate's message on the REST channel."""

    sender: str
    text: str
    metadata: dict[str, Any] | None


class SocketMessage(NamedTuple):
    """A candidate's `user_uttered` message; `metadata` keeps only `language` and `display`."""

    text: str
    message_id: str | None
    metadata: dict[str, Any]


class _Said(TypedDict):
    text: str


class OutgoingMessage(_Said, total=False):
    """A message the channel sends itself (a recruiter's, a callback confirmation)."""

    custom: dict[str, Any]
    sender: dict[str, str]


class Relay(NamedTuple):
    """The console's messages for one conversation, and whether the assistant resumes."""

    conversation_id: str
    messages: list[OutgoingMessage]
    resume: bool


def message_text(text: object) -> str:
    """A candidate's message: a non-empty text of reasonable size, or BadMessage."""
    if not isinstance(text, str):
        raise BadMessage(400, "'message' must be a text")
    if not text.strip():
        raise BadMessage(400, "'message' is empty")
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadMessage(413, f"'message' is longer than {MAX_MESSAGE_CHARS} characters")
    return text


def read_candidate_message(body: object) -> RestMessage:
    """Sender, text and metadata from a REST body, or BadMessage saying what is wrong."""
    if not isinstance(body, dict):
        raise BadMessage(400, "the body must be a JSON object with 'sender' and 'message'")
    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        raise BadMessage(400, "'sender' must be a non-empty text")
    if len(sender) > MAX_SENDER_CHARS:
        raise BadMessage(400, f"'sender' must be at most {MAX_SENDER_CHARS} characters")
    text = message_text(body.get("message"))
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadMessage(400, "'metadata' must be a JSON object")
    return RestMessage(sender.strip(), text.strip(), metadata)


def read_socket_message(data: object) -> SocketMessage:
    """Text, client message id and the metadata we keep, from a `user_uttered` payload.

    Accepts our widget's shape and rasa-webchat's (`message`, `customData`).
    """
    if not isinstance(data, Mapping):
        raise BadMessage(400, "a message must be an object with a 'message' text")
    text = message_text(data.get("message"))
    message_id = data.get("message_id")
    if not (isinstance(message_id, str) and 0 < len(message_id) <= MAX_MESSAGE_ID_CHARS):
        message_id = None
    given = data.get("metadata") or data.get("customData") or {}
    metadata: dict[str, Any] = {}
    if isinstance(given, Mapping):
        language = declared_language(given.get("language"))
        if language:
            metadata["language"] = language
        display = given.get("display")
        if isinstance(display, str) and display.strip():
            metadata["display"] = display.strip()[:MAX_DISPLAY_CHARS]
    return SocketMessage(text.strip(), message_id, metadata)


def read_relay(body: object) -> Relay:
    """Conversation, messages ({text, custom, sender}) and whether to resume, from the console."""
    if not isinstance(body, Mapping):
        raise BadMessage(400, "the body must be a JSON object")
    conversation_id = body.get("conversation_id")
    if not isinstance(conversation_id, str) or not 0 < len(conversation_id) <= MAX_SENDER_CHARS:
        raise BadMessage(400, "'conversation_id' must be a conversation id")
    raw = body.get("messages") or []
    if not isinstance(raw, list) or len(raw) > MAX_RELAYED:
        raise BadMessage(400, f"'messages' must be a list of at most {MAX_RELAYED}")
    return Relay(conversation_id, [_relayed(item) for item in raw], bool(body.get("resume")))


def _relayed(item: object) -> OutgoingMessage:
    if not isinstance(item, Mapping) or not isinstance(item.get("text"), str):
        raise BadMessage(400, "each message needs a 'text'")
    if len(item["text"]) > MAX_MESSAGE_CHARS:
        raise BadMessage(413, f"a message is longer than {MAX_MESSAGE_CHARS} characters")
    message = OutgoingMessage(text=item["text"])
    if isinstance(item.get("custom"), Mapping):
        message["custom"] = dict(item["custom"])
    sender = item.get("sender")
    if isinstance(sender, Mapping) and sender.get("role") == RECRUITER_ROLE:
        name = str(sender.get("name") or "")[:MAX_RECRUITER_NAME_CHARS]
        message["sender"] = {"role": RECRUITER_ROLE, "name": name}
    return message


def requested_language(data: object) -> str | None:
    """The `language` a socket event's payload declares (`fr`/`en`), if any."""
    return declared_language(data.get("language")) if isinstance(data, Mapping) else None


def requested_session(data: object) -> object:
    """The session id a `session_request` asks to resume (rasa-webchat may send it bare)."""
    return data.get("session_id") if isinstance(data, Mapping) else data


class FeedbackInput(NamedTuple):
    """A thumbs up/down from the widget; article and rating are checked by `rate_answer`."""

    article_id: object
    rating: object
    language: str


def read_feedback(data: object) -> FeedbackInput:
    """The rated article, the rating and the page's language (or ""), from a `feedback` event."""
    if not isinstance(data, Mapping):
        raise BadMessage(400, "feedback must be an object with 'article' and 'rating'")
    return FeedbackInput(data.get("article"), data.get("rating"), requested_language(data) or "")
