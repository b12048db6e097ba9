"""Answering a candidate's question from the knowledge base."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.candidate.answering import respond
from bot.core.db import in_transaction
from bot.core.settings import get_settings
from bot.records.service import local_today


def candidate_language(tracker: Tracker) -> str:
    return tracker.get_slot("language") or get_settings().default_language


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = get_settings()
        language = candidate_language(tracker)
        today = local_today(settings.office_timezone)
        # In a worker thread: the action server runs every action on one event loop.
        reply = await in_transaction(
            settings.database_url,
            lambda session: respond(
                session=session,
                parse=tracker.latest_message,
                language=language,
                conversation_id=tracker.sender_id,
                answer_threshold=settings.answer_threshold,
                clarify_threshold=settings.clarify_threshold,
                today=today,
            ),
        )
        # A domain response (`utter_clarify`...) or the article's text; never both.
        dispatcher.utter_message(
            text=reply.text,
            response=reply.response,
            buttons=reply.buttons,
            json_message=reply.payload,
        )
        return [SlotSet("offer", "human" if reply.offer_human else None)]
