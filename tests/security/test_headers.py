"""Security headers on everything the web server sends: every registered route, read from
the app's router, is fetched anonymously and signed in as each role, with errors and
the console's socket upgrade too. Every response carries a Content-Security-Policy that
forbids framing and inline script, nosniff, a Referrer-Policy and X-Frame-Options; the
HTML it serves holds no inline script, event handler or style attribute for the policy
to block."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from multidict import CIMultiDictProxy

from bot.web.app import create_app
from tests.conftest import make_settings
from tests.handoff.factories import PASSWORD, add_staff

# What fills each placeholder of a route (a real file name, a likely id).
SAMPLES = {
    "path": "",
    "name": "console.js",
    "conversation": "alex",
    "handoff": "1",
    "callback": "1",
    "article": "remote-work",
    "number": "1",
    "record": "1",
    "build": "1",
    "token": "not-a-token",
    "ambassador": "lea",
    "pause": "1",
    "booking": "not-a-booking",
    "event": "1",
    "registration": "not-a-registration",
    "question": "1",
    "application": "not-an-application",
    "reply": "1",
}
EXTRA_PATHS = [
    "/fr/",
    "/en/",
    "/fr/privacy",
    "/en/privacy",
    "/widget.js",
    "/widget.css",
    "/site.css",
    "/site/favicon.svg",
    "/nope",
    "/en",
    "/console/static/nope.js",
    "/console/api/nope",
    "/console/login",
    "/meetings/manage/a.b",
    "/meetings/decline/a.b",
    "/events/registration/a.b",
    "/events/offer/a.b",
    "/events/feedback/a.b",
    "/events/events.css",
    "/community/confirm/a.b",
    "/community/renew/a.b",
    "/community/leave/a.b",
    "/console/api/community/matches?job=nope",
    "/console/api/hr/community.csv",
]
INLINE = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|\son[a-z]+\s*=|\sstyle\s*=", re.IGNORECASE)


def registered_paths(app: web.Application) -> list[str]:
    """Every GET route of the app with its placeholders filled in."""
    paths = []
    for route in app.router.routes():
        if route.method != "GET":
            continue
        canonical = route.resource.canonical if route.resource else ""
        paths.append(
            re.sub(r"\{(\w+)(?::[^}]*)?\}", lambda m: SAMPLES[m.group(1)], canonical) or "/"
        )
    return sorted(set(paths))


def check(headers: CIMultiDictProxy[str], where: str) -> None:
    policy = headers.get("Content-Security-Policy", "")
    assert "frame-ancestors 'none'" in policy, where
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, where
    assert re.search(r"(script-src|default-src) [^;]*'(self|none)'", policy), where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("Referrer-Policy") == "same-origin", where
    assert headers.get("X-Frame-Options") == "DENY", where


@pytest.fixture
async def server(tmp_path, db_url) -> AsyncIterator[tuple[str, web.Application]]:
    add_staff(db_url)
    settings = make_settings(tmp_path, database_url=db_url, RASA_PORT="15995", RASA_TOKEN="t")
    app = create_app(settings)
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    yield str(test_server.make_url("")), app
    await test_server.close()


async def browser(base: str, login: str | None) -> aiohttp.ClientSession:
    http = aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True))
    if login:
        async with http.get("/console/login") as page:
            token = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
        async with http.post(
            "/console/login",
            data={"csrf": token, "login": login, "password": PASSWORD},
            allow_redirects=False,
        ) as answer:
            assert answer.status == 302
    return http


@pytest.mark.parametrize("who", [None, "camille", "hr1"])
async def test_every_route_answers_with_the_security_headers(server, who):
    base, app = server
    paths = registered_paths(app)
    assert {"/", "/console", "/console/hr", "/console/ws", "/healthz", "/alive", "/ready"} <= set(
        paths
    )
    http = await browser(base, who)
    try:
        for path in [*paths, *EXTRA_PATHS]:
            async with http.get(path, allow_redirects=False) as answer:
                check(answer.headers, f"{who} GET {path} -> {answer.status}")
                # read to the end: a body left unread (widget.js is large) can leave the
                # kept-alive connection stuck for the next request
                body = await answer.read()
                if answer.content_type == "text/html":
                    page = body.decode(answer.charset or "utf-8")
                    assert INLINE.findall(page) == [], (path, INLINE.findall(page))
        # a method the route does not take, and a crafted path: errors carry them too
        for probe in ("/healthz", "/alive", "/ready"):
            async with http.delete(probe) as answer:
                assert answer.status == 405
                check(answer.headers, f"DELETE {probe}")
        async with http.get("/console/api/handoffs/%00/claim") as answer:
            assert answer.status == 400
            check(answer.headers, "NUL")
    finally:
        await http.close()


async def test_the_consoles_socket_upgrade_carries_them_too(server):
    base, _ = server
    http = await browser(base, "camille")
    try:
        async with http.ws_connect("/console/ws") as socket:
            check(socket._response.headers, "socket upgrade")
    finally:
        await http.close()


async def test_an_unexpected_error_carries_them_too(tmp_path, db_url):
    app = create_app(make_settings(tmp_path, database_url=db_url))

    @web.middleware
    async def broken(request: web.Request, handler: Any) -> web.StreamResponse:
        if request.path == "/console/api/broken":
            raise RuntimeError("a bug standing for any bug in a handler")
        return await handler(request)

    app.middlewares.append(broken)  # the app's routes end in a catch-all: a bug by other means
    test_server = TestServer(app, host="127.0.0.1")
    await test_server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(test_server.make_url("/console/api/broken")) as answer:
                assert answer.status == 500
                check(answer.headers, "500")
    finally:
        await test_server.close()


async def test_the_pages_and_files_on_disk_hold_no_inline_script():
    from bot.web.app import SITE, STATIC

    for page in [*SITE.glob("*.html"), *STATIC.glob("*.html")]:
        assert INLINE.findall(page.read_text(encoding="utf-8")) == [], page.name
