"""Fixtures for event registrations: migrated databases holding dated events, a fixed
clock, a factory that registers with valid details unless told otherwise, and the
local SMTP server the e-mails go to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from email.header import decode_header, make_header
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar

from bot.core.db import transaction
from bot.core.settings import Settings
from bot.events.models import Registration
from bot.events.registrations import register
from bot.ops.schema import upgrade
from bot.records.models import Event
from tests.conftest import make_settings, port
from tests.inbox_servers import Mailbox, start_smtp

OFFICE = "Europe/Paris"
SMTP = port(15525)  # one server per test module (TEST_PORT_BASE shifts it)
# Monday 30 November 2026, 10:00 in Paris (09:00 UTC).
NOW = dt.datetime(2026, 11, 30, 9, 0)
# The open house on Thursday 3 December 2026, 17:30-19:30 Paris (16:30-18:30 UTC);
# registration closes Wednesday 2 December at 12:00 Paris (11:00 UTC).
OPEN_HOUSE_START = dt.datetime(2026, 12, 3, 16, 30)
OPEN_HOUSE_DEADLINE = dt.datetime(2026, 12, 2, 11, 0)
# The reverse Q&A on Wednesday 30 December 2026, 12:30-13:15 Paris (11:30-12:15 UTC).
REVERSE_QA_START = dt.datetime(2026, 12, 30, 11, 30)


def add_event(url: str, **values: Any) -> int:
    """A dated event (default: the open house of 3 December); its id."""
    data: dict[str, Any] = {
        "kind": "open_house",
        "date": dt.date(2026, 12, 3),
        "start_time": dt.time(17, 30),
        "end_time": dt.time(19, 30),
        "place_fr": "Siège de Lyon, 12 rue de la Charité",
        "place_en": "Lyon headquarters, 12 rue de la Charité",
        "status": "scheduled",
        **values,
    }
    with transaction(url) as session:
        event = Event(**data)
        session.add(event)
        session.flush()
        return int(event.id)


def add_reverse_qa(url: str, **values: Any) -> int:
    return add_event(
        url,
        **{
            "kind": "reverse_qa",
            "date": dt.date(2026, 12, 30),
            "start_time": dt.time(12, 30),
            "end_time": dt.time(13, 15),
            "place_fr": None,
            "place_en": None,
            **values,
        },
    )


RegisterFn = Callable[..., Registration]


def registrar(url: str) -> RegisterFn:
    """register() in its own transaction, with valid details that any keyword overrides."""

    def run(event_id: int, **overrides: Any) -> Registration:
        values: dict[str, Any] = {
            "event_id": event_id,
            "conversation_id": "conv-1",
            "first_name": "Camille",
            "email": "camille@example.org",
            "language": "fr",
            "consent": True,
            "now": NOW,
            "office_timezone": OFFICE,
            "consent_text": "We keep your first name and e-mail until the event, then 180 days.",
            **overrides,
        }
        with transaction(url) as session:
            return register(session=session, **values)

    return run


@pytest.fixture
def events_url(db_url: str) -> str:
    """A fresh, migrated SQLite database."""
    return db_url


@pytest.fixture
def events_pg_url(pg_url: str) -> str:
    """A fresh, migrated PostgreSQL database."""
    upgrade(pg_url)
    return pg_url


@pytest.fixture
def registered(events_url: str) -> RegisterFn:
    return registrar(events_url)


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[Mailbox]:
    controller, box = start_smtp(SMTP)
    yield box
    controller.stop()


@pytest.fixture
def inbox(smtp_server: Mailbox) -> Mailbox:
    smtp_server.messages.clear()
    return smtp_server


def mail_settings(tmp_path: Path, url: str) -> Settings:
    return make_settings(
        tmp_path,
        url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(SMTP),
        NOTIFY_FROM="assistant@ardoise.test",
        PUBLIC_URL="https://assistant.ardoise.test",
        MEETING_LINK_SECRET="test-secret",
    )


def body(message: Message) -> str:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return part.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")


def subject(message: Message) -> str:
    """The Subject as people read it (MIME-decoded, folding undone)."""
    return " ".join(str(make_header(decode_header(message["Subject"]))).split())


def calendars(message: Message) -> list[Calendar]:
    return [
        Calendar.from_ical(part.get_payload(decode=True))
        for part in message.walk()
        if part.get_content_type() == "text/calendar"
    ]
