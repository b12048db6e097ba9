"""Answering a candidate's question from the knowledge base."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.events import ARTICLE_EVENTS, dates_for, offer_dates
from actions.meetings import ActionMeetTeam
from actions.reading import candidate_language, candidate_timezone
from bot.candidate.answering import RETRIEVAL_INTENT, decide, respond
from bot.core import replies
from bot.core.db import in_transaction
from bot.core.meeting_texts import TEAMS
from bot.core.settings import Settings, get_settings
from bot.core.texts import text
from bot.events.messages import careers_url
from bot.meetings.chat import ANY_TEAM, ARTICLE_TEAMS, meeting_request
from bot.records.service import local_today


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = get_settings()
        if wants_a_coffee(tracker.latest_message, settings):
            return await ActionMeetTeam().run(dispatcher, tracker, domain)
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
                review_max_days=settings.review_max_days,
                careers_url=careers_url(settings, language),
            ),
        )
        # An answer about a team offers a coffee with it: a button, or "yes".
        team = None
        if reply.payload.get("type") == "answer" and not reply.offer_human:
            team = ARTICLE_TEAMS.get(str(reply.payload.get("article")))
        buttons = list(reply.buttons)
        if team is not None:
            buttons.append(coffee_button(team, language))
        if reply.payload.get("type") == "answer" and reply.payload.get("article") == "hackathon":
            buttons.append(
                {
                    "title": text("event_alert_button", language),
                    "payload": replies.command("register_event", {"kind": "hackathon"}),
                }
            )
        # A domain response (`utter_clarify`...) or the article's text; never both.
        dispatcher.utter_message(
            text=reply.text,
            response=reply.response,
            buttons=buttons,
            json_message=reply.payload,
        )
        kinds = ARTICLE_EVENTS.get(str(reply.payload.get("article")))
        if reply.payload.get("type") == "answer" and kinds:
            # An answer about an event: its next dates, to register in one click.
            by_kind = await in_transaction(
                settings.database_url, lambda session: dates_for(session, kinds, settings)
            )
            offer_dates(
                dispatcher,
                by_kind,
                language=language,
                settings=settings,
                tz=candidate_timezone(tracker),
            )
        if team is not None:
            return [SlotSet("offer", "coffee"), SlotSet("meeting_team", team)]
        return [SlotSet("offer", "human" if reply.offer_human else None)]


def coffee_button(team: str, language: str) -> dict[str, str]:
    """ "Have a coffee with the Platform team" (or "Book a coffee" for any team)."""
    if team == ANY_TEAM:
        title = text("coffee_book_button", language)
    else:
        label = TEAMS.get(language, TEAMS["en"]).get(team, team)
        title = text("coffee_team_button", language, team=label)
    return {"title": title, "payload": replies.command("meet_team", {"team": team})}


# How sure the model must be that a message asks to meet someone, when no article fits.
MEET_TEAM_SECOND_OPINION = 0.2


def wants_a_coffee(parse: dict, settings: Settings) -> bool:
    """A message the model read as a question without a sure article, but which asks to
    meet someone who works here: the model's second choice, or its words say so."""
    intent = (parse.get("intent") or {}).get("name")
    if intent not in (RETRIEVAL_INTENT, "nlu_fallback", "out_of_scope"):
        return False
    decision = decide(
        parse,
        answer_threshold=settings.answer_threshold,
        clarify_threshold=settings.clarify_threshold,
    )
    if decision.kind == "answer":
        return False
    meet = next(
        (
            i.get("confidence") or 0.0
            for i in parse.get("intent_ranking") or []
            if i.get("name") == "meet_team"
        ),
        0.0,
    )
    return meet >= MEET_TEAM_SECOND_OPINION or meeting_request(parse.get("text") or "")
