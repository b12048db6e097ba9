"""Telling recruiters that someone is waiting: e-mail (SMTP) and a chat webhook.

Slack and Teams incoming webhooks both accept a JSON body with a `text`
field. A notifier that fails is logged and forgotten: the candidate's
conversation never waits for it, never breaks because of it.
"""

from __future__ import annotations

import json
import logging
import smtplib
import threading
import urllib.request
from email.message import EmailMessage

from bot.core.settings import Settings

logger = logging.getLogger(__name__)
TIMEOUT = 10


def send_email(settings: Settings, subject: str, body: str) -> bool:
    if not settings.smtp_host or not settings.notify_emails:
        return False
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.notify_from
    message["To"] = ", ".join(settings.notify_emails)
    message.set_content(body)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as smtp:
            if settings.smtp_starttls:
                smtp.starttls()
            if settings.smtp_user:
                smtp.login(settings.smtp_user, settings.smtp_password or "")
            smtp.send_message(message)
        return True
    except (OSError, smtplib.SMTPException):
        logger.exception("could not e-mail %s", settings.notify_emails)
        return False


def post_webhook(settings: Settings, text: str) -> bool:
    if not settings.notify_webhook_url:
        return False
    request = urllib.request.Request(
        settings.notify_webhook_url,
        data=json.dumps({"text": text}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - configured URL
            return 200 <= response.status < 300
    except OSError:
        logger.exception("could not call the notification webhook")
        return False


def notify(settings: Settings, subject: str, body: str) -> None:
    """Send both notifications; never raises."""
    try:
        send_email(settings, subject, body)
        post_webhook(settings, f"{subject}\n{body}")
    except Exception:  # noqa: BLE001 - a notifier must never break a conversation
        logger.exception("notification failed")


def notify_in_background(settings: Settings, subject: str, body: str) -> threading.Thread:
    """Notify without making the candidate wait for the SMTP server or the webhook."""
    thread = threading.Thread(target=notify, args=(settings, subject, body), daemon=True)
    thread.start()
    return thread
