"""The event stream (issue 17) on the machine's real RabbitMQ, SQLite and PostgreSQL: events
the project appends itself (a recruiter's message during a handoff) are published like
Rasa's own; the consumer keeps the read model, storing a redelivered event once and
dropping what is not an event; a replay of the tracker store rebuilds the same rows; and
the dashboard's figures read from the read model equal those read from the tracker store.
Each test has its own exchange and queue, deleted at the end."""

from __future__ import annotations

import asyncio
import json
import math
import uuid
from collections.abc import AsyncIterator
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import aio_pika
import aiohttp
import pytest
from rasa.core.agent import Agent
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from sqlalchemy import func, select

from bot.candidate import history
from bot.core.db import transaction
from bot.core.settings import SettingsError, settings_from
from bot.hr import analytics
from bot.ops.stream import (
    READ_EVENTS,
    BadEvent,
    Tally,
    consume,
    read_engine,
    read_model_schema,
    replay,
    row_of_message,
    serve_health,
    store,
)
from tests.conftest import port

BROKER = "amqp://guest:guest@127.0.0.1:5672/"
HEALTH_PORT = port(18935)
DAY = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc).timestamp()


def conversation(sender: str, offset: float = 0.0) -> list[Any]:
    """A candidate's question, an answer, the language slot and a recruiter's message."""
    at = DAY + offset
    return [
        UserUttered(
            "Combien de jours de télétravail ?",
            intent={"name": "faq", "confidence": 0.9},
            parse_data={"intent": {"name": "faq", "confidence": 0.9}, "entities": []},
            timestamp=at,
        ),
        SlotSet("language", "fr", timestamp=at + 1),
        BotUttered(
            "Deux jours par semaine.",
            data={"custom": {"type": "answer", "article": "remote-work"}},
            timestamp=at + 2,
        ),
        BotUttered(
            "Bonjour, ici Camille.",
            metadata={"sender": {"role": "recruiter", "name": "Camille Roux"}},
            timestamp=at + 3,
        ),
    ]


@pytest.fixture
async def exchange() -> AsyncIterator[tuple[str, str]]:
    """A fanout exchange and a durable queue of this test's own, deleted afterwards."""
    name = f"ardoise-test-{uuid.uuid4().hex[:10]}"
    yield name, f"{name}-queue"
    connection = await aio_pika.connect(BROKER)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(f"{name}-queue")
        await channel.exchange_delete(name)


async def broker_for(name: str, queue: str) -> PikaEventBroker:
    broker = PikaEventBroker(
        "127.0.0.1", "guest", "guest", queues=[queue], exchange_name=name, connection_attempts=3
    )
    await broker.connect()
    return broker


async def publish(queue: str, bodies: list[bytes]) -> None:
    connection = await aio_pika.connect(BROKER)
    async with connection:
        channel = await connection.channel()
        await channel.declare_queue(queue, durable=True)
        for body in bodies:
            await channel.default_exchange.publish(aio_pika.Message(body), routing_key=queue)


async def consume_until(queue: str, read_url: str, done, seconds: float = 30.0) -> Tally:
    """Run the consumer until `done(tally)` (or fail after `seconds`)."""
    stop = asyncio.Event()
    tally = Tally()
    task = asyncio.create_task(consume(BROKER, queue, read_url, stop=stop, tally=tally))
    try:
        for _ in range(int(seconds * 10)):
            if done(tally):
                break
            await asyncio.sleep(0.1)
        else:
            pytest.fail(f"the consumer did not get there in {seconds}s: {tally}")
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
    return tally


def read_rows(read_url: str) -> list[dict[str, Any]]:
    engine = read_engine(read_url)
    with engine.connect() as connection:
        rows = connection.execute(select(READ_EVENTS).order_by(READ_EVENTS.c.timestamp)).all()
    return [dict(row._mapping) for row in rows]


def tracker_store(path: Path, broker: PikaEventBroker | None = None) -> SQLTrackerStore:
    return SQLTrackerStore(dialect="sqlite", db=str(path), event_broker=broker)


async def test_events_the_project_appends_are_published_and_kept_once(tmp_path, exchange):
    name, queue = exchange
    broker = await broker_for(name, queue)
    store_ = tracker_store(tmp_path / "tracker.db", broker)
    agent = Agent(tracker_store=store_, lock_store=InMemoryLockStore())
    try:
        await history.append(agent, "cand-1", conversation("cand-1"))
        await asyncio.sleep(0.5)  # Rasa's broker publishes from background tasks
    finally:
        await broker.close()
    read_url = f"sqlite:///{tmp_path / 'read.db'}"
    tally = await consume_until(queue, read_url, lambda t: t.stored >= 4)
    assert (tally.stored, tally.duplicates, tally.bad) == (4, 0, 0)
    rows = read_rows(read_url)
    assert [r["type_name"] for r in rows] == ["user", "slot", "bot", "bot"]
    assert {r["sender_id"] for r in rows} == {"cand-1"}
    # filled as Rasa's SQL tracker store fills its columns
    assert rows[0]["intent_name"] == "faq" and rows[1]["action_name"] == "language"
    assert json.loads(rows[3]["data"])["metadata"]["sender"]["name"] == "Camille Roux"

    # The same events replayed from the tracker store: the same keys, nothing added.
    again = replay(f"sqlite:///{tmp_path / 'tracker.db'}", read_url)
    assert (again.stored, again.duplicates, again.bad) == (0, 4, 0)
    assert len(read_rows(read_url)) == 4


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
async def test_a_redelivered_event_is_stored_once_and_bad_messages_are_dropped(
    tmp_path, exchange, backend, request
):
    _, queue = exchange
    read_url = (
        f"sqlite:///{tmp_path / 'read.db'}"
        if backend == "sqlite"
        else request.getfixturevalue("pg_url")
    )
    good = {"sender_id": "cand-2", "event": "user", "timestamp": DAY, "text": "Bonjour"}
    other = {**good, "timestamp": DAY + 1, "text": "<script>alert(1)</script>"}
    bad = [
        b"",
        b"not json",
        b"[1, 2]",
        json.dumps({"event": "user", "timestamp": DAY}).encode(),  # no conversation
        json.dumps({**good, "sender_id": "x" * 256}).encode(),
        json.dumps({**good, "timestamp": "yesterday"}).encode(),
        json.dumps({**good, "timestamp": True}).encode(),
        b'{"sender_id": "c", "event": "user", "timestamp": NaN}',
        json.dumps({**good, "event": 7}).encode(),
        b"\xff\xfe\x00garbage",
    ]
    bodies = [
        json.dumps(good).encode(),
        *bad,
        json.dumps(good).encode(),
        json.dumps(other).encode(),
    ]
    await publish(queue, bodies)
    tally = await consume_until(
        queue, read_url, lambda t: t.stored + t.duplicates + t.bad >= len(bodies)
    )
    assert (tally.stored, tally.duplicates, tally.bad) == (2, 1, len(bad))
    rows = read_rows(read_url)
    assert [json.loads(r["data"])["text"] for r in rows] == ["Bonjour", "<script>alert(1)</script>"]


def test_what_is_not_an_event_is_refused_with_its_reason():
    for body, reason in (
        (b"{", "not JSON"),
        (b'"text"', "not a JSON object"),
        (b'{"event": "user", "timestamp": 1}', "sender_id"),
        (b'{"sender_id": "a", "timestamp": 1}', "type"),
        (b'{"sender_id": "a", "event": "user"}', "timestamp"),
        (b'{"sender_id": "a", "event": "user", "timestamp": Infinity}', "finite"),
    ):
        with pytest.raises(BadEvent, match=reason):
            row_of_message(body)
    row = row_of_message(b'{"sender_id": "a", "event": "user", "timestamp": 1}')
    assert row["sender_id"] == "a" and math.isclose(row["timestamp"], 1.0)


async def test_the_consumer_says_when_it_is_ready_and_catches_up_after_a_stop(tmp_path, exchange):
    _, queue = exchange
    read_url = f"sqlite:///{tmp_path / 'read.db'}"
    tally = Tally()
    runner = await serve_health("127.0.0.1", HEALTH_PORT, tally)
    stop = asyncio.Event()
    task = asyncio.create_task(consume(BROKER, queue, read_url, stop=stop, tally=tally))
    try:
        async with aiohttp.ClientSession() as http:
            url = f"http://127.0.0.1:{HEALTH_PORT}"
            async with http.get(f"{url}/alive") as alive:
                assert alive.status == 200
            status, said = 0, {}
            for _ in range(100):
                async with http.get(f"{url}/ready") as ready:
                    status, said = ready.status, await ready.json()
                if status == 200:
                    break
                await asyncio.sleep(0.1)
            assert (status, said["status"]) == (200, "ready")
            stop.set()
            await asyncio.wait_for(task, 10)
            async with http.get(f"{url}/ready") as ready:
                assert ready.status == 503
    finally:
        stop.set()
        await runner.cleanup()
    # Messages sent while no consumer runs wait in the durable queue: nothing is lost.
    await publish(
        queue,
        [
            json.dumps({"sender_id": "c3", "event": "user", "timestamp": DAY + n}).encode()
            for n in range(50)
        ],
    )
    later = await consume_until(queue, read_url, lambda t: t.stored >= 50)
    assert later.stored == 50 and len(read_rows(read_url)) == 50


async def test_the_dashboard_reads_the_same_figures_from_the_read_model(tmp_path, exchange):
    name, queue = exchange
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    read_url = f"sqlite:///{tmp_path / 'read.db'}"
    broker = await broker_for(name, queue)
    agent = Agent(tracker_store=tracker_store(tmp_path / "tracker.db", broker))
    agent.lock_store = InMemoryLockStore()
    try:
        for number in range(5):
            await history.append(agent, f"cand-{number}", conversation(f"c{number}", number * 60))
        await asyncio.sleep(0.5)
    finally:
        await broker.close()
    await consume_until(queue, read_url, lambda t: t.stored >= 20)
    app_url = f"sqlite:///{tmp_path / 'app.db'}"
    from bot.ops.schema import upgrade

    upgrade(app_url)

    def figures(events_url: str) -> dict[str, Any]:
        with transaction(events_url) as events, transaction(app_url) as session:
            computed = analytics.compute(
                session=session,
                tracker_session=events,
                start=date(2026, 11, 1),
                end=date(2026, 11, 30),
                timezone="Europe/Paris",
            )
        return computed.to_json()

    from_tracker = figures(tracker_url)
    from_stream = figures(read_url)
    assert from_stream == from_tracker
    totals = from_stream["totals"]
    assert totals["conversations"] == 5 and totals["candidate_messages"] == 5, totals

    # Lost, then rebuilt by a replay: the same figures again.
    engine = read_engine(read_url)
    with engine.begin() as connection:
        connection.execute(READ_EVENTS.delete())
    assert figures(read_url)["totals"]["conversations"] == 0
    rebuilt = replay(tracker_url, read_url)
    assert (rebuilt.stored, rebuilt.duplicates) == (20, 0)
    assert figures(read_url) == from_tracker
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(READ_EVENTS)).scalar() == 20


def test_the_read_model_may_be_a_schema_beside_the_tracker_store_never_its_table(pg_url):
    url = f"{pg_url}?options=-csearch_path%3Dread_model"
    assert read_model_schema(url) == "read_model"
    assert read_model_schema("sqlite:///x.db?options=-csearch_path%3Dread_model") is None
    row = row_of_message(b'{"sender_id": "a", "event": "user", "timestamp": 1}')
    assert store(read_engine(url), [row, row]) == (1, 0)
    assert store(read_engine(url), [row]) == (0, 1)
    with pytest.raises(SettingsError, match="READ_MODEL_URL must not be the tracker store"):
        settings_from({"DATABASE_URL": pg_url, "READ_MODEL_URL": pg_url})
