"""The event stream's read model: what Rasa publishes to RabbitMQ (its own events and those
the project appends itself, bot.candidate.history.append) kept for the dashboard.

The read model is an `events` table in READ_MODEL_URL with the tracker store's columns
(bot.core.tracker_store.EVENTS), so the dashboard's queries read either one unchanged
(Settings.analytics_url), plus each event's key (a hash of its conversation and its
JSON): RabbitMQ delivers at least once, and a message delivered twice is stored once.
A message is acknowledged only once its row is committed, so a consumer killed mid-way
loses nothing: RabbitMQ delivers it again.

`replay` rebuilds the read model from the tracker store (the record of truth), after a
loss of the read model or to start it on a store that already holds conversations.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy import Column, Index, MetaData, String, Table, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from bot.core.db import session_factory
from bot.core.tracker_store import EVENTS, event_columns, has_events_table

logger = logging.getLogger(__name__)

READ_EVENTS = Table(
    "events",
    MetaData(),
    *event_columns(),
    Column("event_key", String(64), nullable=False),
    Index("read_events_key", "event_key", unique=True),
    Index("read_events_time", "timestamp"),
)
# The queue Rasa's broker fills in the production shape (its endpoints.yml) and ours reads.
EVENT_QUEUE = "ardoise_events"
MAX_SENDER = 255
BATCH = 500
PREFETCH = 200
RECONNECT_SECONDS = 2.0


class BadEvent(ValueError):
    """A message of the stream that is not an event the read model can keep."""


@dataclass
class Tally:
    """What a consumer or a replay did: rows stored, duplicates skipped, bad messages."""

    stored: int = 0
    duplicates: int = 0
    bad: int = 0
    connected: bool = False  # reading the queue now (the consumer's /ready)


SEARCH_PATH = re.compile(r"search_path\s*=\s*([a-z_][a-z0-9_]{0,62})")


def read_model_schema(url: str) -> str | None:
    """The PostgreSQL schema a read model URL names in its search path
    (`?options=-csearch_path%3Dread_model`: beside the tracker store, in one database)."""
    found = SEARCH_PATH.search(unquote(urlsplit(url).query))
    return found.group(1) if found and url.startswith("postgresql") else None


def read_engine(url: str) -> Engine:
    """The read model's engine, its schema (if the URL names one) and table created."""
    engine: Engine = session_factory(url).kw["bind"]
    schema = read_model_schema(url)
    if schema:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{schema}"'))
    READ_EVENTS.metadata.create_all(engine)
    return engine


def event_key(sender_id: str, event: Mapping[str, Any]) -> str:
    """The same key for an event read from the stream and from the tracker store."""
    body = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{sender_id}\n{body}".encode()).hexdigest()


def row_of(sender_id: Any, event: Any) -> dict[str, Any]:
    """The read model's row for one event (as Rasa's SQL tracker store fills its columns:
    the intent's name, and `name` in action_name, a slot's name for a slot event)."""
    if not isinstance(sender_id, str) or not 0 < len(sender_id) <= MAX_SENDER:
        raise BadEvent("sender_id must be a non-empty string of at most 255 characters")
    if not isinstance(event, Mapping):
        raise BadEvent("an event must be a JSON object")
    kind = event.get("event")
    if not isinstance(kind, str) or not 0 < len(kind) <= MAX_SENDER:
        raise BadEvent("an event needs its type in 'event'")
    timestamp = event.get("timestamp")
    if isinstance(timestamp, bool) or not isinstance(timestamp, (int, float)):
        raise BadEvent("an event needs a numeric 'timestamp'")
    if not math.isfinite(timestamp):
        raise BadEvent("an event's 'timestamp' must be finite")
    parse = event.get("parse_data")
    intent = (parse.get("intent") or {}) if isinstance(parse, Mapping) else {}
    intent_name = intent.get("name") if isinstance(intent, Mapping) else None
    name = event.get("name")
    return {
        "sender_id": sender_id,
        "type_name": kind,
        "timestamp": float(timestamp),
        "intent_name": str(intent_name)[:MAX_SENDER] if intent_name else None,
        "action_name": str(name)[:MAX_SENDER] if name else None,
        "data": json.dumps(dict(event)),
        "event_key": event_key(sender_id, event),
    }


def row_of_message(body: bytes) -> dict[str, Any]:
    """The row for one message as Rasa's broker publishes it: {"sender_id", **event}."""
    try:
        document = json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise BadEvent("the message is not JSON (or nested too deep)") from None
    if not isinstance(document, dict):
        raise BadEvent("the message is not a JSON object")
    sender_id = document.pop("sender_id", None)
    return row_of(sender_id, document)


def store(engine: Engine, rows: Iterable[dict[str, Any]]) -> tuple[int, int]:
    """Insert the rows whose key is new, in one transaction: (stored, duplicates)."""
    rows = list({row["event_key"]: row for row in rows}.values())
    if not rows:
        return 0, 0
    dialect = engine.dialect.name
    if dialect == "postgresql":
        statement: Any = postgresql.insert(READ_EVENTS).on_conflict_do_nothing(
            index_elements=["event_key"]
        )
    elif dialect == "sqlite":
        statement = sqlite.insert(READ_EVENTS).on_conflict_do_nothing(index_elements=["event_key"])
    else:
        raise ValueError(f"the read model supports PostgreSQL and SQLite, not {dialect}")
    with engine.begin() as connection:
        before = connection.execute(
            select(READ_EVENTS.c.event_key).where(
                READ_EVENTS.c.event_key.in_([row["event_key"] for row in rows])
            )
        ).scalars()
        known = set(before)
        connection.execute(statement, rows)
    return len(rows) - len(known), len(known)


def replay(tracker_url: str, read_url: str, *, batch: int = BATCH) -> Tally:
    """Every event of the tracker store into the read model (those already there skipped),
    in the store's order, `batch` rows a transaction."""
    tally = Tally()
    source: Engine = session_factory(tracker_url).kw["bind"]
    target = read_engine(read_url)
    if not has_events_table(source):
        return tally
    last = 0
    while True:
        with source.connect() as connection:
            chunk = connection.execute(
                select(EVENTS.c.id, EVENTS.c.sender_id, EVENTS.c.data)
                .where(EVENTS.c.id > last)
                .order_by(EVENTS.c.id)
                .limit(batch)
            ).all()
        if not chunk:
            return tally
        last = chunk[-1].id
        rows = []
        for _, sender_id, data in chunk:
            try:
                rows.append(row_of(sender_id, json.loads(data or "null")))
            except (BadEvent, ValueError, RecursionError):
                tally.bad += 1
        stored, duplicates = store(target, rows)
        tally.stored += stored
        tally.duplicates += duplicates


@dataclass(frozen=True)
class Broker:
    host: str
    port: int
    username: str
    password: str
    virtual_host: str


def broker_of(url: str) -> Broker:
    """amqp://user:password@host:5672/vhost (as the production shape's --event-broker)."""
    parts = urlsplit(url)
    if parts.scheme not in ("amqp", "amqps") or not parts.hostname:
        raise ValueError(
            f"the event broker must be like amqp://user:password@host:5672/, got {url!r}"
        )
    return Broker(
        host=parts.hostname,
        port=parts.port or 5672,
        username=unquote(parts.username or "guest"),
        password=unquote(parts.password or "guest"),
        virtual_host=unquote(parts.path.lstrip("/")) or "/",
    )


async def consume(
    broker_url: str,
    queue_name: str,
    read_url: str,
    *,
    stop: asyncio.Event | None = None,
    tally: Tally | None = None,
) -> Tally:
    """Keep the read model from the queue until `stop` is set (or forever), reconnecting
    when RabbitMQ goes away. A bad message is logged, counted and dropped (acknowledged):
    it can never become a row, and keeping it would stall the queue."""
    import aio_pika  # Rasa's own RabbitMQ client; only the consumer needs it

    broker = broker_of(broker_url)
    engine = read_engine(read_url)
    tally = tally if tally is not None else Tally()
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            connection = await aio_pika.connect(
                host=broker.host,
                port=broker.port,
                login=broker.username,
                password=broker.password,
                virtualhost=broker.virtual_host,
            )
        except (OSError, aio_pika.exceptions.AMQPError) as error:
            logger.warning("event stream: RabbitMQ unreachable (%s); retrying", error)
            await _pause(stop, RECONNECT_SECONDS)
            continue
        try:
            async with connection:
                channel = await connection.channel()
                await channel.set_qos(prefetch_count=PREFETCH)
                # as Rasa's broker declares it (rasa/core/brokers/pika.py): durable
                queue = await channel.declare_queue(queue_name, durable=True)
                tally.connected = True
                async with queue.iterator() as messages:
                    waiting = asyncio.ensure_future(stop.wait())
                    try:
                        while not stop.is_set():
                            getting = asyncio.ensure_future(messages.__anext__())
                            done, _ = await asyncio.wait(
                                {getting, waiting}, return_when=asyncio.FIRST_COMPLETED
                            )
                            if getting not in done:
                                getting.cancel()
                                break
                            message = getting.result()
                            await _keep(engine, message, tally)
                    finally:
                        waiting.cancel()
        except (OSError, aio_pika.exceptions.AMQPError, StopAsyncIteration) as error:
            tally.connected = False
            logger.warning("event stream: connection lost (%s); reconnecting", error)
            await _pause(stop, RECONNECT_SECONDS)
        except SQLAlchemyError as error:
            tally.connected = False
            # The read model's database went away: the message was not acknowledged, so
            # closing the connection gives it back to the queue; start again once it is back.
            logger.warning("event stream: read model unreachable (%s); retrying", error)
            engine.dispose()
            await _pause(stop, RECONNECT_SECONDS)
    tally.connected = False
    engine.dispose()
    return tally


async def serve_health(host: str, port: int, tally: Tally) -> Any:
    """/alive (the process answers) and /ready (it reads the queue now), as every process of
    the production shape has; returns the runner to clean up."""
    from aiohttp import web

    async def alive(request: web.Request) -> web.Response:
        return web.json_response({"status": "alive"})

    async def ready(request: web.Request) -> web.Response:
        figures = {"stored": tally.stored, "duplicates": tally.duplicates, "bad": tally.bad}
        if tally.connected:
            return web.json_response({"status": "ready", **figures})
        return web.json_response({"status": "not connected to RabbitMQ", **figures}, status=503)

    app = web.Application()
    app.router.add_get("/alive", alive)
    app.router.add_get("/ready", ready)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, host, port).start()
    return runner


async def _keep(engine: Engine, message: Any, tally: Tally) -> None:
    try:
        row = row_of_message(message.body)
    except BadEvent as error:
        tally.bad += 1
        logger.warning("event stream: dropped a message: %s", error)
        await message.ack()
        return
    stored, duplicates = await asyncio.to_thread(store, engine, [row])
    tally.stored += stored
    tally.duplicates += duplicates
    await message.ack()  # after the commit: a crash before it means a redelivery, not a loss


async def _pause(stop: asyncio.Event, seconds: float) -> None:
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except asyncio.TimeoutError:
        pass
