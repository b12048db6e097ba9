"""The web server: the demo careers page and the chat widget's files.

`/widget.js` is the one file a company's site includes: the socket.io client
and the widget, wrapped together so neither leaks a global into the host
page, with this deployment's settings (where the socket.io server is, the
retention period, the privacy notice) filled in.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hashlib
import json
import logging
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web

from bot.core.clock import utcnow
from bot.core.db import readiness
from bot.core.limits import Limiter
from bot.core.problem_texts import problem_text
from bot.core.settings import LANGUAGES, Settings
from bot.staff.gate import CONTROL_CHARACTER
from bot.staff.throttle import SignInThrottle

HERE = Path(__file__).resolve().parent
SITE = HERE / "site"
STATIC = HERE / "static"
SOCKETIO_CLIENT = STATIC / "vendor" / "socket.io.min.js"
HOSTNAME = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)$")
SITE_FILE = re.compile(r"^[a-z0-9-]+\.svg$")
# How often each web process sends what is due to the ATS (bot.applications.ats).
ATS_SWEEP_SECONDS = 5.0
COMMUNITY_SWEEP_SECONDS = 120.0

settings_key = web.AppKey("settings", Settings)
assets_key = web.AppKey("assets", dict)


@dataclass(frozen=True)
class Asset:
    body: bytes
    content_type: str

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha256(self.body).hexdigest()[:20] + '"'


def widget_config(settings: Settings) -> dict[str, object]:
    return {
        "socketUrl": settings.public_socket_url,
        "socketPort": settings.rasa_port,
        "privacyUrl": settings.privacy_url,
        "retentionDays": settings.retention_days,
        "defaultLanguage": settings.default_language,
    }


def widget_bundle(settings: Settings) -> bytes:
    """socket.io's client and the widget in one closure: `io` stays out of the page's globals."""
    client = SOCKETIO_CLIENT.read_text(encoding="utf-8")
    widget = (STATIC / "richtext.js").read_text(encoding="utf-8") + (
        STATIC / "widget.js"
    ).read_text(encoding="utf-8")
    config = json.dumps(widget_config(settings)).replace("<", "\\u003c")
    return (
        "(function () {\n"
        "var module = { exports: {} }, exports = module.exports, define;\n"
        f"{client}\n"
        "var io = module.exports;\n"
        f"var CONFIG = {config};\n"
        f"{widget}\n"
        "})();\n"
    ).encode()


def load_assets(settings: Settings) -> dict[str, Asset]:
    html = "text/html; charset=utf-8"
    assets = {
        "/widget.js": Asset(widget_bundle(settings), "text/javascript; charset=utf-8"),
        "/widget.css": Asset((STATIC / "widget.css").read_bytes(), "text/css; charset=utf-8"),
        "/site.css": Asset((SITE / "site.css").read_bytes(), "text/css; charset=utf-8"),
    }
    for language in LANGUAGES:
        assets[f"/{language}/"] = Asset((SITE / f"{language}.html").read_bytes(), html)
        # The notice states this deployment's retention period.
        notice = (SITE / f"privacy-{language}.html").read_text(encoding="utf-8")
        assets[f"/{language}/privacy"] = Asset(
            notice.replace("{{retention_days}}", str(settings.retention_days)).encode(), html
        )
    assets["/"] = assets[f"/{settings.default_language}/"]
    for svg in SITE.glob("*.svg"):
        assets[f"/site/{svg.name}"] = Asset(svg.read_bytes(), "image/svg+xml")
    return assets


def socket_origins(settings: Settings, host_header: str) -> list[str]:
    """Where this page's widget opens its socket (for the page's Content-Security-Policy)."""
    if settings.public_socket_url:
        parts = urlsplit(settings.public_socket_url)
        ws = "wss" if parts.scheme == "https" else "ws"
        return [f"{parts.scheme}://{parts.netloc}", f"{ws}://{parts.netloc}"]
    hostname = host_header.rsplit(":", 1)[0] if not host_header.endswith("]") else host_header
    if not HOSTNAME.match(hostname):
        return []
    return [f"http://{hostname}:{settings.rasa_port}", f"ws://{hostname}:{settings.rasa_port}"]


def page_headers(settings: Settings, request: web.Request) -> dict[str, str]:
    connect = " ".join(["'self'", *socket_origins(settings, request.host)])
    return {
        "Content-Security-Policy": (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            f"connect-src {connect}; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'self'; object-src 'none'"
        ),
        "Referrer-Policy": "same-origin",
        "X-Frame-Options": "DENY",
    }


async def serve(request: web.Request) -> web.StreamResponse:
    assets: dict[str, Asset] = request.app[assets_key]
    path = request.path
    asset = assets.get(path)
    if asset is None:
        if f"{path}/" in assets:
            raise web.HTTPMovedPermanently(f"{path}/")
        raise web.HTTPNotFound(text="Page not found / Page introuvable")
    headers = {
        "ETag": asset.etag,
        "Cache-Control": "no-cache",
        "X-Content-Type-Options": "nosniff",
    }
    if asset.content_type.startswith("text/html"):
        headers.update(page_headers(request.app[settings_key], request))
    else:
        # The widget's files are loaded by other companies' sites.
        headers["Access-Control-Allow-Origin"] = "*"
        headers["Cross-Origin-Resource-Policy"] = "cross-origin"
    if request.headers.get("If-None-Match") == asset.etag:
        return web.Response(status=304, headers=headers)
    return web.Response(
        body=asset.body,
        content_type=asset.content_type.split(";")[0],
        charset="utf-8" if "charset" in asset.content_type else None,
        headers=headers,
    )


async def health(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def alive(request: web.Request) -> web.Response:
    """The process answers (a liveness probe: restart it when this fails)."""
    return web.json_response({"status": "alive"})


async def ready(request: web.Request) -> web.Response:
    """It can serve: the database answers (a readiness probe: send it no traffic else)."""
    status, body = await readiness(request.app[settings_key].database_url)
    return web.json_response(body, status=status)


CONSOLE_FILES = {
    "console.js": "text/javascript",
    "console.css": "text/css",
    "workspace.js": "text/javascript",
    "workspace.css": "text/css",
    "charts.js": "text/javascript",
    "richtext.js": "text/javascript",
    "staff.js": "text/javascript",
}


def console_asset(name: str) -> bytes:
    if name == "richtext.js":
        # The widget's renderer, on its own: one global, French link titles.
        shared = (STATIC / name).read_text(encoding="utf-8")
        return (
            "(function () {\n"
            'function t() { return "s\u2019ouvre dans un nouvel onglet"; }\n'
            f"{shared}\n"
            "window.ArdoiseRichText = { rich: rich };\n"
            "})();\n"
        ).encode()
    return (STATIC / name).read_bytes()


async def console_file(request: web.Request) -> web.StreamResponse:
    name = request.match_info["name"]
    if name not in CONSOLE_FILES:
        raise web.HTTPNotFound()
    return web.Response(
        body=console_asset(name),
        content_type=CONSOLE_FILES[name],
        charset="utf-8",
        headers={"Cache-Control": "no-cache", "X-Content-Type-Options": "nosniff"},
    )


# Every response's baseline (pages set their own, stricter or wider, policy first).
BASE_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
HSTS = "max-age=31536000"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def console_policy(request: web.Request) -> str:
    """The consoles' pages: same-origin scripts, styles and sockets only, never framed."""
    host = request.host if HOSTNAME.match(request.host.rsplit(":", 1)[0]) else ""
    socket = f" ws://{host} wss://{host}" if host else ""
    return (
        f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'{socket}; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'; object-src 'none'"
    )


async def security_headers(request: web.Request, response: web.StreamResponse) -> None:
    """On every response this server sends (errors and the live socket's upgrade too):
    a Content-Security-Policy, no framing, no sniffing, no referrer to other sites,
    and HSTS when the public URL is https. The consoles' answers are never cached."""
    headers = response.headers
    if request.path.startswith("/console"):
        headers.setdefault("Content-Security-Policy", console_policy(request))
        headers.setdefault("Cache-Control", "no-store")
    headers.setdefault("Content-Security-Policy", BASE_POLICY)
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("X-Content-Type-Options", "nosniff")
    if request.app[settings_key].https:
        headers.setdefault("Strict-Transport-Security", HSTS)


@web.middleware
async def refuse_control_characters(request: web.Request, handler: Any) -> web.StreamResponse:
    """A NUL (or any control character) in the path or the query is a 400, before any
    handler: no file name, id or database query ever sees one."""
    if CONTROL_CHARACTERS.search(request.path) or any(
        CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value)
        for key, value in request.query.items()
    ):
        language = "fr" if request.path.startswith(("/console/api/hr", "/console/hr")) else "en"
        return web.json_response(
            {"error": problem_text(CONTROL_CHARACTER, language), "code": CONTROL_CHARACTER.code},
            status=400,
        )
    return await handler(request)


async def reminder_sweep(app: web.Application) -> AsyncIterator[None]:
    """The coffee reminders' sweep, for as long as the app runs: every web process sweeps,
    and the conditional UPDATE in bot.meetings.reminders sends each reminder once."""
    from bot.meetings.reminders import remind_forever

    task = asyncio.create_task(remind_forever(app[settings_key], clock=utcnow))
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


def sweeping(
    name: str, work: Callable[[Settings, dt.datetime], object], seconds: float
) -> Callable[[web.Application], AsyncIterator[None]]:
    """A background sweep for as long as the app runs: `work(settings, now)` in a thread
    every `seconds`. Every web process sweeps; each sweep's conditional UPDATEs make
    each e-mail or delivery go once. A failing sweep is logged and tried again."""

    async def context(app: web.Application) -> AsyncIterator[None]:
        settings = app[settings_key]

        async def forever() -> None:
            while True:
                try:
                    await asyncio.to_thread(work, settings, utcnow())
                except Exception:  # noqa: BLE001 - a background sweep must outlive a bad minute
                    logging.getLogger(__name__).exception("the %s sweep failed", name)
                await asyncio.sleep(seconds)

        task = asyncio.create_task(forever())
        yield
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    return context


def create_app(settings: Settings, *, limiter: Limiter | None = None) -> web.Application:
    """The web app; `limiter` counts sign-in failures (default: bot.core.limits' for
    LIMITS_URL; tests pass one with their own clock)."""
    from bot.applications.ats import deliver_due
    from bot.applications.views import add_application_pages
    from bot.community.mail import sweep as community_sweep
    from bot.community.service import erase_members_of
    from bot.community.views import add_community_pages
    from bot.events.reminders import send_due_notices
    from bot.events.views import add_events
    from bot.handoff.views import add_console, gate_key
    from bot.hr.views import add_workspace
    from bot.meetings.views import add_meetings
    from bot.web.starters import add_starters
    from bot.web.uploads import add_uploads

    app = web.Application(client_max_size=256 * 1024, middlewares=[refuse_control_characters])
    app.on_response_prepare.append(security_headers)  # type: ignore[arg-type]
    app[settings_key] = settings
    app[assets_key] = load_assets(settings)
    app.router.add_get("/healthz", health)
    app.router.add_get("/alive", alive)
    app.router.add_get("/ready", ready)
    app.router.add_get("/console/static/{name}", console_file)
    add_console(app, settings, throttle=SignInThrottle.of(settings, limiter))
    add_workspace(app, settings, app[gate_key])
    add_meetings(app, settings)  # before the catch-all
    add_events(app, settings)  # before the catch-all
    add_starters(app, settings)  # before the catch-all
    add_uploads(app, settings, limiter)  # before the catch-all
    # an application's erasure link also ends the address's talent-community membership
    add_application_pages(
        app, settings, lambda session, email: erase_members_of(session=session, email=email)
    )  # before the catch-all
    add_community_pages(app, settings)  # before the catch-all
    app.cleanup_ctx.append(reminder_sweep)
    # The registrations' sweep (lapsed offers and the next ones, reminders, thank-yous).
    app.cleanup_ctx.append(sweeping("events", send_due_notices, 60.0))
    # The talent community's e-mails (positions that opened, renewals) and its expiry.
    app.cleanup_ctx.append(sweeping("community", community_sweep, COMMUNITY_SWEEP_SECONDS))
    if settings.ats_webhook_url:  # applications forwarded to the company's ATS
        app.cleanup_ctx.append(sweeping("ATS", deliver_due, ATS_SWEEP_SECONDS))
    app.router.add_get("/{path:.*}", serve)
    return app


def run(settings: Settings) -> None:
    web.run_app(
        create_app(settings),
        host=settings.web_host,
        port=settings.web_port,
        print=lambda text: print(text, flush=True),
        access_log=None,
    )
