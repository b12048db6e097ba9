"""Staff sign-in, shared by the recruiter console and the HR workspace: page, login, logout.

The sign-in form carries its own CSRF token (a cookie and a hidden field, before
any session exists); a good password opens a server-side session whose token
goes in an HttpOnly, SameSite=Strict cookie scoped to /console.
"""

from __future__ import annotations

import html
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.staff.accounts import StaffUser
from bot.staff.gate import StaffGate
from bot.staff.web_sessions import (
    SESSION_COOKIE,
    WrongCredentials,
    csrf_ok,
    end_session,
    sign_in,
)

LOGIN_PAGE = Path(__file__).resolve().parent.parent / "web" / "static" / "login.html"
LOGIN_CSRF_COOKIE = "ardoise_login_csrf"
EXPIRED_FORM = "Session expirée, réessayez · Expired form, try again"
WRONG_PASSWORD = "Identifiant ou mot de passe incorrect · Wrong login or password"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
ERROR_BLOCK = re.compile(r"<!--error-->(.*?)<!--/error-->", re.DOTALL)

# What else ends with a session (the console's presence), as `hook(session=..., user_id=...)`.
SignOutHook = Callable[..., None]


def login_page_html(csrf: str, error: str = "") -> str:
    """The sign-in page with its form token, and the error above the form when there is one."""
    template = LOGIN_PAGE.read_text(encoding="utf-8")
    document = ERROR_BLOCK.sub(lambda m: m.group(1) if error else "", template)
    values = {"csrf": csrf, "error": error}
    return PLACEHOLDER.sub(lambda m: html.escape(values[m.group(1)]), document)


class SignIn:
    """The sign-in routes; `secure` sets the Secure flag on cookies (an https site)."""

    def __init__(self, gate: StaffGate, *, secure: bool, on_sign_out: SignOutHook) -> None:
        self.gate = gate
        self.secure = secure
        self.on_sign_out = on_sign_out

    def _form(self, error: str = "", status: int = 200) -> web.Response:
        token = secrets.token_urlsafe(32)
        response = web.Response(
            text=login_page_html(token, error), content_type="text/html", status=status
        )
        response.set_cookie(
            LOGIN_CSRF_COOKIE,
            token,
            httponly=True,
            samesite="Strict",
            secure=self.secure,
            max_age=3600,
        )
        return response

    async def page(self, request: web.Request) -> web.StreamResponse:
        if await self.gate.staff(request):
            raise web.HTTPFound("/console")
        return self._form()

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not csrf_ok(expected, form.get("csrf")):
            return self._form(EXPIRED_FORM, 403)
        login = str(form.get("login") or "")[:64]
        password = str(form.get("password") or "")[:1024]
        try:
            signed_in = await self.gate.db(
                lambda s: sign_in(session=s, login=login, password=password)
            )
        except WrongCredentials:
            return self._form(WRONG_PASSWORD, 401)
        # HR lands on its workspace; recruiters on the live queue.
        response = web.HTTPFound("/console/hr" if signed_in.role == "hr" else "/console")
        response.set_cookie(
            SESSION_COOKIE,
            signed_in.token,
            httponly=True,
            samesite="Strict",
            secure=self.secure,
            path="/console",
        )
        response.del_cookie(LOGIN_CSRF_COOKIE)
        raise response

    async def logout(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        token = request.cookies.get(SESSION_COOKIE)

        def sign_out(session: Session) -> None:
            end_session(session=session, token=token)
            self.on_sign_out(session=session, user_id=user.id)

        await self.gate.db(sign_out)
        response = web.json_response({"ok": True})
        response.del_cookie(SESSION_COOKIE, path="/console")
        return response


def add_sign_in(
    app: web.Application, gate: StaffGate, *, secure: bool, on_sign_out: SignOutHook
) -> None:
    """Mount /console/login (GET page, POST form) and /console/logout."""
    sign = SignIn(gate, secure=secure, on_sign_out=on_sign_out)
    app.router.add_get("/console/login", sign.page)
    app.router.add_post("/console/login", sign.login)
    app.router.add_post("/console/logout", gate.require()(sign.logout))
