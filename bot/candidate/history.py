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

from bot.candidate.inputs import SocketMessage
from bot.core.transcript import lines, widget_message

# rasa.core.agent.Agent and rasa.core.tracker_store.TrackerStore: Rasa ships no type hints.
Agent = Any
TrackerStore = Any


def sent_events(messages: Iterable[Mapping[str, Any]], *, resume: bool) -> list[Event]:
    """The events for messages the channel sent (text, payload, recruiter), and a resume."""
    events: list[Event] = []
    for message in messages:
        data = {"custom": message["custom"]} if message.get("custom") else {}
        metadata = {"sender": message["sender"]} if message.get("sender") else {}
        events.append(BotUttered(message.get("text"), data, metadata))
    if resume:
        events += [ConversationResumed(), ActionExecuted(ACTION_LISTEN_NAME)]
    return events


def candidate_event(message: SocketMessage, *, message_id: str, input_channel: str) -> Event:
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


async def append(agent: Agent | None, conversation_id: str, events: list[Event]) -> None:
    """Add events to a conversation under its lock, without replaying its whole tracker.

    With Rasa's SQL tracker store the rows are inserted through its own table
    mapping (what its `save` does for new events); other stores get the
    tracker loaded, updated and saved.
    """
    if agent is None or not events:
        return
    store = agent.tracker_store
    while hasattr(store, "_tracker_store"):  # unwrap Rasa's fail-safe/awaitable wrappers
        store = store._tracker_store
    async with agent.lock_store.lock(conversation_id):
        if hasattr(store, "SQLEvent") and hasattr(store, "session_scope"):
            await asyncio.to_thread(insert_events, store, conversation_id, events)
            return
        tracker = await agent.tracker_store.get_or_create_tracker(conversation_id)
        for event in events:
            tracker.update(event)
        await agent.tracker_store.save(tracker)


async def _events(agent: Agent | None, conversation_id: str) -> list[dict[str, Any]]:
    """Every event of the conversation as Rasa serializes it (none for an unknown one)."""
    if agent is None:
        return []
    tracker = await agent.tracker_store.retrieve_full_tracker(conversation_id)
    return [event.as_dict() for event in tracker.events] if tracker else []


async def widget_history(agent: Agent | None, conversation_id: str) -> list[dict[str, Any]]:
    """The messages the widget shows again when a candidate resumes (`session_confirm`)."""
    return [widget_message(line) for line in lines(await _events(agent, conversation_id))]


async def question_before(agent: Agent | None, conversation_id: str, article: str) -> str | None:
    """The candidate's message the assistant answered with `article` (for HR)."""
    question = None
    for data in await _events(agent, conversation_id):
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
