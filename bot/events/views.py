"""The pages behind the links of the registration e-mails: the registration (status,
cancel; at a reverse Q&A, the questions for the leaders and their votes), a seat offered
from the waitlist, and the thank-you question after the event.

As the coffee pages (bot.meetings.views): nobody signs in, the signed, expiring token in
the address (bot.meetings.links, purposes `registration`, `seat_offer`, `event_feedback`)
is the authorisation for one registration and one purpose. Opening a page changes
nothing (mail scanners open every link); a POST from the page acts and redirects (303)
back to it with a short status message (`?msg=<code>`, only known codes are shown), and
a POST whose Origin names another site is refused. Pages are plain HTML without script
or inline style, and every value is escaped: names and questions are untrusted.

Routes parse, call the services of bot.events in one short transaction off the event
loop, send the e-mails after the commit (off the loop too), and render.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.db import in_transaction
from bot.core.event_page_texts import EVENT_PAGE_TEXTS, page_text
from bot.core.settings import Settings
from bot.events import panel
from bot.events import registrations as service
from bot.events.messages import (
    Kind,
    careers_url,
    event_name,
    format_when,
    place_of,
    send_registration_email,
)
from bot.events.models import Registration
from bot.events.terms import Terms, event_terms
from bot.meetings.links import PATHS, BadToken, Purpose, TokenExpired, link_secret, read_token
from bot.meetings.views import PAGE_HEADERS, cross_site
from bot.records.models import Event

logger = logging.getLogger(__name__)
Clock = Callable[[], dt.datetime]
settings_key = web.AppKey("events_settings", Settings)
clock_key: web.AppKey[Clock] = web.AppKey("events_clock")
STYLESHEET = Path(__file__).resolve().parent.parent / "web" / "static" / "events.css"
STYLESHEET_PATH = "/events/events.css"
LANGUAGES = ("fr", "en")
RATINGS = ("1", "2", "3", "4", "5")


# ---------------------------------------------------------------- what a page shows


@dataclass(frozen=True)
class Place:
    """What the pages show of a registration, read in one transaction."""

    registration: Registration
    event: Event
    terms: Terms
    position: int | None = None
    # The session's open questions (reverse Q&A, confirmed seats only), most voted first.
    questions: tuple[panel.QuestionView, ...] = ()
    asked: int = 0  # questions this registration submitted (hidden ones count too)


def _place(session: Session, public_id: str, *, office: str, with_questions: bool = False) -> Place:
    registration = service.get_registration(session=session, public_id=public_id)
    event = session.get(Event, registration.event_id)
    if event is None:  # the foreign key deletes registrations with their event
        raise service.RegistrationNotFound()
    terms = event_terms(session=session, event=event, office_timezone=office)
    position = service.waitlist_position(session=session, registration=registration)
    questions: tuple[panel.QuestionView, ...] = ()
    asked = 0
    if with_questions and event.kind in panel.PANEL_KINDS and registration.status == "confirmed":
        every = panel.session_questions(
            session=session, event_id=event.id, viewer=registration, include_hidden=True
        )
        asked = sum(1 for q in every if q.mine)
        questions = tuple(q for q in every if q.status == "open")
    return Place(registration, event, terms, position, questions, asked)


def _can_ask(place: Place, now: dt.datetime) -> bool:
    """Questions and votes: a confirmed seat at a reverse Q&A that has not ended."""
    return (
        place.event.kind in panel.PANEL_KINDS
        and place.registration.status == "confirmed"
        and place.event.status == "scheduled"
        and place.terms.end_utc > now
    )


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
        f'<body><main class="event">{body}</main></body></html>'
    )


def _response(document: str, status: int = 200) -> web.Response:
    return web.Response(
        text=document, status=status, content_type="text/html", headers=PAGE_HEADERS
    )


def bad_link(status: int, purpose: Purpose = "registration") -> web.Response:
    """The FR+EN page for a link (or a request) that cannot be honoured: 404 unknown or
    tampered, 410 expired (worded for the link's purpose), 403 sent by another site."""
    key, title = {
        404: ("link_unknown", "link_unknown_title"),
        410: (f"link_expired_{purpose}", "link_expired_title"),
        403: ("refused", "refused_title"),
    }[status]
    heading = f"{page_text(title, 'fr')} · {page_text(title, 'en')}"
    body = (
        f"<h1>{_e(heading)}</h1>"
        f'<p lang="fr">{_e(page_text(key, "fr"))}</p><p lang="en">{_e(page_text(key, "en"))}</p>'
    )
    return _response(_document("fr", heading, body), status)


def _http_error(status: int, purpose: Purpose) -> web.HTTPException:
    """The FR+EN page as an exception, for helpers that stop a handler."""
    error_class = {404: web.HTTPNotFound, 410: web.HTTPGone}[status]
    return error_class(
        text=bad_link(status, purpose).text, content_type="text/html", headers=PAGE_HEADERS
    )


def _switch(path: str, language: str) -> str:
    other = "en" if language == "fr" else "fr"
    label = page_text("switch", language)
    return f'<p class="switch"><a href="{_e(path)}?lang={other}" lang="{other}">{_e(label)}</a></p>'


def _notice(language: str, code: str | None) -> str:
    if not code:
        return ""
    words = page_text(f"msg_{code}", language, total=panel.MAX_QUESTIONS)
    return f'<p class="notice" role="status">{_e(words)}</p>'


def _status_words(place: Place, language: str) -> str:
    status = place.registration.status
    return page_text(f"status_{status}", language, position=place.position or "?")


def _details(place: Place, language: str, office: str) -> str:
    event, terms, registration = place.event, place.terms, place.registration
    when = format_when(terms.start_utc, timezone=office, language=language)
    if not terms.online:
        where = _e(place_of(event, language) or page_text("where_default", language))
    elif terms.video_url and registration.status == "confirmed":
        where = (
            f'{_e(page_text("online", language))} · <a href="{_e(terms.video_url)}" '
            f'rel="noopener noreferrer">{_e(page_text("video_link", language))}</a>'
        )
    else:
        where = _e(page_text("video_later", language))
    rows = [
        (page_text("when", language), _e(when)),
        (page_text("where", language), where),
        (page_text("status", language), _e(_status_words(place, language))),
    ]
    items = "".join(f"<dt>{_e(k)}</dt><dd>{v}</dd>" for k, v in rows)
    return f'<dl class="details">{items}</dl>'


def _votes(count: int, language: str) -> str:
    if count == 1 or (count == 0 and language == "fr"):  # "0 vote" in French
        return page_text("votes_one", language).replace("1", str(count))
    return page_text("votes_many", language, count=count)


def _question_item(question: panel.QuestionView, *, action: str, language: str) -> str:
    badges = ""
    if question.mine:
        badges += f'<span class="badge mine">{_e(page_text("yours", language))}</span>'
    if question.answered:
        badges += f'<span class="badge answered">{_e(page_text("answered", language))}</span>'
    if question.voted:
        act = f'<span class="voted">✓ {_e(page_text("voted", language))}</span>'
    elif question.mine:
        act = ""
    else:
        act = (
            f'<form method="post" action="{_e(action)}" class="vote">'
            f'<input type="hidden" name="question" value="{_e(question.id)}">'
            f'<button type="submit" aria-label="{_e(page_text("vote_label", language))}">'
            f"▲ {_e(page_text('vote_button', language))}</button></form>"
        )
    mine = " mine" if question.mine else ""
    return (
        f'<li class="question{mine}" data-question="{_e(question.id)}">'
        f'<p class="text">{_e(question.text)}</p>'
        f'<div class="meta"><span class="votes">{_e(_votes(question.votes, language))}</span>'
        f"{badges}{act}</div></li>"
    )


def _questions(place: Place, *, base: str, language: str, notice: str) -> str:
    keep = f"?lang={language}"
    parts = [
        '<section id="questions" class="questions">',
        f"<h2>{_e(page_text('questions_heading', language))}</h2>",
        f"<p>{_e(page_text('questions_intro', language))}</p>",
        notice,
    ]
    left = max(panel.MAX_QUESTIONS - place.asked, 0)
    if left:
        parts.append(
            f'<form method="post" action="{_e(base)}/questions{keep}" class="ask">'
            f'<label for="question">{_e(page_text("question_label", language))}</label>'
            f'<textarea id="question" name="question" rows="4" maxlength="{panel.MAX_QUESTION}"'
            " required></textarea>"
            f'<p class="hint">'
            f"{_e(page_text('questions_left', language, count=left, total=panel.MAX_QUESTIONS))}"
            "</p>"
            f'<button type="submit" class="primary">{_e(page_text("question_button", language))}'
            "</button></form>"
        )
    else:
        words = page_text("msg_question_limit", language, total=panel.MAX_QUESTIONS)
        parts.append(f'<p class="hint">{_e(words)}</p>')
    parts.append(f"<h3>{_e(page_text('questions_ranked', language))}</h3>")
    if place.questions:
        action = f"{base}/vote{keep}"
        items = "".join(
            _question_item(q, action=action, language=language) for q in place.questions
        )
        parts.append(f'<ol class="ranked">{items}</ol>')
    else:
        parts.append(f'<p class="hint">{_e(page_text("no_questions", language))}</p>')
    parts.append("</section>")
    return "".join(parts)


# The codes whose message belongs beside the questions rather than at the top.
QUESTION_CODES = frozenset(
    {
        "question_received",
        "question_missing",
        "question_too_long",
        "question_not_plain",
        "question_limit",
        "voted",
        "already_voted",
        "own_question",
        "question_unknown",
    }
)


def registration_page(
    place: Place, *, token: str, language: str, office: str, now: dt.datetime, code: str | None
) -> web.Response:
    """The candidate's page: the registration and what can still be done with it."""
    registration, event = place.registration, place.event
    base = f"{PATHS['registration']}/{token}"
    name = event_name(event.kind, language)
    top, beside = (None, code) if code in QUESTION_CODES else (code, None)
    parts = [
        _switch(base, language),
        f"<h1>{_e(name)}</h1>",
        f"<p>{_e(page_text('hello', language, name=registration.first_name))}</p>",
        _notice(language, top),
        _details(place, language, office),
    ]
    live = registration.status in service.LIVE_STATUSES
    if registration.status == "cancelled" and registration.ended_by == "event":
        parts.append(f"<p>{_e(page_text('event_cancelled', language))}</p>")
    elif not live or (place.terms.start_utc <= now and not _can_ask(place, now)):
        if top is None:
            parts.append(f"<p>{_e(page_text('registration_over', language))}</p>")
    elif registration.status == "offered":
        deadline = format_when(
            registration.offer_expires_at or place.terms.deadline_utc,
            timezone=office,
            language=language,
        )
        parts.append(f"<p>{_e(page_text('offered_hint', language, deadline=deadline))}</p>")
    elif registration.status == "waitlisted":
        parts.append(f"<p>{_e(page_text('waitlisted_hint', language))}</p>")
    if _can_ask(place, now):
        parts.append(
            _questions(place, base=base, language=language, notice=_notice(language, beside))
        )
    elif event.kind in panel.PANEL_KINDS and registration.status in ("offered", "waitlisted"):
        parts.append(f"<p>{_e(page_text('questions_after_confirm', language))}</p>")
        parts.append(_notice(language, beside))
    else:
        parts.append(_notice(language, beside))
    if live and place.terms.start_utc > now:
        button = "leave_button" if registration.status == "waitlisted" else "cancel_button"
        parts.append(
            '<section class="cancel">'
            f"<h2>{_e(page_text('cancel_heading', language))}</h2>"
            f"<p>{_e(page_text('cancel_intro', language))}</p>"
            f'<form method="post" action="{_e(base)}/cancel?lang={language}">'
            f'<button type="submit" class="danger">{_e(page_text(button, language))}</button>'
            "</form></section>"
        )
    title = f"{page_text('title_registration', language)} · {name}"
    return _response(_document(language, title, "".join(parts)))


def message_page(
    language: str, title_key: str, message: str, status: int = 200, extra: str = ""
) -> web.Response:
    """A page saying one thing: done, or why not."""
    title = page_text(title_key, language)
    body = f'<h1>{_e(title)}</h1><p role="status">{_e(message)}</p>{extra}'
    return _response(_document(language, title, body), status)


def offer_page(place: Place, *, token: str, language: str, office: str) -> web.Response:
    """The seat offered from the waitlist, and one button to take it."""
    registration = place.registration
    base = f"{PATHS['seat_offer']}/{token}"
    deadline = format_when(
        registration.offer_expires_at or place.terms.deadline_utc,
        timezone=office,
        language=language,
    )
    parts = [
        _switch(base, language),
        f"<h1>{_e(page_text('title_offer', language))}</h1>",
        f"<p>{_e(page_text('hello', language, name=registration.first_name))}</p>",
        f"<p>{_e(page_text('offer_intro', language, deadline=deadline))}</p>",
        _details(place, language, office),
        f"<p>{_e(page_text('offer_after', language))}</p>",
        f'<form method="post" action="{_e(base)}?lang={language}">'
        f'<button type="submit" class="primary">{_e(page_text("offer_button", language))}'
        "</button></form>",
        f'<form method="post" action="{_e(base)}/decline?lang={language}" class="decline">'
        f'<button type="submit">{_e(page_text("offer_decline_button", language))}'
        "</button></form>",
    ]
    return _response(_document(language, page_text("title_offer", language), "".join(parts)))


def feedback_page(
    place: Place, *, token: str, language: str, office: str, code: str | None
) -> web.Response:
    """The thank-you question: a rating 1..5 and a free comment."""
    registration = place.registration
    base = f"{PATHS['event_feedback']}/{token}"
    when = format_when(place.terms.start_utc, timezone=office, language=language)
    name = event_name(place.event.kind, language)
    ratings = "".join(
        f'<label class="rating"><input type="radio" name="rating" value="{r}" required>'
        f"<span>{r}</span></label>"
        for r in RATINGS
    )
    parts = [
        _switch(base, language),
        f"<h1>{_e(page_text('title_feedback', language))}</h1>",
        f"<p>{_e(page_text('hello', language, name=registration.first_name))}</p>",
        _notice(language, code),
        f"<p>{_e(page_text('feedback_intro', language, event=name, when=when))}</p>",
        f'<form method="post" action="{_e(base)}?lang={language}" class="feedback">'
        f"<fieldset><legend>{_e(page_text('rating_legend', language))}</legend>"
        f'<div class="ratings">{ratings}</div></fieldset>'
        f'<label for="comment">{_e(page_text("comment_label", language))}</label>'
        f'<textarea id="comment" name="comment" rows="4" maxlength="{service.MAX_COMMENT}">'
        "</textarea>"
        f'<button type="submit" class="primary">{_e(page_text("feedback_button", language))}'
        "</button></form>",
    ]
    return _response(_document(language, page_text("title_feedback", language), "".join(parts)))


# ---------------------------------------------------------------- request helpers


def _lang(value: str | None) -> str:
    return value if value in LANGUAGES else "en"


def _page_language(request: web.Request, default: str) -> str:
    asked = request.query.get("lang")
    return asked if asked in LANGUAGES else _lang(default)


def _code(request: web.Request) -> str | None:
    """The status message a POST redirected with: only codes this module words."""
    code = request.query.get("msg", "")
    return code if f"msg_{code}" in EVENT_PAGE_TEXTS else None


async def _public_id(request: web.Request, purpose: Purpose) -> str:
    """The registration the URL's token names; raises the FR+EN 404/410 page otherwise."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    token = request.match_info.get("token", "")
    try:
        secret = await asyncio.to_thread(link_secret, settings)
        return read_token(secret=secret, token=token, purpose=purpose, now=now)
    except TokenExpired:
        raise _http_error(410, purpose) from None
    except BadToken:
        raise _http_error(404, purpose) from None


async def _load(
    request: web.Request, public_id: str, purpose: Purpose, *, with_questions: bool = False
) -> Place:
    settings = request.app[settings_key]
    try:
        return await in_transaction(
            settings.database_url,
            lambda session: _place(
                session,
                public_id,
                office=settings.office_timezone,
                with_questions=with_questions,
            ),
        )
    except service.RegistrationNotFound:
        raise _http_error(404, purpose) from None


def _back(
    request: web.Request, purpose: Purpose, code: str | None = None, anchor: str = ""
) -> web.Response:
    """303 to the link's own page, in the language the form was posted from, saying `code`."""
    language = request.query.get("lang")
    query = [f"lang={language}"] if language in LANGUAGES else []
    query += [f"msg={code}"] if code else []
    location = f"{PATHS[purpose]}/{request.match_info['token']}"
    location += ("?" + "&".join(query) if query else "") + anchor
    return web.Response(status=303, headers={**PAGE_HEADERS, "Location": location})


async def _field(request: web.Request, name: str) -> str | None:
    form = await request.post()
    value = form.get(name)
    return value if isinstance(value, str) else None


async def _send(
    request: web.Request, mails: Sequence[tuple[Kind, Registration]], event: Event, terms: Terms
) -> None:
    """The e-mails of a change, after its commit and off the event loop; a failure is
    logged, never shown (the change is made: the page must say so)."""
    settings = request.app[settings_key]

    def send_all() -> None:
        for kind, registration in mails:
            try:
                send_registration_email(
                    kind, settings=settings, registration=registration, event=event, terms=terms
                )
            except Exception:  # noqa: BLE001 - the registration changed; mail is best effort
                logger.exception("the %s e-mail of registration %s failed", kind, registration.id)

    await asyncio.to_thread(send_all)


def _said(error: service.RegistrationError) -> str:
    """The status message for a refused question or vote."""
    if isinstance(error, panel.PanelClosed) or f"msg_{error.code}" not in EVENT_PAGE_TEXTS:
        return "panel_closed"
    return error.code


# ---------------------------------------------------------------- handlers


async def show_registration(request: web.Request) -> web.Response:
    """GET: the registration, its questions and its actions; changes nothing."""
    public_id = await _public_id(request, "registration")
    place = await _load(request, public_id, "registration", with_questions=True)
    settings, now = request.app[settings_key], request.app[clock_key]()
    return registration_page(
        place,
        token=request.match_info["token"],
        language=_page_language(request, place.registration.language),
        office=settings.office_timezone,
        now=now,
        code=_code(request),
    )


async def _cancelled(
    request: web.Request, purpose: Purpose, statuses: tuple[str, ...]
) -> tuple[service.Cancellation, Terms]:
    """Cancel the link's registration if its status is one of `statuses` (the freed seat
    offered to the first in line, in the same transaction); the event's terms."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    public_id = await _public_id(request, purpose)
    office = settings.office_timezone

    def work(session: Session) -> tuple[service.Cancellation, Terms]:
        done = service.cancel(
            session=session,
            public_id=public_id,
            now=now,
            office_timezone=office,
            statuses=statuses,
        )
        return done, event_terms(session=session, event=done.event, office_timezone=office)

    return await in_transaction(settings.database_url, work)


async def cancel_registration(request: web.Request) -> web.Response:
    """POST: cancel the place (or the place in line); the freed seat is offered to the
    first in line, who gets the offer e-mail."""
    if cross_site(request, request.app[settings_key]):
        return bad_link(403)
    try:
        done, terms = await _cancelled(request, "registration", service.LIVE_STATUSES)
    except service.RegistrationNotFound:
        return bad_link(404)
    except service.RegistrationError:
        return _back(request, "registration", "registration_closed")
    mails: list[tuple[Kind, Registration]] = [("cancelled", done.registration)]
    mails += [("offered", offer) for offer in done.offers]
    await _send(request, mails, done.event, terms)
    return _back(request, "registration", "cancelled")


async def ask_question(request: web.Request) -> web.Response:
    """POST question=<text>: a question for the leaders (plain text, kept as typed)."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    if cross_site(request, settings):
        return bad_link(403)
    public_id = await _public_id(request, "registration")
    text = await _field(request, "question")

    def work(session: Session) -> None:
        panel.submit_question(
            session=session,
            registration_id=public_id,
            text=text,
            now=now,
            office_timezone=settings.office_timezone,
        )

    try:
        await in_transaction(settings.database_url, work)
    except service.RegistrationNotFound:
        return bad_link(404)
    except service.RegistrationError as error:
        return _back(request, "registration", _said(error), "#questions")
    return _back(request, "registration", "question_received", "#questions")


async def upvote(request: web.Request) -> web.Response:
    """POST question=<id>: one vote per registration and question, never one's own."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    if cross_site(request, settings):
        return bad_link(403)
    public_id = await _public_id(request, "registration")
    question = await _field(request, "question")

    def work(session: Session) -> None:
        panel.vote(
            session=session,
            registration_id=public_id,
            question_id=question,
            now=now,
            office_timezone=settings.office_timezone,
        )

    try:
        await in_transaction(settings.database_url, work)
    except service.RegistrationNotFound:
        return bad_link(404)
    except service.RegistrationError as error:
        return _back(request, "registration", _said(error), "#questions")
    return _back(request, "registration", "voted", "#questions")


async def show_offer(request: web.Request) -> web.Response:
    """GET: the seat offered and its deadline; changes nothing."""
    public_id = await _public_id(request, "seat_offer")
    place = await _load(request, public_id, "seat_offer")
    settings, now = request.app[settings_key], request.app[clock_key]()
    language = _page_language(request, place.registration.language)
    registration = place.registration
    if registration.status == "confirmed":
        return message_page(language, "title_offer", page_text("offer_confirmed", language))
    if registration.status == "offered" and (registration.offer_expires_at or now) > now:
        return offer_page(
            place,
            token=request.match_info["token"],
            language=language,
            office=settings.office_timezone,
        )
    if registration.status == "cancelled" and _code(request) == "declined":
        return message_page(language, "title_offer", page_text("msg_declined", language))
    key = "offer_expired" if registration.status in ("offered", "expired") else "offer_closed"
    return message_page(language, "title_offer", page_text(key, language), 410)


async def confirm_seat(request: web.Request) -> web.Response:
    """POST: take the seat offered, before its deadline; the confirmation e-mail with the
    invitation follows. A second click changes nothing and sends nothing."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    if cross_site(request, settings):
        return bad_link(403)
    public_id = await _public_id(request, "seat_offer")
    office = settings.office_timezone

    def work(session: Session) -> tuple[Place, bool]:
        registration = service.confirm_offer(session=session, public_id=public_id, now=now)
        # confirm_offer stamps confirmed_at with `now` only when this call took the seat.
        return _place(session, public_id, office=office), registration.confirmed_at == now

    try:
        place, taken = await in_transaction(settings.database_url, work)
    except service.RegistrationNotFound:
        return bad_link(404)
    except service.RegistrationError:
        return _back(request, "seat_offer")  # its page says why (expired, cancelled)
    if taken:
        await _send(request, [("confirmed", place.registration)], place.event, place.terms)
    return _back(request, "seat_offer")


async def decline_seat(request: web.Request) -> web.Response:
    """POST: the candidate cannot come and gives the seat offered back at once; it goes
    to the next in line (their offer e-mail), not at the deadline."""
    if cross_site(request, request.app[settings_key]):
        return bad_link(403)
    try:
        done, terms = await _cancelled(request, "seat_offer", ("offered",))
    except service.RegistrationNotFound:
        return bad_link(404)
    except service.RegistrationError:
        return _back(request, "seat_offer")  # taken, lapsed or given back: its page says
    await _send(request, [("offered", offer) for offer in done.offers], done.event, terms)
    return _back(request, "seat_offer", "declined")


async def show_feedback(request: web.Request) -> web.Response:
    """GET: the thank-you question, or the thanks once answered; changes nothing."""
    public_id = await _public_id(request, "event_feedback")
    place = await _load(request, public_id, "event_feedback")
    settings = request.app[settings_key]
    language = _page_language(request, place.registration.language)
    if place.registration.status != "confirmed":
        return message_page(language, "title_feedback", page_text("feedback_closed", language), 410)
    if place.registration.rated_at is not None:
        link = (
            f'<p><a href="{_e(careers_url(settings, language))}">'
            f"{_e(page_text('careers', language))}</a></p>"
        )
        return message_page(
            language, "title_feedback", page_text("feedback_thanks", language), extra=link
        )
    return feedback_page(
        place,
        token=request.match_info["token"],
        language=language,
        office=settings.office_timezone,
        code=_code(request),
    )


async def send_feedback(request: web.Request) -> web.Response:
    """POST rating=1..5, comment=<text>: recorded once; a second answer changes nothing."""
    settings, now = request.app[settings_key], request.app[clock_key]()
    if cross_site(request, settings):
        return bad_link(403)
    public_id = await _public_id(request, "event_feedback")
    form = await request.post()
    rating_field, comment = form.get("rating"), form.get("comment")
    rating = int(rating_field) if rating_field in RATINGS else None
    comment_text = comment if isinstance(comment, str) else None

    def work(session: Session) -> None:
        registration = service.get_registration(session=session, public_id=public_id)
        if registration.rated_at is not None:
            return  # answered already: the first answer stands
        service.record_rating(
            session=session, public_id=public_id, rating=rating, comment=comment_text, now=now
        )

    try:
        await in_transaction(settings.database_url, work)
    except service.RegistrationNotFound:
        return bad_link(404)
    except service.BadRegistration as error:
        code = error.code if f"msg_{error.code}" in EVENT_PAGE_TEXTS else "rating_invalid"
        return _back(request, "event_feedback", code)
    except service.RegistrationError:
        pass  # not a confirmed place: its page says so
    return _back(request, "event_feedback")


async def stylesheet(request: web.Request) -> web.Response:
    """The pages' one stylesheet (no inline style: the CSP forbids it)."""
    body = await asyncio.to_thread(STYLESHEET.read_bytes)
    return web.Response(
        body=body, content_type="text/css", charset="utf-8", headers={"Cache-Control": "no-cache"}
    )


def add_events(app: web.Application, settings: Settings, *, clock: Clock = utcnow) -> None:
    """Mount the registration link pages (before the site's catch-all route)."""
    app[settings_key] = settings
    app[clock_key] = clock
    registration = PATHS["registration"]
    app.router.add_get(STYLESHEET_PATH, stylesheet)
    app.router.add_get(f"{registration}/{{token}}", show_registration)
    app.router.add_post(f"{registration}/{{token}}/cancel", cancel_registration)
    app.router.add_post(f"{registration}/{{token}}/questions", ask_question)
    app.router.add_post(f"{registration}/{{token}}/vote", upvote)
    app.router.add_get(f"{PATHS['seat_offer']}/{{token}}", show_offer)
    app.router.add_post(f"{PATHS['seat_offer']}/{{token}}", confirm_seat)
    app.router.add_post(f"{PATHS['seat_offer']}/{{token}}/decline", decline_seat)
    app.router.add_get(f"{PATHS['event_feedback']}/{{token}}", show_feedback)
    app.router.add_post(f"{PATHS['event_feedback']}/{{token}}", send_feedback)
