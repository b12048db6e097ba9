"""The input channels the careers site talks to.

`CandidateRestInput` is Rasa's REST channel (same URL, same payload) with the
input checked before it reaches the assistant: a message must be a non-empty
text of reasonable size, the sender a short id, the metadata an object.
Anything else gets a 400 or 413 with a clear error instead of a crash or a
silent drop.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot import rasa_speedups

# This module is what the Rasa server loads from credentials.yml: the place to
# install our fixes to Rasa itself in that process.
rasa_speedups.install()

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 2000
MAX_SENDER_CHARS = 255


class BadMessage(ValueError):
    """The request cannot become a candidate message; `status` is the HTTP status to send."""

    def __init__(self, status: int, error: str):
        self.status = status
        super().__init__(error)


def read_candidate_message(body: Any) -> tuple[str, str, dict | None]:
    """Sender, text and metadata from a REST body, or BadMessage saying what is wrong."""
    if not isinstance(body, dict):
        raise BadMessage(400, "the body must be a JSON object with 'sender' and 'message'")
    sender = body.get("sender")
    if isinstance(sender, int) and not isinstance(sender, bool):
        sender = str(sender)
    if not isinstance(sender, str) or not sender.strip():
        raise BadMessage(400, "'sender' must be a non-empty text")
    if len(sender) > MAX_SENDER_CHARS:
        raise BadMessage(400, f"'sender' must be at most {MAX_SENDER_CHARS} characters")
    text = body.get("message")
    if not isinstance(text, str):
        raise BadMessage(400, "'message' must be a text")
    if not text.strip():
        raise BadMessage(400, "'message' is empty")
    if len(text) > MAX_MESSAGE_CHARS:
        raise BadMessage(413, f"'message' is longer than {MAX_MESSAGE_CHARS} characters")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadMessage(400, "'metadata' must be a JSON object")
    return sender.strip(), text.strip(), metadata


APOLOGY = {
    "fr": "Désolé, je rencontre un problème technique. Pouvez-vous réessayer dans un instant ?",
    "en": "Sorry, I'm having a technical problem. Could you try again in a moment?",
}


def _apology(sender: str, metadata: dict | None) -> list[dict[str, Any]]:
    """What the candidate sees when the assistant produced no reply (a part of it is down)."""
    language = str((metadata or {}).get("language") or "")[:2].lower()
    text = APOLOGY.get(language) or f"{APOLOGY['fr']} / {APOLOGY['en']}"
    logger.error("no reply for %s: is the action server up?", sender)
    return [
        {"recipient_id": sender, "text": text},
        {"recipient_id": sender, "custom": {"type": "error"}},
    ]


class CandidateRestInput(RestInput):
    """Rasa's REST channel (`/webhooks/rest/webhook`) with its input validated."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("candidate_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = read_candidate_message(request.json)
            except BadMessage as error:
                return response.json({"error": str(error)}, status=error.status)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text, collector, sender, input_channel=self.name(), metadata=metadata
                    )
                )
            except Exception:  # noqa: BLE001 - the candidate gets an error, the log the details
                logger.exception("could not handle a message from %s", sender)
                return response.json({"error": "the assistant could not answer"}, status=500)
            return response.json(collector.messages or _apology(sender, metadata))

        return webhook
