"""What every staff route shares: who is signed in, role checks, CSRF, JSON bodies, ids, dates.

Ids and dates from a request are read here, strictly (ASCII digits only, dates within
FIRST_DAY..LAST_DAY), so that crafted values are 4xx answers, never a 500.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.problem_texts import Problem, problem_text
from bot.staff.accounts import StaffUser
from bot.staff.web_sessions import SESSION_COOKIE, WebSession, csrf_ok, session_user

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# A staff route: the request, who is signed in, and their sign-in session (CSRF token).
StaffHandler = Callable[[web.Request, StaffUser, WebSession], Awaitable[web.StreamResponse]]
Database = Callable[[Callable[[Session], Any]], Awaitable[Any]]
# Each role's own page, which a page of another role links to.
HOME = {"hr": "/console/hr", "recruiter": "/console"}
NOT_YOUR_PAGE = (
    '<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>403</title></head>'
    "<body><p>Cette page n'est pas ouverte à votre rôle · Not allowed for your role.</p>"
    '<p><a href="{home}">Votre page · Your page</a></p></body></html>'
)
# str.isdigit() accepts "²" and "٣", which int() refuses or reads: ids are ASCII digits.
ROW_ID = re.compile(r"[0-9]{1,12}")
CONTROL_CHARACTER = Problem("request_control_character")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# Dates people may ask about: wide enough for any real range, far from date's limits.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


def json_error(status: int, message: str, **extra: Any) -> web.HTTPException:
    """An HTTP error whose body is `{"error": message, ...}`, to raise from a handler."""
    kinds = {
        400: web.HTTPBadRequest,
        403: web.HTTPForbidden,
        404: web.HTTPNotFound,
        409: web.HTTPConflict,
        413: web.HTTPRequestEntityTooLarge,
        422: web.HTTPUnprocessableEntity,
        502: web.HTTPBadGateway,
    }
    body = json.dumps({"error": message, **extra})
    if status == 413:
        return web.HTTPRequestEntityTooLarge(
            max_size=0, actual_size=0, text=body, content_type="application/json"
        )
    return kinds[status](text=body, content_type="application/json")


def row_number(raw: str) -> int | None:
    """An id written in ASCII digits (at most 12), else None."""
    return int(raw) if ROW_ID.fullmatch(raw) else None


def has_nul(value: Any) -> bool:
    """Whether a JSON value holds a NUL character anywhere (PostgreSQL refuses them)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(item) for item in value)
    return False


def problem_error(status: int, problem: Problem, language: str) -> web.HTTPException:
    """json_error worded from a problem code, the code alongside (`{"error", "code"}`)."""
    return json_error(status, problem_text(problem, language), code=problem.code)


def request_date(value: str | None, *, language: str) -> date | None:
    """A YYYY-MM-DD date from a query (None when absent), or a 400 naming the format and range."""
    if not value:
        return None
    day = None
    if ISO_DATE.fullmatch(value):  # ASCII digits only: fromisoformat takes others
        try:
            day = date.fromisoformat(value)
        except ValueError:
            pass
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        raise problem_error(400, date_problem(), language)
    return day


def date_problem() -> Problem:
    """What a request's bad date is told: the format and the range."""
    return Problem("request_date", {"example": "2026-11-26", "first": FIRST_DAY, "last": LAST_DAY})


def staff_page(template: Path, user: StaffUser, websession: WebSession) -> web.Response:
    """A staff page from its HTML file, with the signed-in person's CSRF token, name and role."""
    document = template.read_text(encoding="utf-8")
    for key, value in (
        ("csrf", websession.csrf_token),
        ("name", user.display_name),
        ("role", user.role),
    ):
        document = document.replace("{{" + key + "}}", html.escape(value))
    return web.Response(text=document, content_type="text/html")


def detached(value: Any, *, session: Session) -> Any:
    """Load what the caller will read after the session closes."""
    if value is None:
        return None
    items = value if isinstance(value, tuple) else (value,)
    for item in items:
        session.refresh(item)
        session.expunge(item)
    return value


class StaffGate:
    """Guards staff routes: a signed-in account with the right role, and the CSRF token."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def staff(self, request: web.Request) -> tuple[StaffUser, WebSession] | None:
        token = request.cookies.get(SESSION_COOKIE)
        found = await self.db(lambda s: detached(session_user(session=s, token=token), session=s))
        return found

    def require(
        self, roles: tuple[str, ...] = ("recruiter", "hr"), page: bool = False
    ) -> Callable[[StaffHandler], Handler]:
        def wrap(handler: StaffHandler) -> Handler:
            async def guarded(request: web.Request) -> web.StreamResponse:
                found = await self.staff(request)
                if found is None:
                    if page:
                        raise web.HTTPFound("/console/login")
                    return web.json_response({"error": "sign in first"}, status=401)
                user, websession = found
                if user.role not in roles:
                    if page:  # e.g. HR opening the recruiters' console: a way to its own page
                        return web.Response(
                            text=NOT_YOUR_PAGE.format(home=HOME[user.role]),
                            status=403,
                            content_type="text/html",
                        )
                    return web.json_response({"error": "not allowed for your role"}, status=403)
                if request.method not in ("GET", "HEAD") and not csrf_ok(
                    websession.csrf_token, request.headers.get("X-CSRF-Token")
                ):
                    return web.json_response({"error": "missing or wrong CSRF token"}, status=403)
                return await handler(request, user, websession)

            return guarded

        return wrap

    @staticmethod
    async def body(request: web.Request) -> dict[str, Any]:
        """The request's JSON object, or a 400 saying what is wrong with it."""
        try:
            data = await request.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise json_error(400, "the body must be JSON") from None
        if not isinstance(data, dict):
            raise json_error(400, "the body must be a JSON object")
        if has_nul(data):
            language = "fr" if request.path.startswith("/console/api/hr") else "en"
            raise problem_error(400, CONTROL_CHARACTER, language)
        return data

    @staticmethod
    def path_number(request: web.Request, key: str, what: str) -> int:
        """A row id from the URL; anything else is a 404 naming what was not found."""
        number = row_number(request.match_info[key])
        if number is None:
            raise json_error(404, f"unknown {what}")
        return number


# Where the web app keeps its gate, for the surfaces mounted after the console (HR workspace).
gate_key = web.AppKey("gate", StaffGate)
