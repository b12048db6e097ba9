"""A conversation's history in Rasa's tracker store, as the candidate channels read and extend it.

Runs in the Rasa process, on its agent (`app.ctx.agent`; Rasa replaces it when
a model is loaded, so callers pass the current one, or None before the server
has one). The channel appends what it sends itself (a recruiter's messages, a
callback confirmation) and what a candidate writes during a handoff, under the
conversation's lock and without replaying the whole tracker.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterable, Mapping
from typing import Any

from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationResumed,
    Event,
    UserUttered,
)
from sqlalchemy import select

from bot.candidate.inputs import OutgoingMessage, RestMessage, SocketMessage
from bot.core.transcript import RECRUITER_ROLE, lines, widget_message

logger = logging.getLogger(__name__)

# The domain's disclosure responses (domain.yml), by the conversation's language.
# Marks the events of messages relayed from the console (`sent_events`).
RELAYED = "relayed"
DISCLOSURES = {"fr": "utter_disclosure_fr", "en": "utter_disclosure_en", None: "utter_disclosure"}

# How many of a conversation's newest candidate messages `kept` looks through: the
# message of the turn just taken is the newest but for a few quick ones sent beside it.
KEPT_LOOKBACK = 20

# rasa.core.agent.Agent and rasa.core.tracker_store.TrackerStore: Rasa ships no type hints.
Agent = Any
TrackerStore = Any


def sent_events(
    messages: Iterable[Mapping[str, Any]], *, resume: bool, relayed: bool = False
) -> list[Event]:
    """The events for messages the channel sent (text, payload, recruiter), and a resume.

    `relayed`: from the console, outside any turn of the candidate's (a REST client,
    which nothing is pushed to, gets these with its next message).
    """
    events: list[Event] = []
    for message in messages:
        data = {"custom": message["custom"]} if message.get("custom") else {}
        metadata: dict[str, Any] = {"sender": message["sender"]} if message.get("sender") else {}
        if relayed:
            metadata[RELAYED] = True
        events.append(BotUttered(message.get("text"), data, metadata))
    if resume:
        events += [ConversationResumed(), ActionExecuted(ACTION_LISTEN_NAME)]
    return events


def candidate_event(
    message: SocketMessage | RestMessage, *, message_id: str | None, input_channel: str
) -> Event:
    """A candidate's message stored as it is, without the NLU (for the recruiter to read)."""
    return UserUttered(
        message.text,
        input_channel=input_channel,
        message_id=message_id,
        metadata=message.metadata or None,
    )


def insert_events(store: TrackerStore, conversation_id: str, events: list[Event]) -> None:
    """Insert events as rows of Rasa's SQL tracker store, through its own table mapping."""
    with store.session_scope() as session:
        for event in events:
            data = event.as_dict()
            session.add(
                store.SQLEvent(
                    sender_id=conversation_id,
                    type_name=event.type_name,
                    timestamp=data.get("timestamp"),
                    intent_name=((data.get("parse_data") or {}).get("intent") or {}).get("name"),
                    action_name=data.get("name"),
                    data=json.dumps(data),
                )
            )
        session.commit()


def sql_store(agent: Agent) -> TrackerStore | None:
    """Rasa's SQL tracker store under its fail-safe and awaitable wrappers, if it is one."""
    store = agent.tracker_store
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    if hasattr(store, "SQLEvent") and hasattr(store, "session_scope"):
        return store
    return None


def holds_message(store: TrackerStore, conversation_id: str, message_id: str) -> bool:
    """Whether the conversation's newest candidate messages, as stored, include this one."""
    with store.session_scope() as session:
        rows = session.execute(
            select(store.SQLEvent.data)
            .where(
                store.SQLEvent.sender_id == conversation_id,
                store.SQLEvent.type_name == UserUttered.type_name,
            )
            .order_by(store.SQLEvent.id.desc())
            .limit(KEPT_LOOKBACK)
        ).scalars()
        return any(json.loads(data).get("message_id") == message_id for data in rows)


async def kept(agent: Agent | None, conversation_id: str, message_id: str) -> bool:
    """Whether the candidate's message `message_id` is in the SQL tracker store (always
    true for another store). Rasa's fail-safe wrapper saves a conversation into memory
    when its database fails, and a tracker it could not read is started afresh, whose
    new events its SQL store then skips: either way the turn looks done and the message
    is lost. A message is acknowledged only once this says it is kept."""
    store = None if agent is None else sql_store(agent)
    if store is None:
        return True
    try:
        return await asyncio.to_thread(holds_message, store, conversation_id, message_id)
    except Exception:  # noqa: BLE001 - the database is away: not known to be kept
        logger.warning("could not check that %s's message was kept", conversation_id)
        return False


async def append(agent: Agent | None, conversation_id: str, events: list[Event]) -> None:
    """Add events to a conversation under its lock, without replaying its whole tracker.

    With Rasa's SQL tracker store the rows are inserted through its own table
    mapping (what its `save` does for new events); other stores get the
    tracker loaded, updated and saved.
    """
    if agent is None or not events:
        return
    store = sql_store(agent)
    async with agent.lock_store.lock(conversation_id):
        if store is not None:
            await asyncio.to_thread(insert_events, store, conversation_id, events)
            # what Rasa's own save would have published to the event broker, if any
            broker = getattr(store, "event_broker", None)
            if broker is not None:
                for event in events:
                    broker.publish({"sender_id": conversation_id, **event.as_dict()})
            return
        tracker = await agent.tracker_store.get_or_create_tracker(conversation_id)
        for event in events:
            tracker.update(event)
        await agent.tracker_store.save(tracker)


async def stored_events(agent: Agent | None, conversation_id: str) -> list[dict[str, Any]]:
    """Every event of the conversation as Rasa serializes it (none for an unknown one)."""
    if agent is None:
        return []
    tracker = await agent.tracker_store.retrieve_full_tracker(conversation_id)
    return [event.as_dict() for event in tracker.events] if tracker else []


async def widget_history(agent: Agent | None, conversation_id: str) -> list[dict[str, Any]]:
    """The messages the widget shows again when a candidate resumes (`session_confirm`)."""
    return [widget_message(line) for line in lines(await stored_events(agent, conversation_id))]


async def question_before(agent: Agent | None, conversation_id: str, article: str) -> str | None:
    """The candidate's message the assistant answered with `article` (for HR)."""
    question = None
    for data in await stored_events(agent, conversation_id):
        if data.get("event") == "user":
            question = data.get("text")
        elif data.get("event") == "bot":
            custom = (data.get("data") or {}).get("custom") or {}
            if custom.get("type") == "answer" and custom.get("article") == article:
                return question
    return None


async def is_paused(agent: Agent | None, conversation_id: str) -> bool:
    """A conversation a human has taken over gets no reply from the assistant, by design."""
    if agent is None:
        return False
    tracker = await agent.tracker_store.retrieve(conversation_id)
    return bool(tracker and tracker.is_paused())


def sent_buttons(stored: list[dict[str, Any]]) -> set[tuple[str, str]]:
    """(payload, title) of every button the assistant sent in a conversation."""
    found = set()
    for data in stored:
        if data.get("event") != "bot":
            continue
        for button in (data.get("data") or {}).get("buttons") or []:
            if isinstance(button, Mapping) and isinstance(button.get("payload"), str):
                found.add((button["payload"], str(button.get("title") or "")))
    return found


def is_disclosure(message: Mapping[str, Any]) -> bool:
    custom = message.get("custom")
    return isinstance(custom, Mapping) and custom.get("type") == "disclosure"


def has_disclosure(stored: list[dict[str, Any]]) -> bool:
    """Whether the assistant has told this conversation that it is an AI."""
    return any(
        data.get("event") == "bot" and is_disclosure(data.get("data") or {}) for data in stored
    )


async def language_of(agent: Agent | None, conversation_id: str) -> str | None:
    """The conversation's `language` slot, if set."""
    if agent is None:
        return None
    tracker = await agent.tracker_store.retrieve(conversation_id)
    value = tracker.get_slot("language") if tracker else None
    return value if isinstance(value, str) else None


def disclosure(agent: Agent | None, language: str | None) -> OutgoingMessage | None:
    """The domain's AI disclosure in `language` (both languages when unknown)."""
    domain = getattr(agent, "domain", None)
    responses = getattr(domain, "responses", None) or {}
    variations = responses.get(DISCLOSURES.get(language, DISCLOSURES[None])) or []
    if not variations or not isinstance(variations[0], Mapping):
        return None
    first = variations[0]
    message = OutgoingMessage(text=str(first.get("text") or ""))
    message["custom"] = dict(first.get("custom") or {"type": "disclosure"})
    return message


def since_last_candidate_message(stored: list[dict[str, Any]]) -> list[OutgoingMessage]:
    """What the console relayed after the candidate's last message (a recruiter's messages,
    the handoff's steps): a REST client, which nothing is pushed to, gets it with its next."""
    said: list[OutgoingMessage] = []
    for data in stored:
        if data.get("event") == "user":
            said = []
        elif data.get("event") == "bot" and (data.get("metadata") or {}).get(RELAYED):
            message = OutgoingMessage(text=str(data.get("text") or ""))
            custom = (data.get("data") or {}).get("custom")
            if isinstance(custom, Mapping):
                message["custom"] = dict(custom)
            sender = (data.get("metadata") or {}).get("sender")
            if isinstance(sender, Mapping) and sender.get("role") == RECRUITER_ROLE:
                message["sender"] = {"role": RECRUITER_ROLE, "name": str(sender.get("name") or "")}
            if message["text"] or "custom" in message:
                said.append(message)
    return said


def noted_since_queued(events: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the candidate was told "noted" since the conversation was last queued."""
    for event in reversed(list(events)):
        if event.get("event") != "bot":
            continue
        custom = (event.get("data") or {}).get("custom") or {}
        if custom.get("type") == "handoff":
            if custom.get("status") == "noted":
                return True
            if custom.get("status") == "queued":
                return False
    return False
