"""Answering a candidate's question from the knowledge base."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.applications import ActionApply, sends_application
from actions.community import answer_wish
from actions.events import ARTICLE_EVENTS, alert_offer, dates_for, offer_dates
from actions.meetings import ActionMeetTeam
from actions.pitch import tell_pitch
from actions.reading import (
    candidate_language,
    candidate_timezone,
    coffee_button,
    switched_language,
    typed_words,
)
from bot.candidate.answering import QUESTION_INTENTS, RETRIEVAL_INTENT, decide, respond
from bot.candidate.priorities import about_the_company, says_priorities
from bot.core import replies
from bot.core.db import in_transaction
from bot.core.settings import Settings, get_settings
from bot.core.texts import text
from bot.events.messages import careers_url
from bot.meetings.chat import ARTICLE_TEAMS, meeting_request
from bot.records.service import local_today


class ActionAnswer(Action):
    def name(self) -> str:
        return "action_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings = get_settings()
        switched = switched_language(tracker)
        if switched is not None:
            dispatcher.utter_message(
                text=text("language_switched", switched),
                json_message=replies.language_switch(switched),
            )
        if tells_priorities(tracker.latest_message):
            return await tell_pitch(dispatcher, tracker)
        searched = await answer_wish(dispatcher, tracker)
        if searched is not None:
            return searched
        if sends_application(tracker):
            return await ActionApply().run(dispatcher, tracker, domain)
        if wants_a_coffee(tracker.latest_message, settings):
            return await ActionMeetTeam().run(dispatcher, tracker, domain)
        if off_topic(tracker.latest_message):
            # Weather, jokes, homework: redirected. Not the company's own facts ("your
            # revenue?"): those get an honest "I don't know", a recruiter and HR's inbox.
            dispatcher.utter_message(response="utter_off_topic")
            return [SlotSet("offer", None)]
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
                last_article=last_answer(tracker),
                acted_on=(*COFFEE_ARTICLES, *ARTICLE_EVENTS, HACKATHON_ARTICLE),
            ),
        )
        if reply.kind == "follow_up" and reply.text is None:
            # Asked again about booking or registering: do it rather than say it twice.
            return await self._move_on(
                str(reply.payload["article"]), dispatcher, tracker, domain, language
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

    async def _move_on(
        self,
        article: str,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: DomainDict,
        language: str,
    ) -> list[EventType]:
        """The action a second question about a coffee or an event asks for."""
        settings = get_settings()
        if article in COFFEE_ARTICLES:
            return await ActionMeetTeam().run(dispatcher, tracker, domain)
        if article == HACKATHON_ARTICLE:
            alert_offer(dispatcher, language)
            return [SlotSet("offer", None)]
        kinds = ARTICLE_EVENTS[article]
        by_kind = await in_transaction(
            settings.database_url, lambda session: dates_for(session, kinds, settings)
        )
        if not offer_dates(
            dispatcher,
            by_kind,
            language=language,
            settings=settings,
            tz=candidate_timezone(tracker),
        ):
            dispatcher.utter_message(text=text("event_no_date", language))
        return [SlotSet("offer", None)]


# How sure the model must be that a message asks to meet someone, when no article fits.
MEET_TEAM_SECOND_OPINION = 0.2


COFFEE_ARTICLES = ("team-coffee", "ambassadors")
OFF_TOPIC = "off_topic"
HACKATHON_ARTICLE = "hackathon"


def last_answer(tracker: Tracker) -> str | None:
    """The article of the assistant's reply before the latest message, if it was an answer."""
    seen_latest = False
    for event in reversed(tracker.events):
        kind = event.get("event")
        if kind == "user":
            if seen_latest:
                return None
            seen_latest = True
        elif kind == "bot" and seen_latest:
            custom = (event.get("data") or {}).get("custom") or {}
            if custom.get("type"):
                article = custom.get("article")
                return str(article) if custom["type"] == "answer" and article else None
    return None


def off_topic(parse: dict) -> bool:
    """A message the model read as off topic that is not about the company itself."""
    intent = (parse.get("intent") or {}).get("name")
    return intent == OFF_TOPIC and not about_the_company(typed_words(parse))


def tells_priorities(parse: dict) -> bool:
    """A question that says what matters to the candidate ("I care about growth and pay")
    that the model did not read as such: the personal pitch answers it."""
    intent = (parse.get("intent") or {}).get("name")
    return intent in QUESTION_INTENTS and says_priorities(typed_words(parse))


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
