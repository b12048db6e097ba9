"""The live queue: list, claim, write to the candidate, hand back or close."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.core.replies import EndStatus
from bot.handoff.canned import count_use
from bot.handoff.payloads import handoff_json
from bot.handoff.relay import RelayFailed
from bot.handoff.service import (
    HandoffAlreadyClaimed,
    HandoffNotFound,
    HandoffNotYours,
    MessageTooLong,
    claim,
    claimed_notice,
    ended_notice,
    finish,
    queue_for,
)
from bot.handoff.views.replies import UnknownChoice, choice_failure, compose
from bot.handoff.views.state import StaffHandler, console_of, failure
from bot.records.service import local_today
from bot.staff.accounts import StaffUser
from bot.staff.gate import StaffGate

NOT_YOURS = "this conversation is not yours"


def _handoff_id(request: web.Request) -> int:
    return StaffGate.path_number(request, "handoff", "handoff")


async def queue(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    console = console_of(request)
    listed = await console.db(lambda s: queue_for(session=s, user_id=user.id))
    return web.json_response({"handoffs": [handoff_json(item) for item in listed]})


async def claim_handoff(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    console = console_of(request)
    number = _handoff_id(request)
    try:
        handoff = await console.db(lambda s: claim(session=s, handoff_id=number, user=user))
    except HandoffNotFound:
        return failure(404, "unknown handoff")
    except HandoffAlreadyClaimed as taken:
        return failure(409, "already taken", by=taken.by, status=taken.status)
    await console.consoles.publish({"type": "queue"})
    notified = await console.relay.tell_or_log(claimed_notice(handoff, user.display_name))
    return web.json_response({"ok": True, "candidate_notified": notified})


async def send(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    """What the recruiter typed, or a canned reply or an article's answer in one click
    (bot.handoff.views.replies)."""
    console = console_of(request)
    number = _handoff_id(request)
    data = await StaffGate.body(request)
    settings = console.settings
    today = local_today(settings.office_timezone)
    try:
        notice = await console.db(
            lambda s: compose(
                session=s,
                handoff_id=number,
                user=user,
                data=data,
                today=today,
                review_max_days=settings.review_max_days,
            )
        )
    except MessageTooLong as error:
        return failure(413, str(error))
    except ValueError as error:  # BadMessage, or not one kind of message
        return failure(400, str(error))
    except (HandoffNotFound, HandoffNotYours):
        return failure(409, NOT_YOURS)
    except UnknownChoice as error:
        return choice_failure(error)
    try:
        await console.relay.tell(notice)
    except RelayFailed as error:
        return failure(502, f"not delivered: {error}")
    if "reply" in data:
        await console.db(lambda s: count_use(session=s, reply_id=data["reply"]))
    return web.json_response({"ok": True})


def ending(status: EndStatus) -> StaffHandler:
    """The route that hands the conversation back (`returned`) or closes it (`closed`)."""

    async def end(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        console = console_of(request)
        number = _handoff_id(request)
        try:
            handoff = await console.db(
                lambda s: finish(session=s, handoff_id=number, user=user, status=status)
            )
        except (HandoffNotFound, HandoffNotYours):
            return failure(409, NOT_YOURS)
        await console.consoles.publish({"type": "queue"})
        notified = await console.relay.tell_or_log(ended_notice(handoff, status, user.display_name))
        return web.json_response({"ok": True, "candidate_notified": notified})

    return end
