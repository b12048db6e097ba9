""" "What matters to you?": ask with chips, or answer what the candidate said matters to
them with a personal pitch (bot/candidate/priorities.py). Called by `action_priorities`
and by `action_answer` for a question that says what matters. The priorities are kept in the
`priorities` slot for this conversation only: the recruiter's summary reads them, and the
dashboard counts the pitches (no profile, no name)."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.reading import candidate_language, coffee_button, typed_words
from bot.candidate.priorities import (
    pitch,
    priorities_from_entities,
    question,
    read_priorities,
    tells_what_matters,
)
from bot.core import replies
from bot.core.db import in_transaction
from bot.core.priority_texts import PRIORITIES_SLOT
from bot.core.settings import get_settings
from bot.core.texts import text
from bot.core.transcript import refused_command
from bot.events.messages import careers_url
from bot.inbox.service import record_question
from bot.meetings.chat import ANY_TEAM
from bot.records.service import local_today


async def tell_pitch(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The question with its chips, or the pitch for the priorities the message names."""
    settings = get_settings()
    language = candidate_language(tracker)
    parse = tracker.latest_message
    words = typed_words(parse)
    # a refused `/tell_priorities{...}` (crafted values) read as text gets the question:
    # the names it carried never become a pitch through the words
    crafted = refused_command(str(parse.get("text") or ""))
    chosen = priorities_from_entities(parse.get("entities") or []) or (
        () if crafted else read_priorities(words)
    )
    if not chosen:
        if words and tells_what_matters(words):
            # Something matters to them that no chip names: HR should know.
            await in_transaction(
                settings.database_url,
                lambda session: record_question(
                    session=session,
                    conversation_id=tracker.sender_id,
                    text=words,
                    language=language,
                    reason="no_answer",
                ),
            )
        asked, chips, payload = question(language)
        dispatcher.utter_message(text=asked, buttons=chips, json_message=payload)
        return []
    made = await in_transaction(
        settings.database_url,
        lambda session: pitch(
            session=session,
            priorities=chosen,
            said=words,
            language=language,
            today=local_today(settings.office_timezone),
            careers_url=careers_url(settings, language),
            review_max_days=settings.review_max_days,
        ),
    )
    buttons = [
        coffee_button(made.teams[0] if made.teams else ANY_TEAM, language),
        {
            "title": text("pitch_visit_button", language),
            "payload": replies.command("register_event", {"kind": "open_house"}),
        },
    ]
    dispatcher.utter_message(text=made.text, buttons=buttons, json_message=made.payload)
    kept = list(dict.fromkeys([*(tracker.get_slot(PRIORITIES_SLOT) or []), *chosen]))
    return [SlotSet(PRIORITIES_SLOT, kept)]
