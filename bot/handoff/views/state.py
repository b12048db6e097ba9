"""What the console's routes share in one web process: settings, gate, relay, open sockets."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.db import in_transaction
from bot.core.settings import Settings
from bot.handoff.relay import RasaRelay
from bot.staff.accounts import StaffUser
from bot.staff.gate import StaffGate

T = TypeVar("T")
# A route once the gate has let the person in: the request, who they are, their session.
StaffHandler = Callable[[web.Request, StaffUser, Any], Awaitable[web.StreamResponse]]


class OpenConsoles:
    """The consoles' live sockets in this process, and what is published to all of them."""

    def __init__(self) -> None:
        self.sockets: set[web.WebSocketResponse] = set()

    async def publish(self, message: dict[str, Any]) -> None:
        data = json.dumps(message)
        for socket in list(self.sockets):
            try:
                await socket.send_str(data)
            except (ConnectionError, RuntimeError):
                self.sockets.discard(socket)

    async def close_all(self) -> None:
        for socket in list(self.sockets):
            await socket.close()


@dataclass
class ConsoleState:
    settings: Settings
    gate: StaffGate
    relay: RasaRelay
    consoles: OpenConsoles = field(default_factory=OpenConsoles)

    async def db(self, work: Callable[[Session], T]) -> T:
        """`work(session)` in one short transaction, off the event loop."""
        return await in_transaction(self.settings.database_url, work)


console_key = web.AppKey("console", ConsoleState)


def console_of(request: web.Request) -> ConsoleState:
    return request.app[console_key]


def failure(code: int, message: str, **extra: Any) -> web.Response:
    """A JSON error reply `{"error": message, ...}` (returned, so the console's headers apply)."""
    return web.json_response({"error": message, **extra}, status=code)
