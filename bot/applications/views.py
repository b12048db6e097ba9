"""The erasure link of an application's e-mail: /applications/erase/<token>.

GET shows what will go (the position, the date, every application of that e-mail
address, the CVs) and one button; the POST erases them, tells the company's ATS
(when one is configured) and says how many went. The token is signed and names the
application (bot.meetings.links, purpose "application_erase"); it works until the
end of the retention period. A POST from another site's page is refused.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
from collections.abc import Callable

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.applications import files
from bot.applications.models import Application
from bot.applications.service import erase_applications_of
from bot.core.clock import utcnow
from bot.core.dates import date_in_words
from bot.core.db import in_transaction
from bot.core.settings import Settings
from bot.core.texts import text
from bot.meetings.links import PATHS, BadToken, Purpose, link_secret, make_token, read_token
from bot.meetings.views import PAGE_HEADERS, STYLESHEET_PATH, cross_site

PURPOSE: Purpose = "application_erase"
settings_key = web.AppKey("applications_settings", Settings)
# What else goes with an address's applications (the web app passes the talent
# community's erasure: this layer cannot name it); how many rows went.
AlsoErase = Callable[[Session, str], int]
also_erase_key: web.AppKey[AlsoErase] = web.AppKey("applications_also_erase")


def erase_url(settings: Settings, *, public_id: str, created_at: dt.datetime) -> str:
    """The application's one-click erasure link (valid as long as it may be kept)."""
    token = make_token(
        secret=link_secret(settings),
        purpose=PURPOSE,
        public_id=public_id,
        expires=created_at + dt.timedelta(days=settings.application_retention_days),
    )
    return f"{settings.public_url or settings.web_url}{PATHS[PURPOSE]}/{token}"


def link_page(language: str, title: str, body: str, status: int = 200) -> web.Response:
    """The page an e-mail's link opens: a title and `body` (markup the caller escaped)."""
    title = html.escape(title)
    document = (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{title} · Ardoise Labs</title>"
        f'<link rel="stylesheet" href="{STYLESHEET_PATH}"></head>'
        f'<body><main class="coffee"><h1>{title}</h1>{body}</main></body></html>'
    )
    return web.Response(
        text=document, status=status, content_type="text/html", headers=PAGE_HEADERS
    )


def _page(language: str, body: str, status: int = 200) -> web.Response:
    return link_page(language, text("erase_title", language), body, status)


def _said(language: str, key: str, status: int = 200, **values: object) -> web.Response:
    return _page(
        language, f'<p role="status">{html.escape(text(key, language, **values))}</p>', status
    )


def _language(request: web.Request) -> str:
    return "en" if request.query.get("lang") == "en" else "fr"


async def _application(request: web.Request) -> tuple[str | None, Application | None]:
    """The public id the token names (None: a bad link) and its application, if kept."""
    settings = request.app[settings_key]
    try:
        secret = await asyncio.to_thread(link_secret, settings)
        public_id = read_token(
            secret=secret, token=request.match_info["token"], purpose=PURPOSE, now=utcnow()
        )
    except BadToken:
        return None, None

    def read(session: Session) -> Application | None:
        found = session.execute(
            select(Application).where(Application.public_id == public_id)
        ).scalar_one_or_none()
        if found is not None:
            session.expunge(found)
        return found

    return public_id, await in_transaction(settings.database_url, read)


async def show_erase(request: web.Request) -> web.Response:
    public_id, application = await _application(request)
    language = application.language if application is not None else _language(request)
    if public_id is None:
        return _said(_language(request), "erase_bad_link", 404)
    if application is None:
        return _said(language, "erase_gone")
    intro = text(
        "erase_intro",
        language,
        job=application.job_title,
        date=date_in_words(application.created_at.date(), language),
        email=application.email,
    )
    action = html.escape(request.path, quote=True)
    button = html.escape(text("erase_button", language))
    return _page(
        language,
        f"<p>{html.escape(intro)}</p>"
        f'<form method="post" action="{action}"><button type="submit" class="danger">'
        f"{button}</button></form>",
    )


async def erase(request: web.Request) -> web.Response:
    settings = request.app[settings_key]
    if cross_site(request, settings):
        return _said(_language(request), "erase_bad_link", 403)
    public_id, application = await _application(request)
    if public_id is None:
        return _said(_language(request), "erase_bad_link", 404)
    if application is None:
        return _said(_language(request), "erase_gone")
    told = utcnow() if settings.ats_webhook_url else None
    also = request.app[also_erase_key]

    def run(session: Session) -> tuple[int, list[str]]:
        also(session, application.email)
        return erase_applications_of(session=session, email=application.email, announce=told)

    count, stored = await in_transaction(settings.database_url, run)
    for name in stored:
        files.remove(settings, name)
    return _said(application.language, "erase_done", count=count)


def add_application_pages(
    app: web.Application, settings: Settings, also_erase: AlsoErase = lambda _s, _e: 0
) -> None:
    """Mount the erasure link's page (before the site's catch-all)."""
    app[settings_key] = settings
    app[also_erase_key] = also_erase
    app.router.add_get(f"{PATHS[PURPOSE]}/{{token}}", show_erase)
    app.router.add_post(f"{PATHS[PURPOSE]}/{{token}}", erase)
