"""Open houses and reverse Q&A sessions in the conversation: dates with seats, register,
show, cancel, send a question to the leaders; the hackathon's "tell me when it opens".

The same reply contract as team coffees (README, "Reply contract"): a `meeting_offer`
whose `kind` is the event's, `/book{"slot": "event-<id>"}` buttons, `meeting_contact`,
and `booking` (`confirmed`, `waitlisted`, `invalid`, `cancelled`). The rules live in
bot.events; e-mails go after the transaction, off the event loop.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from typing import Any
from zoneinfo import ZoneInfo

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.community import answer_wish
from actions.reading import candidate_language, candidate_timezone, entities, reader, yes_no
from actions.refusals import refuse
from bot.core import replies
from bot.core.clock import utcnow
from bot.core.db import in_transaction
from bot.core.settings import Settings, get_settings
from bot.core.texts import coffee_problem, text
from bot.events import alerts, panel
from bot.events import registrations as service
from bot.events.messages import Kind, send_registration_email
from bot.events.models import Registration
from bot.events.seat_alerts import alert_seats
from bot.events.terms import OpenDate, Terms, event_terms, open_dates, parse_slot_id, slot_id
from bot.meetings.booking import BookingError
from bot.meetings.slots import describe_time, fold
from bot.records.models import Event

logger = logging.getLogger(__name__)
EVENT_KINDS = ("open_house", "reverse_qa")
ALERT_SLOT = "alert-hackathon"
DATES_SHOWN = 4
# Words (folded) that name an event kind, in French and English.
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "open_house": (
        "portes ouvertes",
        "porte ouverte",
        "open house",
        "open day",
        "visite",
        "visiter",
        "visit",
        "locaux",
        "siege",
        "headquarters",
        "hq",
        "immersion",
        "immersive",
    ),
    "reverse_qa": (
        "questions inversees",
        "question inversee",
        "reverse q&a",
        "reverse qa",
        "q&a",
        "qa",
        "dirigeants",
        "fondateurs",
        "founders",
        "leaders",
        "leadership",
        "direction",
        "ceo",
        "cto",
        "codir",
        "comex",
    ),
    "hackathon": ("hackathon", "hackaton", "hack"),
}
FIELDS = {"name": {"max": 80}, "email": {"max": 254}}
# Answering one of these articles shows the event's next dates under the answer.
ARTICLE_EVENTS: dict[str, tuple[str, ...]] = {
    "open-house": ("open_house",),
    "reverse-qa": ("reverse_qa",),
}


def kinds_asked(words: str) -> tuple[str, ...]:
    """The event kinds a message names (none: the two with seats)."""
    folded = fold(words)
    return tuple(
        kind
        for kind, names in KIND_WORDS.items()
        if any(
            re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", folded) is not None
            for name in names
        )
    )


def event_name(kind: str, language: str) -> str:
    return text(f"event_{kind}", language)


def when(terms: Terms, language: str, settings: Settings, tz: str | None) -> str:
    return describe_time(terms.start_utc, language, settings.office_timezone, tz)


def dates_reply(
    dates: list[OpenDate], kind: str, *, language: str, settings: Settings, tz: str | None
) -> tuple[str, list[dict[str, str]], replies.Payload]:
    """One kind's open dates: the text, one button per date, the `meeting_offer`."""
    office = settings.office_timezone
    slots, buttons = [], []
    for date in dates:
        start = date.terms.start_utc.replace(tzinfo=dt.timezone.utc)
        end = date.terms.end_utc.replace(tzinfo=dt.timezone.utc)
        label = describe_time(date.terms.start_utc, language, office, None)
        seats = (
            text("event_full", language)
            if date.waitlist
            else text("event_seats", language, seats=date.seats_left)
        )
        slots.append(
            {
                "id": date.slot_id,
                "start": start.astimezone(ZoneInfo(office)).isoformat(timespec="minutes"),
                "end": end.astimezone(ZoneInfo(office)).isoformat(timespec="minutes"),
                "seats_left": date.seats_left,
                "waitlist": date.waitlist,
                "label": label,
            }
        )
        title = f"{describe_time(date.terms.start_utc, language, office, tz)} · {seats}"
        buttons.append({"title": title, "payload": replies.command("book", {"slot": date.slot_id})})
    words = text("event_dates", language, event=event_name(kind, language))
    return words, buttons, replies.event_offer(kind=kind, slots=slots, timezone=office)


def offer_dates(
    dispatcher: CollectingDispatcher,
    by_kind: dict[str, list[OpenDate]],
    *,
    language: str,
    settings: Settings,
    tz: str | None,
) -> bool:
    """Say each kind's open dates; whether any was open."""
    offered = False
    for kind, dates in by_kind.items():
        if not dates:
            continue
        words, buttons, payload = dates_reply(
            dates, kind, language=language, settings=settings, tz=tz
        )
        dispatcher.utter_message(text=words, buttons=buttons, json_message=payload)
        offered = True
    return offered


def dates_for(
    session: Session, kinds: tuple[str, ...], settings: Settings
) -> dict[str, list[OpenDate]]:
    return {
        kind: open_dates(
            session=session,
            kinds=(kind,),
            now=utcnow(),
            office_timezone=settings.office_timezone,
            limit=DATES_SHOWN,
        )
        for kind in kinds
    }


def alert_offer(dispatcher: CollectingDispatcher, language: str) -> None:
    """The hackathon has no dates: offer to keep the e-mail (the widget's form)."""
    dispatcher.utter_message(
        text=text("event_hackathon", language),
        json_message=replies.meeting_contact(
            slot=ALERT_SLOT,
            host={},
            label="",
            consent=text("event_alert_consent", language),
            fields={"email": FIELDS["email"]},
            kind="hackathon",
        ),
    )


class ActionRegisterEvent(Action):
    """ "Sign me up for the open house": the next dates with seats, or the hackathon list."""

    def name(self) -> str:
        return "action_register_event"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        searched = await answer_wish(dispatcher, tracker)
        if searched is not None:  # a job search the model read as a registration
            return searched
        settings, language = get_settings(), candidate_language(tracker)
        tz = candidate_timezone(tracker)
        kind = entities(tracker).get("kind")
        said = tracker.latest_message.get("text") or ""
        asked = (kind,) if kind in (*EVENT_KINDS, "hackathon") else kinds_asked(said)
        if "hackathon" in asked and not set(asked) & set(EVENT_KINDS):
            alert_offer(dispatcher, language)
            return [SlotSet("offer", None)]
        kinds = tuple(k for k in asked if k in EVENT_KINDS) or EVENT_KINDS
        by_kind = await in_transaction(
            settings.database_url, lambda s: dates_for(s, kinds, settings)
        )
        if not offer_dates(dispatcher, by_kind, language=language, settings=settings, tz=tz):
            names = " / ".join(event_name(k, language) for k in kinds)
            dispatcher.utter_message(
                text=text("event_none", language, event=names),
                buttons=yes_no(language),
                json_message=replies.event_offer(
                    kind=kinds[0], slots=[], timezone=settings.office_timezone
                ),
            )
            return [SlotSet("offer", "human")]
        return [SlotSet("offer", None)]


def is_event_slot(value: Any) -> bool:
    """Whether a `/book` names an event date ("event-12") or the hackathon list."""
    return isinstance(value, str) and (value == ALERT_SLOT or parse_slot_id(value) is not None)


async def _send(
    kind: Kind,
    settings: Settings,
    registration: Registration,
    event: Event,
    terms: Terms,
    **extra: Any,
) -> None:
    try:
        await asyncio.to_thread(
            send_registration_email,
            kind,
            settings=settings,
            registration=registration,
            event=event,
            terms=terms,
            **extra,
        )
    except Exception:  # noqa: BLE001 - the registration is made; the mail is best effort
        logger.exception("the %s e-mail of registration %s was not sent", kind, registration.id)


def _invalid(
    dispatcher: CollectingDispatcher,
    refused: BookingError,
    language: str,
    slot: str | None,
    booking: Any = None,
) -> list[EventType]:
    sentence = text("event_invalid", language, problem=coffee_problem(refused.code, language))
    return refuse(dispatcher, refused, sentence=sentence, booking=booking, slot=slot)


async def book_event(
    dispatcher: CollectingDispatcher, tracker: Tracker, given: dict[str, Any]
) -> list[EventType]:
    """`/book` for an event date (or the hackathon list): contact step, then register."""
    settings, language, tz = reader(tracker).unpacked()
    slot = given.get("slot")
    slot_text = slot if isinstance(slot, str) else None
    contact_step = not any(key in given for key in ("name", "email", "note", "consent"))
    if slot == ALERT_SLOT:
        if contact_step:
            alert_offer(dispatcher, language)
            return [SlotSet("offer", None)]

        def keep(session: Session) -> str:
            kept = alerts.keep_alert(
                session=session,
                kind="hackathon",
                email=given.get("email"),
                language=language,
                consent=given.get("consent"),
                now=utcnow(),
                consent_text=text("event_alert_consent", language),
                conversation_id=tracker.sender_id,
            )
            return kept.email

        try:
            email = await in_transaction(settings.database_url, keep)
        except BookingError as refused:
            return _invalid(dispatcher, refused, language, slot_text)
        dispatcher.utter_message(
            text=text("event_alert_kept", language, email=email),
            json_message=replies.alert_kept("hackathon"),
        )
        return [SlotSet("offer", None)]

    def work(session: Session) -> tuple[str, Any, Event, Terms, int | None]:
        event_id = parse_slot_id(slot)
        event = session.get(Event, event_id) if event_id is not None else None
        if event is None:
            raise service.BadRegistration("event", "event_unknown")
        terms = service.open_terms(
            session=session, event=event, now=utcnow(), office_timezone=settings.office_timezone
        )
        if contact_step:
            return "contact", None, event, terms, None
        made = service.register(
            session=session,
            event_id=event.id,
            conversation_id=tracker.sender_id,
            first_name=given.get("name"),
            email=given.get("email"),
            language=language,
            consent=given.get("consent"),
            now=utcnow(),
            office_timezone=settings.office_timezone,
            consent_text=text("event_consent", language, days=settings.retention_days),
        )
        position = service.waitlist_position(session=session, registration=made)
        return made.status, made, event, terms, position

    try:
        outcome, made, event, terms, position = await in_transaction(settings.database_url, work)
    except BookingError as refused:
        return _invalid(dispatcher, refused, language, slot_text)
    label = when(terms, language, settings, tz)
    name = event_name(event.kind, language)
    if outcome == "contact":
        dispatcher.utter_message(
            text=text("event_contact", language, event=name, when=label),
            json_message=replies.meeting_contact(
                slot=slot_text or "",
                host={},
                label=label,
                consent=text("event_consent", language, days=settings.retention_days),
                fields=FIELDS,
                kind=event.kind,
            ),
        )
        return [SlotSet("offer", None)]
    await _send(
        "confirmed" if outcome == "confirmed" else "waitlisted",
        settings,
        made,
        event,
        terms,
        position=position,
    )
    try:  # 80% and 100% of the seats: the recruiters are told once each
        await asyncio.to_thread(alert_seats, settings, event_id=event.id, now=utcnow())
    except Exception:  # noqa: BLE001 - the registration is made; the notice is best effort
        logger.exception("the seat alerts of event %s were not sent", event.id)
    if outcome == "confirmed":
        words = text("event_confirmed", language, event=name, when=label, email=made.email)
        if event.kind == "reverse_qa":
            words = f"{words} {text('event_panel_hint', language)}"
    else:
        words = text(
            "event_waitlisted",
            language,
            event=name,
            when=label,
            email=made.email,
            position=position or 1,
        )
    dispatcher.utter_message(
        text=words,
        buttons=[
            {
                "title": text("event_cancel_button", language),
                "payload": replies.command("cancel_booking", {"booking": made.public_id}),
            }
        ],
        json_message=replies.booking(
            "confirmed" if outcome == "confirmed" else "waitlisted",
            booking=made.public_id,
            slot=slot_id(event.id),
            kind=event.kind,
        ),
    )
    return [SlotSet("offer", None)]


async def is_registration(public_id: Any) -> bool:
    """Whether `public_id` names an event registration (else: a coffee, or nothing)."""

    def work(session: Session) -> bool:
        try:
            service.get_registration(session=session, public_id=public_id)
        except BookingError:
            return False
        return True

    return await in_transaction(get_settings().database_url, work)


async def cancel_registration(
    dispatcher: CollectingDispatcher, tracker: Tracker, public_id: Any
) -> list[EventType]:
    settings, language, tz = reader(tracker).unpacked()

    def work(session: Session) -> tuple[Any, list[tuple[Registration, Terms]], Terms]:
        done = service.cancel(
            session=session,
            public_id=public_id,
            now=utcnow(),
            office_timezone=settings.office_timezone,
            conversation_id=tracker.sender_id,
        )
        terms = event_terms(
            session=session, event=done.event, office_timezone=settings.office_timezone
        )
        return done, [(offer, terms) for offer in done.offers], terms

    try:
        done, offers, terms = await in_transaction(settings.database_url, work)
    except BookingError as refused:
        return _invalid(dispatcher, refused, language, None, public_id)
    await _send("cancelled", settings, done.registration, done.event, terms)
    for offer, offer_terms in offers:
        await _send("offered", settings, offer, done.event, offer_terms)
    dispatcher.utter_message(
        text=text(
            "event_cancelled",
            language,
            event=event_name(done.event.kind, language),
            when=when(terms, language, settings, tz),
        ),
        json_message=replies.booking(
            "cancelled", booking=done.registration.public_id, slot=slot_id(done.event.id)
        ),
    )
    return [SlotSet("offer", None)]


async def my_registrations(dispatcher: CollectingDispatcher, tracker: Tracker) -> int:
    """Say the conversation's upcoming registrations; how many."""
    settings, language, tz = reader(tracker).unpacked()

    def work(session: Session) -> list[tuple[Registration, Event, Terms]]:
        found = service.upcoming_for(
            session=session,
            conversation_id=tracker.sender_id,
            now=utcnow(),
            office_timezone=settings.office_timezone,
        )
        return [
            (r, e, event_terms(session=session, event=e, office_timezone=settings.office_timezone))
            for r, e in found
        ]

    found = await in_transaction(settings.database_url, work)
    for registration, event, terms in found:
        dispatcher.utter_message(
            text=text(
                "event_yours",
                language,
                event=event_name(event.kind, language),
                when=when(terms, language, settings, tz),
                status=text(f"event_status_{registration.status}", language),
            ),
            buttons=[
                {
                    "title": text("event_cancel_button", language),
                    "payload": replies.command(
                        "cancel_booking", {"booking": registration.public_id}
                    ),
                }
            ],
            json_message=replies.registrations(
                [
                    {
                        "booking": registration.public_id,
                        "slot": slot_id(event.id),
                        "kind": event.kind,
                        "status": registration.status,
                    }
                ]
            ),
        )
    return len(found)


class ActionAskPanel(Action):
    """`/ask_panel{"slot": "event-<id>", "question": "…"}` from the registering conversation."""

    def name(self) -> str:
        return "action_ask_panel"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings, language, tz = reader(tracker).unpacked()
        given = entities(tracker)
        event_id = parse_slot_id(given.get("slot"))

        def work(session: Session) -> tuple[int, Terms]:
            mine = [
                r
                for r, e in service.upcoming_for(
                    session=session,
                    conversation_id=tracker.sender_id,
                    now=utcnow(),
                    office_timezone=settings.office_timezone,
                )
                if e.id == event_id
            ]
            if not mine:
                raise service.RegistrationNotFound()
            question = panel.submit_question(
                session=session,
                registration_id=mine[0].public_id,
                text=given.get("question"),
                now=utcnow(),
                office_timezone=settings.office_timezone,
                conversation_id=tracker.sender_id,
            )
            event = session.get(Event, event_id)
            return question.id, event_terms(
                session=session, event=event, office_timezone=settings.office_timezone
            )

        try:
            question_id, terms = await in_transaction(settings.database_url, work)
        except BookingError as refused:
            dispatcher.utter_message(
                text=text(
                    "event_question_invalid",
                    language,
                    problem=coffee_problem(refused.code, language),
                ),
                json_message=replies.panel_question(
                    "invalid", field=refused.field, code=refused.code
                ),
            )
            return [SlotSet("offer", None)]
        dispatcher.utter_message(
            text=text(
                "event_question_received", language, when=when(terms, language, settings, tz)
            ),
            json_message=replies.panel_question("received", question=str(question_id)),
        )
        return [SlotSet("offer", None)]
