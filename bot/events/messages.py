"""The e-mails of an event registration, in the registration's language (FR/EN), plain
text only (nothing a candidate or HR typed is ever rendered as markup):

- confirmed: the place, with the calendar invitation (METHOD:REQUEST): the address for
  an open house, the video link for a reverse Q&A, and the link to manage the place
  (cancel; for a reverse Q&A, ask the leaders and upvote);
- waitlisted: the place in line; offered: a seat freed up, with the link to take it
  and until when (no invitation until it is taken); offer_expired: it lapsed;
- cancelled: the candidate cancelled (METHOD:CANCEL when they had the invitation);
- event_cancelled: HR cancelled the date: apology, next dates, CANCEL;
- reminder_day / reminder_1h: the day before and an hour before (bot.events.reminders);
- thanks: after the event, one question (1-5 and a comment) by a link, the open
  positions and the team coffees.

The invitation's UID is "event-<public id>@ardoise-assistant", stable for the life of
the registration; SEQUENCE is `registration.sequence` (raised on cancellation).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal
from zoneinfo import ZoneInfo

from bot.core.dates import day_in_words
from bot.core.event_mail_texts import EVENT_NAMES, event_mail_texts
from bot.core.mail import Attachment, send_mail
from bot.core.settings import Settings
from bot.events.models import Registration
from bot.events.terms import OpenDate, Terms
from bot.meetings.invitations import (
    UID_DOMAIN,
    Attendee,
    Method,
    calendar_file,
    invitation_attachment,
)
from bot.meetings.links import Purpose, link_url
from bot.records.models import Event

Kind = Literal[
    "confirmed",
    "waitlisted",
    "offered",
    "offer_expired",
    "cancelled",
    "event_cancelled",
    "reminder_day",
    "reminder_1h",
    "thanks",
]
KINDS: tuple[Kind, ...] = (
    "confirmed",
    "waitlisted",
    "offered",
    "offer_expired",
    "cancelled",
    "event_cancelled",
    "reminder_day",
    "reminder_1h",
    "thanks",
)
# How long the thank-you's rating link works after the event.
FEEDBACK_DAYS = 30


CAREERS = {"fr": ("/fr/", "#postes"), "en": ("/en/", "#jobs")}


@dataclass(frozen=True)
class EventEmail:
    """One e-mail ready to send to the registered candidate."""

    to: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[Attachment, ...]


def _lang(language: str | None) -> str:
    return "fr" if language == "fr" else "en"


def format_when(start_utc: dt.datetime, *, timezone: str, language: str) -> str:
    """A naive UTC time in office time: 'jeudi 3 décembre, 17:30 (heure de Paris)' /
    'Thursday 3 December, 17:30 (Paris time)' (as the coffee e-mails write it)."""
    lang = _lang(language)
    zone = ZoneInfo(timezone)
    local = start_utc.replace(tzinfo=dt.timezone.utc).astimezone(zone)
    city = zone.key.rsplit("/", 1)[-1].replace("_", " ")
    label = (
        (f"heure de {city}" if lang == "fr" else f"{city} time") if "/" in zone.key else zone.key
    )
    return f"{day_in_words(local.date(), lang)}, {local:%H:%M} ({label})"


def event_uid(public_id: str) -> str:
    """The invitation's UID: the same for every version of one registration."""
    return f"event-{public_id}@{UID_DOMAIN}"


def event_name(kind: str, language: str) -> str:
    return EVENT_NAMES[_lang(language)].get(kind, kind)


def place_of(event: Event, language: str) -> str | None:
    """The place HR wrote for the date, in that language (else the other one)."""
    first, second = (
        (event.place_fr, event.place_en) if language == "fr" else (event.place_en, event.place_fr)
    )
    return (first or second or "").strip() or None


def _site(settings: Settings) -> str:
    return settings.public_url or settings.web_url


def careers_url(settings: Settings, language: str) -> str:
    path, anchor = CAREERS[_lang(language)]
    return f"{_site(settings)}{path}{anchor}"


def assistant_url(settings: Settings, language: str) -> str:
    path, _ = CAREERS[_lang(language)]
    return f"{_site(settings)}{path}#assistant"


def registration_link(
    settings: Settings, purpose: Purpose, registration: Registration, terms: Terms
) -> str:
    """A registration's signed link: `registration` until the event ends (cancel before
    it starts; questions until it ends), `seat_offer` until the offer lapses,
    `event_feedback` for FEEDBACK_DAYS after the event."""
    if purpose == "seat_offer":
        expires = registration.offer_expires_at or terms.start_utc
    elif purpose == "event_feedback":
        expires = terms.end_utc + dt.timedelta(days=FEEDBACK_DAYS)
    else:
        expires = terms.end_utc
    return link_url(
        settings,
        purpose=purpose,
        public_id=registration.public_id,
        start_utc=terms.start_utc,
        expires=expires,
    )


def invitation_for(
    *,
    settings: Settings,
    registration: Registration,
    event: Event,
    terms: Terms,
    method: Method,
    manage_url: str | None = None,
) -> bytes:
    """The .ics of the registration: the event's place (open house) or video link
    (reverse Q&A), the candidate as the one attendee."""
    language = _lang(registration.language)
    text = event_mail_texts(language)
    name = event_name(event.kind, language)
    lines = [text["ics_description"].format(event=name)]
    note = event.note_fr if language == "fr" else event.note_en
    if note:
        lines.append(note)
    if terms.online:
        location = terms.video_url or name
        lines.append(
            text["online"].format(url=terms.video_url) if terms.video_url else text["online_later"]
        )
    else:
        location = place_of(event, language) or text["where_default"]
    if manage_url and method == "REQUEST":
        lines.append(text["manage"].format(url=manage_url))
    cancelled = method == "CANCEL"
    return calendar_file(
        uid=event_uid(registration.public_id),
        sequence=registration.sequence,
        stamp_utc=registration.updated_at or registration.created_at,
        start_utc=terms.start_utc,
        end_utc=terms.end_utc,
        summary=("Annulé : " if language == "fr" else "Cancelled: ") * cancelled
        + f"{name} (Ardoise Labs)",
        description="\n\n".join(lines),
        location=location,
        url=terms.video_url if terms.online else None,
        method=method,
        office_timezone=settings.office_timezone,
        organizer_email=settings.notify_from,
        attendees=[Attendee(registration.email, registration.first_name)],
    )


def _details(event: Event, terms: Terms, settings: Settings, language: str) -> str:
    text = event_mail_texts(language)
    lines = [
        text["what"].format(event=event_name(event.kind, language)),
        text["when"].format(
            when=format_when(terms.start_utc, timezone=settings.office_timezone, language=language)
        ),
    ]
    if terms.online:
        lines.append(
            text["online"].format(url=terms.video_url) if terms.video_url else text["online_later"]
        )
    else:
        lines.append(text["where"].format(place=place_of(event, language) or text["where_default"]))
    note = event.note_fr if language == "fr" else event.note_en
    if note:
        lines.append(note)
    return "\n".join(lines)


def compose(
    kind: Kind,
    *,
    settings: Settings,
    registration: Registration,
    event: Event,
    terms: Terms,
    position: int | None = None,
    next_dates: Sequence[OpenDate] = (),
) -> EventEmail:
    """The e-mail `kind` sends to the registered candidate.

    `position`: the place in line (waitlisted); `next_dates`: the dates offered in the
    apology when HR cancels (bot.events.terms.open_dates with `but` = this date)."""
    language = _lang(registration.language)
    text = event_mail_texts(language)
    office = settings.office_timezone
    name = event_name(event.kind, language)
    when = format_when(terms.start_utc, timezone=office, language=language)
    parts = [text["hello"].format(name=registration.first_name)]
    attachments: list[Attachment] = []

    def attach(method: Method, manage_url: str | None = None) -> None:
        ics = invitation_for(
            settings=settings,
            registration=registration,
            event=event,
            terms=terms,
            method=method,
            manage_url=manage_url,
        )
        attachments.append(invitation_attachment(ics, method))

    if kind in ("confirmed", "reminder_day", "reminder_1h"):
        manage_url = registration_link(settings, "registration", registration, terms)
        parts.append(text[f"{kind}_intro"])
        parts.append(_details(event, terms, settings, language))
        if event.kind == "reverse_qa":
            parts.append(text["ask"].format(url=manage_url))
        parts.append(text["manage"].format(url=manage_url))
        attach("REQUEST", manage_url)
    elif kind == "waitlisted":
        manage_url = registration_link(settings, "registration", registration, terms)
        parts.append(text["waitlisted_intro"].format(position=position or "?"))
        parts.append(_details(event, terms, settings, language))
        parts.append(text["waitlisted_manage"].format(url=manage_url))
    elif kind == "offered":
        deadline = format_when(
            registration.offer_expires_at or terms.deadline_utc, timezone=office, language=language
        )
        parts.append(
            text["offered_intro"].format(
                deadline=deadline,
                url=registration_link(settings, "seat_offer", registration, terms),
            )
        )
        parts.append(text["offered_after"])
        parts.append(_details(event, terms, settings, language))
    elif kind == "offer_expired":
        parts.append(text["offer_expired_intro"])
    elif kind == "cancelled":
        parts.append(text["cancelled_intro"])
        parts.append(_details(event, terms, settings, language))
        if registration.confirmed_at is not None:
            parts.append(text["cancelled_calendar"])
            attach("CANCEL")
        parts.append(text["cancelled_again"])
    elif kind == "event_cancelled":
        parts.append(text["event_cancelled_intro"].format(event=name, when=when))
        if next_dates:
            lines = [text["next_dates"]]
            for date in next_dates:
                seats = (
                    text["seats_full"]
                    if date.waitlist
                    else text["seats_left"].format(count=date.seats_left)
                )
                lines.append(
                    text["next_date"].format(
                        when=format_when(date.terms.start_utc, timezone=office, language=language),
                        seats=seats,
                    )
                )
            parts.append("\n".join(lines))
            parts.append(text["rebook"].format(url=assistant_url(settings, language)))
        else:
            parts.append(text["no_dates"].format(url=assistant_url(settings, language)))
        if registration.confirmed_at is not None:
            attach("CANCEL")
    elif kind == "thanks":
        parts.append(
            text["thanks_intro"].format(
                event=name,
                when=when,
                url=registration_link(settings, "event_feedback", registration, terms),
            )
        )
        parts.append(text["thanks_jobs"].format(url=careers_url(settings, language)))
        parts.append(text["thanks_coffee"].format(url=assistant_url(settings, language)))
    else:  # pragma: no cover - Kind is closed
        raise ValueError(f"unknown e-mail kind {kind!r}")
    parts.append(text["sign"])
    return EventEmail(
        to=(registration.email,),
        subject=text[f"{kind}_subject"].format(event=name, when=when),
        body="\n\n".join(parts) + "\n",
        attachments=tuple(attachments),
    )


def send_registration_email(
    kind: Kind,
    *,
    settings: Settings,
    registration: Registration,
    event: Event,
    terms: Terms,
    position: int | None = None,
    next_dates: Sequence[OpenDate] = (),
) -> bool:
    """Compose and send one e-mail; whether the mail server accepted it. Never raises;
    blocking (SMTP): call it after the commit, off the event loop."""
    email = compose(
        kind,
        settings=settings,
        registration=registration,
        event=event,
        terms=terms,
        position=position,
        next_dates=next_dates,
    )
    return send_mail(
        settings,
        to=email.to,
        subject=email.subject,
        body=email.body,
        attachments=email.attachments,
    )
