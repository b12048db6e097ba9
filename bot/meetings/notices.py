"""Telling everyone about a coffee that is booked, moved, cancelled or declined: the
e-mails of bot.meetings.messages, and one line on the recruiters' chat webhook.

The webhook line says who and when the way the recruiters' e-mail subject does (the
candidate's first name, the host's first name, the office-time date and time, the
status), never the candidate's e-mail address or note: a chat channel is read by more
people, and kept longer, than the recruiters' mailbox.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from bot.core.mail import one_line
from bot.core.meeting_texts import coffee_mail_texts
from bot.core.settings import Settings
from bot.core.webhook import post_webhook
from bot.meetings.invitations import first_name
from bot.meetings.messages import (
    ROLES,
    Alternative,
    Kind,
    Role,
    format_when,
    send_booking_emails,
)

if TYPE_CHECKING:
    from bot.meetings.models import Ambassador, Booking

logger = logging.getLogger(__name__)
# The kinds recruiters hear about on the chat (reminders are for the two people meeting).
ANNOUNCED: tuple[Kind, ...] = ("confirmed", "moved", "cancelled", "declined")


def webhook_text(
    kind: Kind, *, settings: Settings, booking: Booking, ambassador: Ambassador
) -> str:
    """The chat line, in the deployment's default language:
    '[Café équipe] Camille avec Léa, mardi 1 décembre, 10:00 (heure de Paris) (réservé)'."""
    language = "fr" if settings.default_language == "fr" else "en"
    text = coffee_mail_texts(language)
    when = format_when(booking.start_utc, timezone=settings.office_timezone, language=language)
    return one_line(
        text["r_subject"].format(
            name=first_name(booking.candidate_name),
            host=ambassador.first_name,
            when=when,
            status=text[f"status_{kind}"],
        )
    )


def announce(
    kind: Kind,
    *,
    settings: Settings,
    booking: Booking,
    ambassador: Ambassador,
    previous_start_utc: dt.datetime | None = None,
    previous_ambassador: Ambassador | None = None,
    alternatives: Sequence[Alternative] = (),
    roles: Sequence[Role] = ROLES,
) -> dict[str, bool]:
    """Send `kind`'s e-mails to `roles` (as send_booking_emails) and, for a booking, move,
    cancellation or decline whose recruiters are told, the webhook line. Whether each was
    delivered: by role, and "webhook". Blocking (SMTP, HTTP): call it off the event loop.
    Never raises: the coffee has changed whatever happens to the notices."""
    sent: dict[str, bool] = {}
    try:
        emailed = send_booking_emails(
            kind,
            settings=settings,
            booking=booking,
            ambassador=ambassador,
            previous_start_utc=previous_start_utc,
            previous_ambassador=previous_ambassador,
            alternatives=alternatives,
            roles=roles,
        )
        sent.update({str(role): ok for role, ok in emailed.items()})
    except Exception:  # noqa: BLE001 - the change is made; the e-mails are best effort
        logger.exception("the %s e-mails of booking %s were not sent", kind, booking.id)
    if kind in ANNOUNCED and "recruiters" in roles:
        try:
            line = webhook_text(kind, settings=settings, booking=booking, ambassador=ambassador)
            sent["webhook"] = post_webhook(settings, line)
        except Exception:  # noqa: BLE001 - same: never break the caller
            logger.exception("the %s webhook notice of booking %s failed", kind, booking.id)
            sent["webhook"] = False
    return sent
