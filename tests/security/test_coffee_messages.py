"""The coffee messages a candidate can send (`/book`, `/cancel_booking`, `/move_booking`,
`/meet_team`) with hostile values, against the running assistant.

Every attempt gets a reply in the contract (an `invalid` naming the field, or the
message read as plain text), never a server error; nothing is booked from bad input;
a booked candidate's note and name travel as plain text, and no header can be added
to the e-mails.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from bot.core.db import transaction
from bot.meetings.defaults import prepare_ambassadors
from bot.meetings.models import Booking
from tests.e2e.conftest import new_sender, payloads
from tests.security.attacks import SQL, XSS

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def coffees(assistant):
    with transaction(assistant.settings.database_url) as session:
        prepare_ambassadors(session=session)
    return assistant


@pytest.fixture(scope="module")
def free_slot(coffees) -> str:
    replies = coffees.ask(new_sender(), "un café avec quelqu'un de l'équipe design")
    (offer,) = [p for p in payloads(replies) if p.get("type") == "meeting_offer"]
    return offer["slots"][-1]["id"]


def bookings(coffees, sender: str) -> int:
    with transaction(coffees.settings.database_url) as session:
        return session.execute(
            select(func.count())
            .select_from(Booking)
            .where(Booking.conversation_id == f"rest:{sender}")
        ).scalar_one()


def booking_reply(replies: list[dict]) -> dict:
    (found,) = [p for p in payloads(replies) if p.get("type") == "booking"]
    return found


VALID = {"name": "Ada", "email": "ada.sec@example.org", "consent": True}
BAD_FIELDS = [
    *[({"email": value}, "email") for value in SQL.values()],
    ({"email": "ada@example.org\r\nBcc: everyone@example.org"}, "email"),
    ({"email": "ada@example.org>, <evil@example.org"}, "email"),
    ({"email": ["ada@example.org"]}, None),  # not a scalar: plain text
    ({"email": 42}, "email"),
    ({"email": "a" * 300 + "@example.org"}, "email"),
    ({"name": "Ada\nBcc: evil@example.org"}, "name"),
    ({"name": XSS["script-tag"]}, "name"),
    ({"name": "x" * 81}, "name"),
    ({"name": True}, "name"),
    ({"note": "x" * 501}, "note"),
    ({"note": "\u202eevil"}, "note"),
    ({"note": 3.5}, "note"),
    ({"consent": "true"}, "consent"),
    ({"consent": 1}, "consent"),
    ({"consent": None}, "consent"),
]


@pytest.mark.parametrize(("fields", "field"), BAD_FIELDS, ids=lambda v: str(v)[:40])
def test_bad_contact_details_book_nothing(coffees, free_slot, fields, field):
    sender = new_sender()
    replies = coffees.ask(sender, "/book" + json.dumps({"slot": free_slot, **VALID, **fields}))
    if field is None:
        assert "booking" not in {p.get("type") for p in payloads(replies)}
    else:
        result = booking_reply(replies)
        assert (result["status"], result["field"]) == ("invalid", field)
    assert bookings(coffees, sender) == 0


@pytest.mark.parametrize(
    "slot",
    [
        *SQL.values(),
        *XSS.values(),
        "../../etc/passwd",
        "",
        "x" * 1500,
        "lea-99991231T2330",
        0,
        None,
    ],
    ids=lambda v: str(v)[:30],
)
def test_crafted_slot_ids_are_unknown_slots(coffees, slot):
    sender = new_sender()
    result = booking_reply(coffees.ask(sender, "/book" + json.dumps({"slot": slot, **VALID})))
    assert (result["status"], result["field"], result["code"]) == (
        "invalid",
        "slot",
        "slot_unknown",
    )
    assert bookings(coffees, sender) == 0


@pytest.mark.parametrize(
    "booking", [*SQL.values(), *XSS.values(), "", "x" * 1500, 7, True], ids=lambda v: str(v)[:30]
)
def test_crafted_booking_ids_change_nothing(coffees, free_slot, booking):
    for command in ("/cancel_booking", "/move_booking"):
        result = booking_reply(
            coffees.ask(new_sender(), command + json.dumps({"booking": booking}))
        )
        assert (result["status"], result["field"], result["code"]) == (
            "invalid",
            "booking",
            "booking_unknown",
        )


@pytest.mark.parametrize("team", [*XSS.values(), "../x", "any; drop table booking"])
def test_a_crafted_team_is_plain_text(coffees, team):
    replies = coffees.ask(new_sender(), "/meet_team" + json.dumps({"team": team}))
    assert not {"meeting_offer", "meeting_question"} & {p.get("type") for p in payloads(replies)}


def test_hostile_markup_in_a_booking_travels_as_plain_text(coffees, mailbox):
    sender = new_sender()
    replies = coffees.ask(sender, "un café avec l'équipe mobile ?")
    (offer,) = [p for p in payloads(replies) if p.get("type") == "meeting_offer"]
    note = XSS["img-onerror"] + "\n" + XSS["attribute-breakout"]
    email = f"{sender}@example.org"
    result = booking_reply(
        coffees.ask(
            sender,
            "/book"
            + json.dumps(
                {
                    "slot": offer["slots"][0]["id"],
                    "name": "Ada",
                    "email": email,
                    "note": note,
                    "consent": True,
                }
            ),
        )
    )
    assert result["status"] == "confirmed"
    mail = mailbox.wait_for(lambda m: m["To"] == email)
    # plain text only: no HTML part that a mail client would render
    assert {part.get_content_type() for part in mail.walk()} <= {
        "multipart/mixed",
        "text/plain",
        "text/calendar",
    }
    assert mail["Bcc"] is None
    with transaction(coffees.settings.database_url) as session:
        stored = session.execute(
            select(Booking).where(Booking.public_id == result["booking"])
        ).scalar_one()
    assert stored.note == note  # kept as typed; whoever shows it escapes it
