"""Team coffees in the console: the upcoming and past coffees, and marking what happened
at a past one (attended / no-show).

Both roles use these two routes (bot.handoff.views mounts them for recruiters and HR):
issue 11 asks that "recruiters and HR see upcoming and past coffees in the console", and
marking attendance is part of following them. HR otherwise never sees candidates'
contact details in the console; here it sees the candidate's first name and e-mail
address the coffee was booked with, which the recruiters' coffee e-mails already carry.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.core.clock import utcnow
from bot.handoff.views.state import console_of
from bot.meetings.coffees import (
    PAGE_SIZE,
    WHEN,
    BadAttendance,
    CoffeeError,
    CoffeeNotFound,
    coffees,
    mark_attendance,
)
from bot.staff.accounts import StaffUser
from bot.staff.gate import StaffGate, row_number

# The console is written in French: times are too ("mardi 1 décembre, 10:00 (heure de Paris)").
CONSOLE_LANGUAGE = "fr"
MESSAGES = {
    "coffee_unknown": "unknown coffee",
    "attendance_unknown": "attendance must be attended or no_show",
    "coffee_not_held": "this coffee was cancelled or declined: nobody could attend it",
    "coffee_not_started": "this coffee has not taken place yet",
}


def _refused(status: int, code: str, message: str | None = None) -> web.Response:
    """A JSON error with its code: `{"error": "...", "code": "coffee_not_started"}`."""
    return web.json_response(
        {"error": message or MESSAGES.get(code, code), "code": code}, status=status
    )


def _number(request: web.Request, key: str, default: int) -> int | None:
    raw = request.query.get(key)
    return default if raw is None or raw == "" else row_number(raw)


async def coffee_list(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    """GET ?when=upcoming|past&offset=&limit=: one page of coffees and the total."""
    console = console_of(request)
    when = request.query.get("when") or "upcoming"
    if when not in WHEN:
        return _refused(400, "when_unknown", "when must be upcoming or past")
    offset, limit = _number(request, "offset", 0), _number(request, "limit", PAGE_SIZE)
    if offset is None or limit is None or limit == 0:
        return _refused(400, "page_invalid", "offset and limit must be whole numbers")
    now = utcnow()
    office = console.settings.office_timezone

    def work(session: Any) -> dict[str, Any]:
        page = coffees(session=session, when=when, now=now, offset=offset, limit=limit)
        return {
            "coffees": [
                c.to_json(office_timezone=office, language=CONSOLE_LANGUAGE, now=now)
                for c in page.coffees
            ],
            "total": page.total,
            "offset": page.offset,
            "limit": page.limit,
            "when": when,
        }

    return web.json_response(await console.db(work))


async def coffee_attendance(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    """POST {"attendance": "attended" | "no_show"}: mark a past confirmed coffee."""
    console = console_of(request)
    public_id = request.match_info["booking"]
    attendance = (await StaffGate.body(request)).get("attendance")
    now = utcnow()
    office = console.settings.office_timezone

    def work(session: Any) -> dict[str, Any]:
        coffee = mark_attendance(
            session=session,
            public_id=public_id,
            attendance=attendance,
            actor=user.display_name,
            now=now,
        )
        return coffee.to_json(office_timezone=office, language=CONSOLE_LANGUAGE, now=now)

    try:
        marked = await console.db(work)
    except CoffeeNotFound as error:
        return _refused(404, error.code)
    except BadAttendance as error:
        return _refused(400, error.code)
    except CoffeeError as error:
        return _refused(409, error.code)
    await console.consoles.publish({"type": "coffees"})
    return web.json_response({"ok": True, "coffee": marked})
