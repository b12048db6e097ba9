"""Open houses, reverse Q&A sessions and the hackathon list in the conversation: the
actions against a real database (the default calendar) and a local SMTP server."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import select

from actions.events import ActionAskPanel, ActionRegisterEvent, kinds_asked
from actions.meetings import ActionBook, ActionCancelBooking, ActionMyBooking
from bot.core.db import transaction
from bot.events.models import EventAlert, PanelQuestion, Registration
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.actions.conftest import run as run_action
from tests.actions.conftest import tracker


@pytest.fixture
def env(mail_env):
    """The default calendar of events in the action server's database."""
    settings, _ = mail_env
    with transaction(settings.database_url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
    return mail_env


async def run(action, current) -> list[dict]:
    messages, _ = await run_action(action, current)
    return messages


def customs(messages: list[dict], kind: str) -> list[dict]:
    return [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind]


def one(messages: list[dict], kind: str) -> dict:
    (found,) = customs(messages, kind)
    return found


def details(slot: str, **overrides: Any) -> dict[str, Any]:
    return {"slot": slot, "name": "Ada", "email": "ada@example.org", "consent": True, **overrides}


@pytest.mark.parametrize(
    ("words", "kinds"),
    [
        ("inscris-moi aux portes ouvertes", ("open_house",)),
        ("sign me up for the next reverse Q&A with the founders", ("reverse_qa",)),
        ("prévenez-moi pour le hackathon", ("hackathon",)),
        ("je veux m'inscrire", ()),
    ],
)
def test_the_event_is_read_from_the_words(words, kinds):
    assert kinds_asked(words) == kinds


async def open_house_slot(language: str = "fr") -> str:
    messages = await run(
        ActionRegisterEvent(),
        tracker("inscris-moi aux portes ouvertes", intent="register_event", language=language),
    )
    offer = one(messages, "meeting_offer")
    assert offer["kind"] == "open_house"
    return offer["slots"][0]["id"]


async def test_dates_with_seats_then_register_in_three_turns(env):
    settings, mailbox = env
    messages = await run(
        ActionRegisterEvent(),
        tracker("sign me up for the open house", intent="register_event", language="en"),
    )
    offer = one(messages, "meeting_offer")
    assert offer["kind"] == "open_house" and offer["slots"]
    first = offer["slots"][0]
    assert first["seats_left"] == 25 and first["waitlist"] is False
    assert first["id"].startswith("event-") and first["start"].endswith(("+01:00", "+02:00"))
    assert messages[0]["buttons"][0]["payload"] == "/book" + json.dumps({"slot": first["id"]})
    assert messages[0]["buttons"][0]["title"].endswith("25 seats left")
    # date -> contact details -> confirmed
    contact = one(
        await run(
            ActionBook(),
            tracker("/book", intent="book", entities={"slot": first["id"]}, language="en"),
        ),
        "meeting_contact",
    )
    assert contact["slot"] == first["id"] and "deleted" in contact["consent"]
    confirmed = await run(
        ActionBook(), tracker("/book", intent="book", entities=details(first["id"]), language="en")
    )
    result = one(confirmed, "booking")
    assert (result["status"], result["slot"]) == ("confirmed", first["id"])
    assert confirmed[0]["text"].startswith("You're registered: open house,")
    mail = mailbox.wait_for(lambda m: m["To"] == "ada@example.org")
    ics = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    assert ics and b"METHOD:REQUEST" in ics[0].get_payload(decode=True)
    # the next offer counts the seat
    again = one(
        await run(
            ActionRegisterEvent(), tracker("open house", intent="register_event", language="en")
        ),
        "meeting_offer",
    )
    assert again["slots"][0]["seats_left"] == 24


async def test_bad_details_and_unknown_dates_are_invalid(env):
    slot = await open_house_slot()
    for fields, field in (
        ({"email": "nope"}, "email"),
        ({"consent": False}, "consent"),
        ({"name": ""}, "name"),
    ):
        messages = await run(
            ActionBook(), tracker("/book", intent="book", entities=details(slot, **fields))
        )
        result = one(messages, "booking")
        assert (result["status"], result["field"]) == ("invalid", field)
    unknown = one(
        await run(ActionBook(), tracker("/book", intent="book", entities=details("event-999999"))),
        "booking",
    )
    assert (unknown["field"], unknown["code"]) == ("slot", "event_unknown")
    with transaction(env[0].database_url) as session:
        assert session.execute(select(Registration)).first() is None


async def test_my_registration_and_cancel_from_the_same_conversation_only(env):
    settings, _ = env
    slot = await open_house_slot()
    booked = one(
        await run(ActionBook(), tracker("/book", intent="book", entities=details(slot))), "booking"
    )
    listed = await run(ActionMyBooking(), tracker("c'est quand déjà ?", intent="my_booking"))
    assert one(listed, "registrations")["registrations"][0]["booking"] == booked["booking"]
    assert customs(listed, "bookings") == []  # no coffee, no "nothing booked" reply
    refused = one(
        await run(
            ActionCancelBooking(),
            tracker(
                "/cancel_booking",
                intent="cancel_booking",
                entities={"booking": booked["booking"]},
                sender="x",
            ),
        ),
        "booking",
    )
    assert (refused["status"], refused["code"]) == ("invalid", "registration_not_yours")
    cancelled = one(
        await run(
            ActionCancelBooking(),
            tracker(
                "/cancel_booking", intent="cancel_booking", entities={"booking": booked["booking"]}
            ),
        ),
        "booking",
    )
    assert cancelled == {
        "type": "booking",
        "status": "cancelled",
        "booking": booked["booking"],
        "slot": slot,
    }
    with transaction(settings.database_url) as session:
        assert session.execute(select(Registration.status)).scalar_one() == "cancelled"


async def test_a_question_for_the_leaders_from_a_registered_conversation(env):
    settings, _ = env
    offer = one(
        await run(ActionRegisterEvent(), tracker("questions inversées", intent="register_event")),
        "meeting_offer",
    )
    slot = offer["slots"][0]["id"]
    before = one(
        await run(
            ActionAskPanel(),
            tracker(
                "/ask_panel",
                intent="ask_panel",
                entities={"slot": slot, "question": "Et la roadmap ?"},
            ),
        ),
        "panel_question",
    )
    assert (before["status"], before["code"]) == ("invalid", "registration_unknown")
    confirmed = await run(ActionBook(), tracker("/book", intent="book", entities=details(slot)))
    assert one(confirmed, "booking")["status"] == "confirmed"
    assert "questions aux dirigeants" in confirmed[0]["text"]
    hostile = '<img src=x onerror="alert(1)"> Quelle place pour la R&D ?'
    received = one(
        await run(
            ActionAskPanel(),
            tracker("/ask_panel", intent="ask_panel", entities={"slot": slot, "question": hostile}),
        ),
        "panel_question",
    )
    assert received["status"] == "received" and received["question"]
    empty = one(
        await run(
            ActionAskPanel(),
            tracker("/ask_panel", intent="ask_panel", entities={"slot": slot, "question": " "}),
        ),
        "panel_question",
    )
    assert (empty["status"], empty["field"], empty["code"]) == (
        "invalid",
        "question",
        "question_missing",
    )
    with transaction(settings.database_url) as session:
        assert session.execute(select(PanelQuestion.text)).scalars().all() == [hostile]


async def test_the_hackathon_list_keeps_the_email_with_consent(env):
    settings, _ = env
    asked = await run(
        ActionRegisterEvent(), tracker("prévenez-moi pour le hackathon", intent="register_event")
    )
    contact = one(asked, "meeting_contact")
    assert contact["slot"] == "alert-hackathon" and set(contact["fields"]) == {"email"}
    refused = one(
        await run(
            ActionBook(),
            tracker(
                "/book",
                intent="book",
                entities={"slot": "alert-hackathon", "email": "ada@example.org"},
            ),
        ),
        "booking",
    )
    assert (refused["status"], refused["field"]) == ("invalid", "consent")
    kept = one(
        await run(
            ActionBook(),
            tracker(
                "/book",
                intent="book",
                entities={"slot": "alert-hackathon", "email": "ada@example.org", "consent": True},
            ),
        ),
        "alert",
    )
    assert kept == {"type": "alert", "kind": "hackathon", "status": "kept"}
    with transaction(settings.database_url) as session:
        assert session.execute(select(EventAlert.email)).scalars().all() == ["ada@example.org"]


async def test_recruiters_are_told_at_80_and_100_percent_of_the_seats(env):
    from bot.events.terms import parse_slot_id, save_terms

    settings, mailbox = env
    slot = await open_house_slot()
    with transaction(settings.database_url) as session:
        save_terms(session=session, event_id=parse_slot_id(slot), capacity=5, author="tests")

    def told() -> list[str]:
        return [
            str(m["Subject"])
            for m in mailbox.messages
            if "recrutement@ardoise.example" in (m["To"] or "")
        ]

    for number in range(5):
        messages = await run(
            ActionBook(),
            tracker(
                "/book",
                intent="book",
                entities=details(slot, email=f"p{number}@example.org"),
                sender=f"s{number}",
            ),
        )
        assert one(messages, "booking")["status"] == "confirmed"
        assert len(told()) == (0 if number < 3 else number - 2)
    assert len(told()) == 2 and told()[0] != told()[1]
