"""A candidate's socket.io client (python-socketio, polling transport) for the e2e tests."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import socketio


class Candidate:
    """Connects like the widget: session_request, then user_uttered with acknowledgements."""

    def __init__(
        self, url: str, origin: str | None = None, headers: dict[str, str] | None = None
    ) -> None:
        self.url = url
        self.origin = origin
        self.headers = dict(headers or {})
        self.sio = socketio.AsyncClient(reconnection=False)
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.confirms: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("bot_uttered", self.received.put)
        self.sio.on("session_confirm", self.confirms.put)
        self.session_id: str | None = None

    async def connect(self) -> None:
        headers = {**self.headers, **({"Origin": self.origin} if self.origin else {})}
        await self.sio.connect(self.url, transports=["polling"], headers=headers, wait_timeout=10)

    async def start(self, session_id: object = None) -> dict[str, Any]:
        """Ask for a session (resuming `session_id` if the server knows it)."""
        if not self.sio.connected:
            await self.connect()
        await self.sio.emit("session_request", {"session_id": session_id})
        confirm = await asyncio.wait_for(self.confirms.get(), 15)
        self.session_id = confirm["session_id"]
        return confirm

    async def say(
        self, text: Any, language: str | None = None, **fields: Any
    ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        """Send a message; the acknowledgement and the replies that came before it."""
        payload: dict[str, Any] = {
            "message": text,
            "session_id": self.session_id,
            "message_id": uuid.uuid4().hex,
            **fields,
        }
        if language:
            payload.setdefault("metadata", {})["language"] = language
        ack = await self.sio.call("user_uttered", payload, timeout=60)
        return ack, self.drain()

    def drain(self) -> list[dict[str, Any]]:
        messages = []
        while not self.received.empty():
            messages.append(self.received.get_nowait())
        return messages

    async def next_message(self, timeout: float = 10) -> dict[str, Any]:
        return await asyncio.wait_for(self.received.get(), timeout)

    async def close(self) -> None:
        # Not sio.disconnect(): over polling it waits for the pending long-poll
        # (up to the 25 s ping interval). The server still gets the CLOSE packet.
        if self.sio.connected:
            await self.sio.eio.disconnect(abort=True)


def customs(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [m["custom"] for m in messages if "custom" in m]
