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

TEAMS = {
    "fr": {
        "platform": "Plateforme",
        "data_ml": "Data & ML",
        "product_engineering": "Ingénierie produit",
        "mobile": "Mobile",
        "design": "Design",
        "customer_success": "Customer Success",
        "sales": "Ventes",
        "people": "People (RH)",
    },
    "en": {
        "platform": "Platform",
        "data_ml": "Data & ML",
        "product_engineering": "Product Engineering",
        "mobile": "Mobile",
        "design": "Design",
        "customer_success": "Customer Success",
        "sales": "Sales",
        "people": "People (HR)",
    },
}
LANGUAGE_NAMES = {
    "fr": {"fr": "français", "en": "anglais"},
    "en": {"fr": "French", "en": "English"},
}

# Every sentence, by language. `{when}` is a time written out by `format_when`.
T: dict[str, dict[str, str]] = {
    "fr": {
        "hello": "Bonjour {name},",
        "sign": "À bientôt,\nL'assistant recrutement d'Ardoise Labs",
        "when": "Quand : {when}",
        "yours": "        soit {when} pour vous",
        "with": "Avec : {host}, {role}, équipe {team}",
        "format": "Durée : 30 minutes, en visio",
        "link": "Lien de la visio : {url}",
        "no_link": "Lien de la visio : {host} vous l'enverra par e-mail avant le café.",
        "next": "Et ensuite ? C'est un échange informel, pas un entretien : rien à préparer, "
        "venez avec vos questions sur le travail au quotidien. Vous recevrez un rappel "
        "la veille et une heure avant. L'invitation est jointe pour votre agenda.",
        "manage": "Un empêchement ? Annulez ou déplacez votre café ici :\n{url}",
        "confirmed_subject": "Votre café avec {host} est confirmé : {when}",
        "confirmed_intro": "Votre café équipe est réservé.",
        "moved_subject": "Votre café avec {host} est déplacé : {when}",
        "moved_intro": "Votre café équipe a changé d'horaire. Le nouveau créneau :",
        "was": "(Il était prévu {when}.)",
        "cancelled_subject": "Votre café avec {host} est annulé",
        "cancelled_intro": "Votre café avec {host}, prévu {when}, est annulé. "
        "L'invitation jointe le retire de votre agenda.",
        "cancelled_again": "Vous pouvez en réserver un autre quand vous voulez depuis le chat "
        "du site carrières.",
        "declined_subject": "Votre café avec {host} : toutes nos excuses",
        "declined_intro": "{host} ne peut finalement pas assurer votre café prévu {when}. "
        "Toutes nos excuses. L'invitation jointe le retire de votre agenda.",
        "alternatives": "Voici d'autres créneaux libres :",
        "alternative": "  - {when}, avec {host} ({role})",
        "rebook": "Pour réserver l'un d'eux :\n{url}\n(ou demandez un café dans le chat du site "
        "carrières).",
        "no_alternative": "Aucun autre créneau n'est libre pour le moment ; demandez un café "
        "dans le chat du site carrières dans quelques jours.",
        "reminder_24h_subject": "Rappel : votre café avec {host}, {when}",
        "reminder_24h_intro": "Petit rappel : votre café équipe approche.",
        "reminder_1h_subject": "Votre café avec {host} commence bientôt",
        "reminder_1h_intro": "Votre café équipe commence bientôt.",
        # to the ambassador
        "a_confirmed_subject": "Nouveau café avec {name} : {when}",
        "a_confirmed_intro": "{name} a réservé un café équipe avec vous.",
        "a_moved_subject": "Café avec {name} déplacé : {when}",
        "a_moved_intro": "{name} a déplacé son café avec vous. Le nouveau créneau :",
        "a_cancelled_subject": "Café avec {name} annulé",
        "a_cancelled_intro": "Le café avec {name} prévu {when} est annulé. L'invitation "
        "jointe le retire de votre agenda.",
        "a_declined_subject": "Vous avez décliné le café avec {name}",
        "a_declined_intro": "C'est noté : vous avez décliné le café avec {name} prévu {when}. "
        "{name} a reçu nos excuses et d'autres créneaux.",
        "a_reminder_24h_subject": "Rappel : café avec {name}, {when}",
        "a_reminder_24h_intro": "Petit rappel : votre café avec {name} approche.",
        "a_reminder_1h_subject": "Votre café avec {name} commence bientôt",
        "a_reminder_1h_intro": "Votre café avec {name} commence bientôt.",
        "a_language": "Langue de l'échange : {language}",
        "a_note": "Sujets proposés par {name} :",
        "a_no_note": "{name} n'a pas laissé de message.",
        "a_send_link": "Aucun lien de visio commun n'est configuré : envoyez le vôtre à {name} "
        "({email}) avant le café.",
        "a_decline": "Vous ne pouvez pas ? Déclinez ici ({name} recevra nos excuses et "
        "d'autres créneaux) :\n{url}",
        # to the recruiters
        "r_subject": "[Café équipe] {name} avec {host}, {when} ({status})",
        "r_intro": "Café équipe {status} :",
        "r_who": "Candidat·e : {name} <{email}> ({language})",
        "r_host": "Hôte : {host}, {role}, équipe {team}",
        "r_reference": "Référence : {booking}, conversation {conversation}",
        "status_confirmed": "réservé",
        "status_moved": "déplacé",
        "status_cancelled": "annulé",
        "status_declined": "décliné par l'hôte",
    },
    "en": {
        "hello": "Hello {name},",
        "sign": "See you soon,\nThe Ardoise Labs recruiting assistant",
        "when": "When: {when}",
        "yours": "      that is {when} for you",
        "with": "With: {host}, {role}, {team} team",
        "format": "Length: 30 minutes, by video",
        "link": "Video link: {url}",
        "no_link": "Video link: {host} will e-mail it to you before the coffee.",
        "next": "What happens next? It is an informal chat, not an interview: nothing to "
        "prepare, bring your questions about the day-to-day work. You will get a reminder "
        "the day before and an hour before. The invitation is attached for your calendar.",
        "manage": "Something came up? Cancel or move your coffee here:\n{url}",
        "confirmed_subject": "Your coffee with {host} is confirmed: {when}",
        "confirmed_intro": "Your team coffee is booked.",
        "moved_subject": "Your coffee with {host} has moved: {when}",
        "moved_intro": "Your team coffee has a new time:",
        "was": "(It was planned for {when}.)",
        "cancelled_subject": "Your coffee with {host} is cancelled",
        "cancelled_intro": "Your coffee with {host}, planned for {when}, is cancelled. "
        "The attached invitation removes it from your calendar.",
        "cancelled_again": "You can book another one whenever you like from the chat on "
        "the careers site.",
        "declined_subject": "Your coffee with {host}: our apologies",
        "declined_intro": "{host} can no longer make your coffee planned for {when}. We are "
        "sorry. The attached invitation removes it from your calendar.",
        "alternatives": "Here are other free slots:",
        "alternative": "  - {when}, with {host} ({role})",
        "rebook": "To book one of them:\n{url}\n(or ask for a coffee in the chat on the "
        "careers site).",
        "no_alternative": "No other slot is free right now; ask for a coffee in the chat on "
        "the careers site in a few days.",
        "reminder_24h_subject": "Reminder: your coffee with {host}, {when}",
        "reminder_24h_intro": "A quick reminder: your team coffee is coming up.",
        "reminder_1h_subject": "Your coffee with {host} starts soon",
        "reminder_1h_intro": "Your team coffee starts soon.",
        "a_confirmed_subject": "New coffee with {name}: {when}",
        "a_confirmed_intro": "{name} booked a team coffee with you.",
        "a_moved_subject": "Coffee with {name} moved: {when}",
        "a_moved_intro": "{name} moved their coffee with you. The new time:",
        "a_cancelled_subject": "Coffee with {name} cancelled",
        "a_cancelled_intro": "The coffee with {name} planned for {when} is cancelled. The "
        "attached invitation removes it from your calendar.",
        "a_declined_subject": "You declined the coffee with {name}",
        "a_declined_intro": "Done: you declined the coffee with {name} planned for {when}. "
        "{name} got our apologies and other slots.",
        "a_reminder_24h_subject": "Reminder: coffee with {name}, {when}",
        "a_reminder_24h_intro": "A quick reminder: your coffee with {name} is coming up.",
        "a_reminder_1h_subject": "Your coffee with {name} starts soon",
        "a_reminder_1h_intro": "Your coffee with {name} starts soon.",
        "a_language": "Language of the chat: {language}",
        "a_note": "What {name} would like to ask:",
        "a_no_note": "{name} left no message.",
        "a_send_link": "No shared video link is configured: send yours to {name} ({email}) "
        "before the coffee.",
        "a_decline": "Can't make it? Decline here ({name} will get our apologies and other "
        "slots):\n{url}",
        "r_subject": "[Team coffee] {name} with {host}, {when} ({status})",
        "r_intro": "Team coffee {status}:",
        "r_who": "Candidate: {name} <{email}> ({language})",
        "r_host": "Host: {host}, {role}, {team} team",
        "r_reference": "Reference: {booking}, conversation {conversation}",
        "status_confirmed": "booked",
        "status_moved": "moved",
        "status_cancelled": "cancelled",
        "status_declined": "declined by the host",
    },
}


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
    text = T[language]
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
    text = T[language]
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
    text = T[language]
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
    text = T[language]
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
