"""Answering a candidate's question from the knowledge base."""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.candidate.answering import respond
from bot.core.settings import get_settings


def candidate_language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or get_settings().default_language


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        reply = await asyncio.to_thread(
            respond,
            settings=get_settings(),
            parse=tracker.latest_message,
            language=candidate_language(tracker),
            conversation_id=tracker.sender_id,
        )
        if reply.response:
            dispatcher.utter_message(
                response=reply.response, buttons=reply.buttons, json_message=reply.payload
            )
        else:
            dispatcher.utter_message(
                text=reply.text, buttons=reply.buttons, json_message=reply.payload
            )
        return [SlotSet("offer", "human" if reply.offer_human else None)]
