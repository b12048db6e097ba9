"""Staff sign-in, shared by the recruiter console and the HR workspace: page, login, logout.

The sign-in form carries its own CSRF token (a cookie and a hidden field, before
any session exists); a good password opens a server-side session whose token
goes in an HttpOnly, SameSite=Strict cookie scoped to /console (Secure when the
public URL is https). Attempts are throttled per account and per address
(bot.staff.throttle) and passwords are hashed on their own threads.
"""

from __future__ import annotations

import html
import ipaddress
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.problem_texts import Problem, problem_text
from bot.staff.accounts import StaffUser, credentials, verify_off_loop
from bot.staff.gate import HOME, StaffGate
from bot.staff.throttle import SignInLocked, SignInThrottle
from bot.staff.web_sessions import SESSION_COOKIE, csrf_ok, end_session, start_session

LOGIN_PAGE = Path(__file__).resolve().parent.parent / "web" / "static" / "login.html"
LOGIN_CSRF_COOKIE = "ardoise_login_csrf"
EXPIRED_FORM = "Session expirée, réessayez · Expired form, try again"
WRONG_PASSWORD = "Identifiant ou mot de passe incorrect · Wrong login or password"
PLACEHOLDER = re.compile(r"\{\{(\w+)\}\}")
ERROR_BLOCK = re.compile(r"<!--error-->(.*?)<!--/error-->", re.DOTALL)

# Sign-ins waiting for the hashing threads; beyond, "busy" (a flood queues no further).
MAX_PENDING_CHECKS = 16
BUSY = Problem("sign_in_busy")

# What else ends with a session (the console's presence), as `hook(session=..., user_id=...)`.
SignOutHook = Callable[..., None]


def locked_problem(locked: SignInLocked) -> Problem:
    """What a locked sign-in is told: how many minutes to wait."""
    return Problem("sign_in_locked", {"minutes": locked.minutes})


def both_languages(problem: Problem) -> str:
    """The sign-in page speaks French and English at once, as its labels do."""
    return f"{problem_text(problem, 'fr')} · {problem_text(problem, 'en')}"


def client_address(request: web.Request, *, behind_proxy: bool) -> str:
    """The address sign-in failures are counted against.

    Behind a proxy on this machine (PUBLIC_URL set, the peer is loopback) it is the
    last address the proxy appended to X-Forwarded-For; otherwise the peer itself.
    """
    peer = request.remote or ""
    forwarded = request.headers.get("X-Forwarded-For", "")
    if behind_proxy and forwarded and _is_loopback(peer):
        last = forwarded.rsplit(",", 1)[-1].strip()
        if _is_address(last):
            return last
    return peer


def _is_loopback(address: str) -> bool:
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def login_page_html(csrf: str, error: str = "") -> str:
    """The sign-in page with its form token, and the error above the form when there is one."""
    template = LOGIN_PAGE.read_text(encoding="utf-8")
    document = ERROR_BLOCK.sub(lambda m: m.group(1) if error else "", template)
    values = {"csrf": csrf, "error": error}
    return PLACEHOLDER.sub(lambda m: html.escape(values[m.group(1)]), document)


class SignIn:
    """The sign-in routes; `secure` sets the Secure flag on cookies (an https site)."""

    def __init__(
        self,
        gate: StaffGate,
        *,
        secure: bool,
        on_sign_out: SignOutHook,
        throttle: SignInThrottle,
        behind_proxy: bool = False,
    ) -> None:
        self.gate = gate
        self.secure = secure
        self.on_sign_out = on_sign_out
        self.throttle = throttle
        self.behind_proxy = behind_proxy
        self.pending = 0

    def _form(
        self, error: str = "", status: int = 200, headers: dict[str, str] | None = None
    ) -> web.Response:
        token = secrets.token_urlsafe(32)
        response = web.Response(
            text=login_page_html(token, error),
            content_type="text/html",
            status=status,
            headers=headers,
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
        found = await self.gate.staff(request)
        if found:
            raise web.HTTPFound(HOME.get(found[0].role, "/console"))
        return self._form()

    async def login(self, request: web.Request) -> web.StreamResponse:
        form = await request.post()
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        if not expected or not csrf_ok(expected, form.get("csrf")):
            return self._form(EXPIRED_FORM, 403)
        login = str(form.get("login") or "")[:64]
        password = str(form.get("password") or "")[:1024]
        address = client_address(request, behind_proxy=self.behind_proxy)
        if self.pending >= MAX_PENDING_CHECKS:
            return self._form(both_languages(BUSY), 503, {"Retry-After": "60"})
        try:
            self.throttle.attempt(login=login, address=address)
        except SignInLocked as locked:
            return self._locked(locked)
        found = await self.gate.db(lambda s: credentials(session=s, login=login))
        self.pending += 1
        try:
            good = await verify_off_loop(password, found.password_hash)
        finally:
            self.pending -= 1
        if not good or found.user_id is None:
            self.throttle.failed(address=address)
            return self._form(WRONG_PASSWORD, 401)
        self.throttle.succeeded(login=login)
        user_id = found.user_id
        token = await self.gate.db(
            lambda s: start_session(session=s, user=s.get(StaffUser, user_id))
        )
        # HR lands on its workspace; recruiters on the live queue.
        response = web.HTTPFound(HOME.get(found.role, "/console"))
        response.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="Strict",
            secure=self.secure,
            path="/console",
        )
        response.del_cookie(LOGIN_CSRF_COOKIE)
        raise response

    def _locked(self, locked: SignInLocked) -> web.Response:
        """429 with the wait in minutes, on the page and in Retry-After."""
        message = both_languages(locked_problem(locked))
        return self._form(message, 429, {"Retry-After": str(max(1, round(locked.seconds)))})

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
    app: web.Application,
    gate: StaffGate,
    *,
    secure: bool,
    on_sign_out: SignOutHook,
    throttle: SignInThrottle,
    behind_proxy: bool = False,
) -> None:
    """Mount /console/login (GET page, POST form) and /console/logout."""
    sign = SignIn(
        gate,
        secure=secure,
        on_sign_out=on_sign_out,
        throttle=throttle,
        behind_proxy=behind_proxy,
    )
    app.router.add_get("/console/login", sign.page)
    app.router.add_post("/console/login", sign.login)
    app.router.add_post("/console/logout", gate.require()(sign.logout))
