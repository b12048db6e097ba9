"""What every staff route shares: who is signed in, role checks, CSRF, JSON bodies, ids."""

from __future__ import annotations

import html
import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.staff.accounts import StaffUser
from bot.staff.web_sessions import SESSION_COOKIE, csrf_ok, session_user

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
Database = Callable[[Callable[[Session], Any]], Awaitable[Any]]


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


def staff_page(template: Path, user: StaffUser, websession: Any) -> web.Response:
    """A staff page from its HTML file, with the signed-in person's CSRF token, name and role."""
    document = template.read_text(encoding="utf-8")
    for key, value in (
        ("csrf", websession.csrf_token),
        ("name", user.display_name),
        ("role", user.role),
    ):
        document = document.replace("{{" + key + "}}", html.escape(value))
    return web.Response(text=document, content_type="text/html")


def detached(value: Any, session: Session) -> Any:
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

    async def staff(self, request: web.Request) -> tuple[StaffUser, Any] | None:
        token = request.cookies.get(SESSION_COOKIE)
        found = await self.db(lambda s: detached(session_user(session=s, token=token), s))
        return found

    def require(
        self, roles: tuple[str, ...] = ("recruiter", "hr"), page: bool = False
    ) -> Callable[[Callable], Handler]:
        def wrap(handler: Callable) -> Handler:
            async def guarded(request: web.Request) -> web.StreamResponse:
                found = await self.staff(request)
                if found is None:
                    if page:
                        raise web.HTTPFound("/console/login")
                    return web.json_response({"error": "sign in first"}, status=401)
                user, websession = found
                if user.role not in roles:
                    if page:
                        return web.Response(
                            text="Not allowed for your role.", status=403, content_type="text/plain"
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
        return data

    @staticmethod
    def path_number(request: web.Request, key: str, what: str) -> int:
        """A row id from the URL; anything else is a 404 naming what was not found."""
        raw = request.match_info[key]
        if not raw.isdigit() or len(raw) > 12:
            raise json_error(404, f"unknown {what}")
        return int(raw)


# Where the web app keeps its gate, for the surfaces mounted after the console (HR workspace).
gate_key = web.AppKey("gate", StaffGate)
