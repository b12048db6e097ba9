"""A Redis lock store whose every change is one atomic step across Rasa processes.

Rasa 3.6's RedisLockStore keeps a conversation's ticket lock as one JSON value and changes
it by reading it, changing it in the process and writing it back (a GET, then a SET). Two
Rasa processes issuing a ticket at the same instant both read "no ticket" and both get
ticket 0; one process's cleanup can delete the lock holding the ticket the other one
has just issued. Both then handle the same conversation at once: the soak
(tests/soak) measured it, messages stored out of order and messages lost (the SQL
tracker store saves "the events after the ones it holds", so one process's save
overwrote the other's).

Here each read-change-write is one Redis transaction (WATCH, then MULTI/EXEC, retried
when another process changed the lock meanwhile), so tickets are unique and served in
the order issued; a waiting message looks again every 50 ms instead of every second.
endpoints.yml names it when LOCK_STORE_URL is set (bot.core.settings.rasa_environment).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, Callable
from contextlib import asynccontextmanager
from typing import Any, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
POLL_SECONDS = 0.05

Change = Callable[[TicketLock | None], tuple[TicketLock | None, T]]


class AtomicRedisLockStore(RedisLockStore):
    """RedisLockStore with atomic tickets (see the module's docstring)."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str, change: Change[T]) -> T:
        """Read the lock, change it, write it back (None: delete it), as one transaction."""
        key = self.key_prefix + conversation_id

        def step(pipe: Any) -> T:
            raw = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(raw)) if raw else None
            changed, value = change(lock)
            pipe.multi()
            if changed is None:
                pipe.delete(key)
            else:
                pipe.set(key, changed.dumps())
            return value

        result: T = self.red.transaction(step, key, value_from_callable=True)
        return result

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[TicketLock | None, int]:
            lock = lock or TicketLock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, issue)
        except Exception as error:  # as Rasa's: any failure to reach Redis is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the ticket; the lock goes with it only if nobody else holds a ticket
        (decided in the same transaction: a ticket issued meanwhile keeps the lock)."""

        def release(lock: TicketLock | None) -> tuple[TicketLock | None, None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, release)

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = POLL_SECONDS,
    ) -> AsyncGenerator[TicketLock, None]:
        async with super().lock(conversation_id, lock_lifetime, wait_time_in_seconds) as held:
            yield held
