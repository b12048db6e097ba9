"""The pages behind the links of the coffee e-mails: the candidate's cancel/move page
and the ambassador's decline page.

Nobody signs in here: the signed, expiring token in the address (bot.meetings.links)
is the authorisation, for one booking and one purpose. Opening a page changes
nothing (mail scanners open every link); only a POST from one of these pages acts,
and a POST whose Origin names another site is refused (a cross-site form). Pages are
plain HTML without script or inline style (the server's CSP forbids both), and every
value is escaped: the candidate's name and note are untrusted.

Routes parse, call one service of bot.meetings.booking in a short transaction off
the event loop, send the e-mails off the loop too, and render.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.db import in_transaction
from bot.core.meeting_page_texts import BAD_LINK
from bot.core.meeting_page_texts import COFFEE_PAGE_TEXTS as TEXTS
from bot.core.meeting_texts import TEAMS
from bot.core.settings import Settings
from bot.meetings import booking as service
from bot.meetings.invitations import first_name
from bot.meetings.links import PATHS, BadToken, Purpose, TokenExpired, link_secret, read_token
from bot.meetings.messages import (
    Alternative,
    Kind,
    alternatives_from,
    ambassador_language,
)
from bot.meetings.models import Ambassador, Booking
from bot.meetings.notices import announce
from bot.meetings.slots import Slot, describe_time, free_slots

logger = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
settings_key = web.AppKey("meetings_settings", Settings)
clock_key: web.AppKey[Clock] = web.AppKey("meetings_clock")
STYLESHEET = Path(__file__).resolve().parent.parent / "web" / "static" / "meetings.css"
STYLESHEET_PATH = "/meetings/meetings.css"
SLOTS_SHOWN = 9
SAME_HOST_FIRST = 6
ALTERNATIVES_IN_APOLOGY = 5
# These pages load one stylesheet, post only to themselves, and run no script.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'"
)
LANGUAGES = ("fr", "en")


# ---------------------------------------------------------------- what a page shows


@dataclass(frozen=True)
class SlotChoice:
    """A free slot as the page offers it."""

    id: str
    when: str
    host: str
    role: str


@dataclass(frozen=True)
class Coffee:
    """What the pages show of a booking, read in one transaction."""

    booking: Booking
    ambassador: Ambassador
    choices: tuple[SlotChoice, ...] = ()


def _lang(value: str | None) -> str:
    return value if value in LANGUAGES else "en"


def _hosts(session: Session, ids: Sequence[str]) -> dict[str, Ambassador]:
    if not ids:
        return {}
    found = session.execute(select(Ambassador).where(Ambassador.id.in_(list(set(ids)))))
    return {a.id: a for a in found.scalars()}


def _open_slots(session: Session, booking: Booking, *, now: dt.datetime, office: str) -> list[Slot]:
    """Free slots to offer instead of `booking`'s: for a confirmed coffee its host's first,
    then others; after a decline, other hosts only (the host just said they cannot)."""
    fitting = free_slots(
        session=session, now=now, office_timezone=office, language=booking.language
    )
    same = [s for s in fitting if s.ambassador_id == booking.ambassador_id]
    others = [s for s in fitting if s.ambassador_id != booking.ambassador_id]
    if booking.status == "declined":
        return others[:SLOTS_SHOWN]
    first = same[:SAME_HOST_FIRST]
    return first + others[: SLOTS_SHOWN - len(first)]


def _choices(
    session: Session, booking: Booking, *, now: dt.datetime, office: str
) -> tuple[SlotChoice, ...]:
    slots = _open_slots(session, booking, now=now, office=office)
    hosts = _hosts(session, [s.ambassador_id for s in slots])
    language = _lang(booking.language)
    return tuple(
        SlotChoice(
            id=s.id,
            when=describe_time(s.start_utc, language, office, booking.candidate_timezone),
            host=hosts[s.ambassador_id].first_name,
            role=hosts[s.ambassador_id].role,
        )
        for s in slots
        if s.ambassador_id in hosts
    )


def _coffee(
    session: Session, public_id: str, *, now: dt.datetime, office: str, with_choices: bool
) -> Coffee:
    booking = service.get_booking(session=session, public_id=public_id)
    ambassador = session.get(Ambassador, booking.ambassador_id)
    if ambassador is None:  # the foreign key forbids it; a clear 404 rather than a 500
        raise service.BookingNotFound()
    live = booking.status == "declined" or (
        booking.status == "confirmed" and booking.start_utc > now
    )
    choices = _choices(session, booking, now=now, office=office) if with_choices and live else ()
    return Coffee(booking, ambassador, choices)


# ---------------------------------------------------------------- rendering


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _document(language: str, title: str, body: str) -> str:
    return (
        f'<!doctype html><html lang="{_e(language)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta name="robots" content="noindex">'
        f"<title>{_e(title)} · Ardoise Labs</title>"
        f'<link rel="stylesheet" href="{STYLESHEET_PATH}"></head>'
        f'<body><main class="coffee">{body}</main></body></html>'
    )


# On every page: the address holds the token, so keep it out of caches and indexes.
PAGE_HEADERS = {
    "Content-Security-Policy": PAGE_POLICY,
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
}


def _response(document: str, status: int = 200) -> web.Response:
    return web.Response(
        text=document, status=status, content_type="text/html", headers=PAGE_HEADERS
    )


def bad_link(status: int) -> web.Response:
    """The FR+EN page for a link (or a request) that cannot be honoured."""
    title, french, english = BAD_LINK[status]
    body = f'<h1>{_e(title)}</h1><p lang="fr">{_e(french)}</p><p lang="en">{_e(english)}</p>'
    return _response(_document("fr", title, body), status)


def _switch(path: str, language: str) -> str:
    other = "en" if language == "fr" else "fr"
    label = TEXTS[language]["switch"]
    return f'<p class="switch"><a href="{_e(path)}?lang={other}" lang="{other}">{_e(label)}</a></p>'


def _details(coffee: Coffee, language: str, office: str) -> str:
    text, b, a = TEXTS[language], coffee.booking, coffee.ambassador
    when = describe_time(b.start_utc, language, office, b.candidate_timezone)
    team = TEAMS[language].get(a.team, a.team)
    rows = [
        (text["when"], when),
        (text["with"], text["host"].format(host=a.first_name, role=a.role, team=team)),
        (text["status"], text.get(f"status_{b.status}", b.status)),
    ]
    items = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in rows)
    note = ""
    if b.note.strip():
        note = f'<h2>{_e(text["note"])}</h2><p class="note">{_e(b.note)}</p>'
    return f'<dl class="details">{items}</dl>{note}'


def _slot_form(action: str, choices: Sequence[SlotChoice], language: str, button: str) -> str:
    text = TEXTS[language]
    if not choices:
        return f"<p>{_e(text['no_slots'])}</p>"
    options = "".join(
        f'<li><label><input type="radio" name="slot" value="{_e(c.id)}" required> '
        f"{_e(text['slot_line'].format(when=c.when, host=c.host, role=c.role))}</label></li>"
        for c in choices
    )
    return (
        f'<form method="post" action="{_e(action)}"><ul class="slots">{options}</ul>'
        f'<button type="submit" class="primary">{_e(text[button])}</button></form>'
    )


def manage_page(
    coffee: Coffee,
    *,
    token: str,
    language: str,
    office: str,
    notice: str = "",
    status: int = 200,
) -> web.Response:
    """The candidate's page: the coffee, and what can still be done with it."""
    text, b = TEXTS[language], coffee.booking
    base = f"{PATHS['manage']}/{token}"
    parts = [
        _switch(base, language),
        f"<h1>{_e(text['title'])}</h1>",
        f"<p>{_e(text['hello'].format(name=b.candidate_name))}</p>",
    ]
    if notice:
        parts.append(f'<p class="notice" role="status">{_e(notice)}</p>')
    if b.status == "declined":
        parts.append(
            f"<p>{_e(text['declined_intro'].format(host=coffee.ambassador.first_name))}</p>"
        )
    parts.append(_details(coffee, language, office))
    keep = f"?lang={language}"  # the answer to a POST speaks the page's language
    if b.status == "confirmed":
        parts.append(f"<h2>{_e(text['move_heading'])}</h2>")
        parts.append(_slot_form(f"{base}/move{keep}", coffee.choices, language, "move_button"))
        parts.append(f"<h2>{_e(text['cancel_heading'])}</h2>")
        parts.append(
            f'<form method="post" action="{_e(base)}/cancel{keep}">'
            f'<button type="submit" class="danger">{_e(text["cancel_button"])}</button></form>'
        )
    elif b.status == "declined":
        parts.append(f"<h2>{_e(text['rebook_heading'])}</h2>")
        parts.append(_slot_form(f"{base}/move{keep}", coffee.choices, language, "move_button"))
    return _response(_document(language, text["title"], "".join(parts)), status)


def message_page(language: str, title_key: str, message: str, status: int = 200) -> web.Response:
    """A page saying one thing: done, or why not."""
    text = TEXTS[language]
    body = f'<h1>{_e(text[title_key])}</h1><p role="status">{_e(message)}</p>'
    return _response(_document(language, text[title_key], body), status)


def decline_page(coffee: Coffee, *, token: str, language: str, office: str) -> web.Response:
    """The ambassador's page: "decline this coffee?" and one button."""
    text, b = TEXTS[language], coffee.booking
    base = f"{PATHS['decline']}/{token}"
    when = describe_time(b.start_utc, language, office)
    name = first_name(b.candidate_name)
    parts = [
        _switch(base, language),
        f"<h1>{_e(text['decline_title'])}</h1>",
        f"<p>{_e(text['decline_intro'].format(name=name, when=when))}</p>",
        f'<form method="post" action="{_e(base)}?lang={language}">'
        f'<button type="submit" class="danger">{_e(text["decline_button"])}</button></form>',
    ]
    return _response(_document(language, text["decline_title"], "".join(parts)))


# ---------------------------------------------------------------- request checks


def _own_origins(request: web.Request, settings: Settings) -> set[str]:
    origins = {f"{request.scheme}://{request.host}".lower()}
    for url in (settings.public_url, settings.web_url):
        if url:
            parts = urlsplit(url)
            origins.add(f"{parts.scheme}://{parts.netloc}".lower())
    return origins


def cross_site(request: web.Request, settings: Settings) -> bool:
    """A POST sent by another site's page: its Origin names another origin (or "null"),
    or the browser says so (Sec-Fetch-Site). No Origin at all (old clients, curl) passes:
    the signed token is what authorises."""
    if request.headers.get("Sec-Fetch-Site", "").lower() == "cross-site":
        return True
    origin = request.headers.get("Origin")
    if origin is None:
        return False
    return origin.strip().lower() not in _own_origins(request, settings)


def _page_language(request: web.Request, default: str) -> str:
    asked = request.query.get("lang")
    return asked if asked in LANGUAGES else _lang(default)


async def _public_id(request: web.Request, purpose: Purpose) -> str:
    """The booking the URL's token names; raises the FR+EN 404/410 page otherwise."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    token = request.match_info.get("token", "")
    try:
        secret = await asyncio.to_thread(link_secret, settings)
        return read_token(secret=secret, token=token, purpose=purpose, now=now)
    except TokenExpired:
        raise _http_error(410) from None
    except BadToken:
        raise _http_error(404) from None


def _http_error(status: int) -> web.HTTPException:
    """The FR+EN page as an exception, for helpers that stop a handler."""
    error_class = {404: web.HTTPNotFound, 410: web.HTTPGone}[status]
    return error_class(text=bad_link(status).text, content_type="text/html", headers=PAGE_HEADERS)


async def _load(request: web.Request, public_id: str, *, with_choices: bool) -> Coffee:
    settings, now = request.app[settings_key], request.app[clock_key]()
    try:
        return await in_transaction(
            settings.database_url,
            lambda session: _coffee(
                session,
                public_id,
                now=now,
                office=settings.office_timezone,
                with_choices=with_choices,
            ),
        )
    except service.BookingNotFound:
        raise _http_error(404) from None


async def _send(request: web.Request, kind: Kind, coffee: Coffee, **extra: Any) -> None:
    """The e-mails and the recruiters' webhook line of a change (bot.meetings.notices),
    off the event loop; a failure is logged, never shown (the change is made: the page
    must say so)."""
    settings = request.app[settings_key]
    try:
        await asyncio.to_thread(
            announce,
            kind,
            settings=settings,
            booking=coffee.booking,
            ambassador=coffee.ambassador,
            **extra,
        )
    except Exception:  # noqa: BLE001 - the booking changed; the mail is best effort
        logger.exception("the %s e-mails of booking %s were not sent", kind, coffee.booking.id)


async def _slot_field(request: web.Request) -> str:
    form = await request.post()
    slot = form.get("slot")
    if not isinstance(slot, str) or not 0 < len(slot) <= 100:
        return ""
    return slot


# ---------------------------------------------------------------- handlers


async def show_manage(request: web.Request) -> web.Response:
    """GET: the coffee and its two actions; changes nothing."""
    public_id = await _public_id(request, "manage")
    coffee = await _load(request, public_id, with_choices=True)
    language = _page_language(request, coffee.booking.language)
    token = request.match_info["token"]
    office = request.app[settings_key].office_timezone
    if coffee.booking.status == "cancelled":
        return message_page(language, "title", TEXTS[language]["already_cancelled"], 410)
    if (
        coffee.booking.status == "confirmed"
        and coffee.booking.start_utc <= request.app[clock_key]()
    ):
        return message_page(language, "title", TEXTS[language]["closed"], 410)
    return manage_page(coffee, token=token, language=language, office=office)


async def cancel_coffee(request: web.Request) -> web.Response:
    """POST: cancel the coffee, tell everyone; a second time says it is already cancelled."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    if cross_site(request, settings):
        return bad_link(403)
    public_id = await _public_id(request, "manage")

    def work(session: Session) -> Coffee:
        booking = service.cancel(session=session, public_id=public_id, now=now)
        return Coffee(booking, _ambassador(session, booking))

    try:
        coffee = await in_transaction(settings.database_url, work)
    except service.BookingNotFound:
        return bad_link(404)
    except service.BookingClosed:
        return await _closed(request, public_id)
    await _send(request, "cancelled", coffee)
    language = _page_language(request, coffee.booking.language)
    return message_page(language, "title", TEXTS[language]["cancelled"])


async def move_coffee(request: web.Request) -> web.Response:
    """POST slot=<id>: move a confirmed coffee there; after the host declined, book the
    chosen slot for the candidate instead (see `_rebook`)."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    if cross_site(request, settings):
        return bad_link(403)
    public_id = await _public_id(request, "manage")
    slot = await _slot_field(request)
    office = settings.office_timezone
    token = request.match_info["token"]
    before = await _load(request, public_id, with_choices=False)
    language = _page_language(request, before.booking.language)
    text = TEXTS[language]
    if before.booking.status == "declined":
        return await _rebook(request, before, slot, token=token, language=language)

    def work(session: Session) -> Coffee:
        booking = service.move(
            session=session, public_id=public_id, new_slot_id=slot, now=now, office_timezone=office
        )
        return Coffee(booking, _ambassador(session, booking))

    try:
        coffee = await in_transaction(settings.database_url, work)
    except service.BookingNotFound:
        return bad_link(404)
    except service.BookingClosed:
        return await _closed(request, public_id)
    except (service.SlotTaken, service.CapReached):
        return await _again(request, public_id, token, language, text["slot_taken"], 409)
    except service.BadBooking as error:
        key = "slot_unchanged" if error.code == "slot_unchanged" else "slot_invalid"
        return await _again(request, public_id, token, language, text[key], 409)
    await _send(
        request,
        "moved",
        coffee,
        previous_start_utc=before.booking.start_utc,
        previous_ambassador=before.ambassador,
    )
    return message_page(language, "title", text["moved"])


async def _rebook(
    request: web.Request, declined: Coffee, slot: str, *, token: str, language: str
) -> web.Response:
    """After a decline, book the slot the candidate picked as a new coffee, with the
    contact details and consent they gave for the declined one (same conversation,
    same purpose). A new booking rather than a move: `move` only changes a live
    booking, and the declined one's invitation was cancelled (its UID is spent)."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    text = TEXTS[language]
    old = declined.booking

    def work(session: Session) -> Coffee:
        booking = service.book(
            session=session,
            slot_id=slot,
            conversation_id=old.conversation_id,
            name=old.candidate_name,
            email=old.candidate_email,
            note=old.note,
            language=old.language,
            candidate_timezone=old.candidate_timezone,
            consent=True,
            consent_text=old.consent_text,
            now=now,
            office_timezone=settings.office_timezone,
        )
        return Coffee(booking, _ambassador(session, booking))

    try:
        coffee = await in_transaction(settings.database_url, work)
    except service.AlreadyBooked:
        return message_page(language, "title", text["already_booked"], 409)
    except (service.SlotTaken, service.CapReached):
        return await _again(request, old.public_id, token, language, text["slot_taken"], 409)
    except service.BookingError:
        return await _again(request, old.public_id, token, language, text["slot_invalid"], 409)
    await _send(request, "confirmed", coffee)
    return message_page(language, "title", text["rebooked"])


async def show_decline(request: web.Request) -> web.Response:
    """GET: "decline this coffee?" for the ambassador; changes nothing."""
    public_id = await _public_id(request, "decline")
    coffee = await _load(request, public_id, with_choices=False)
    language = _page_language(request, ambassador_language(coffee.ambassador))
    office = request.app[settings_key].office_timezone
    if coffee.booking.status != "confirmed":
        key = "already_declined_host" if coffee.booking.status == "declined" else "closed"
        return message_page(language, "decline_title", TEXTS[language][key], 410)
    token = request.match_info["token"]
    return decline_page(coffee, token=token, language=language, office=office)


async def decline_coffee(request: web.Request) -> web.Response:
    """POST: the ambassador declines; the candidate gets the apology with other slots."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    if cross_site(request, settings):
        return bad_link(403)
    public_id = await _public_id(request, "decline")
    office = settings.office_timezone

    def work(session: Session) -> tuple[Coffee, list[Alternative]]:
        booking = service.decline(session=session, public_id=public_id, now=now)
        slots = _open_slots(session, booking, now=now, office=office)[:ALTERNATIVES_IN_APOLOGY]
        hosts = _hosts(session, [s.ambassador_id for s in slots])
        return Coffee(booking, _ambassador(session, booking)), alternatives_from(slots, hosts)

    try:
        coffee, alternatives = await in_transaction(settings.database_url, work)
    except service.BookingNotFound:
        return bad_link(404)
    except service.BookingClosed:
        coffee = await _load(request, public_id, with_choices=False)
        language = _page_language(request, ambassador_language(coffee.ambassador))
        key = "already_declined_host" if coffee.booking.status == "declined" else "closed"
        return message_page(language, "decline_title", TEXTS[language][key], 409)
    await _send(request, "declined", coffee, alternatives=alternatives)
    language = _page_language(request, ambassador_language(coffee.ambassador))
    name = first_name(coffee.booking.candidate_name)
    return message_page(
        language, "decline_title", TEXTS[language]["declined_done"].format(name=name)
    )


def _ambassador(session: Session, booking: Booking) -> Ambassador:
    ambassador = session.get(Ambassador, booking.ambassador_id)
    if ambassador is None:
        raise service.BookingNotFound()
    return ambassador


async def _closed(request: web.Request, public_id: str) -> web.Response:
    """A change refused because the coffee is over: say why, in its language."""
    coffee = await _load(request, public_id, with_choices=False)
    language = _page_language(request, coffee.booking.language)
    if coffee.booking.status == "cancelled":  # gone, as its GET says
        return message_page(language, "title", TEXTS[language]["already_cancelled"], 410)
    return message_page(language, "title", TEXTS[language]["closed"], 409)


async def _again(
    request: web.Request, public_id: str, token: str, language: str, notice: str, status: int
) -> web.Response:
    """The manage page again, with fresh slots and why the last choice did not work."""
    coffee = await _load(request, public_id, with_choices=True)
    office = request.app[settings_key].office_timezone
    return manage_page(
        coffee, token=token, language=language, office=office, notice=notice, status=status
    )


async def stylesheet(request: web.Request) -> web.Response:
    """The pages' one stylesheet (no inline style: the CSP forbids it)."""
    body = await asyncio.to_thread(STYLESHEET.read_bytes)
    return web.Response(
        body=body,
        content_type="text/css",
        charset="utf-8",
        headers={"Cache-Control": "no-cache"},
    )


def add_meetings(app: web.Application, settings: Settings, *, clock: Clock = utcnow) -> None:
    """Mount the link pages (before the site's catch-all route)."""
    app[settings_key] = settings
    app[clock_key] = clock
    manage, decline = PATHS["manage"], PATHS["decline"]
    app.router.add_get(STYLESHEET_PATH, stylesheet)
    app.router.add_get(f"{manage}/{{token}}", show_manage)
    app.router.add_post(f"{manage}/{{token}}/cancel", cancel_coffee)
    app.router.add_post(f"{manage}/{{token}}/move", move_coffee)
    app.router.add_get(f"{decline}/{{token}}", show_decline)
    app.router.add_post(f"{decline}/{{token}}", decline_coffee)
