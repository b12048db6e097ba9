"""Fixes for Rasa 3.6 itself (performance, log noise), installed in the Rasa server process.

Rasa checks every response of the action server with `jsonschema.validate`,
which re-validates the schema itself against its meta-schema on every call.
Profiling the server under load (py-spy, 20 concurrent conversations) showed
this meta-schema check taking about half of the server's CPU. The fix builds
the validator once and validates each response with it: same checks, same
errors, a fraction of the cost.

The SQL tracker store on the embedded SQLite default then came next (commits
waiting on fsync): its connections get the same settings as ours (WAL,
synchronous=NORMAL, a busy timeout), see `bot.core.db.tune_sqlite`.

Rasa's response templating reads `{...}` in every button payload as a slot
placeholder: an intent payload with entities (`/choose_article{"article": ...}`)
is logged as three ERROR lines per greeting, then sent unchanged. Intent
payloads are now left out of the templating, so an ERROR line in rasa.log
means something is wrong.

Rasa's SQL tracker store on a SQLite file opened a new connection for every
tracker read and save (SQLAlchemy 1.4's NullPool), each running the PRAGMAs
above: it now keeps a pool of connections, as our own engines do
(`bot.core.db.sqlite_pool_arguments`).
"""

from __future__ import annotations

from typing import Any

_installed = False


def install() -> None:
    """Replace `RemoteAction._validate_action_result` with a pre-built validator (idempotent)."""
    global _installed
    if _installed:
        return
    from jsonschema import ValidationError
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)  # once, instead of once per response
    validator = validator_class(schema)

    def _validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        try:
            validator.validate(result)
            return True
        except ValidationError as error:
            error.message += (
                ". Failed to validate Action server response from API, "
                "make sure your response from the Action endpoint is valid. "
                f"For more information about the format visit {DOCS_BASE_URL}/custom-actions"
            )
            raise error

    RemoteAction._validate_action_result = _validate_action_result
    _tune_sqlite_engines()
    _keep_intent_payloads()
    _installed = True


def _keep_intent_payloads() -> None:
    """Button payloads that are intents (`/intent{...}`) skip slot templating."""
    from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator

    fill = TemplatedNaturalLanguageGenerator._fill_response

    def _fill_response(
        self: TemplatedNaturalLanguageGenerator,
        response: dict[str, Any],
        filled_slots: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> dict[str, Any]:
        # `response` is Rasa's own deep copy of the domain response: safe to change.
        buttons = response.get("buttons")
        kept: dict[int, str] = {}
        if isinstance(buttons, list):
            for index, button in enumerate(buttons):
                payload = button.get("payload") if isinstance(button, dict) else None
                if isinstance(payload, str) and payload.startswith("/") and "{" in payload:
                    kept[index] = payload
                    button["payload"] = ""
        filled = fill(self, response, filled_slots, **kwargs)
        for index, payload in kept.items():
            filled["buttons"][index]["payload"] = payload
        return filled

    TemplatedNaturalLanguageGenerator._fill_response = _fill_response


def _tune_sqlite_engines() -> None:
    """Every SQLite connection this process opens (Rasa's tracker store included)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from bot.core.db import tune_sqlite

    def on_connect(dbapi_connection: Any, record: Any) -> None:
        if type(dbapi_connection).__module__.startswith("sqlite3"):
            tune_sqlite(dbapi_connection)

    event.listen(Engine, "connect", on_connect)
    _pool_sqlite_tracker_store()


def _pool_sqlite_tracker_store() -> None:
    """Rasa's SQL tracker store on a SQLite file keeps its connections (bot.core.db)."""
    from rasa.core import tracker_store

    from bot.core.db import is_sqlite_file, sqlite_pool_arguments

    engine_arguments = tracker_store.create_engine_kwargs

    def create_engine_kwargs(url: Any) -> dict[str, Any]:
        return sqlite_pool_arguments() if is_sqlite_file(url) else engine_arguments(url)

    tracker_store.create_engine_kwargs = create_engine_kwargs
