"""Health routes of a Rasa server that need no token (listed in credentials.yml).

Rasa answers `GET /` as soon as it listens and `GET /status` only with its API token,
which a load balancer's or an orchestrator's probe should not hold. Here:

- `GET /webhooks/health/alive`  the process answers (liveness);
- `GET /webhooks/health/ready`  a model is loaded and the tracker store's database
  answers (readiness: 503 until then, and while the database is away).

Neither says anything about the conversations or the model beyond "ready".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.db import readiness
from bot.core.settings import Settings, get_settings


def model_loaded(app: Any) -> bool:
    agent = getattr(app.ctx, "agent", None)
    return bool(agent is not None and agent.is_ready())


class HealthInput(InputChannel):
    """Not a chat channel: the tokenless health routes."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()

    @classmethod
    def name(cls) -> str:
        return "health"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> HealthInput:
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("health", __name__)

        @hook.route("/alive", methods=["GET"])
        async def alive(request: Request) -> HTTPResponse:
            return response.json({"status": "alive"})

        @hook.route("/ready", methods=["GET"])
        async def ready(request: Request) -> HTTPResponse:
            if not model_loaded(request.app):
                return response.json({"status": "no model loaded"}, status=503)
            status, body = await readiness(self.settings.tracker_store_url)
            return response.json(body, status=status)

        return hook
