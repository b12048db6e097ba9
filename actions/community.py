"""The talent community from the conversation (issue 14): the form, and the filled-in form.

"Prévenez-moi quand un poste data ouvre", "add me to your talent pool" (read by its
words, `bot.candidate.jobs.community_request`, in every action a message can reach:
the model has no intent for it, so that adding the community left its reading of
every other question as it was), or the button a job search shows when nothing fits,
answer with the sign-up form (`community_form`: the
teams, cities, levels and languages to choose from, what the candidate already said
pre-chosen, the consent sentence). The filled-in form comes back as one structured
message, `/join_community{"email", "teams", "locations", "remote", "level", "languages",
"consent"}`: the sign-up is kept pending (bot.community.service) and the confirmation
e-mail goes; nothing makes it a member but that e-mail's link. A refusal names the
field at fault, nothing saved.
"""

from __future__ import annotations

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.jobs import answer_search
from actions.reading import candidate_language, entities, typed_words
from bot.candidate.jobs import community_request, read_job_wish
from bot.community.mail import Letter, letter, send_confirmation
from bot.community.service import CITIES, PENDING_DAYS, CommunityError, sign_up
from bot.core import replies
from bot.core.clock import utcnow
from bot.core.community_texts import (
    COMMUNITY_WORDS,
    MEMBERSHIP_MONTHS,
    WORK_LANGUAGES,
    community_problem,
)
from bot.core.db import in_transaction
from bot.core.job_texts import JOB_LEVELS, JOB_TEAM_WORDS
from bot.core.meeting_texts import TEAMS
from bot.core.settings import Settings, get_settings
from bot.core.texts import text
from bot.meetings.slots import fold

# Fields that make `/join_community{...}` a filled-in form (the offer's button names
# only the wishes, and opens the form with them chosen).
FORM_FIELDS = ("email", "consent")
WISHES = ("teams", "locations", "remote", "level")


# The form's list fields. Rasa makes `"teams": ["a", "b"]` one entity per name (and an
# empty list none at all), so `entities` alone would keep only the first.
LISTS = ("teams", "locations", "languages")


def form_entities(tracker: Tracker) -> dict[str, Any]:
    """The latest message's entities by name, the list fields whole."""
    found = entities(tracker)
    for name in LISTS:
        values = [
            entity.get("value")
            for entity in tracker.latest_message.get("entities") or []
            if entity.get("entity") == name
        ]
        if values:
            found[name] = [
                v for value in values for v in (value if isinstance(value, list) else [value])
            ]
    return found


def consent_sentence(language: str) -> str:
    return text("community_consent", language, months=MEMBERSHIP_MONTHS)


def wants_community(words: str) -> bool:
    """Whether a typed message asks to hear about positions later."""
    folded = f" {fold(words)} "
    return any(word in folded for word in COMMUNITY_WORDS)


def chosen_wishes(found: dict[str, Any], said: str) -> dict[str, Any]:
    """What the form pre-chooses: the button's wishes, else those the message names."""
    if any(key in found for key in WISHES):
        return {key: found[key] for key in WISHES if key in found}
    wish = read_job_wish(said) if said else None
    if wish is None or wish.empty:
        return {}
    return {
        "teams": [t for t in wish.teams if t in JOB_TEAM_WORDS],
        "locations": [c for c in wish.cities if c in CITIES],
        "remote": wish.remote == "full",
        "level": wish.level,
    }


def community_form(language: str, chosen: dict[str, Any]) -> replies.Payload:
    return replies.community_form(
        teams=[{"id": t, "title": TEAMS[language].get(t, t)} for t in JOB_TEAM_WORDS],
        locations=list(CITIES),
        levels=[{"id": k, "title": v} for k, v in JOB_LEVELS[language].items()],
        languages=[{"id": k, "title": v} for k, v in WORK_LANGUAGES[language].items()],
        chosen=chosen,
        consent=consent_sentence(language),
    )


def _sign_up(session: Session, data: dict[str, Any], conversation_id: str, language: str) -> Letter:
    member = sign_up(
        session=session,
        data=data,
        conversation_id=conversation_id,
        language=language,
        consent_text=consent_sentence(language),
        now=utcnow(),
    )
    return letter(member)


def offer_form(
    dispatcher: CollectingDispatcher, tracker: Tracker, found: dict[str, Any], said: str
) -> list[EventType]:
    """The sign-up form, with the wishes the button or the message named chosen."""
    language = candidate_language(tracker)
    dispatcher.utter_message(
        text=text("community_form", language),
        json_message=community_form(language, chosen_wishes(found, said)),
    )
    return [SlotSet("offer", None)]


async def answer_wish(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType] | None:
    """The form for a typed request to join the talent community, else the `jobs` reply
    for a job search, whatever the model read them as; None for any other message."""
    said = typed_words(tracker.latest_message)
    if said and community_request(said):
        return offer_form(dispatcher, tracker, {}, said)
    return await answer_search(dispatcher, tracker)


class ActionJoinCommunity(Action):
    def name(self) -> str:
        return "action_join_community"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings, language = get_settings(), candidate_language(tracker)
        found = form_entities(tracker)
        if any(field in found for field in FORM_FIELDS):
            return await self._submitted(dispatcher, tracker, settings, language, found)
        said = typed_words(tracker.latest_message)
        if said and not wants_community(said):  # a job search the model read as joining
            searched = await answer_search(dispatcher, tracker)
            if searched is not None:
                return searched
        return offer_form(dispatcher, tracker, found, said)

    async def _submitted(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        settings: Settings,
        language: str,
        data: dict[str, Any],
    ) -> list[EventType]:
        try:
            member = await in_transaction(
                settings.database_url,
                lambda s: _sign_up(s, data, tracker.sender_id, language),
            )
        except CommunityError as refused:
            dispatcher.utter_message(
                text=text(
                    "community_invalid", language, problem=community_problem(refused.code, language)
                ),
                json_message=replies.community("invalid", field=refused.field, code=refused.code),
            )
            return [SlotSet("offer", None)]
        sent = await asyncio.to_thread(send_confirmation, settings, member, utcnow())
        dispatcher.utter_message(
            text=text(
                "community_pending" if sent else "community_pending_no_mail",
                language,
                email=member.email,
                days=PENDING_DAYS,
            ),
            json_message=replies.community("pending_confirmation", mail_sent=sent),
        )
        return [SlotSet("offer", None)]
