"""Team coffees in the conversation: offer hosts and slots, book, show, cancel, move.

The reply contract (README, "Reply contract"): `meeting_question`, `meeting_offer`
(one button per slot, payload `/book{"slot": …}`), `meeting_contact` (the widget's
form; REST clients send `/book{"slot", "name", "email", "consent": true}`), and
`booking` with its status. The rules live in bot.meetings; here the action reads
the message, calls them in one transaction, and writes the replies. E-mails are
sent after the transaction, off the event loop; a failed e-mail never undoes a booking.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.community import answer_wish
from actions.events import (
    book_event,
    cancel_registration,
    is_event_slot,
    is_registration,
    my_registrations,
)
from actions.reading import entities, reader, yes_no
from actions.refusals import refuse
from bot.core import replies
from bot.core.clock import utcnow
from bot.core.db import in_transaction
from bot.core.meeting_texts import LANGUAGE_NAMES, TEAMS
from bot.core.settings import Settings
from bot.core.texts import coffee_problem, text
from bot.meetings import booking as service
from bot.meetings.chat import (
    Proposal,
    Wish,
    active_teams,
    all_topics,
    propose,
    read_wish,
    wish_for_team,
)
from bot.meetings.messages import Kind
from bot.meetings.models import Ambassador, Booking
from bot.meetings.notices import announce
from bot.meetings.slots import (
    Slot,
    coffee_rules,
    describe_time,
    format_day,
    parse_slot_id,
)

logger = logging.getLogger(__name__)
CONTACT_FIELDS = {
    "name": {"max": service.MAX_NAME},
    "email": {"max": service.MAX_EMAIL},
    "note": {"max": service.MAX_NOTE},
}
DETAILS = ("name", "email", "note", "consent")
# The languages ambassadors speak, in words (beyond the two the assistant speaks).
LANGUAGE_WORDS = {
    "fr": {
        **LANGUAGE_NAMES["fr"],
        "pt": "portugais",
        "es": "espagnol",
        "de": "allemand",
        "it": "italien",
    },
    "en": {
        **LANGUAGE_NAMES["en"],
        "pt": "Portuguese",
        "es": "Spanish",
        "de": "German",
        "it": "Italian",
    },
}


# ------------------------------------------------------------------ words and payloads


def team_label(team: str, language: str) -> str:
    return TEAMS.get(language, TEAMS["en"]).get(team, team)


def host_json(ambassador: Ambassador, language: str) -> dict[str, Any]:
    """What candidates see of a host (what they agreed to: first name, role, team, topics)."""
    return {
        "id": ambassador.id,
        "name": ambassador.first_name,
        "role": ambassador.role,
        "team": ambassador.team,
        "team_label": team_label(ambassador.team, language),
        "topics": [str(t) for t in ambassador.topics or []],
    }


def when(start_utc: dt.datetime, language: str, settings: Settings, tz: str | None) -> str:
    """ "jeudi 3 décembre, 14:00 (heure de Paris)", and the candidate's time when it differs."""
    return describe_time(start_utc, language, settings.office_timezone, tz)


def _local_label(slot: Slot, language: str, office: str, tz: str | None) -> str | None:
    if tz is None:
        return None
    theirs, ours = (
        format_day(slot.start_utc, language, tz),
        format_day(slot.start_utc, language, office),
    )
    return theirs if theirs != ours else None


def offer_reply(
    proposal: Proposal,
    *,
    language: str,
    settings: Settings,
    tz: str | None,
    moving: Booking | None = None,
) -> tuple[str, list[dict[str, str]], replies.Payload]:
    """The offer's text, one button per slot and the `meeting_offer` payload."""
    office = settings.office_timezone
    city = office.rsplit("/", 1)[-1].replace("_", " ")
    names = {host.id: host.first_name for host in proposal.hosts}
    lines = []
    if moving is None:
        lines.append(text("coffee_hosts", language))
        for host in proposal.hosts:
            lines.append(
                text(
                    "coffee_host_line",
                    language,
                    name=host.first_name,
                    role=host.role,
                    team=team_label(host.team, language),
                    topics=", ".join(str(t) for t in host.topics or []),
                )
            )
        if proposal.other_language:
            spoken = list(dict.fromkeys(lang for h in proposal.hosts for lang in h.languages or []))
            lines.append(
                text(
                    "coffee_other_language",
                    language,
                    names=", ".join(h.first_name for h in proposal.hosts),
                    languages=", ".join(
                        LANGUAGE_WORDS.get(language, {}).get(lang, lang) for lang in spoken
                    ),
                )
            )
    slots, buttons, yours = [], [], False
    for slot in proposal.slots:
        label = format_day(slot.start_utc, language, office)
        local = _local_label(slot, language, office, tz)
        item = dict(slot.to_json(office), label=label)
        title = f"{label} · {names.get(slot.ambassador_id, slot.ambassador_id)}"
        if local:
            item["local_label"] = local
            title = f"{title} ({local})"
            yours = True
        slots.append(item)
        if moving is None:
            command = replies.command("book", {"slot": slot.id})
        else:
            command = replies.command(
                "move_booking", {"booking": moving.public_id, "slot": slot.id}
            )
        buttons.append({"title": title, "payload": command})
    if moving is not None:
        lines.append(
            text(
                "coffee_move_pick",
                language,
                when=when(moving.start_utc, language, settings, tz),
                city=city,
            )
        )
    else:
        lines.append(text("coffee_pick_yours" if yours else "coffee_pick", language, city=city))
    payload = replies.meeting_offer(
        hosts=[host_json(h, language) for h in proposal.hosts],
        slots=slots,
        timezone=office,
        booking=moving.public_id if moving is not None else None,
    )
    return "\n".join(lines), buttons, payload


def utter_offer(
    dispatcher: CollectingDispatcher,
    proposal: Proposal,
    *,
    language: str,
    settings: Settings,
    tz: str | None,
    moving: Booking | None = None,
) -> list[EventType]:
    """Say the offer, or that there is no free slot (and offer a recruiter)."""
    if not proposal.slots:
        dispatcher.utter_message(
            text=text("coffee_none", language, days=coffee_rules().horizon.days),
            buttons=yes_no(language),
            json_message=replies.meeting_offer(
                hosts=[], slots=[], timezone=settings.office_timezone
            ),
        )
        return [SlotSet("offer", "human")]
    words, buttons, payload = offer_reply(
        proposal, language=language, settings=settings, tz=tz, moving=moving
    )
    dispatcher.utter_message(text=words, buttons=buttons, json_message=payload)
    return [SlotSet("offer", None)]


def booking_buttons(booking: Booking, language: str) -> list[dict[str, str]]:
    return [
        {
            "title": text("coffee_cancel_button", language),
            "payload": replies.command("cancel_booking", {"booking": booking.public_id}),
        },
        {
            "title": text("coffee_move_button", language),
            "payload": replies.command("move_booking", {"booking": booking.public_id}),
        },
    ]


def host_words(ambassador: Ambassador, language: str) -> dict[str, str]:
    return {
        "host": ambassador.first_name,
        "role": ambassador.role,
        "team": team_label(ambassador.team, language),
    }


async def send(
    kind: Kind, settings: Settings, booking: Booking, host: Ambassador, **extra: Any
) -> None:
    """The e-mails (and the recruiters' webhook) of a change, off the event loop; a
    failure is logged: the change is made and the candidate is told so."""
    try:
        await asyncio.to_thread(
            announce, kind, settings=settings, booking=booking, ambassador=host, **extra
        )
    except Exception:  # noqa: BLE001 - the booking is made; the mail is best effort
        logger.exception("the %s e-mails of booking %s were not sent", kind, booking.id)


# ------------------------------------------------------------------ the actions


class ActionMeetTeam(Action):
    """A candidate wants to meet the team: ask which team, or offer hosts and slots."""

    def name(self) -> str:
        return "action_meet_team"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        searched = await answer_wish(dispatcher, tracker)
        if searched is not None:  # "je cherche un poste de développeuse à Paris"
            return searched
        settings, language, tz = reader(tracker).unpacked()
        given = entities(tracker)
        team = given.get("team") or tracker.get_slot("meeting_team")
        said = tracker.latest_message.get("text") or ""

        def work(session: Session) -> tuple[Wish | None, Proposal | None, list[str]]:
            wish = wish_for_team(team) if team else None
            if wish is None and not said.startswith("/"):
                wish = read_wish(said, topics=all_topics(session=session))
            if wish is None:
                return None, None, active_teams(session=session)
            proposal = propose(
                session=session,
                wish=wish,
                language=language,
                now=utcnow(),
                office_timezone=settings.office_timezone,
            )
            return wish, proposal, []

        wish, proposal, teams = await in_transaction(settings.database_url, work)
        events: list[EventType] = [SlotSet("meeting_team", None)]
        if proposal is None:
            buttons = [
                {
                    "title": team_label(t, language),
                    "payload": replies.command("meet_team", {"team": t}),
                }
                for t in teams
            ]
            buttons.append(
                {
                    "title": text("coffee_any_team", language),
                    "payload": replies.command("meet_team", {"team": "any"}),
                }
            )
            dispatcher.utter_message(
                text=text("coffee_which_team", language),
                buttons=buttons,
                json_message=replies.meeting_question(teams),
            )
            return [*events, SlotSet("offer", None)]
        return events + utter_offer(
            dispatcher, proposal, language=language, settings=settings, tz=tz
        )


def _fresh_offer(
    session: Session, *, slot_id: Any, language: str, settings: Settings, exclude: Sequence[str]
) -> Proposal:
    """Other slots after one was refused: the same team when the slot names a host."""
    teams: tuple[str, ...] | None = None
    try:
        host = session.get(Ambassador, parse_slot_id(slot_id)[0])
        teams = (host.team,) if host is not None else None
    except ValueError:
        pass
    proposal = propose(
        session=session,
        wish=Wish(teams),
        language=language,
        now=utcnow(),
        office_timezone=settings.office_timezone,
        exclude=exclude,
    )
    if not proposal.slots and teams is not None:
        proposal = propose(
            session=session,
            wish=Wish(None),
            language=language,
            now=utcnow(),
            office_timezone=settings.office_timezone,
            exclude=exclude,
        )
    return proposal


class ActionBook(Action):
    """`/book{"slot"}` asks for contact details; with them, books the coffee."""

    def name(self) -> str:
        return "action_book"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings, language, tz = reader(tracker).unpacked()
        given = entities(tracker)
        slot_id = given.get("slot")
        if is_event_slot(slot_id):
            return await book_event(dispatcher, tracker, given)
        slot_text = slot_id if isinstance(slot_id, str) else None
        contact_step = not any(key in given for key in DETAILS)
        rules = coffee_rules()

        def work(session: Session) -> tuple[str, Any, Any]:
            now = utcnow()
            try:
                host, start = service.check_slot(
                    session=session,
                    slot_id=slot_id,
                    now=now,
                    office_timezone=settings.office_timezone,
                    rules=rules,
                )
                if contact_step:
                    if service.slot_held(
                        session=session,
                        ambassador_id=host.id,
                        start=start,
                        end=start + rules.duration,
                    ):
                        raise service.SlotTaken()
                    return "contact", host, start
                host = session.get(Ambassador, host.id)
                made = service.book(
                    session=session,
                    slot_id=str(slot_id),
                    conversation_id=tracker.sender_id,
                    name=given.get("name"),
                    email=given.get("email"),
                    note=given.get("note"),
                    language=language,
                    candidate_timezone=tz,
                    consent=given.get("consent"),
                    now=now,
                    office_timezone=settings.office_timezone,
                    consent_text=text(
                        "coffee_consent",
                        language,
                        host=host.first_name,
                        days=settings.retention_days,
                    ),
                    rules=rules,
                )
                return "confirmed", made, host
            except (service.SlotTaken, service.CapReached):
                offer = _fresh_offer(
                    session,
                    slot_id=slot_id,
                    language=language,
                    settings=settings,
                    exclude=[slot_text] if slot_text else [],
                )
                return "unavailable", offer, None
            except service.BookingError as refused:
                offer = None
                if refused.field == "slot":
                    offer = _fresh_offer(
                        session,
                        slot_id=slot_id,
                        language=language,
                        settings=settings,
                        exclude=[slot_text] if slot_text else [],
                    )
                return "invalid", refused, offer

        outcome, first, second = await in_transaction(settings.database_url, work)
        if outcome == "contact":
            host, start = first, second
            words = host_words(host, language)
            label = when(start, language, settings, tz)
            dispatcher.utter_message(
                text=text("coffee_contact", language, when=label, **words),
                json_message=replies.meeting_contact(
                    slot=slot_text or "",
                    host=host_json(host, language),
                    label=label,
                    consent=text(
                        "coffee_consent",
                        language,
                        host=host.first_name,
                        days=settings.retention_days,
                    ),
                    fields=CONTACT_FIELDS,
                ),
            )
            return [SlotSet("offer", None)]
        if outcome == "confirmed":
            made, host = first, second
            await send("confirmed", settings, made, host)
            dispatcher.utter_message(
                text=text(
                    "coffee_confirmed",
                    language,
                    when=when(made.start_utc, language, settings, made.candidate_timezone),
                    email=made.candidate_email,
                    **host_words(host, language),
                ),
                buttons=booking_buttons(made, language),
                json_message=replies.booking("confirmed", booking=made.public_id, slot=slot_text),
            )
            return [SlotSet("offer", None)]
        if outcome == "unavailable":
            dispatcher.utter_message(
                text=text("coffee_unavailable", language),
                json_message=replies.booking("unavailable", slot=slot_text),
            )
            return utter_offer(dispatcher, first, language=language, settings=settings, tz=tz)
        refused, offer = first, second
        dispatcher.utter_message(
            text=text("coffee_invalid", language, problem=coffee_problem(refused.code, language)),
            json_message=replies.booking(
                "invalid", slot=slot_text, field=refused.field, code=refused.code
            ),
        )
        if offer is not None:
            return utter_offer(dispatcher, offer, language=language, settings=settings, tz=tz)
        return [SlotSet("offer", None)]


class ActionMyBooking(Action):
    """ "When is my coffee?": the conversation's upcoming coffees, to cancel or move."""

    def name(self) -> str:
        return "action_my_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        searched = await answer_wish(dispatcher, tracker)
        if searched is not None:  # a job search the model read as "my booking"
            return searched
        settings, language, tz = reader(tracker).unpacked()

        def work(session: Session) -> list[tuple[Booking, Ambassador]]:
            found = service.upcoming_for(
                session=session, conversation_id=tracker.sender_id, now=utcnow()
            )
            return [(b, session.get(Ambassador, b.ambassador_id)) for b in found]

        upcoming = await in_transaction(settings.database_url, work)
        registered = await my_registrations(dispatcher, tracker)
        if not upcoming and not registered:
            dispatcher.utter_message(
                text=text("coffee_none_booked", language),
                buttons=[
                    {
                        "title": text("coffee_book_button", language),
                        "payload": replies.command("meet_team", {"team": "any"}),
                    }
                ],
                json_message=replies.bookings([]),
            )
            return [SlotSet("offer", None)]
        for made, host in upcoming:
            dispatcher.utter_message(
                text=text(
                    "coffee_yours",
                    language,
                    when=when(made.start_utc, language, settings, made.candidate_timezone or tz),
                    **host_words(host, language),
                ),
                buttons=booking_buttons(made, language),
                json_message=replies.bookings([_booking_json(made, settings)]),
            )
        return [SlotSet("offer", None)]


def _booking_json(made: Booking, settings: Settings) -> dict[str, Any]:
    slot = Slot(made.ambassador_id, made.start_utc, made.end_utc)
    item = slot.to_json(settings.office_timezone)
    return {
        "booking": made.public_id,
        "slot": item["id"],
        "start": item["start"],
        "end": item["end"],
        "host": made.ambassador_id,
    }


class ActionCancelBooking(Action):
    """`/cancel_booking{"booking"}`: only the conversation that booked it may cancel it."""

    def name(self) -> str:
        return "action_cancel_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings, language, tz = reader(tracker).unpacked()
        public_id = entities(tracker).get("booking")

        def work(session: Session) -> tuple[Booking, Ambassador]:
            made = service.cancel(
                session=session,
                public_id=public_id,
                now=utcnow(),
                conversation_id=tracker.sender_id,
            )
            return made, session.get(Ambassador, made.ambassador_id)

        try:
            made, host = await in_transaction(settings.database_url, work)
        except service.BookingError as refused:
            if type(refused) is service.BookingNotFound and await is_registration(public_id):
                return await cancel_registration(dispatcher, tracker, public_id)
            return refuse_change(dispatcher, refused, language, public_id)
        await send("cancelled", settings, made, host)
        dispatcher.utter_message(
            text=text(
                "coffee_cancelled",
                language,
                when=when(made.start_utc, language, settings, made.candidate_timezone or tz),
                **host_words(host, language),
            ),
            json_message=replies.booking(
                "cancelled",
                booking=made.public_id,
                slot=Slot(made.ambassador_id, made.start_utc, made.end_utc).id,
            ),
        )
        return [SlotSet("offer", None)]


def refuse_change(
    dispatcher: CollectingDispatcher,
    refused: service.BookingError,
    language: str,
    public_id: Any,
    slot: str | None = None,
) -> list[EventType]:
    problem = coffee_problem(refused.code, language)
    sentence = text("coffee_invalid_change", language, problem=problem)
    return refuse(dispatcher, refused, sentence=sentence, booking=public_id, slot=slot)


class ActionMoveBooking(Action):
    """`/move_booking{"booking"}` offers other slots; with `"slot"`, moves the coffee there."""

    def name(self) -> str:
        return "action_move_booking"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings, language, tz = reader(tracker).unpacked()
        given = entities(tracker)
        public_id, slot_id = given.get("booking"), given.get("slot")
        slot_text = slot_id if isinstance(slot_id, str) else None

        def work(session: Session) -> tuple[str, Any, Any, Any]:
            now = utcnow()
            made = service.changeable(
                session=session, public_id=public_id, conversation_id=tracker.sender_id, now=now
            )
            current = Slot(made.ambassador_id, made.start_utc, made.end_utc).id
            before = (made.start_utc, session.get(Ambassador, made.ambassador_id))
            if slot_id is None:
                offer = _fresh_offer(
                    session,
                    slot_id=current,
                    language=language,
                    settings=settings,
                    exclude=[current],
                )
                return "offer", made, offer, None
            try:
                moved = service.move(
                    session=session,
                    public_id=public_id,
                    new_slot_id=slot_id,
                    now=now,
                    office_timezone=settings.office_timezone,
                    conversation_id=tracker.sender_id,
                )
            except (service.SlotTaken, service.CapReached):
                offer = _fresh_offer(
                    session,
                    slot_id=slot_id,
                    language=language,
                    settings=settings,
                    exclude=[current, slot_text or ""],
                )
                return "unavailable", made, offer, None
            return "moved", moved, session.get(Ambassador, moved.ambassador_id), before

        try:
            outcome, made, other, before = await in_transaction(settings.database_url, work)
        except service.BookingError as refused:
            return refuse_change(dispatcher, refused, language, public_id, slot_text)
        if outcome == "offer":
            return utter_offer(
                dispatcher, other, language=language, settings=settings, tz=tz, moving=made
            )
        if outcome == "unavailable":
            dispatcher.utter_message(
                text=text("coffee_unavailable", language),
                json_message=replies.booking("unavailable", booking=made.public_id, slot=slot_text),
            )
            return utter_offer(
                dispatcher, other, language=language, settings=settings, tz=tz, moving=made
            )
        previous_start, previous_host = before
        extra: dict[str, Any] = {"previous_start_utc": previous_start}
        if previous_host is not None and previous_host.id != other.id:
            extra["previous_ambassador"] = previous_host
        await send("moved", settings, made, other, **extra)
        dispatcher.utter_message(
            text=text(
                "coffee_moved",
                language,
                when=when(made.start_utc, language, settings, made.candidate_timezone or tz),
                **host_words(other, language),
            ),
            buttons=booking_buttons(made, language),
            json_message=replies.booking("moved", booking=made.public_id, slot=slot_text),
        )
        return [SlotSet("offer", None)]
