"""What the channels accept: a candidate's message (REST or socket.io) and the console's relay.

Each reader turns a raw body into typed values or raises `BadMessage`, whose
`status` is the HTTP status to send (400 for a wrong shape, 413 for too long),
so nothing malformed reaches the assistant.

A candidate's metadata keeps only what the assistant uses (`language`, the
browser's `timezone`, and a button's title as `display`, checked later against
the buttons the assistant sent). A message starting with "/" reaches Rasa as a
command only when it is one of the reply contract's commands with allowed
entities (`structured`); any other is read as plain text (`for_assistant`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any, NamedTuple, TypedDict

from bot.candidate.language import declared_language
from bot.core.transcript import PLAIN_TEXT_MARK, RECRUITER_ROLE

MAX_MESSAGE_CHARS = 2000
# Rasa's conversation ids are at most 255 characters; REST ones carry a 5-character prefix.
MAX_SENDER_CHARS = 255
MAX_REST_SENDER_CHARS = 250
# A candidate's request body (REST) or socket.io payload: a message and its metadata.
MAX_BODY_BYTES = 64 * 1024
MAX_MESSAGE_ID_CHARS = 64
MAX_DISPLAY_CHARS = 300
MAX_RELAYED = 10
MAX_RECRUITER_NAME_CHARS = 80
# An IANA time zone name as browsers report it ("Europe/Paris", "America/Argentina/Salta").
TIMEZONE = re.compile(r"^[A-Za-z][A-Za-z0-9_+-]{0,30}(?:/[A-Za-z0-9_+-]{1,30}){0,2}$")


class BadMessage(ValueError):
    """The request cannot become a candidate message; `status` is the HTTP status to send."""

    def __init__(self, status: int, error: str):
        self.status = status
        super().__init__(error)


class RestMessage(NamedTuple):
    """A candidate's message on the REST channel; `metadata` as for `SocketMessage`."""

    sender: str
    text: str
    metadata: dict[str, Any]


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


def read_json(body: bytes) -> object:
    """A request body as JSON, or BadMessage (400)."""
    try:
        return json.loads(body)
    except (ValueError, RecursionError):
        raise BadMessage(400, "the body must be JSON") from None


def kept_metadata(given: object) -> dict[str, Any]:
    """The metadata the assistant uses: the page's `language` and a button's title (`display`).

    Anything else a client sends is dropped, so nothing large or unexpected is stored.
    """
    metadata: dict[str, Any] = {}
    if isinstance(given, Mapping):
        language = declared_language(given.get("language"))
        if language:
            metadata["language"] = language
        display = given.get("display")
        if isinstance(display, str) and display.strip():
            metadata["display"] = display.strip()[:MAX_DISPLAY_CHARS]
        timezone = given.get("timezone")
        if isinstance(timezone, str) and TIMEZONE.match(timezone):
            metadata["timezone"] = timezone
    return metadata


def read_candidate_message(body: object) -> RestMessage:
    """Sender, text and kept metadata from a REST body, or BadMessage saying what is wrong."""
    if not isinstance(body, dict):
        raise BadMessage(400, "the body must be a JSON object with 'sender' and 'message'")
    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        raise BadMessage(400, "'sender' must be a non-empty text")
    if len(sender.strip()) > MAX_REST_SENDER_CHARS:
        raise BadMessage(400, f"'sender' must be at most {MAX_REST_SENDER_CHARS} characters")
    text = message_text(body.get("message"))
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadMessage(400, "'metadata' must be a JSON object")
    return RestMessage(sender.strip(), text.strip(), kept_metadata(metadata))


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
    return SocketMessage(text.strip(), message_id, kept_metadata(given))


# ------------------------------------------------------------------ structured messages

# The commands the assistant's buttons and the widget send (README, "Reply contract"),
# with the entities each requires and allows; anything else starting with "/" is plain
# text. Values are JSON scalars (the actions check them and say what is wrong), but an
# article or a team must look like one.
COMMANDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "affirm": (frozenset(), frozenset()),
    "deny": (frozenset(), frozenset()),
    "request_human": (frozenset(), frozenset()),
    "my_booking": (frozenset(), frozenset()),
    # `team` narrows the "open positions" article to a team's ("any": every position)
    "choose_article": (frozenset({"article"}), frozenset({"team"})),
    "meet_team": (frozenset(), frozenset({"team"})),
    "book": (frozenset({"slot"}), frozenset({"name", "email", "note", "consent"})),
    "cancel_booking": (frozenset({"booking"}), frozenset()),
    "move_booking": (frozenset({"booking"}), frozenset({"slot"})),
    "register_event": (frozenset(), frozenset({"kind"})),
    "ask_panel": (frozenset({"slot", "question"}), frozenset()),
    # what matters to the candidate: the chips' names (bot.core.priority_texts)
    "tell_priorities": (frozenset(), frozenset({"priorities"})),
    # applying (issue 14): the form's fields; a button under a position names only `job`
    "apply": (
        frozenset(),
        frozenset({"job", "first_name", "last_name", "email", "url", "cv", "message", "consent"}),
    ),
    # the talent community: the form's fields; the offer's button names only the wishes
    "join_community": (
        frozenset(),
        frozenset({"email", "teams", "locations", "remote", "level", "languages", "consent"}),
    ),
}
CHOOSE_ARTICLE = "choose_article"
FORMS = ("apply", "join_community")
ARTICLE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")  # bot.knowledge.files.ID_PATTERN
NAMES = {
    "article": ARTICLE_ID,
    "team": re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$"),
    "kind": re.compile(r"^[a-z][a-z_]{0,31}$"),
}
# Entities whose value is a short list of names: their pattern, and how many at least
# and at most (the community's wishes may be empty: any team, anywhere).
NAME_LISTS = {
    "priorities": (re.compile(r"^[a-z][a-z_]{0,31}$"), 1, 12),
    "teams": (re.compile(r"^[a-z][a-z_]{0,31}$"), 0, 12),
    "locations": (re.compile(r"^[^\W\d_][^\W\d_' -]{0,30}(?:[' -][^\W\d_]{1,30}){0,3}$"), 0, 20),
    "languages": (re.compile(r"^[a-z]{2}$"), 0, 2),
}
_COMMAND = re.compile(r"/([a-z_]+)(\{.*\})?", re.DOTALL)
# What the widget's own button shows for /request_human (bot/web/static/widget.js, humanMessage).
WIDGET_BUTTONS: dict[str, frozenset[str]] = {
    "/request_human": frozenset(
        {
            "Je voudrais parler à une personne de l'équipe recrutement.",
            "I'd like to talk to a person from the recruiting team.",
        }
    )
}


def _scalar(value: object) -> bool:
    return value is None or isinstance(value, (str, bool, int, float))


def structured(text: str) -> str | None:
    """`text` written as Rasa reads it (the JSON on one line) when it is one of the
    reply contract's commands with allowed entities; None when it is not one."""
    match = _COMMAND.fullmatch(text)
    if not match or match[1] not in COMMANDS:
        return None
    intent, raw = match[1], match[2]
    required, optional = COMMANDS[intent]
    values: object = {}
    if raw is not None:
        try:
            values = json.loads(raw)
        except (ValueError, RecursionError):
            return None
    if not isinstance(values, dict) or not required <= set(values) <= required | optional:
        return None
    for key, value in values.items():
        if key in NAME_LISTS:
            name, least, most = NAME_LISTS[key]
            if not (
                isinstance(value, list)
                and least <= len(value) <= most
                and all(isinstance(v, str) and name.match(v) for v in value)
            ):
                return None
            continue
        pattern = NAMES.get(key)
        if not _scalar(value) or (
            pattern is not None and not (isinstance(value, str) and pattern.match(value))
        ):
            return None
    if not values:
        return f"/{intent}"
    return f"/{intent}{json.dumps(values, ensure_ascii=False)}"


def filled_form(text: str) -> bool:
    """Whether `text` is a filled-in form of the reply contract (`/apply{...}` or
    `/join_community{...}` with an e-mail address), which sends e-mails."""
    match = _COMMAND.fullmatch(text.strip())
    if not match or match[1] not in FORMS or match[2] is None:
        return False
    try:
        values = json.loads(match[2])
    except (ValueError, RecursionError):
        return False
    return isinstance(values, dict) and "email" in values


def for_assistant(text: str) -> str:
    """The text Rasa reads: a command only when `structured`, else plain text.

    Rasa parses any message starting with "/" as `/intent{entities}` (any intent,
    any slot value). An invisible mark in front makes it an ordinary message;
    the transcript and HR's inbox drop the mark again (`bot.core.transcript.said`).
    """
    if not text.startswith("/"):
        return text
    command = structured(text)
    return command if command is not None else PLAIN_TEXT_MARK + text


def starter_article(text: str) -> str | None:
    """The article of a starter chip's command (`/choose_article{"article": "<id>"}`, the
    widget's GET /widget/starters), else None."""
    command = structured(text)
    if command is None or not command.startswith("/choose_article{"):
        return None
    values = json.loads(command[len("/choose_article") :])
    return values["article"] if set(values) == {"article"} else None


def checked_display(
    text: str, metadata: dict[str, Any], sent_buttons: Iterable[tuple[str, str]]
) -> dict[str, Any]:
    """`metadata` without `display` unless it is the title of a button the assistant sent
    in this conversation (or of the widget's own button) whose payload is `text`."""
    display = metadata.get("display")
    if display is None:
        return metadata
    allowed = set(WIDGET_BUTTONS.get(text, ())) | {
        title.strip() for payload, title in sent_buttons if payload == text
    }
    if display in allowed:
        return metadata
    return {key: value for key, value in metadata.items() if key != "display"}


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
