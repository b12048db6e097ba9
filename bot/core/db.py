"""Database engine and session factory, created lazily and never at import."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import MetaData, create_engine, event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, declarative_base, sessionmaker
from sqlalchemy.pool import QueuePool

# Stable constraint names, so migrations behave the same on SQLite and PostgreSQL.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)
Base = declarative_base(metadata=metadata)
T = TypeVar("T")


def tune_sqlite(dbapi_connection: Any, _record: Any = None) -> None:
    """WAL lets the Rasa server, the action server and the CLI read while one writes;
    synchronous=NORMAL is WAL's recommended setting (safe against crashes of the
    processes; only a power cut can lose the last transactions)."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def is_sqlite_file(url: str | URL) -> bool:
    """A SQLite database in a file (not in memory)."""
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "", ":memory:")


def sqlite_pool_arguments() -> dict[str, Any]:
    """Keep a SQLite file's connections open between sessions.

    SQLAlchemy 1.4 opens a new connection for every session on a SQLite file
    (NullPool), and each new connection runs `tune_sqlite`'s PRAGMAs: profiling
    the Rasa server under load (issue 15) showed a sixth of its time there. A pool
    hands each connection to one thread at a time, so it may cross threads.
    """
    return {
        "poolclass": QueuePool,
        "pool_size": 5,
        "max_overflow": 15,
        "connect_args": {"check_same_thread": False},
    }


def make_engine(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; SQLite files get their folder created (0700).

    `hide_parameters`: a failed statement's error message (logged, sometimes shown)
    never carries its parameters, which are often a candidate's words.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        pooled: dict[str, Any] = {}
        if is_sqlite_file(parsed):
            Path(str(parsed.database)).parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            pooled = sqlite_pool_arguments()
        engine = create_engine(url, future=True, hide_parameters=True, **pooled)
        event.listen(engine, "connect", tune_sqlite)
        return engine
    return create_engine(url, future=True, pool_pre_ping=True, hide_parameters=True)


@lru_cache(maxsize=8)
def session_factory(url: str) -> sessionmaker:
    """One session factory (and engine) per database URL, made on first use."""
    return sessionmaker(bind=make_engine(url), future=True, expire_on_commit=False)


@contextmanager
def transaction(url: str) -> Iterator[Session]:
    """A short session for one unit of work, committed on success."""
    with session_factory(url)() as session, session.begin():
        yield session


async def in_transaction(url: str, work: Callable[[Session], T]) -> T:
    """`work(session)` in one short transaction, in a worker thread (off the event loop).

    What web routes and jobs use to call a service: the service takes `*, session`,
    the edge opens the transaction.
    """

    def run() -> T:
        with transaction(url) as session:
            return work(session)

    return await asyncio.to_thread(run)


def database_ready(url: str) -> bool:
    """Whether the database answers a query now (the processes' /ready routes)."""
    try:
        with session_factory(url)() as session:
            session.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


async def readiness(url: str) -> tuple[int, dict[str, str]]:
    """The /ready answer of a process that needs its database: (status, body)."""
    if await asyncio.to_thread(database_ready, url):
        return 200, {"status": "ready"}
    return 503, {"status": "database unreachable"}
