"""The action server: rasa-sdk's app, answering only Rasa, never leaking an error's text.

rasa-sdk 3.6 (`rasa_sdk.endpoint`) listens on every interface (`SANIC_HOST`,
default 0.0.0.0), checks nothing, and answers an exception with its text and
the request body. Anyone who could reach it could run any action for any
conversation, and a failed query gave back the candidate's words. Here the
same app (`create_app`, so actions run exactly as before):

- listens on ACTION_HOST (default 127.0.0.1);
- refuses every request but `GET /health`, `/alive` and `/ready` (the database
  answers) without `Authorization: Bearer <ACTION_TOKEN>`, the header Rasa sends
  (endpoints.yml, `action_endpoint`);
- answers errors with a fixed sentence and a code; the details go to the log,
  with SQL parameters scrubbed (bot.ops.logs).

`python -m bot.ops.action_server` (the launcher starts it).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Sequence

from sanic import Sanic, response
from sanic.exceptions import SanicException
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.core.db import readiness
from bot.core.settings import Settings, action_token, get_settings
from bot.ops import logs

ACTIONS_PACKAGE = "actions"
OPEN_PATHS = frozenset({"/health", "/alive", "/ready"})

logger = logging.getLogger(__name__)


def refusal(code: str, message: str, status: int) -> HTTPResponse:
    """An error body that names the problem and nothing of the request."""
    return response.json({"error": message, "code": code}, status=status)


def authorized(request: Request, token: str) -> bool:
    """Whether the request carries the shared secret (compared in constant time)."""
    given = request.headers.get("Authorization", "")
    if not given.startswith("Bearer "):
        return False
    return hmac.compare_digest(given.removeprefix("Bearer ").encode(), token.encode())


def create_app(*, token: str, database_url: str | None = None) -> Sanic:
    """rasa-sdk's app for our actions, behind the token check and the quiet error handler;
    /alive, and /ready when it can reach `database_url` (the actions' database)."""
    from rasa_sdk.endpoint import create_app as create_sdk_app

    app = create_sdk_app(ACTIONS_PACKAGE, cors_origins=None)

    @app.get("/alive")
    async def alive(request: Request) -> HTTPResponse:
        return response.json({"status": "alive"})

    @app.get("/ready")
    async def ready(request: Request) -> HTTPResponse:
        if database_url is None:
            return response.json({"status": "ready"})
        status, body = await readiness(database_url)
        return response.json(body, status=status)

    @app.on_request
    async def require_token(request: Request) -> HTTPResponse | None:
        if request.path in OPEN_PATHS or authorized(request, token):
            return None
        logger.warning(
            "refused %s %s from %s: no valid token", request.method, request.path, request.ip
        )
        return refusal("unauthorized", "wrong or missing action server token", 401)

    async def quiet_error(request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, SanicException):
            status = int(getattr(exception, "status_code", 500) or 500)
            if status < 500:
                return refusal("bad_request", "the request could not be read", status)
        logger.error(
            "action server error on %s %s", request.method, request.path, exc_info=exception
        )
        return refusal("internal_error", "the action failed; see the action server's log", 500)

    # Replaces rasa-sdk's handler, which returns str(exception) and the request body.
    app.error_handler.add(Exception, quiet_error)
    return app


def serve(settings: Settings) -> None:
    """Run the action server on ACTION_HOST:ACTION_PORT until stopped."""
    from rasa_sdk import utils
    from rasa_sdk.plugin import plugin_manager

    logs.install()
    utils.configure_colored_logging(None)
    utils.update_sanic_log_level()
    app = create_app(token=action_token(settings), database_url=settings.database_url)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    logger.info(
        "action server on http://%s:%s (Rasa's token required)",
        settings.action_host,
        settings.action_port,
    )
    app.run(
        settings.action_host,
        settings.action_port,
        workers=utils.number_of_sanic_workers(),
        access_log=False,
    )


def main(argv: Sequence[str] | None = None) -> int:
    serve(get_settings())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
