"""The watcher: what it publishes to the consoles from the tracker store and the queue."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import insert

from bot.core.tracker_store import EVENTS, events_after, last_event_id, tracker_engine
from bot.handoff.watcher import Watcher
from tests.conftest import make_settings
from tests.handoff.factories import queue


def say(url: str, conversation: str, text: str) -> None:
    event = {"event": "user", "text": text, "timestamp": 1.0}
    with tracker_engine(url).begin() as connection:
        connection.execute(
            insert(EVENTS).values(sender_id=conversation, type_name="user", data=json.dumps(event))
        )


async def test_new_lines_of_handed_off_conversations_reach_the_consoles(tmp_path, db_url, staff):
    published: list[dict[str, Any]] = []

    async def publish(message: dict[str, Any]) -> None:
        published.append(message)

    watcher = Watcher(make_settings(tmp_path, db_url, RASA_TOKEN="t"), publish=publish)
    await watcher.watch_once()
    assert published == [] and watcher.last_event is None  # no tracker table yet
    EVENTS.metadata.create_all(tracker_engine(db_url))
    assert last_event_id(db_url) == 0
    await watcher.watch_once()  # starts from the table's newest event
    assert watcher.last_event == 0
    queue(db_url, staff, "alex")
    say(db_url, "alex", "Bonjour")
    say(db_url, "sam", "Pas en attente")
    await watcher.watch_once()
    assert published[:2] == [{"type": "queue"}, {"type": "callbacks"}]
    lines = [m for m in published if m["type"] == "line"]
    assert [(m["conversation"], m["line"]["text"]) for m in lines] == [("alex", "Bonjour")]
    published.clear()
    await watcher.watch_once()
    assert published == []  # nothing new, nothing sent twice
    assert [e.conversation_id for e in events_after(db_url, 0)] == ["alex", "sam"]
    await watcher.relay.close()
