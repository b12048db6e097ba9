"""A Rasa server of its own for the candidate channels' attack tests: strict abuse limits,
nginx trusted as a proxy (so each test is its own client address via X-Forwarded-For), and
no action server (the disclosure must come even then).

One per test session, shared by test_channel_limits.py and test_disclosure.py: a Rasa
process takes more than a minute and a gigabyte to start.
"""

from __future__ import annotations

import itertools
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.core.db import transaction
from bot.core.settings import Settings, settings_from
from bot.knowledge.files import ArticleDoc
from bot.knowledge.service import import_docs
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from tests.conftest import TrainedAssistant, port
from tests.e2e.conftest import start_or_fail
from tests.e2e.socket_client import Candidate

STRICT_LIMITS = {
    "messages-ip": (8, 60),
    "messages-conversation": (3, 60),
    "sessions-ip": (3, 3600),
    "ratings-ip": (4, 3600),
    "ratings-conversation": (2, 3600),
    "callbacks-ip": (2, 86400),
    "forms-ip": (2, 3600),
}
_addresses = itertools.count(1)


def fresh_ip() -> str:
    """A client address no other test has used (TEST-NET-3, behind the trusted proxy)."""
    number = next(_addresses)
    return f"203.0.{113 + number // 250}.{number % 250 + 1}"


@dataclass
class Stack:
    settings: Settings
    services: Services

    @property
    def url(self) -> str:
        return self.settings.rasa_url

    def post(self, sender: str, message: str, ip: str, **fields: object) -> requests.Response:
        return requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message, **fields},
            headers={"X-Forwarded-For": ip},
            timeout=60,
        )

    def tracker(self, conversation_id: str) -> dict:
        response = requests.get(
            f"{self.url}/conversations/{conversation_id}/tracker",
            params={"token": self.settings.rasa_token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()

    def candidate(self, ip: str) -> Candidate:
        return Candidate(self.url, headers={"X-Forwarded-For": ip})


_STACK: Stack | None = None


def strict_stack(
    request: pytest.FixtureRequest,
    trained: TrainedAssistant,
    docs: list[ArticleDoc],
    root: Path,
) -> Stack:
    """The shared stack, started on first use and stopped at the end of the session."""
    global _STACK
    if _STACK is not None:
        return _STACK
    url = f"sqlite:///{root / 'app.db'}"
    upgrade(url)
    with transaction(url) as session:
        import_docs(session=session, docs=docs, author="tests")
    models = root / "models"
    models.mkdir()
    shutil.copy2(trained.model, models / trained.model.name)
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,
            "MODELS_DIR": str(models),
            "RASA_PORT": str(port(15305)),
            "ACTION_PORT": str(port(15355)),  # nothing listens there
            "WEB_PORT": str(port(15380)),
            "RASA_TOKEN": "strict-test-token",
            "OFFICE_HOURS": "mon-sun 00:00-24:00",
            "LIMITS": ",".join(f"{n}={c}/{s}" for n, (c, s) in STRICT_LIMITS.items()),
            "TRUSTED_PROXIES": "127.0.0.1",
        }
    )
    services = Services(settings=settings, model=models / trained.model.name, log_dir=root / "logs")
    request.config.add_cleanup(services.stop)
    services.start_rasa()
    start_or_fail(services)
    _STACK = Stack(settings, services)
    return _STACK
