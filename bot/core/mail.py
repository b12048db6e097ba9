"""Sending one e-mail over SMTP, with optional attachments (calendar invitations).

Every layer that writes to people uses this one sender (handoff notices, meeting
confirmations and reminders). It never raises: a mail server that is down, refuses
the message or gets a malformed header is logged and reported as False, so a
conversation or a background sweep never breaks because of it. The log says what
failed and why (server, error kind, how many recipients), never the addresses,
the subject or the body: those are people's names and words.
"""

from __future__ import annotations

import logging
import re
import smtplib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy

from bot.core.settings import Settings

logger = logging.getLogger(__name__)
TIMEOUT = 10
# Headers folded at SMTP's own limit, not 78 characters: a long link in List-Unsubscribe
# must stay a plain <URL> (folding one long word would encode it, and clients ignore it).
HEADERS_UNFOLDED = default_policy.clone(max_line_length=998)
# Line breaks and other controls: an e-mail header is one line (a name with a line
# break once made the header invalid and cancelled both notifications).
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def one_line(text: str) -> str:
    """`text` fit for a header: each run of control characters becomes one space."""
    return _CONTROLS.sub(" ", text).strip()


@dataclass(frozen=True)
class Attachment:
    """A file sent with an e-mail, e.g. `invite.ics` as `text/calendar; method=REQUEST`."""

    filename: str
    content: bytes
    maintype: str = "application"
    subtype: str = "octet-stream"
    # Extra Content-Type parameters, e.g. (("method", "REQUEST"), ("charset", "utf-8")).
    params: tuple[tuple[str, str], ...] = field(default=())

    @property
    def content_type(self) -> str:
        extra = "".join(f"; {name}={value}" for name, value in self.params)
        return f"{self.maintype}/{self.subtype}{extra}"


def build_message(
    *,
    sender: str,
    to: Sequence[str],
    subject: str,
    body: str,
    cc: Sequence[str] = (),
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
) -> EmailMessage:
    """The message as it goes out: a plain-text body (nothing in it is ever rendered as
    markup) and each attachment as its own part; `headers` adds others (e.g.
    List-Unsubscribe). Raises ValueError on a bad header."""
    message = EmailMessage(policy=HEADERS_UNFOLDED)
    message["Subject"] = one_line(subject)
    message["From"] = sender
    message["To"] = ", ".join(to)
    if cc:
        message["Cc"] = ", ".join(cc)
    for name, value in (headers or {}).items():
        message[name] = one_line(value)
    message.set_content(body)
    for attachment in attachments:
        message.add_attachment(
            attachment.content,
            maintype=attachment.maintype,
            subtype=attachment.subtype,
            filename=attachment.filename,
            params=dict(attachment.params),
        )
    return message


def send_mail(
    settings: Settings,
    *,
    to: Sequence[str],
    subject: str,
    body: str,
    cc: Sequence[str] = (),
    attachments: Sequence[Attachment] = (),
    headers: Mapping[str, str] | None = None,
) -> bool:
    """Send one e-mail through the configured SMTP server; whether it was accepted.

    False, and nothing sent, when no server is configured or there is no recipient.
    """
    recipients = [*to, *cc]
    if not settings.smtp_host or not recipients:
        return False
    try:
        message = build_message(
            sender=settings.notify_from,
            to=to,
            subject=subject,
            body=body,
            cc=cc,
            attachments=attachments,
            headers=headers,
        )
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
        return True
    except (OSError, smtplib.SMTPException, ValueError) as error:
        # Not logger.exception: the traceback of a refusal carries the addresses.
        logger.warning(
            "could not send an e-mail to %d recipient(s) through %s:%s: %s",
            len(recipients),
            settings.smtp_host,
            settings.smtp_port,
            type(error).__name__,
        )
        return False
