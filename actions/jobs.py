"""A message that searches positions with a filter ("je cherche un poste à Marseille en
télétravail complet"), whatever the model read it as (a question, off topic, a coffee,
what matters): the positions that fit (bot/candidate/jobs.py). Each action that such a
message can reach tries this first."""

from __future__ import annotations

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.reading import candidate_language, typed_words
from bot.candidate.jobs import is_job_search, jobs_reply, positions_recorded, read_job_wish
from bot.core.db import in_transaction
from bot.core.settings import get_settings
from bot.events.messages import careers_url


async def answer_search(
    dispatcher: CollectingDispatcher, tracker: Tracker
) -> list[EventType] | None:
    """The `jobs` reply for a search that names a filter; None for any other message (or
    while HR's records hold no position: the articles answer then)."""
    words = typed_words(tracker.latest_message)
    if not words or not is_job_search(words):
        return None
    wish = read_job_wish(words)
    if wish.empty:
        return None
    settings = get_settings()
    language = candidate_language(tracker)
    listed = await in_transaction(
        settings.database_url,
        lambda session: (
            jobs_reply(
                session=session,
                wish=wish,
                language=language,
                careers_url=careers_url(settings, language),
            )
            if positions_recorded(session=session)
            else None
        ),
    )
    if listed is None:
        return None
    dispatcher.utter_message(text=listed.text, buttons=listed.buttons, json_message=listed.payload)
    return [SlotSet("offer", None)]
