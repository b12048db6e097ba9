"""Dated events and registrations for the staff pages' tests (console, workspace, browser):
dates a number of days from today, so the engine's clock (the real one in the routes)
always finds them to come."""

from __future__ import annotations

import datetime as dt
from typing import Any

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.events.models import EventTerms, Registration
from bot.events.panel import submit_question, vote
from bot.events.registrations import register
from bot.records.service import local_today
from tests.events.conftest import add_event

OFFICE = "Europe/Paris"
HOSTILE_NAME = '<img src=x onerror="window.__xss=1">Zoé'
HOSTILE_QUESTION = "<script>window.__xss=2</script>Quel <b>salaire</b> ?"


def day(days_from_today: int) -> dt.date:
    return local_today(OFFICE) + dt.timedelta(days=days_from_today)


def open_house(url: str, days: int = 10, **values: Any) -> int:
    return add_event(url, date=day(days), **values)


def reverse_qa(url: str, days: int = 12, **values: Any) -> int:
    return add_event(
        url,
        **{
            "kind": "reverse_qa",
            "date": day(days),
            "start_time": dt.time(12, 30),
            "end_time": dt.time(13, 15),
            "place_fr": None,
            "place_en": None,
            **values,
        },
    )


def set_capacity(url: str, event_id: int, capacity: int) -> None:
    with transaction(url) as session:
        session.merge(EventTerms(event_id=event_id, capacity=capacity, updated_by="tests"))


def sign_up(
    url: str, event_id: int, first_name: str, *, conversation: str | None = None, **kw: Any
) -> Registration:
    """A registration as the chat makes it, at the real time; e-mail from the name."""
    key = "".join(c for c in first_name.lower() if c.isalnum())[-12:] or "x"
    values: dict[str, Any] = {
        "event_id": event_id,
        "conversation_id": conversation or f"conv-{key}",
        "first_name": first_name,
        "email": f"{key}@example.org",
        "language": "fr",
        "consent": True,
        "now": utcnow(),
        "office_timezone": OFFICE,
        **kw,
    }
    with transaction(url) as session:
        registration = register(session=session, **values)
        session.flush()
        session.expunge(registration)
        return registration


def rename(url: str, registration: Registration, first_name: str) -> Registration:
    """Store a first name the chat would refuse (markup): what a page must still show
    inert, should one ever reach the table (older data, another way in)."""
    with transaction(url) as session:
        row = session.get(Registration, registration.id)
        assert row is not None
        row.first_name = first_name
        session.flush()
        session.expunge(row)
        return row


def ask(url: str, registration: Registration, text: str) -> str:
    with transaction(url) as session:
        question = submit_question(
            session=session,
            registration_id=registration.public_id,
            text=text,
            now=utcnow(),
            office_timezone=OFFICE,
        )
        return question.public_id


def upvote(url: str, registration: Registration, question_id: str) -> int:
    with transaction(url) as session:
        return vote(
            session=session,
            registration_id=registration.public_id,
            question_id=question_id,
            now=utcnow(),
            office_timezone=OFFICE,
        )


def seed_registration(url: str) -> dict[str, str]:
    """A reverse Q&A to come with a confirmed registration and its question, that a
    change slipping through a staff route would alter; their ids for the attack suite."""
    panel = reverse_qa(url, days=30)
    registration = sign_up(url, panel, "Victim", conversation="victim-conversation")
    return {
        "event": str(panel),
        "registration": registration.public_id,
        "question": ask(url, registration, "Une question des candidats ?"),
    }
