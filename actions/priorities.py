"""`action_priorities`: the model read "what matters to me" (or the chips were sent). A
job search it read that way ("je cherche un poste à Marseille en télétravail complet")
gets the positions (actions/jobs.py)."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.community import answer_wish
from actions.pitch import tell_pitch
from actions.reading import typed_words
from bot.candidate.priorities import tells_what_matters


class ActionPriorities(Action):
    def name(self) -> str:
        return "action_priorities"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        if not tells_what_matters(typed_words(tracker.latest_message)):
            searched = await answer_wish(dispatcher, tracker)
            if searched is not None:
                return searched
        return await tell_pitch(dispatcher, tracker)
