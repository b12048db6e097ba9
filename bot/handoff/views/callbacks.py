"""Callback requests in the console: the list, and moving one through its statuses."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from bot.core.tracker_store import conversations_with_events
from bot.handoff.callbacks import BadCallback, CallbackNotFound, callbacks, set_status
from bot.handoff.payloads import callback_json
from bot.handoff.views.state import console_of, failure
from bot.staff.accounts import StaffUser
from bot.staff.gate import StaffGate


async def callback_list(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    console = console_of(request)
    requests = await console.db(lambda s: callbacks(session=s))
    # `transcript`: whether the conversation is still there to open from the request's card.
    kept = await asyncio.to_thread(
        conversations_with_events,
        console.settings.tracker_store_url,
        [c.conversation_id for c in requests],
    )
    return web.json_response(
        {
            "callbacks": [
                {**callback_json(c), "transcript": c.conversation_id in kept} for c in requests
            ]
        }
    )


async def callback_status(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    console = console_of(request)
    number = StaffGate.path_number(request, "callback", "callback request")
    status = (await StaffGate.body(request)).get("status")
    try:
        await console.db(lambda s: set_status(session=s, callback_id=number, status=status))
    except BadCallback as error:
        return failure(400, str(error))
    except CallbackNotFound:
        return failure(404, "unknown callback request")
    await console.consoles.publish({"type": "callbacks"})
    return web.json_response({"ok": True})
