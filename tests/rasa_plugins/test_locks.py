"""The atomic Redis lock store (bot/rasa_plugins/locks.py) on the machine's real Redis:
tickets issued at the same instant by separate processes' stores are all different, and
conversations locked from several stores are handled one message at a time, in the order
of their tickets, a released lock never taking a waiting ticket with it."""

from __future__ import annotations

import asyncio
import threading
import uuid

from rasa.core.lock_store import RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_plugins.locks import AtomicRedisLockStore

REDIS_DB = 5


def stores(count: int) -> list[AtomicRedisLockStore]:
    """Each with its own connection, as each Rasa process has."""
    config = EndpointConfig(url="127.0.0.1", port=6379, db=REDIS_DB, type="x")
    return [AtomicRedisLockStore(endpoint_config=config) for _ in range(count)]


def test_tickets_issued_at_once_by_many_stores_are_all_different():
    conversation = f"race-{uuid.uuid4().hex}"
    many = stores(8)
    start = threading.Barrier(len(many))
    issued: list[int] = []
    guard = threading.Lock()

    def issue(store: AtomicRedisLockStore) -> None:
        start.wait()
        for _ in range(25):
            number = store.issue_ticket(conversation, 60)
            with guard:
                issued.append(number)

    threads = [threading.Thread(target=issue, args=(s,)) for s in many]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(issued) == list(range(200))
    lock = many[0].get_lock(conversation)
    assert lock is not None and len(lock.tickets) == 200
    many[0].delete_lock(conversation)


async def test_a_conversation_is_handled_one_message_at_a_time_across_stores():
    conversation = f"turns-{uuid.uuid4().hex}"
    many = stores(4)
    inside: list[int] = []
    order: list[int] = []
    overlaps = 0

    async def handle(store: AtomicRedisLockStore, number: int) -> None:
        nonlocal overlaps
        await asyncio.sleep(number * 0.002)
        async with store.lock(conversation) as held:
            if inside:
                overlaps += 1
            inside.append(number)
            order.append(held.now_serving or 0)
            await asyncio.sleep(0.005)
            inside.remove(number)

    await asyncio.gather(*(handle(many[n % 4], n) for n in range(40)))
    assert overlaps == 0
    assert order == sorted(order)  # served in the order of the tickets
    # the last one out deleted the lock, and nothing else was left behind
    assert many[0].get_lock(conversation) is None


def test_it_is_what_endpoints_yml_names_with_redis():
    from bot.core.settings import rasa_environment, settings_from

    env = rasa_environment(
        settings_from({"DATABASE_URL": "sqlite://", "LOCK_STORE_URL": "redis://127.0.0.1:6379/4"})
    )
    assert env["LOCK_STORE_TYPE"] == "bot.rasa_plugins.locks.AtomicRedisLockStore"
    assert (env["LOCK_STORE_HOST"], env["LOCK_STORE_DB"]) == ("127.0.0.1", "4")
    assert issubclass(AtomicRedisLockStore, RedisLockStore)
