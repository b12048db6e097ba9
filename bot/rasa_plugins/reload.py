"""Loading a new model into a running Rasa server without pausing its conversations.

Rasa's own `PUT /model` loads the model on the server's event loop: for the
seconds it takes, no message of any candidate is read or answered. This
connector (listed in credentials.yml) loads the model in a worker thread
instead, while the current model keeps answering, then swaps the processor
in one assignment on the loop. A message already being handled finishes with
the model it started with; the next one uses the new model.

Routes (Rasa's API token as `Authorization: Bearer`, since Rasa does not
protect connector routes):

- `GET  /webhooks/model_reload/`      the model this process serves
- `POST /webhooks/model_reload/load`  `{"model_file": "<name or path>"}`; only
  files in the models folder are accepted.
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import hmac
import logging
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.processor import MessageProcessor
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.settings import Settings, get_settings, rasa_token
from bot.rasa_plugins import speedups

# Every Rasa server loads this connector from credentials.yml: the place to
# install our fixes to Rasa itself in that process.
speedups.install()

logger = logging.getLogger(__name__)


class ModelFileRefused(ValueError):
    """The requested model is not a model file of the models folder."""


def model_file_in(models_dir: Path, requested: Any) -> Path:
    """The model file named by `requested` (a name or a path), inside `models_dir` only."""
    if not isinstance(requested, str) or not requested.strip() or len(requested) > 500:
        raise ModelFileRefused("model_file must be the name of a model file")
    if any(ord(character) < 32 or ord(character) == 127 for character in requested):
        # A NUL makes the file system calls below raise ValueError (once a 500).
        raise ModelFileRefused("model_file must not contain control characters")
    folder = models_dir.resolve()
    path = Path(requested)
    path = (path if path.is_absolute() else folder / path).resolve()
    if path.parent != folder or not path.name.endswith(".tar.gz"):
        raise ModelFileRefused("model_file must be a .tar.gz file of the models folder")
    if not path.is_file():
        raise ModelFileRefused(f"no model file {path.name}")
    return path


def serving_model(app: Any) -> str | None:
    agent = getattr(app.ctx, "agent", None)
    return agent.model_name if agent is not None and agent.processor else None


async def load_beside(app: Any, path: Path) -> float:
    """Build a processor for `path` off the loop, then swap it in; returns the seconds taken."""
    started = time.monotonic()
    agent = app.ctx.agent
    processor = await asyncio.to_thread(
        MessageProcessor,
        model_path=str(path),
        tracker_store=agent.tracker_store,
        lock_store=agent.lock_store,
        action_endpoint=agent.action_endpoint,
        generator=agent.nlg,
        http_interpreter=agent.http_interpreter,
    )
    # One step on the loop: no message sees half a swap.
    agent.processor = processor
    agent.domain = processor.domain
    agent.tracker_store.domain = processor.domain
    if isinstance(agent.nlg, TemplatedNaturalLanguageGenerator):
        agent.nlg.responses = processor.domain.responses
    await asyncio.to_thread(_release_memory)
    return time.monotonic() - started


def _release_memory() -> None:
    """Free the replaced model now and hand the freed pages back to the system.

    Measured with ten swaps under load (issue 15): the Rasa process grew by about
    15 MB a swap (the old processor waits in reference cycles for a full collection,
    and glibc keeps freed heap pages); with this, ten swaps add about 3 MB each
    (the conversations served meanwhile included).
    """
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: the pages stay with the process
        pass


class ModelReloadInput(InputChannel):
    """Not a chat channel: the route that swaps this server's model."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or get_settings()
        self._loading = asyncio.Lock()

    @classmethod
    def name(cls) -> str:
        return "model_reload"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> ModelReloadInput:
        return cls()

    def _authorized(self, request: Request) -> bool:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return hmac.compare_digest(given.encode(), rasa_token(self.settings).encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        hook = Blueprint("model_reload", __name__)

        @hook.route("/", methods=["GET"])
        async def current(request: Request) -> HTTPResponse:
            if not self._authorized(request):
                return response.json({"error": "wrong or missing token"}, status=401)
            return response.json(
                {"model_file": serving_model(request.app), "loading": self._loading.locked()}
            )

        @hook.route("/load", methods=["POST"])
        async def load(request: Request) -> HTTPResponse:
            if not self._authorized(request):
                return response.json({"error": "wrong or missing token"}, status=401)
            body = request.json if isinstance(request.json, dict) else {}
            try:
                path = model_file_in(self.settings.models_dir, body.get("model_file"))
            except ModelFileRefused as error:
                return response.json({"error": str(error)}, status=400)
            if self._loading.locked():
                return response.json({"error": "a model is already being loaded"}, status=409)
            async with self._loading:
                if serving_model(request.app) == path.name:
                    return response.json({"model_file": path.name, "seconds": 0.0})
                try:
                    seconds = await load_beside(request.app, path)
                except Exception as error:  # noqa: BLE001 - the old model must keep serving
                    logger.exception("could not load %s", path)
                    return response.json(
                        {"error": f"could not load {path.name}: {error}"[:2000]}, status=500
                    )
            logger.info("now serving %s (loaded in %.1fs)", path.name, seconds)
            return response.json({"model_file": path.name, "seconds": round(seconds, 2)})

        return hook
