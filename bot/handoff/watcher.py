"""Keeps the consoles live: new messages of handed-off conversations, queue changes, expiry.

A few times a second it reads new events from Rasa's tracker store and the last
handoff change from our database, and publishes them to the open consoles, so the
console and the candidate stay within a second of each other without a broker.
Every few seconds it expires the handoffs nobody claimed in time (the rule is
`service.expire_overdue`; this module only schedules).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Any

from bot.core import tracker_store
from bot.core.db import in_transaction
from bot.core.settings import Settings, rasa_token
from bot.core.transcript import lines
from bot.handoff.payloads import line_json
from bot.handoff.relay import RasaRelay
from bot.handoff.service import expire_overdue, queue_state

logger = logging.getLogger(__name__)

WATCH_INTERVAL = 0.1
EXPIRY_INTERVAL = 5.0

Publish = Callable[[dict[str, Any]], Awaitable[None]]


async def _nobody_listens(message: dict[str, Any]) -> None:
    """Where messages go when no console is attached (a watcher used on its own)."""


class Watcher:
    """Polls the tracker store and the queue for one web process and publishes the changes."""

    def __init__(
        self, settings: Settings, *, relay: RasaRelay | None = None, publish: Publish | None = None
    ) -> None:
        self.settings = settings
        self.relay = relay or RasaRelay(settings.rasa_url, rasa_token(settings))
        self.publish = publish or _nobody_listens
        self.last_event: int | None = None
        self.last_change: datetime | None = None

    async def run(self) -> None:
        """Watch until cancelled; a failing round is logged and the next one tries again."""
        self.last_event = await asyncio.to_thread(
            tracker_store.last_event_id, self.settings.tracker_store_url
        )
        loop = asyncio.get_running_loop()
        next_expiry = 0.0
        while True:
            try:
                await self.watch_once()
                if loop.time() >= next_expiry:
                    next_expiry = loop.time() + EXPIRY_INTERVAL
                    await self.expire()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep watching; the log says what broke
                logger.exception("console watcher")
            await asyncio.sleep(WATCH_INTERVAL)

    async def watch_once(self) -> None:
        """Publish a queue change, then the new lines of the conversations recruiters hold."""
        url = self.settings.tracker_store_url
        if self.last_event is None:  # Rasa has not created its table yet
            self.last_event = await asyncio.to_thread(tracker_store.last_event_id, url)
        new_events = (
            await asyncio.to_thread(tracker_store.events_after, url, self.last_event)
            if self.last_event is not None
            else []
        )
        state = await in_transaction(self.settings.database_url, lambda s: queue_state(session=s))
        if state.changed_at is not None and state.changed_at != self.last_change:
            self.last_change = state.changed_at
            await self.publish({"type": "queue"})
            await self.publish({"type": "callbacks"})
            await self.publish({"type": "applications"})
        for event in new_events:
            self.last_event = event.id
            if event.conversation_id in state.open_conversations:
                for line in lines([event.data]):
                    await self.publish(
                        {
                            "type": "line",
                            "conversation": event.conversation_id,
                            "line": line_json(line),
                        }
                    )

    async def expire(self) -> None:
        """Handoffs nobody claimed in time: apologise, give the conversation back to the bot."""
        timeout = timedelta(seconds=self.settings.claim_timeout_seconds)
        notices = await in_transaction(
            self.settings.database_url,
            lambda s: expire_overdue(session=s, claim_timeout=timeout),
        )
        for notice in notices:
            await self.relay.tell_or_log(notice)
