"""Asking for, offering and declining a human recruiter.

The live hand-over itself is the handoff workflow's job; here the assistant
acknowledges, keeps the request (with the question behind it) for the
recruiting team, and tells the widget with the handoff payload.
"""

from __future__ import annotations

import asyncio

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.applications import ActionApply, application_status, wants_to_apply
from actions.community import offer_form
from actions.meetings import ActionMeetTeam
from actions.reading import candidate_language, typed_words, yes_no
from bot.candidate.jobs import community_request
from bot.core import replies
from bot.core.db import in_transaction
from bot.core.settings import get_settings
from bot.core.texts import text
from bot.core.transcript import said
from bot.handoff.requests import request_live_handoff
from bot.handoff.summary import is_question
from bot.inbox.service import record_human_request
from bot.meetings.chat import colleague_request


def last_question(tracker: Tracker) -> str | None:
    """The candidate's latest real question (skipping "yes", "a human please"...)."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        text = event.get("text") or ""
        if is_question(text, intent):
            return said(text)
    return None


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "needs_human" and wants_to_apply(tracker):
            # "je voudrais postuler à l'offre SRE" read as personal: the form, not a recruiter
            return await ActionApply().run(dispatcher, tracker, domain)
        typed = typed_words(tracker.latest_message)
        if community_request(typed):
            # "keep me posted about future openings" read as asking for a human: the form
            return offer_form(dispatcher, tracker, {}, typed)
        if colleague_request(typed):
            # "I want to talk to a backend developer about their day to day": a team
            # coffee with one, not a recruiter
            return await ActionMeetTeam().run(dispatcher, tracker, domain)
        if intent == "needs_human":
            # "Où en est ma candidature ?" after applying here: when and for what, honestly.
            status = await application_status(tracker)
            if status is not None:
                dispatcher.utter_message(
                    text=status,
                    buttons=yes_no(candidate_language(tracker)),
                    json_message=replies.handoff_offered("personal"),
                )
            else:
                dispatcher.utter_message(
                    response="utter_needs_human",
                    json_message=replies.handoff_offered("personal"),
                )
            return [SlotSet("offer", "human")]
        settings = get_settings()
        language = candidate_language(tracker)
        question = last_question(tracker)
        await in_transaction(
            settings.database_url,
            lambda session: record_human_request(
                session=session,
                conversation_id=tracker.sender_id,
                language=language,
                question=question,
            ),
        )
        queued = await asyncio.to_thread(
            request_live_handoff,
            settings=settings,
            conversation_id=tracker.sender_id,
            language=language,
            events=tracker.events,
            reason=intent or "request_human",
        )
        if queued is None:
            # The widget shows the consent sentence and a form (name, e-mail, question).
            dispatcher.utter_message(
                text=text("unavailable", language),
                json_message=replies.handoff_offered("unavailable", question),
            )
            return [SlotSet("offer", None)]
        name = queued.recruiter
        dispatcher.utter_message(
            text=text(
                "queued_named" if name else "queued",
                language,
                name=name,
                minutes=queued.wait_minutes,
            ),
            json_message=replies.handoff_queued(recruiter=name, wait_minutes=queued.wait_minutes),
        )
        return [SlotSet("offer", None), ConversationPaused()]


class ActionOfferHuman(Action):
    def name(self) -> str:
        return "action_offer_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(
            response="utter_offer_human",
            json_message=replies.handoff_offered("not_helpful"),
        )
        return [SlotSet("offer", "human")]


class ActionDeclineHuman(Action):
    def name(self) -> str:
        return "action_decline_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_no_problem")
        return [SlotSet("offer", None)]
