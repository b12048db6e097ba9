"""Actions against a real database, with rasa-sdk's CollectingDispatcher."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswer
from actions.events import ActionRegisterEvent
from actions.human import ActionDeclineHuman, ActionOfferHuman, ActionRequestHuman
from actions.meetings import ActionMeetTeam, ActionMyBooking
from actions.priorities import ActionPriorities
from actions.session import ActionSessionStart
from bot.core.db import transaction
from bot.inbox.service import open_items
from bot.records.defaults import prepare_records
from bot.records.service import local_today

FIXTURES = Path(__file__).parent / "fixtures"


def tracker(name: str, **slots) -> Tracker:
    state = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    state["slots"].update(slots)
    return Tracker.from_dict(state)


async def run(action, current: Tracker):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, current, {})
    return dispatcher.messages, events


async def test_answer_uses_the_candidates_language(app_env):
    messages, events = await run(ActionAnswer(), tracker("faq_remote", language="en"))
    assert len(messages) == 1
    message = messages[0]
    assert message["custom"]["type"] == "answer"
    assert message["custom"]["article"] == "remote-work"
    assert "remote" in message["text"].lower()
    assert [b["payload"] for b in message["buttons"]][
        0
    ] == '/choose_article{"article": "remote-allowance"}'
    assert events == [SlotSet("offer", None)]


async def test_answer_in_french_by_default(app_env):
    messages, _ = await run(ActionAnswer(), tracker("faq_remote", language=None))
    assert app_env.default_language == "fr"
    assert "télétravail" in messages[0]["text"].lower()


async def test_no_answer_offers_a_recruiter_and_keeps_the_question(app_env):
    messages, events = await run(ActionAnswer(), tracker("out_of_scope_gym", language="en"))
    assert messages[0]["response"] == "utter_no_answer"
    assert messages[0]["custom"] == {"type": "no_answer"}
    assert events == [SlotSet("offer", "human")]
    with transaction(app_env.database_url) as session:
        items = open_items(session=session)
    assert [(i.text, i.conversation_id) for i in items] == [
        ("Is there a gym at the office?", "gym-1")
    ]


async def test_session_start_discloses_the_ai_in_the_pages_language(app_env):
    messages, events = await run(
        ActionSessionStart(), tracker("new_session", session_started_metadata={"language": "en"})
    )
    assert [m["response"] for m in messages] == ["utter_disclosure_en"]
    assert events == [SessionStarted(), SlotSet("language", "en"), ActionExecuted("action_listen")]


async def test_session_start_is_bilingual_when_the_language_is_unknown(app_env):
    messages, events = await run(ActionSessionStart(), tracker("new_session"))
    assert [m["response"] for m in messages] == ["utter_disclosure"]
    assert events == [SessionStarted(), ActionExecuted("action_listen")]


async def test_session_start_keeps_the_language_of_the_previous_session(app_env):
    messages, events = await run(ActionSessionStart(), tracker("new_session", language="fr"))
    assert [m["response"] for m in messages] == ["utter_disclosure_fr"]
    assert SlotSet("language", "fr") in events


@pytest.mark.parametrize("intent", ["request_human", "affirm"])
async def test_request_human_when_nobody_is_available(app_env, intent):
    current = tracker("faq_remote")
    current.latest_message["intent"] = {"name": intent, "confidence": 0.99}
    messages, events = await run(ActionRequestHuman(), current)
    assert [m["custom"] for m in messages] == [
        {"type": "handoff", "status": "offered", "reason": "unavailable", "callback": True}
    ]
    assert "disponible" in messages[0]["text"] and "e-mail" in messages[0]["text"]
    assert events == [SlotSet("offer", None)]


async def test_personal_matters_are_offered_a_recruiter(app_env):
    current = tracker("faq_remote")
    current.latest_message["intent"] = {"name": "needs_human", "confidence": 0.99}
    messages, events = await run(ActionRequestHuman(), current)
    assert [(m["response"], m["custom"]) for m in messages] == [
        ("utter_needs_human", {"type": "handoff", "status": "offered", "reason": "personal"})
    ]
    assert events == [SlotSet("offer", "human")]


def recruiter_on_duty(database_url: str) -> None:
    """Camille, signed in to the console."""
    from bot.handoff.service import touch_presence
    from bot.staff.accounts import add_user

    with transaction(database_url) as session:
        camille = add_user(
            session=session,
            login="camille",
            display_name="Camille Roux",
            role="recruiter",
            password="a-long-password",
        )
        touch_presence(session=session, user_id=camille.id)


async def test_request_human_in_office_hours_queues_and_pauses(app_env, monkeypatch):
    from bot.core.settings import get_settings
    from bot.handoff.models import Handoff

    monkeypatch.setenv("OFFICE_HOURS", "mon-sun 00:00-24:00")
    get_settings.cache_clear()
    recruiter_on_duty(app_env.database_url)
    current = tracker("faq_remote", language="en")
    current.events = [
        {
            "event": "user",
            "text": "Is there on-call in the platform team?",
            "parse_data": {"intent": {"name": "faq"}},
        },
        {
            "event": "bot",
            "text": "...",
            "data": {"custom": {"type": "answer", "article": "team-platform"}},
        },
    ]
    current.latest_message["intent"] = {"name": "request_human", "confidence": 0.99}
    messages, events = await run(ActionRequestHuman(), current)
    payload = messages[0]["custom"]
    assert payload["type"] == "handoff" and payload["status"] == "queued"
    assert payload["recruiter"] == "Camille Roux"  # platform questions go to Camille
    assert "Camille Roux" in messages[0]["text"] and payload["wait_minutes"] >= 1
    assert events == [SlotSet("offer", None), ConversationPaused()]
    with transaction(app_env.database_url) as session:
        handoff = session.query(Handoff).one()
        assert (handoff.status, handoff.routed_to, handoff.language) == ("queued", "camille", "en")
        assert handoff.summary["asked"] == ["Is there on-call in the platform team?"]
    get_settings.cache_clear()


async def test_offer_and_decline(app_env):
    messages, events = await run(ActionOfferHuman(), tracker("faq_remote"))
    assert messages[0]["custom"] == {
        "type": "handoff",
        "status": "offered",
        "reason": "not_helpful",
    }
    assert events == [SlotSet("offer", "human")]
    messages, events = await run(ActionDeclineHuman(), tracker("faq_remote", offer="human"))
    assert messages[0]["response"] == "utter_no_problem"
    assert events == [SlotSet("offer", None)]


async def test_a_request_for_a_recruiter_is_kept_with_the_question_behind_it(app_env):
    current = tracker("faq_remote", language="en")
    current.events = [
        {
            "event": "user",
            "text": "Is there a gym?",
            "parse_data": {"intent": {"name": "out_of_scope"}},
        },
        {"event": "bot", "text": "I don't know..."},
        {"event": "user", "text": "yes please", "parse_data": {"intent": {"name": "affirm"}}},
    ]
    current.latest_message["intent"] = {"name": "affirm", "confidence": 0.99}
    await run(ActionRequestHuman(), current)
    with transaction(app_env.database_url) as session:
        items = open_items(session=session, reason="human_request")
    assert [(i.text, i.conversation_id, i.language) for i in items] == [
        ("Is there a gym?", "remote-1", "en")
    ]


async def test_out_of_office_hours_a_signed_in_recruiter_is_not_offered(app_env, monkeypatch):
    # a schedule that excludes now: only the hour twelve hours away, on every day
    from datetime import datetime, timezone

    from bot.core.settings import get_settings

    hour = (datetime.now(timezone.utc).hour + 12) % 24
    monkeypatch.setenv("OFFICE_HOURS", f"mon-sun {hour:02d}:00-{hour:02d}:30")
    monkeypatch.setenv("OFFICE_TIMEZONE", "UTC")
    get_settings.cache_clear()
    recruiter_on_duty(app_env.database_url)
    current = tracker("faq_remote")
    current.latest_message["intent"] = {"name": "request_human", "confidence": 0.99}
    messages, events = await run(ActionRequestHuman(), current)
    assert messages[0]["custom"]["reason"] == "unavailable"
    assert ConversationPaused() not in events
    get_settings.cache_clear()


@pytest.mark.parametrize(
    ("said", "about_the_company"),
    [
        ("What's your company's revenue?", True),
        ("Quel est le chiffre d'affaires d'Ardoise Labs ?", True),
        ("Tell me a joke about cats", False),
    ],
)
async def test_off_topic_small_talk_is_redirected_but_not_an_unknown_company_fact(
    app_env, said, about_the_company
):
    current = tracker("faq_remote", language="en")
    current.latest_message["text"] = said
    current.latest_message["intent"] = {"name": "off_topic", "confidence": 0.97}
    current.latest_message["intent_ranking"] = [{"name": "off_topic", "confidence": 0.97}]
    current.latest_message["response_selector"] = {}
    messages, events = await run(ActionAnswer(), current)
    if about_the_company:
        assert [m["response"] for m in messages] == ["utter_no_answer"]
        assert events == [SlotSet("offer", "human")]
        with transaction(app_env.database_url) as session:
            (kept,) = open_items(session=session)
        assert (kept.text, kept.reason) == (said, "no_answer")
    else:
        assert [m["response"] for m in messages] == ["utter_off_topic"]
        assert events == [SlotSet("offer", None)]
        with transaction(app_env.database_url) as session:
            assert open_items(session=session) == []


@pytest.mark.parametrize(
    "action",
    [ActionRegisterEvent, ActionMyBooking, ActionMeetTeam, ActionPriorities, ActionAnswer],
    ids=lambda a: a.__name__,
)
async def test_a_job_search_the_model_misread_still_lists_the_positions(app_env, action):
    """Whatever the model read a search as, every action it can reach lists the positions."""
    with transaction(app_env.database_url) as session:
        prepare_records(session=session, today=local_today(app_env.office_timezone))
    current = tracker("faq_remote", language="en")
    current.latest_message["text"] = "I'm looking for a backend job in Lyon"
    current.latest_message["intent"] = {"name": "register_event", "confidence": 0.8}
    messages, events = await run(action(), current)
    (listed,) = [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == "jobs"]
    assert [job["id"] for job in listed["jobs"]] == ["senior-backend"]
    assert events == [SlotSet("offer", None)]
