"""What the action tests share: a local SMTP server, the action server's environment
pointing at it, trackers as Rasa sends them, and running an action."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.core.settings import Settings, get_settings
from tests.conftest import port
from tests.inbox_servers import Mailbox, start_smtp

SMTP = port(29125)


@pytest.fixture(scope="session")
def smtp_server() -> Iterator[Mailbox]:
    controller, box = start_smtp(SMTP)
    yield box
    controller.stop()


@pytest.fixture
def mail_env(
    app_env: Settings, monkeypatch: pytest.MonkeyPatch, smtp_server: Mailbox
) -> Iterator[tuple[Settings, Mailbox]]:
    """The action server's environment with e-mails going to the local server."""
    smtp_server.messages.clear()
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(SMTP))
    monkeypatch.setenv("NOTIFY_EMAILS", "recrutement@ardoise.example")
    monkeypatch.setenv("PUBLIC_URL", "http://127.0.0.1:8000")
    get_settings.cache_clear()
    yield get_settings(), smtp_server
    get_settings.cache_clear()


def tracker(
    text: str,
    *,
    intent: str,
    entities: dict[str, Any] | None = None,
    sender: str = "conv-1",
    language: str = "fr",
    timezone: str | None = None,
    **slots: Any,
) -> Tracker:
    """The tracker of a conversation whose latest message is `text`, read as `intent`."""
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
        "metadata": {"timezone": timezone} if timezone else {},
    }
    return Tracker(
        sender,
        {"language": language, "offer": None, "meeting_team": None, **slots},
        message,
        [],
        False,
        None,
        None,
        "action_listen",
    )


async def run(action: Any, current: Tracker) -> tuple[list[dict], list]:
    """The messages the action sends and the events it returns."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, current, {})
    return dispatcher.messages, events
