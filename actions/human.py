"""Asking for, offering and declining a human recruiter.

The live hand-over itself is the handoff workflow's job; here the assistant
acknowledges, explains, and tells the widget with the handoff payload.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher


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
