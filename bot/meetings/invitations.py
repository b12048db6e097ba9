"""Calendar invitations for team coffees: one iCalendar (RFC 5545) file per e-mail.

Written with the `icalendar` library, never by hand. The rules that make calendar
clients (Outlook, Google, Apple, Thunderbird) update one event instead of adding
a second one:

- the UID is stable for the life of a booking ("<public_id>@ardoise-assistant"),
  so a move or a cancellation lands on the event the first invitation created;
- SEQUENCE is the booking's `sequence`, raised by the booking service on every
  change (a client ignores a REQUEST whose SEQUENCE is not above what it has);
- METHOD:REQUEST for a new or moved coffee, METHOD:CANCEL (and STATUS:CANCELLED)
  for a cancellation or an ambassador's decline.

Times are written in the office's time zone (TZID=Europe/Paris) with its VTIMEZONE,
not in UTC: the coffee is arranged in office time (the ambassadors' windows are
office time), the file reads as it was agreed, and every client converts it to its
own zone from the VTIMEZONE's rules, which are generated from the same tz database
as the rest of the assistant (`zoneinfo`), so daylight-saving weeks stay right.

ORGANIZER is the assistant's own address (NOTIFY_FROM), not the ambassador: it is
the assistant that sends every REQUEST and CANCEL, and a client that sees its own
user as ORGANIZER of an invitation it received treats it as its own event. The
ambassador is an ATTENDEE with ROLE=CHAIR, the candidate a REQ-PARTICIPANT; RSVP is
FALSE because changes go through the signed links, not calendar replies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, vCalAddress, vText

from bot.core.mail import Attachment, one_line
from bot.core.meeting_texts import invitation_text

if TYPE_CHECKING:
    from bot.meetings.models import Ambassador, Booking

Method = Literal["REQUEST", "CANCEL"]
UID_DOMAIN = "ardoise-assistant"
PRODID = "-//Ardoise Labs//Ardoise assistant//EN"
FILENAME = "invite.ics"
UTC = dt.timezone.utc


def booking_uid(public_id: str) -> str:
    """The invitation's UID: the same for every version of one booking."""
    return f"{public_id}@{UID_DOMAIN}"


def first_name(name: str) -> str:
    """'Léa' of 'Léa Moreau': how the assistant names people to each other."""
    return name.split()[0] if name.split() else name


def _aware(naive_utc: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """A stored naive UTC time as the same instant in `zone`."""
    return naive_utc.replace(tzinfo=UTC).astimezone(zone)


def _address(email: str, name: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{one_line(email)}")
    # CN is a parameter: no line break, no double quote (RFC 5545 3.2 has no escape for it).
    address.params["CN"] = vText(one_line(name).replace('"', "'"))
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = value
    return address


def invitation(
    *,
    booking: Booking,
    ambassador: Ambassador,
    method: Method,
    office_timezone: str,
    organizer_email: str,
    video_url: str | None = None,
    manage_url: str | None = None,
    start_utc: dt.datetime | None = None,
) -> bytes:
    """The .ics file for `booking` as it stands, in the candidate's language.

    `video_url` is the coffee's video link when the deployment has one (else the
    file says the host will send it); `manage_url` the candidate's signed
    cancel/reschedule link, written into the description when given; `start_utc`
    another start than the booking's (the time a former host's CANCEL names when a
    move changed the host).
    """
    start = start_utc or booking.start_utc
    end = start + (booking.end_utc - booking.start_utc)
    language = "fr" if booking.language == "fr" else "en"
    host = first_name(ambassador.name)
    cancelled = method == "CANCEL"

    lines = [invitation_text("description", language, host=host, role=ambassador.role)]
    if video_url:
        lines.append(invitation_text("link_line", language, url=video_url))
    else:
        lines.append(invitation_text("no_link_line", language, host=host))
    if booking.note:
        # Plain text: calendar clients show DESCRIPTION as text, the library escapes it.
        lines.append(
            invitation_text("candidate_note", language, name=first_name(booking.candidate_name))
        )
        lines.append(booking.note)
    if manage_url and not cancelled:
        lines.append(invitation_text("manage_line", language, url=manage_url))

    attendees = []
    if ambassador.email:
        attendees.append(Attendee(ambassador.email, ambassador.name, role="CHAIR"))
    attendees.append(Attendee(booking.candidate_email, booking.candidate_name))
    return calendar_file(
        uid=booking_uid(booking.public_id),
        sequence=booking.sequence,
        stamp_utc=booking.updated_at or booking.created_at,
        start_utc=start,
        end_utc=end,
        summary=(invitation_text("cancelled", language) if cancelled else "")
        + invitation_text("summary", language, host=host),
        description="\n\n".join(lines),
        location=video_url or invitation_text("no_link_location", language, host=host),
        url=video_url,
        method=method,
        office_timezone=office_timezone,
        organizer_email=organizer_email,
        attendees=attendees,
    )


@dataclass(frozen=True)
class Attendee:
    """Someone the invitation names: a host is ROLE=CHAIR, a candidate REQ-PARTICIPANT."""

    email: str
    name: str
    role: str = "REQ-PARTICIPANT"


def calendar_file(
    *,
    uid: str,
    sequence: int,
    stamp_utc: dt.datetime,
    start_utc: dt.datetime,
    end_utc: dt.datetime,
    summary: str,
    description: str,
    location: str,
    url: str | None,
    method: Method,
    office_timezone: str,
    organizer_email: str,
    attendees: Sequence[Attendee],
) -> bytes:
    """One VEVENT as an iCalendar file, by the rules above (times naive UTC, written in
    `office_timezone` with its VTIMEZONE; CANCEL sets STATUS:CANCELLED). Shared by team
    coffees and event registrations (bot.events.messages)."""
    zone = ZoneInfo(office_timezone)
    event = Event()
    event.add("uid", uid)
    event.add("sequence", sequence)
    # DTSTAMP: when this version was written (UTC, as RFC 5545 requires).
    event.add("dtstamp", stamp_utc.replace(tzinfo=UTC))
    event.add("dtstart", _aware(start_utc, zone))
    event.add("dtend", _aware(end_utc, zone))
    event.add("summary", summary)
    event.add("description", description)
    event.add("location", location)
    if url:
        event.add("url", url)
    event.add("status", "CANCELLED" if method == "CANCEL" else "CONFIRMED")
    event.add("transp", "OPAQUE")
    event.add("organizer", _address(organizer_email, "Ardoise Labs"))
    for attendee in attendees:
        event.add(
            "attendee",
            _address(
                attendee.email,
                attendee.name,
                role=attendee.role,
                partstat="ACCEPTED",
                rsvp="FALSE",
            ),
        )

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    calendar.add_component(event)
    # The VTIMEZONE for TZID (RFC 5545 requires one per TZID used), with the
    # transitions around the event: enough for any client, small enough to read.
    day = start_utc.date()
    calendar.add_missing_timezones(
        first_date=day - dt.timedelta(days=366), last_date=day + dt.timedelta(days=366)
    )
    return bytes(calendar.to_ical())


def invitation_attachment(content: bytes, method: Method) -> Attachment:
    """The .ics as an e-mail part: `text/calendar; method=...` as iMIP (RFC 6047) asks."""
    return Attachment(
        filename=FILENAME,
        content=content,
        maintype="text",
        subtype="calendar",
        params=(("method", method), ("charset", "utf-8")),
    )
