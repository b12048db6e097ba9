"""The real thing: the Rasa server and the action server as processes, over HTTP."""

from __future__ import annotations

import uuid

from tests.conftest import Assistant  # noqa: F401 - re-exported for the e2e tests


def payloads(messages: list[dict]) -> list[dict]:
    return [m["custom"] for m in messages if "custom" in m]


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"
