"""Posting one line to the recruiters' chat webhook (Slack or Teams incoming webhook).

Both accept a JSON body with a `text` field. Every layer that tells recruiters
something through the chat uses this one poster (handoff notices, coffee notices).
It never raises: a webhook that is down, slow or refuses is logged and reported as
False, so a conversation or a booking never breaks because of it.
"""

from __future__ import annotations

import json
import logging
import urllib.request

from bot.core.mail import TIMEOUT
from bot.core.settings import Settings

logger = logging.getLogger(__name__)


def post_webhook(settings: Settings, text: str) -> bool:
    """POST `{"text": text}` to NOTIFY_WEBHOOK_URL; whether it answered 2xx (False when
    none is configured)."""
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
    except (OSError, ValueError):
        logger.exception("could not call the notification webhook")
        return False
