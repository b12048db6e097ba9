"""The e-mails of a team coffee: confirmation, move, cancellation, reminders, and the
apology when the ambassador declines; each with the calendar invitation attached.

Who reads what, in which language:
- the candidate, in the language of the conversation (`booking.language`);
- the ambassador, in their first language among French and English;
- the recruiters (NOTIFY_EMAILS), a copy in the deployment's default language.

Every e-mail is plain text only, so nothing a candidate typed (name, note) is ever
rendered as markup; their note is quoted line by line ("> ") so it cannot pass for
the assistant's own words (a fake "decline here" link, say). Times are written out
in office time ("jeudi 3 décembre, 14:00 (heure de Paris)") and also in the
candidate's own zone when its clock differs at that moment.

The video link: the company gives none, so the assistant invents none. A deployment
that has a fixed room sets it (`coffee_video_url` on the settings, COFFEE_VIDEO_URL);
without it, the candidate is told the host sends the link, and the host is asked to.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.dates import day_in_words
from bot.core.mail import Attachment, send_mail
from bot.core.meeting_texts import LANGUAGE_NAMES, TEAMS, coffee_mail_texts
from bot.core.settings import Settings
from bot.meetings.invitations import Method, first_name, invitation, invitation_attachment
from bot.meetings.links import link_url

if TYPE_CHECKING:
    from bot.meetings.models import Ambassador, Booking
    from bot.meetings.slots import Slot

Kind = Literal["confirmed", "moved", "cancelled", "declined", "reminder_24h", "reminder_1h"]
Role = Literal["candidate", "ambassador", "former_ambassador", "recruiters"]
ROLES: tuple[Role, ...] = ("candidate", "ambassador", "former_ambassador", "recruiters")
KINDS: tuple[Kind, ...] = (
    "confirmed",
    "moved",
    "cancelled",
    "declined",
    "reminder_24h",
    "reminder_1h",
)
METHODS: dict[Kind, Method] = {
    "confirmed": "REQUEST",
    "moved": "REQUEST",
    "cancelled": "CANCEL",
    "declined": "CANCEL",
    "reminder_24h": "REQUEST",
    "reminder_1h": "REQUEST",
}
UTC = dt.timezone.utc


@dataclass(frozen=True)
class Alternative:
    """A free slot offered in the apology when an ambassador declines."""

    start_utc: dt.datetime
    host_name: str
    host_role: str


def alternatives_from(
    slots: Iterable[Slot], ambassadors: Mapping[str, Ambassador]
) -> list[Alternative]:
    """The apology's lines from free slots (`slots.Slot`) and their hosts, by id."""
    found = []
    for slot in slots:
        host = ambassadors.get(slot.ambassador_id)
        if host is not None:
            found.append(Alternative(slot.start_utc, host.name, host.role))
    return found


@dataclass(frozen=True)
class MeetingEmail:
    """One e-mail ready to send: who it is for (`role`), to whom, what it says."""

    role: Role
    to: tuple[str, ...]
    subject: str
    body: str
    attachments: tuple[Attachment, ...]


def _lang(language: str | None) -> str:
    return "fr" if language == "fr" else "en"


def ambassador_language(ambassador: Ambassador) -> str:
    """The ambassador's first language among those the e-mails are written in."""
    for language in ambassador.languages or ():
        if language in ("fr", "en"):
            return str(language)
    return "en"


def _zone_label(zone: ZoneInfo, language: str) -> str:
    """'heure de Paris' / 'Paris time' from 'Europe/Paris'; a bare key ('UTC') as is."""
    key = zone.key
    if "/" not in key:
        return key
    city = key.rsplit("/", 1)[1].replace("_", " ")
    return f"heure de {city}" if language == "fr" else f"{city} time"


def format_when(start_utc: dt.datetime, *, timezone: str, language: str) -> str:
    """A stored naive UTC start written out in `timezone`:
    'jeudi 3 décembre, 14:00 (heure de Paris)' / 'Thursday 3 December, 14:00 (Paris time)'."""
    lang = _lang(language)
    zone = ZoneInfo(timezone)
    local = start_utc.replace(tzinfo=UTC).astimezone(zone)
    return f"{day_in_words(local.date(), lang)}, {local:%H:%M} ({_zone_label(zone, lang)})"


def candidate_zone(
    start_utc: dt.datetime, *, office_timezone: str, candidate_timezone: str | None
) -> str | None:
    """The candidate's zone when its clock differs from the office's at `start_utc`
    (a Brussels candidate reads Paris time as is); None when it does not, or is unknown."""
    if not candidate_timezone or candidate_timezone == office_timezone:
        return None
    try:
        zone = ZoneInfo(candidate_timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    instant = start_utc.replace(tzinfo=UTC)
    if (
        instant.astimezone(zone).utcoffset()
        == instant.astimezone(ZoneInfo(office_timezone)).utcoffset()
    ):
        return None
    return candidate_timezone


def _when_lines(booking: Booking, office_timezone: str, language: str) -> list[str]:
    text = coffee_mail_texts(language)
    lines = [
        text["when"].format(
            when=format_when(booking.start_utc, timezone=office_timezone, language=language)
        )
    ]
    theirs = candidate_zone(
        booking.start_utc,
        office_timezone=office_timezone,
        candidate_timezone=booking.candidate_timezone,
    )
    if theirs:
        lines.append(
            text["yours"].format(
                when=format_when(booking.start_utc, timezone=theirs, language=language)
            )
        )
    return lines


def quoted(note: str) -> str:
    """The candidate's own words, each line marked as a quotation."""
    return "\n".join(f"> {line}" for line in note.strip().splitlines())


def video_url_of(settings: Settings) -> str | None:
    """The deployment's video room for coffees (COFFEE_VIDEO_URL), if it has one."""
    return settings.coffee_video_url


def compose(
    kind: Kind,
    *,
    settings: Settings,
    booking: Booking,
    ambassador: Ambassador,
    previous_start_utc: dt.datetime | None = None,
    previous_ambassador: Ambassador | None = None,
    alternatives: Sequence[Alternative] = (),
) -> list[MeetingEmail]:
    """The e-mails `kind` sends about `booking`: to the candidate, to the ambassador (when
    their address is known), and, for a booking, move, cancellation or decline, a copy to
    the recruiters. Reminders go to the candidate and the ambassador only.

    `previous_start_utc`: the old time of a moved booking; `previous_ambassador`: its
    old host when the move changed the host (they get a cancellation, the new host a
    booking); `alternatives`: the free slots offered in a decline's apology.
    """
    office = settings.office_timezone
    video_url = video_url_of(settings)
    method = METHODS[kind]
    live = method == "REQUEST"
    candidate_language = _lang(booking.language)

    manage_url = None
    if live:
        manage_url = link_url(
            settings, purpose="manage", public_id=booking.public_id, start_utc=booking.start_utc
        )
    elif kind == "declined" and alternatives:
        # The apology's link lets the candidate pick one of the slots offered: it
        # works until the last of them starts.
        manage_url = link_url(
            settings,
            purpose="manage",
            public_id=booking.public_id,
            start_utc=max(a.start_utc for a in alternatives),
        )

    def calendar_file(link: str | None) -> Attachment:
        ics = invitation(
            booking=booking,
            ambassador=ambassador,
            method=method,
            office_timezone=office,
            organizer_email=settings.notify_from,
            video_url=video_url,
            manage_url=link,
        )
        return invitation_attachment(ics, method)

    # The candidate's copy carries their cancel/move link; the others' never does
    # (it would let the host or a recruiter cancel as the candidate).
    attachment = calendar_file(None)

    emails = [
        _to_candidate(
            kind,
            settings=settings,
            booking=booking,
            ambassador=ambassador,
            language=candidate_language,
            video_url=video_url,
            manage_url=manage_url,
            previous_start_utc=previous_start_utc,
            alternatives=alternatives,
            attachment=calendar_file(manage_url) if live else attachment,
        )
    ]
    if ambassador.email:
        decline_url = None
        if live:
            decline_url = link_url(
                settings,
                purpose="decline",
                public_id=booking.public_id,
                start_utc=booking.start_utc,
            )
        new_host = previous_ambassador is not None and previous_ambassador.id != ambassador.id
        emails.append(
            _to_ambassador(
                "confirmed" if kind == "moved" and new_host else kind,
                settings=settings,
                booking=booking,
                ambassador=ambassador,
                video_url=video_url,
                decline_url=decline_url,
                attachment=attachment,
            )
        )
    if (
        kind == "moved"
        and previous_ambassador is not None
        and previous_ambassador.id != ambassador.id
        and previous_ambassador.email
    ):
        former_start = previous_start_utc or booking.start_utc
        cancel = invitation(
            booking=booking,
            ambassador=previous_ambassador,
            method="CANCEL",
            office_timezone=office,
            organizer_email=settings.notify_from,
            video_url=video_url,
            start_utc=former_start,
        )
        emails.append(
            _to_ambassador(
                "cancelled",
                settings=settings,
                booking=booking,
                ambassador=previous_ambassador,
                video_url=video_url,
                decline_url=None,
                attachment=invitation_attachment(cancel, "CANCEL"),
                start_utc=former_start,
                role="former_ambassador",
            )
        )
    if settings.notify_emails and not kind.startswith("reminder"):
        emails.append(
            _to_recruiters(
                kind,
                settings=settings,
                booking=booking,
                ambassador=ambassador,
                attachment=attachment,
            )
        )
    return emails


def _to_candidate(
    kind: Kind,
    *,
    settings: Settings,
    booking: Booking,
    ambassador: Ambassador,
    language: str,
    video_url: str | None,
    manage_url: str | None,
    previous_start_utc: dt.datetime | None,
    alternatives: Sequence[Alternative],
    attachment: Attachment,
) -> MeetingEmail:
    text = coffee_mail_texts(language)
    office = settings.office_timezone
    host = ambassador.first_name
    when = format_when(booking.start_utc, timezone=office, language=language)
    parts = [text["hello"].format(name=first_name(booking.candidate_name))]
    if kind in ("cancelled", "declined"):
        parts.append(text[f"{kind}_intro"].format(host=host, when=when))
        if kind == "cancelled":
            parts.append(text["cancelled_again"])
        elif alternatives:
            lines = [text["alternatives"]]
            lines += [
                text["alternative"].format(
                    when=format_when(a.start_utc, timezone=office, language=language),
                    host=first_name(a.host_name),
                    role=a.host_role,
                )
                for a in alternatives
            ]
            parts.append("\n".join(lines))
            parts.append(text["rebook"].format(url=manage_url))
        else:
            parts.append(text["no_alternative"])
    else:
        parts.append(text[f"{kind}_intro"])
        details = _when_lines(booking, office, language)
        details.append(
            text["with"].format(
                host=host,
                role=ambassador.role,
                team=TEAMS[language].get(ambassador.team, ambassador.team),
            )
        )
        details.append(text["format"])
        details.append(
            text["link"].format(url=video_url) if video_url else text["no_link"].format(host=host)
        )
        parts.append("\n".join(details))
        if kind == "moved" and previous_start_utc is not None:
            parts.append(
                text["was"].format(
                    when=format_when(previous_start_utc, timezone=office, language=language)
                )
            )
        if kind == "confirmed":
            parts.append(text["next"])
        parts.append(text["manage"].format(url=manage_url))
    parts.append(text["sign"])
    return MeetingEmail(
        role="candidate",
        to=(booking.candidate_email,),
        subject=text[f"{kind}_subject"].format(host=host, when=when),
        body="\n\n".join(parts) + "\n",
        attachments=(attachment,),
    )


def _to_ambassador(
    kind: Kind,
    *,
    settings: Settings,
    booking: Booking,
    ambassador: Ambassador,
    video_url: str | None,
    decline_url: str | None,
    attachment: Attachment,
    start_utc: dt.datetime | None = None,
    role: Role = "ambassador",
) -> MeetingEmail:
    language = ambassador_language(ambassador)
    text = coffee_mail_texts(language)
    office = settings.office_timezone
    name = first_name(booking.candidate_name)
    when = format_when(start_utc or booking.start_utc, timezone=office, language=language)
    parts = [text["hello"].format(name=ambassador.first_name)]
    if kind in ("cancelled", "declined"):
        parts.append(text[f"a_{kind}_intro"].format(name=name, when=when))
    else:
        parts.append(text[f"a_{kind}_intro"].format(name=name))
        details = [text["when"].format(when=when)]
        details.append(
            text["a_language"].format(language=LANGUAGE_NAMES[language][_lang(booking.language)])
        )
        parts.append("\n".join(details))
        if booking.note.strip():
            parts.append(text["a_note"].format(name=name) + "\n" + quoted(booking.note))
        else:
            parts.append(text["a_no_note"].format(name=name))
        if video_url:
            parts.append(text["link"].format(url=video_url))
        else:
            parts.append(text["a_send_link"].format(name=name, email=booking.candidate_email))
        if decline_url:
            parts.append(text["a_decline"].format(name=name, url=decline_url))
    parts.append(text["sign"])
    return MeetingEmail(
        role=role,
        to=(str(ambassador.email),),
        subject=text[f"a_{kind}_subject"].format(name=name, when=when),
        body="\n\n".join(parts) + "\n",
        attachments=(attachment,),
    )


def _to_recruiters(
    kind: Kind,
    *,
    settings: Settings,
    booking: Booking,
    ambassador: Ambassador,
    attachment: Attachment,
) -> MeetingEmail:
    language = _lang(settings.default_language)
    text = coffee_mail_texts(language)
    when = format_when(booking.start_utc, timezone=settings.office_timezone, language=language)
    name = first_name(booking.candidate_name)
    status = text[f"status_{kind}"]
    lines = [
        text["r_intro"].format(status=status),
        text["when"].format(when=when),
        text["r_who"].format(
            name=name,
            email=booking.candidate_email,
            language=LANGUAGE_NAMES[language][_lang(booking.language)],
        ),
        text["r_host"].format(
            host=ambassador.name,
            role=ambassador.role,
            team=TEAMS[language].get(ambassador.team, ambassador.team),
        ),
        text["r_reference"].format(booking=booking.public_id, conversation=booking.conversation_id),
    ]
    parts = ["\n".join(lines)]
    if booking.note.strip():
        parts.append(text["a_note"].format(name=name) + "\n" + quoted(booking.note))
    return MeetingEmail(
        role="recruiters",
        to=tuple(settings.notify_emails),
        subject=text["r_subject"].format(
            name=name, host=ambassador.first_name, when=when, status=status
        ),
        body="\n\n".join(parts) + "\n",
        attachments=(attachment,),
    )


def send_emails(settings: Settings, emails: Sequence[MeetingEmail]) -> dict[Role, bool]:
    """Send each e-mail on its own (one failing does not stop the others); whether
    each was accepted by the mail server, by role. Never raises."""
    return {
        email.role: send_mail(
            settings,
            to=email.to,
            subject=email.subject,
            body=email.body,
            attachments=email.attachments,
        )
        for email in emails
    }


def send_booking_emails(
    kind: Kind,
    *,
    settings: Settings,
    booking: Booking,
    ambassador: Ambassador,
    previous_start_utc: dt.datetime | None = None,
    previous_ambassador: Ambassador | None = None,
    alternatives: Sequence[Alternative] = (),
    roles: Sequence[Role] = ROLES,
) -> dict[Role, bool]:
    """Compose and send `kind`'s e-mails to `roles` (e.g. a privacy erasure tells only
    the ambassador and the recruiters). Blocking (SMTP): call it off the event loop."""
    emails = compose(
        kind,
        settings=settings,
        booking=booking,
        ambassador=ambassador,
        previous_start_utc=previous_start_utc,
        previous_ambassador=previous_ambassador,
        alternatives=alternatives,
    )
    return send_emails(settings, [email for email in emails if email.role in roles])
