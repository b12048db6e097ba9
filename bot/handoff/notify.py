"""Telling recruiters that someone is waiting: e-mail (SMTP) and a chat webhook.

Slack and Teams incoming webhooks both accept a JSON body with a `text`
field. A notifier that fails is logged and forgotten: the candidate's
conversation never waits for it, never breaks because of it, and the other
notifier is sent all the same.
"""

from __future__ import annotations

import logging
import threading

from bot.core.mail import one_line, send_mail
from bot.core.settings import Settings
from bot.core.webhook import post_webhook

logger = logging.getLogger(__name__)

__all__ = ["notify", "notify_in_background", "post_webhook", "send_email"]


def send_email(settings: Settings, subject: str, body: str) -> bool:
    """E-mail the recruiters (NOTIFY_EMAILS); whether the server accepted it."""
    if not settings.notify_emails:
        return False
    return send_mail(settings, to=settings.notify_emails, subject=subject, body=body)


def notify(settings: Settings, subject: str, body: str) -> dict[str, bool]:
    """Send both notifications, each whatever happens to the other; never raises.

    Whether each was delivered, by channel ("email", "webhook").
    """
    sent = {"email": False, "webhook": False}
    for channel, send in (
        ("email", lambda: send_email(settings, subject, body)),
        ("webhook", lambda: post_webhook(settings, f"{one_line(subject)}\n{body}")),
    ):
        try:
            sent[channel] = send()
        except Exception:  # noqa: BLE001 - a notifier must never break a conversation
            logger.exception("the %s notification failed", channel)
    return sent


def notify_in_background(settings: Settings, subject: str, body: str) -> threading.Thread:
    """Notify without making the candidate wait for the SMTP server or the webhook."""
    thread = threading.Thread(target=notify, args=(settings, subject, body), daemon=True)
    thread.start()
    return thread
