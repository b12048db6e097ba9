"""Starting a conversation: the AI disclosure (EU AI Act art. 50) comes first."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.candidate.language import declared_language
from bot.core.settings import LANGUAGES


class ActionSessionStart(Action):
    def name(self) -> str:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        metadata = tracker.get_slot("session_started_metadata") or {}
        language = declared_language(metadata.get("language")) or tracker.get_slot("language")
        # Unknown language (no page hint, first visit): say it in both.
        response = f"utter_disclosure_{language}" if language in LANGUAGES else "utter_disclosure"
        dispatcher.utter_message(response=response)
        events: list[EventType] = [SessionStarted()]
        if language in LANGUAGES:
            events.append(SlotSet("language", language))
        events.append(ActionExecuted("action_listen"))
        return events
