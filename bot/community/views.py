"""The pages of the talent community's e-mail links: /community/confirm/<token> (the
double opt-in), /community/renew/<token> and /community/leave/<token>.

GET shows what the click will do and one button; the POST does it. So a mail
scanner that opens every link confirms nothing, and nobody is signed up by another
person's click on a forwarded e-mail without seeing the address. The leave link's
POST is also the RFC 8058 one-click unsubscribe a mail client sends by itself (its
body "List-Unsubscribe=One-Click", no Origin). A POST from another site's page is
refused; a bad, expired or other-purpose token changes nothing.
"""

from __future__ import annotations

import asyncio
import html
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web
from sqlalchemy.orm import Session

from bot.applications.views import link_page
from bot.community.mail import wishes_in_words
from bot.community.models import CommunityMember
from bot.community.service import confirm, leave, member_by_public_id, renew
from bot.core.clock import utcnow
from bot.core.community_texts import MEMBERSHIP_MONTHS
from bot.core.dates import date_in_words
from bot.core.db import in_transaction
from bot.core.settings import Settings
from bot.core.texts import text
from bot.meetings.links import PATHS, BadToken, Purpose, link_secret, read_token
from bot.meetings.views import cross_site

settings_key = web.AppKey("community_settings", Settings)


@dataclass(frozen=True)
class Seen:
    """What a page says about the member a link names."""

    email: str
    language: str
    wishes: str
    confirmed: bool
    expires: str


def _seen(member: CommunityMember | None) -> Seen | None:
    if member is None:
        return None
    language = member.language
    ends = date_in_words(member.expires_at.date(), language) if member.expires_at else ""
    return Seen(
        member.email,
        language,
        wishes_in_words(member, language),
        member.confirmed_at is not None,
        ends,
    )


def _language(request: web.Request) -> str:
    return "en" if request.query.get("lang") == "en" else "fr"


def _said(language: str, title: str, key: str, status: int = 200, **values: object) -> web.Response:
    body = f'<p role="status">{html.escape(text(key, language, **values))}</p>'
    return link_page(language, text(title, language), body, status)


async def _public_id(request: web.Request, purpose: Purpose) -> str | None:
    settings = request.app[settings_key]
    try:
        secret = await asyncio.to_thread(link_secret, settings)
        return read_token(
            secret=secret, token=request.match_info["token"], purpose=purpose, now=utcnow()
        )
    except BadToken:
        return None


async def _look(request: web.Request, purpose: Purpose) -> tuple[str | None, Seen | None]:
    public_id = await _public_id(request, purpose)
    if public_id is None:
        return None, None
    seen = await in_transaction(
        request.app[settings_key].database_url,
        lambda s: _seen(member_by_public_id(session=s, public_id=public_id)),
    )
    return public_id, seen


def _form(request: web.Request, language: str, intro: str, button: str, danger: bool) -> str:
    action = html.escape(request.path, quote=True)
    kind = ' class="danger"' if danger else ""
    return (
        f"<p>{html.escape(intro)}</p>"
        f'<form method="post" action="{action}"><button type="submit"{kind}>'
        f"{html.escape(text(button, language))}</button></form>"
    )


Page = Callable[[web.Request], Awaitable[web.Response]]


def _show(purpose: Purpose, title: str, button: str, intro: str, danger: bool) -> Page:
    async def show(request: web.Request) -> web.Response:
        public_id, seen = await _look(request, purpose)
        if public_id is None:
            return _said(_language(request), title, "erase_bad_link", 404)
        if seen is None or (purpose == "community_renew" and not seen.confirmed):
            return _said(_language(request), title, "community_gone")
        values = {
            "email": seen.email,
            "wishes": seen.wishes,
            "months": MEMBERSHIP_MONTHS,
            "date": seen.expires,
        }
        said = text(intro, seen.language, **values)
        return link_page(
            seen.language,
            text(title, seen.language),
            _form(request, seen.language, said, button, danger),
        )

    return show


Act = Callable[[Session, str], "CommunityMember | int | None"]


def _act(purpose: Purpose, title: str, done: str, act: Act) -> Page:
    async def post(request: web.Request) -> web.Response:
        settings = request.app[settings_key]
        if cross_site(request, settings):
            return _said(_language(request), title, "erase_bad_link", 403)
        public_id, seen = await _look(request, purpose)
        if public_id is None:
            return _said(_language(request), title, "erase_bad_link", 404)
        if seen is None:
            return _said(_language(request), title, "community_gone")

        def run(session: Session) -> str | None:
            outcome = act(session, public_id)
            if isinstance(outcome, CommunityMember):
                after = _seen(outcome)
                return after.expires if after else None
            return "" if outcome else None

        ends = await in_transaction(settings.database_url, run)
        if ends is None:
            return _said(seen.language, title, "community_gone")
        return _said(seen.language, title, done, date=ends)

    return post


def add_community_pages(app: web.Application, settings: Settings) -> None:
    """Mount the community links' pages (before the site's catch-all)."""
    app[settings_key] = settings
    pages: list[tuple[Purpose, str, str, str, str, Act, bool]] = [
        (
            "community_confirm",
            "community_confirm_title",
            "community_confirm_button",
            "community_confirm_intro",
            "community_confirmed",
            lambda s, p: confirm(session=s, public_id=p, now=utcnow()),
            False,
        ),
        (
            "community_renew",
            "community_renew_title",
            "community_renew_button",
            "community_renew_intro",
            "community_renewed",
            lambda s, p: renew(session=s, public_id=p, now=utcnow()),
            False,
        ),
        (
            "community_leave",
            "community_leave_title",
            "community_leave_button",
            "community_leave_intro",
            "community_left",
            lambda s, p: leave(session=s, public_id=p),
            True,
        ),
    ]
    for purpose, title, button, intro, done, act, danger in pages:
        path = f"{PATHS[purpose]}/{{token}}"
        app.router.add_get(path, _show(purpose, title, button, intro, danger))
        app.router.add_post(path, _act(purpose, title, done, act))
