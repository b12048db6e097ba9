"""The event stream's abuse (issue 17): whatever reaches the queue (a hostile or broken
publisher on the broker) never stops the consumer nor stalls the queue, and what it stores
is kept as sent, never run; the consumer's health routes answer GET only, on loopback."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator

import aio_pika
import aiohttp
import pytest

from bot.ops.stream import Tally, consume, serve_health
from tests.conftest import port
from tests.test_event_stream import BROKER, DAY, consume_until, publish, read_rows

HEALTH_PORT = port(18940)


@pytest.fixture
async def queue() -> AsyncIterator[str]:
    name = f"ardoise-abuse-{uuid.uuid4().hex[:10]}"
    yield name
    connection = await aio_pika.connect(BROKER)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(name)


async def test_hostile_messages_are_dropped_and_the_next_good_one_is_kept(tmp_path, queue):
    read_url = f"sqlite:///{tmp_path / 'read.db'}"
    hostile = (
        [
            b"[" * 100_000 + b"]" * 100_000,  # nested past the parser's recursion limit
            json.dumps(
                {"sender_id": "a", "event": "user", "timestamp": 1, "x": "y" * 2_000_000}
            ).encode()[:-2],  # 2 MB, cut short
            json.dumps({"sender_id": ["list"], "event": "user", "timestamp": 1}).encode(),
            b'{"sender_id": "a", "event": "user", "timestamp": 1e400}',  # infinite
            json.dumps({"sender_id": "a", "event": {"$ne": 1}, "timestamp": 1}).encode(),
            b"\x00" * 1000,
        ]
        * 50
    )
    markup = "<img src=x onerror=window.__pwned=1>"
    good = {
        "sender_id": f"{markup}'; DROP TABLE events; --",
        "event": "bot",
        "timestamp": DAY,
        "text": markup,
        "data": {"custom": {"type": "answer", "article": markup}},
    }
    await publish(queue, [*hostile, json.dumps(good).encode()])
    tally = await consume_until(queue, read_url, lambda t: t.stored >= 1, seconds=60)
    assert (tally.stored, tally.bad) == (1, len(hostile))
    (row,) = read_rows(read_url)
    # kept exactly as sent: the dashboard escapes what it shows (tests/security/test_xss.py)
    assert row["sender_id"] == good["sender_id"]
    assert json.loads(row["data"])["data"]["custom"]["article"] == markup


async def test_the_health_routes_answer_get_only_and_only_on_loopback(tmp_path, queue):
    tally = Tally()
    runner = await serve_health("127.0.0.1", HEALTH_PORT, tally)
    stop = asyncio.Event()
    task = asyncio.create_task(
        consume(BROKER, queue, f"sqlite:///{tmp_path / 'read.db'}", stop=stop, tally=tally)
    )
    try:
        async with aiohttp.ClientSession() as http:
            base = f"http://127.0.0.1:{HEALTH_PORT}"
            for method in ("POST", "PUT", "DELETE"):
                async with http.request(method, f"{base}/ready", data=b"x" * 10_000) as answer:
                    assert answer.status == 405, method
            for path in ("/", "/metrics", "/ready/x", "/%2e%2e/etc/passwd"):
                async with http.get(f"{base}{path}") as answer:
                    assert answer.status == 404, path
            async with http.get(f"{base}/alive") as answer:
                body = await answer.json()
                assert answer.status == 200 and body == {"status": "alive"}
        sites = [site.name for site in runner.sites]
        assert sites == [f"http://127.0.0.1:{HEALTH_PORT}"], sites
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await runner.cleanup()
