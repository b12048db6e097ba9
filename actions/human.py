"""Asking for, offering and declining a human recruiter.

The live hand-over itself is the handoff workflow's job; here the assistant
acknowledges, keeps the request (with the question behind it) for the
recruiting team, and tells the widget with the handoff payload.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import candidate_language
from bot.inbox import record_human_request
from bot.settings import get_settings

# Messages that are about the conversation, not the candidate's question.
NOT_A_QUESTION = {"affirm", "deny", "request_human", "greet", "thank", "goodbye", "not_helpful"}


def last_question(tracker: Tracker) -> str | None:
    """The candidate's latest real question (skipping "yes", "a human please"...)."""
    for event in reversed(tracker.events):
        if event.get("event") != "user":
            continue
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        text = event.get("text") or ""
        if intent not in NOT_A_QUESTION and text and not text.startswith("/"):
            return text
    return None


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "needs_human":
            dispatcher.utter_message(
                response="utter_needs_human",
                json_message={"type": "handoff", "status": "offered", "reason": "personal"},
            )
            return [SlotSet("offer", "human")]
        await asyncio.to_thread(
            record_human_request,
            database_url=get_settings().database_url,
            conversation_id=tracker.sender_id,
            language=candidate_language(tracker),
            question=last_question(tracker),
        )
        dispatcher.utter_message(
            response="utter_request_human",
            json_message={"type": "handoff", "status": "requested"},
        )
        return [SlotSet("offer", None)]


class ActionOfferHuman(Action):
    def name(self) -> str:
        return "action_offer_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(
            response="utter_offer_human",
            json_message={"type": "handoff", "status": "offered", "reason": "not_helpful"},
        )
        return [SlotSet("offer", "human")]


class ActionDeclineHuman(Action):
    def name(self) -> str:
        return "action_decline_human"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_no_problem")
        return [SlotSet("offer", None)]
