"""Open houses and reverse Q&As in the console: the dates, one date's registrations and
waitlist (and as CSV), the check-in on the day, and the host's view of a reverse Q&A's
questions (ranked by votes: mark answered, hide or show again).

Recruiters and HR both use these routes (bot.handoff.views mounts them for both, as the
team coffees): issue 12 asks that "recruiters and HR, in the console" follow
registrations and check people in. They show the first name and e-mail address a
candidate registered with, nothing of the conversation. Questions never say who asked.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.events import panel, registrations, staffing
from bot.handoff.views.state import console_of
from bot.records.service import local_today
from bot.staff.accounts import StaffUser
from bot.staff.gate import StaffGate, row_number

MESSAGES = {
    "event_unknown": "unknown event",
    "when_unknown": "when must be upcoming or past",
    "registration_unknown": "unknown registration",
    "registration_closed": "only a confirmed registration can be checked in",
    "attendance_unknown": "attendance must be attended, no_show or null",
    "question_unknown": "unknown question",
    "status_unknown": "status must be open or hidden",
    "answered_invalid": "answered must be true or false",
}


def _refused(status: int, code: str) -> web.Response:
    """A JSON error with its code: `{"error": "...", "code": "event_unknown"}`."""
    return web.json_response({"error": MESSAGES.get(code, code), "code": code}, status=status)


def _event_id(request: web.Request) -> int | None:
    return row_number(request.match_info["event"])


async def event_list(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    """GET ?when=upcoming|past: the dates with seats, their counts and check-in."""
    console = console_of(request)
    when = request.query.get("when") or "upcoming"
    if when not in staffing.WHEN:
        return _refused(400, "when_unknown")
    office = console.settings.office_timezone
    today = local_today(office)

    def work(session: Session) -> dict[str, Any]:
        found = staffing.staff_events(
            session=session, when=when, today=today, office_timezone=office
        )
        return {"events": found, "when": when}

    return web.json_response(await console.db(work))


async def event_registrations(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    """GET: one date and its registrations (seated, offered, the waitlist in order, ended)."""
    console = console_of(request)
    event_id, office = _event_id(request), console.settings.office_timezone
    if event_id is None:
        return _refused(404, "event_unknown")
    try:
        found = await console.db(
            lambda s: staffing.roster(session=s, event_id=event_id, office_timezone=office)
        )
    except staffing.EventNotFound:
        return _refused(404, "event_unknown")
    return web.json_response(found)


async def event_csv(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    """GET: the date's registrations as a CSV file."""
    console = console_of(request)
    event_id, office = _event_id(request), console.settings.office_timezone
    if event_id is None:
        return _refused(404, "event_unknown")
    try:
        name, text = await console.db(
            lambda s: staffing.roster_csv(session=s, event_id=event_id, office_timezone=office)
        )
    except staffing.EventNotFound:
        return _refused(404, "event_unknown")
    return web.Response(
        text=text,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def attendance(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    """POST {"attendance": "attended" | "no_show" | null}: tick a confirmed registration."""
    console = console_of(request)
    public_id = request.match_info["registration"]
    mark = (await StaffGate.body(request)).get("attendance")
    now = utcnow()

    def work(session: Session) -> dict[str, Any]:
        return staffing.check_in(
            session=session, public_id=public_id, attendance=mark, by=user.display_name, now=now
        )

    try:
        row = await console.db(work)
    except registrations.RegistrationNotFound:
        return _refused(404, "registration_unknown")
    except registrations.BadRegistration:
        return _refused(400, "attendance_unknown")
    except registrations.RegistrationOver:
        return _refused(409, "registration_closed")
    await console.consoles.publish({"type": "events"})
    return web.json_response({"ok": True, "registration": row})


async def questions(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    """GET: a reverse Q&A's questions, most voted first, hidden ones included."""
    console = console_of(request)
    event_id = _event_id(request)
    if event_id is None:
        return _refused(404, "event_unknown")
    try:
        found = await console.db(lambda s: staffing.host_questions(session=s, event_id=event_id))
    except staffing.EventNotFound:
        return _refused(404, "event_unknown")
    return web.json_response({"questions": found})


async def _question_change(request: web.Request, user: StaffUser, key: str) -> web.StreamResponse:
    console = console_of(request)
    question_id = request.match_info["question"]
    value = (await StaffGate.body(request)).get(key)
    now = utcnow()

    def work(session: Session) -> dict[str, Any]:
        return staffing.staff_question(
            session=session,
            question_id=question_id,
            by=user.display_name,
            now=now,
            change=key,
            value=value,
        )

    try:
        row = await console.db(work)
    except panel.QuestionNotFound:
        return _refused(404, "question_unknown")
    except panel.PanelError as error:
        return _refused(400, error.code)
    await console.consoles.publish({"type": "questions"})
    return web.json_response({"ok": True, "question": row})


async def question_answered(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    """POST {"answered": true | false}: the host marks a question answered (or not)."""
    return await _question_change(request, user, "answered")


async def question_status(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    """POST {"status": "open" | "hidden"}: hide a question from candidates or show it again."""
    return await _question_change(request, user, "status")
