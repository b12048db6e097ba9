"""The team-coffee actions against a real database and a local SMTP server.

The clock is the real one: slots are whatever the default ambassadors' windows give
from now on, so each test reads the offer it got and books from it.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from sqlalchemy import select

from actions.answer import ActionAnswer
from actions.meetings import (
    ActionBook,
    ActionCancelBooking,
    ActionMeetTeam,
    ActionMoveBooking,
    ActionMyBooking,
)
from bot.core.db import transaction
from bot.meetings.chat import read_wish
from bot.meetings.defaults import load_defaults, seed_ambassadors
from bot.meetings.models import Booking
from bot.meetings.slots import parse_slot_id
from tests.actions.conftest import run, tracker


@pytest.fixture
def env(mail_env):
    """The default ambassadors in the action server's database."""
    settings, _ = mail_env
    with transaction(settings.database_url) as session:
        seed_ambassadors(session=session, defaults=load_defaults())
    return mail_env


def command(intent: str, entities: dict[str, Any] | None = None) -> str:
    return f"/{intent}{json.dumps(entities)}" if entities else f"/{intent}"


def custom(messages: list[dict], kind: str) -> dict:
    found = [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind]
    assert len(found) == 1, messages
    return found[0]


async def offer_for(text: str, *, language: str = "fr", **kw: Any) -> list[dict]:
    messages, _ = await run(
        ActionMeetTeam(), tracker(text, intent="meet_team", language=language, **kw)
    )
    return messages


def details(slot: str, **overrides: Any) -> dict[str, Any]:
    return {"slot": slot, "name": "Ada", "email": "ada@example.org", "consent": True, **overrides}


# ------------------------------------------------------------------ reading the wish


@pytest.mark.parametrize(
    ("text", "teams"),
    [
        ("un café avec quelqu'un de la data ?", ("data_ml",)),
        ("I'd like to meet the mobile team", ("mobile",)),
        (
            "Can I talk to an engineer informally?",
            ("platform", "product_engineering", "data_ml", "mobile"),
        ),
        ("échanger avec une designeuse", ("design",)),
        ("je voudrais parler à quelqu'un de l'équipe plateforme", ("platform",)),
    ],
)
def test_the_team_is_read_from_the_candidates_words(text, teams):
    wish = read_wish(text)
    assert wish is not None and wish.teams == teams


def test_a_topic_names_no_team_but_narrows_the_hosts():
    wish = read_wish("someone to talk about parental leave?", topics=["parental leave", "Kotlin"])
    assert wish is not None and wish.teams is None and wish.topic == "parental leave"


@pytest.mark.parametrize("text", ["je voudrais prendre un café", "Can I meet someone?", "café ?"])
def test_nothing_tells_the_team(text):
    assert read_wish(text) is None


# ------------------------------------------------------------------ offering


async def test_a_request_without_a_team_gets_one_short_question(env):
    messages = await offer_for("Je voudrais prendre un café avec quelqu'un")
    question = custom(messages, "meeting_question")
    assert question["teams"] == [
        "platform",
        "data_ml",
        "product_engineering",
        "mobile",
        "design",
        "customer_success",
    ]
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads[-1] == '/meet_team{"team": "any"}'
    assert '/meet_team{"team": "mobile"}' in payloads


async def test_an_offer_names_up_to_three_hosts_and_at_least_three_free_slots(env):
    settings, _ = env
    messages = await offer_for("Can I talk to an engineer informally?", language="en")
    offer = custom(messages, "meeting_offer")
    assert offer["kind"] == "coffee" and offer["timezone"] == "Europe/Paris"
    assert 1 <= len(offer["hosts"]) <= 3 and len(offer["slots"]) >= 3
    assert {h["team"] for h in offer["hosts"]} <= {
        "platform",
        "product_engineering",
        "data_ml",
        "mobile",
    }
    # only what they agreed to show: first name, role, team, topics
    assert all(
        set(h) == {"id", "name", "role", "team", "team_label", "topics"} for h in offer["hosts"]
    )
    assert all(" " not in h["name"] for h in offer["hosts"])
    # one button per slot, in the contract's shape, with the day written out
    buttons = messages[0]["buttons"]
    assert [b["payload"] for b in buttons] == [
        command("book", {"slot": s["id"]}) for s in offer["slots"]
    ]
    for slot, button in zip(offer["slots"], buttons, strict=True):
        assert slot["start"].endswith(("+01:00", "+02:00"))
        assert button["title"].startswith(slot["label"])
        assert slot["host"] in {h["id"] for h in offer["hosts"]}
    assert "Pick a time (Paris time)" in messages[0]["text"]


async def test_a_french_conversation_about_data_is_told_the_host_speaks_english(env):
    # Sofia, the only Data & ML ambassador, speaks English and Portuguese.
    messages = await offer_for("un café avec quelqu'un de la data ?")
    offer = custom(messages, "meeting_offer")
    assert [h["id"] for h in offer["hosts"]] == ["sofia"]
    assert (
        "échange en anglais, portugais" in messages[0]["text"] or "anglais" in messages[0]["text"]
    )


async def test_slots_are_also_shown_in_the_candidates_time_zone(env):
    messages = await offer_for(
        "I'd like to meet the mobile team", language="en", timezone="America/Montreal"
    )
    offer = custom(messages, "meeting_offer")
    assert all("local_label" in s for s in offer["slots"])
    assert "in brackets, your time" in messages[0]["text"]
    # the same instant six hours earlier in Montreal
    first = offer["slots"][0]
    assert messages[0]["buttons"][0]["title"].endswith(f"({first['local_label']})")


async def test_an_answer_about_a_team_offers_a_coffee_with_it(app_env, env):
    faq = Tracker.from_dict(
        {
            "sender_id": "conv-2",
            "slots": {"language": "en"},
            "latest_message": {
                "text": "What does the mobile team work on?",
                "intent": {"name": "faq", "confidence": 0.99},
                "response_selector": {
                    "faq": {
                        "response": {"intent_response_key": "faq/team-mobile", "confidence": 0.99},
                        "ranking": [{"intent_response_key": "faq/team-mobile", "confidence": 0.99}],
                    }
                },
                "entities": [],
            },
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        }
    )
    messages, events = await run(ActionAnswer(), faq)
    assert messages[0]["custom"]["article"] == "team-mobile"
    assert messages[0]["buttons"][-1] == {
        "title": "Have a coffee with the Mobile team",
        "payload": '/meet_team{"team": "mobile"}',
    }
    assert events == [SlotSet("offer", "coffee"), SlotSet("meeting_team", "mobile")]
    # "yes" then offers the mobile team's hosts
    messages, _ = await run(
        ActionMeetTeam(), tracker("yes", intent="affirm", language="en", meeting_team="mobile")
    )
    assert [h["team"] for h in custom(messages, "meeting_offer")["hosts"]] == ["mobile"]


# ------------------------------------------------------------------ booking


async def test_a_picked_slot_asks_for_contact_details_with_the_consent_sentence(env):
    settings, _ = env
    slot = custom(await offer_for("un café avec l'équipe plateforme"), "meeting_offer")["slots"][0][
        "id"
    ]
    messages, _ = await run(
        ActionBook(),
        tracker(command("book", {"slot": slot}), intent="book", entities={"slot": slot}),
    )
    contact = custom(messages, "meeting_contact")
    assert contact["slot"] == slot and contact["host"]["name"] == "Léa"
    assert f"effacés {settings.retention_days} jours après le café" in contact["consent"]
    assert set(contact["fields"]) == {"name", "email", "note"}


async def test_booking_confirms_and_mails_the_candidate_and_the_recruiters(env):
    settings, mailbox = env
    slot = custom(await offer_for("un café avec l'équipe plateforme"), "meeting_offer")["slots"][0][
        "id"
    ]
    note = '<img src=x onerror="alert(1)"> Kubernetes ?'
    messages, _ = await run(
        ActionBook(), tracker("/book", intent="book", entities=details(slot, note=note))
    )
    result = custom(messages, "booking")
    assert result["status"] == "confirmed" and result["slot"] == slot and result["booking"]
    assert "C'est réservé" in messages[0]["text"] and "ada@example.org" in messages[0]["text"]
    assert [b["payload"] for b in messages[0]["buttons"]] == [
        command("cancel_booking", {"booking": result["booking"]}),
        command("move_booking", {"booking": result["booking"]}),
    ]
    candidate = mailbox.wait_for(lambda m: m["To"] == "ada@example.org")
    assert candidate.get_content_type() == "multipart/mixed"
    mailbox.wait_for(lambda m: "recrutement@ardoise.example" in (m["To"] or ""))
    with transaction(settings.database_url) as session:
        stored = session.execute(select(Booking)).scalar_one()
    assert (stored.public_id, stored.note, stored.conversation_id) == (
        result["booking"],
        note,
        "conv-1",
    )
    assert stored.ambassador_id == parse_slot_id(slot)[0]
    assert "effacés" in stored.consent_text


@pytest.mark.parametrize(
    ("overrides", "field", "code"),
    [
        ({"email": "not-an-address"}, "email", "email_invalid"),
        ({"email": None}, "email", "email_invalid"),
        ({"consent": False}, "consent", "consent_missing"),
        ({"consent": "yes"}, "consent", "consent_missing"),
        ({"name": ""}, "name", "name_missing"),
        ({"name": "Ada\u202eevil"}, "name", "name_not_plain"),
        ({"note": "x" * 501}, "note", "note_too_long"),
    ],
)
async def test_bad_contact_details_name_the_field(env, overrides, field, code):
    slot = custom(await offer_for("un café avec l'équipe plateforme"), "meeting_offer")["slots"][0][
        "id"
    ]
    messages, _ = await run(
        ActionBook(), tracker("/book", intent="book", entities=details(slot, **overrides))
    )
    assert custom(messages, "booking") == {
        "type": "booking",
        "status": "invalid",
        "booking": None,
        "slot": slot,
        "field": field,
        "code": code,
    }
    assert messages[0]["text"].startswith("Je n'ai pas pu réserver : ")
    with transaction(env[0].database_url) as session:
        assert session.execute(select(Booking)).first() is None


@pytest.mark.parametrize(
    ("slot", "code"),
    [
        ("nobody-20261203T1300", "slot_unknown"),
        ("lea-20200101T0900", "slot_unknown"),
        ("x" * 500, "slot_unknown"),
        (17, "slot_unknown"),
    ],
)
async def test_unknown_or_past_slots_are_invalid_and_fresh_slots_follow(env, slot, code):
    messages, _ = await run(ActionBook(), tracker("/book", intent="book", entities=details(slot)))
    result = custom(messages, "booking")
    assert (result["status"], result["field"], result["code"]) == ("invalid", "slot", code)
    assert len(custom(messages, "meeting_offer")["slots"]) >= 3


async def test_a_taken_slot_is_unavailable_with_other_slots(env):
    slot = custom(await offer_for("un café avec l'équipe plateforme"), "meeting_offer")["slots"][0][
        "id"
    ]
    first, _ = await run(
        ActionBook(), tracker("/book", intent="book", entities=details(slot), sender="a")
    )
    assert custom(first, "booking")["status"] == "confirmed"
    second, _ = await run(
        ActionBook(),
        tracker("/book", intent="book", entities=details(slot, email="bo@example.org"), sender="b"),
    )
    assert custom(second, "booking") == {
        "type": "booking",
        "status": "unavailable",
        "booking": None,
        "slot": slot,
    }
    fresh = custom(second, "meeting_offer")
    assert slot not in [s["id"] for s in fresh["slots"]] and len(fresh["slots"]) >= 3
    # the contact step says so too, before any details are typed
    contact, _ = await run(
        ActionBook(), tracker("/book", intent="book", entities={"slot": slot}, sender="c")
    )
    assert custom(contact, "booking")["status"] == "unavailable"


async def test_one_upcoming_coffee_per_email(env):
    offer = custom(await offer_for("un café avec l'équipe plateforme"), "meeting_offer")["slots"]
    await run(ActionBook(), tracker("/book", intent="book", entities=details(offer[0]["id"])))
    messages, _ = await run(
        ActionBook(),
        tracker(
            "/book",
            intent="book",
            entities=details(offer[1]["id"], email="ADA@example.org"),
            sender="other",
        ),
    )
    assert custom(messages, "booking")["code"] == "already_booked"


# ------------------------------------------------------------------ after booking


async def booked(sender: str = "conv-1") -> tuple[str, str]:
    slot = custom(await offer_for("un café avec l'équipe plateforme"), "meeting_offer")["slots"][0][
        "id"
    ]
    messages, _ = await run(
        ActionBook(), tracker("/book", intent="book", entities=details(slot), sender=sender)
    )
    return custom(messages, "booking")["booking"], slot


async def test_when_is_my_coffee(env):
    empty, _ = await run(ActionMyBooking(), tracker("c'est quand mon café ?", intent="my_booking"))
    assert custom(empty, "bookings") == {"type": "bookings", "bookings": []}
    booking, slot = await booked()
    messages, _ = await run(
        ActionMyBooking(), tracker("c'est quand mon café ?", intent="my_booking")
    )
    listed = custom(messages, "bookings")["bookings"]
    assert [(b["booking"], b["slot"]) for b in listed] == [(booking, slot)]
    assert messages[0]["text"].startswith("Votre café : ") and "avec Léa" in messages[0]["text"]
    # another conversation sees nothing of it
    other, _ = await run(
        ActionMyBooking(), tracker("when is my coffee?", intent="my_booking", sender="x")
    )
    assert custom(other, "bookings")["bookings"] == []


async def test_cancel_from_the_conversation_that_booked(env):
    settings, mailbox = env
    booking, slot = await booked()
    mailbox.messages.clear()
    refused, _ = await run(
        ActionCancelBooking(),
        tracker(
            "/cancel_booking",
            intent="cancel_booking",
            entities={"booking": booking},
            sender="someone-else",
        ),
    )
    assert custom(refused, "booking") == {
        "type": "booking",
        "status": "invalid",
        "booking": booking,
        "slot": None,
        "field": "booking",
        "code": "booking_not_yours",
    }
    messages, _ = await run(
        ActionCancelBooking(),
        tracker("/cancel_booking", intent="cancel_booking", entities={"booking": booking}),
    )
    assert custom(messages, "booking") == {
        "type": "booking",
        "status": "cancelled",
        "booking": booking,
        "slot": slot,
    }
    cancel = mailbox.wait_for(lambda m: m["To"] == "ada@example.org")
    ics = [p for p in cancel.walk() if p.get_content_type() == "text/calendar"]
    assert ics and b"METHOD:CANCEL" in ics[0].get_payload(decode=True)
    again, _ = await run(
        ActionCancelBooking(),
        tracker("/cancel_booking", intent="cancel_booking", entities={"booking": booking}),
    )
    assert custom(again, "booking")["code"] == "booking_closed"
    unknown, _ = await run(
        ActionCancelBooking(),
        tracker("/cancel_booking", intent="cancel_booking", entities={"booking": "nope"}),
    )
    assert custom(unknown, "booking")["code"] == "booking_unknown"


async def test_move_offers_other_slots_then_moves(env):
    settings, mailbox = env
    booking, slot = await booked()
    messages, _ = await run(
        ActionMoveBooking(),
        tracker("/move_booking", intent="move_booking", entities={"booking": booking}),
    )
    offer = custom(messages, "meeting_offer")
    assert offer["booking"] == booking and slot not in [s["id"] for s in offer["slots"]]
    target = offer["slots"][0]["id"]
    assert messages[0]["buttons"][0]["payload"] == command(
        "move_booking", {"booking": booking, "slot": target}
    )
    mailbox.messages.clear()
    moved, _ = await run(
        ActionMoveBooking(),
        tracker(
            "/move_booking", intent="move_booking", entities={"booking": booking, "slot": target}
        ),
    )
    assert custom(moved, "booking") == {
        "type": "booking",
        "status": "moved",
        "booking": booking,
        "slot": target,
    }
    update = mailbox.wait_for(lambda m: m["To"] == "ada@example.org")
    ics = [p for p in update.walk() if p.get_content_type() == "text/calendar"][0].get_payload(
        decode=True
    )
    assert b"METHOD:REQUEST" in ics and b"SEQUENCE:1" in ics
    with transaction(settings.database_url) as session:
        stored = session.execute(select(Booking)).scalar_one()
    assert (stored.ambassador_id, stored.start_utc) == parse_slot_id(target)
    refused, _ = await run(
        ActionMoveBooking(),
        tracker(
            "/move_booking",
            intent="move_booking",
            entities={"booking": booking, "slot": target},
            sender="x",
        ),
    )
    assert custom(refused, "booking")["code"] == "booking_not_yours"


# ------------------------------------------------------------------ a request the model missed


def parse(text: str, intent: str, confidence: float, **others: float) -> dict:
    """A parse as Rasa gives it: the intent ranking and the article ranking."""
    ranking = [{"name": intent, "confidence": confidence}] + [
        {"name": name, "confidence": value} for name, value in others.items()
    ]
    return {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "intent_ranking": ranking,
        "response_selector": {
            "faq": {
                "ranking": [
                    {"intent_response_key": "faq/job-product-designer", "confidence": 0.3},
                    {"intent_response_key": "faq/reverse-interview", "confidence": 0.25},
                ]
            }
        },
    }


@pytest.mark.parametrize(
    ("message", "wanted"),
    [
        # words of meeting and of someone who works here, no sure article: a coffee
        (parse("j'aimerais bien rencontrer un membre de l'équipe design", "faq", 0.47), True),
        (parse("can I speak with a designer before I apply?", "faq", 0.98), True),
        # the model's second choice is a coffee
        (parse("une demi-heure avec une designer ?", "faq", 0.6, meet_team=0.3), True),
        # a recruiter or an interview is not a coffee
        (parse("je voudrais parler à un recruteur de l'équipe", "faq", 0.5), False),
        (parse("can I talk to the team during the interview?", "faq", 0.9), False),
        # no meeting word, no second opinion: an honest "I don't know"
        (parse("what do your designers earn?", "faq", 0.9, meet_team=0.05), False),
    ],
)
def test_a_request_to_meet_that_the_model_missed_still_gets_a_coffee(app_env, message, wanted):
    from actions.answer import wants_a_coffee

    assert wants_a_coffee(message, app_env) is wanted


def test_a_sure_answer_is_never_turned_into_a_coffee(app_env):
    from actions.answer import wants_a_coffee

    sure = parse("can I talk to someone about the design team?", "faq", 0.99)
    sure["response_selector"]["faq"]["ranking"] = [
        {"intent_response_key": "faq/team-design", "confidence": 0.97}
    ]
    assert wants_a_coffee(sure, app_env) is False


async def test_the_answer_action_offers_the_coffee_for_such_a_request(env):
    current = tracker("j'aimerais bien rencontrer un membre de l'équipe design", intent="faq")
    current.latest_message.update(
        parse("j'aimerais bien rencontrer un membre de l'équipe design", "faq", 0.47)
    )
    messages, _ = await run(ActionAnswer(), current)
    assert [h["team"] for h in custom(messages, "meeting_offer")["hosts"]] == ["design"]


@pytest.mark.parametrize(
    ("text", "wanted"),
    [
        ("I want to talk to a backend developer about their day to day", True),
        ("can I speak to an engineer?", True),
        ("Je voudrais discuter avec un dev de l'équipe data", True),
        # a human at large, HR, a recruiter: the handoff stays
        ("I want to talk to someone", False),
        ("je veux parler à un humain", False),
        ("je veux parler à quelqu'un des RH", False),
        ("I want to talk to a recruiter about the backend job", False),
        ("I need to speak to a human about my data engineer application", False),
        ("talk to someone in the people team", False),
    ],
)
def test_asking_for_a_colleague_of_a_trade_is_told_from_asking_for_a_human(text, wanted):
    from bot.meetings.chat import colleague_request

    assert colleague_request(text) is wanted


async def test_a_colleague_asked_for_as_a_human_gets_a_coffee_offer(env):
    """The model read "talk to a backend developer" as asking for a human: a coffee with
    an engineer is offered, and nobody is queued for a recruiter."""
    from actions.human import ActionRequestHuman

    said = "I want to talk to a backend developer about their day to day"
    messages, events = await run(
        ActionRequestHuman(), tracker(said, intent="request_human", language="en")
    )
    hosts = custom(messages, "meeting_offer")["hosts"]
    assert hosts and {h["team"] for h in hosts} <= {"platform", "product_engineering", "data_ml"}
    assert not any((m.get("custom") or {}).get("type") == "handoff" for m in messages)
