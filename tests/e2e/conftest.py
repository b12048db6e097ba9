"""The real thing: the Rasa server and the action server as processes, over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from bot.processes import Services
from bot.settings import Settings


@dataclass
class Assistant:
    settings: Settings
    services: Services

    @property
    def url(self) -> str:
        return self.settings.rasa_url

    def ask(self, sender: str, text: Any, metadata: dict | None = None) -> list[dict]:
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(
            f"{self.url}/conversations/{sender}/tracker",
            params={"token": self.settings.rasa_token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


def payloads(messages: list[dict]) -> list[dict]:
    return [m["custom"] for m in messages if "custom" in m]


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


@pytest.fixture(scope="session")
def assistant(trained) -> Iterator[Assistant]:
    services = Services(
        settings=trained.settings, model=trained.model, log_dir=trained.settings.var_dir / "logs"
    )
    try:
        services.start()
        yield Assistant(trained.settings, services)
    finally:
        services.stop()
