"""The console page, who is signed in, and the live socket that keeps the page current."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from bot.handoff.service import touch_presence
from bot.handoff.views.state import ConsoleState, console_of, failure
from bot.staff.accounts import StaffUser
from bot.staff.gate import staff_page

CONSOLE_PAGE = Path(__file__).resolve().parents[2] / "web" / "static" / "console.html"
PRESENCE_INTERVAL = 20.0


async def console_page(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    await _present(console_of(request), user.id)
    return staff_page(CONSOLE_PAGE, user, websession)


async def me(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    return web.json_response(
        {"id": user.id, "name": user.display_name, "role": user.role, "login": user.login}
    )


async def socket(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    """Same-origin only; while it is open the recruiter counts as present."""
    console = console_of(request)
    origin = request.headers.get("Origin")
    # Behind an https proxy the page's origin is the public URL, not what this server sees.
    allowed = {f"{request.scheme}://{request.host}"}
    if console.settings.public_url:
        public = urlsplit(console.settings.public_url)
        allowed.add(f"{public.scheme}://{public.netloc}")
    if origin and origin not in allowed:
        return failure(403, "cross-site socket refused")
    live = web.WebSocketResponse(heartbeat=30)
    await live.prepare(request)
    console.consoles.sockets.add(live)
    await _present(console, user.id)
    keepalive = asyncio.create_task(_keep_present(console, user.id))
    try:
        async for message in live:
            if message.type == WSMsgType.ERROR:
                break
    finally:
        keepalive.cancel()
        console.consoles.sockets.discard(live)
    return live


async def _present(console: ConsoleState, user_id: int) -> None:
    await console.db(lambda s: touch_presence(session=s, user_id=user_id))


async def _keep_present(console: ConsoleState, user_id: int) -> None:
    while True:
        await asyncio.sleep(PRESENCE_INTERVAL)
        await _present(console, user_id)
