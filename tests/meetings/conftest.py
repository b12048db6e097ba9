"""Fixtures for team coffees: migrated databases holding the default ambassadors, a fixed
clock, and a factory that books with valid details unless told otherwise."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from bot.core.db import transaction
from bot.meetings.booking import book
from bot.meetings.defaults import load_defaults, seed_ambassadors
from bot.meetings.models import Ambassador, Booking
from bot.meetings.rules import CoffeeRules
from bot.ops.schema import upgrade
from tests.conftest import port
from tests.inbox_servers import Mailbox, start_smtp

OFFICE = "Europe/Paris"
# The local SMTP server the coffee e-mails go to, one per test module.
SMTP = port(29025)
RULES = CoffeeRules(duration_minutes=30, min_notice_hours=24, horizon_days=14)
# Monday 30 November 2026, 10:00 in Paris (09:00 UTC): the first bookable slot is
# Tuesday 1 December 10:00 Paris, exactly 24 hours later.
NOW = dt.datetime(2026, 11, 30, 9, 0)


def utc(text: str) -> dt.datetime:
    """A naive UTC datetime from "2026-12-01 09:00"."""
    return dt.datetime.fromisoformat(text)


def seed(url: str) -> str:
    with transaction(url) as session:
        seed_ambassadors(session=session, defaults=load_defaults())
    return url


@pytest.fixture
def meetings_url(db_url: str) -> str:
    """A fresh SQLite database holding the seven default ambassadors."""
    return seed(db_url)


@pytest.fixture
def meetings_pg_url(pg_url: str) -> str:
    """A fresh PostgreSQL database holding the seven default ambassadors."""
    upgrade(pg_url)
    return seed(pg_url)


def add_ambassador(url: str, **values: Any) -> None:
    """An extra ambassador, e.g. with wide windows for the concurrency tests."""
    data: dict[str, Any] = {
        "id": "zoe",
        "name": "Zoé Martin",
        "role": "QA Engineer",
        "team": "product_engineering",
        "languages": ["fr", "en"],
        "topics": ["testing"],
        "windows": ["tuesday 09:00-17:00", "thursday 09:00-17:00"],
        "cap": 2,
        "bio_fr": "QA.",
        "bio_en": "QA.",
        "consent": "first name, role, team, topics",
        "email": None,
        "active": True,
        **values,
    }
    with transaction(url) as session:
        session.add(Ambassador(**data))


BookFn = Callable[..., Booking]


def booker(url: str) -> BookFn:
    """book() in its own transaction, with valid details that any keyword overrides."""

    def run(slot: str, **overrides: Any) -> Booking:
        values: dict[str, Any] = {
            "slot_id": slot,
            "conversation_id": "conv-1",
            "name": "Camille",
            "email": "camille@example.org",
            "note": "",
            "language": "fr",
            "candidate_timezone": None,
            "consent": True,
            "now": NOW,
            "office_timezone": OFFICE,
            "rules": RULES,
            **overrides,
        }
        with transaction(url) as session:
            return book(session=session, **values)

    return run


@pytest.fixture
def booked(meetings_url: str) -> BookFn:
    return booker(meetings_url)


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[Mailbox]:
    controller, box = start_smtp(SMTP)
    yield box
    controller.stop()


@pytest.fixture
def inbox(smtp_server: Mailbox) -> Mailbox:
    smtp_server.messages.clear()
    return smtp_server
