"""The recruiter console: sign-in, the live queue, claim, live chat, hand back, notes, search.

Pages and JSON routes under /console, all behind a staff session (see
`bot.staff.web_sessions`). A watcher task reads new conversation events from the
tracker store and handoff changes from the database a few times a second and
pushes them to every open console over a WebSocket, so the console and the
candidate stay within a second of each other without any broker; it also
turns handoffs nobody claimed in time into an apology and a note for the team.
"""

from __future__ import annotations

import asyncio
import functools
import html
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from bot.core import replies, texts
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import LANGUAGES, Settings, rasa_token
from bot.core.tracker_store import EVENTS_TABLE, has_events_table, tracker_engine
from bot.core.transcript import lines
from bot.handoff.callbacks import BadCallback, callbacks, set_status
from bot.handoff.models import OPEN_STATUSES, CallbackRequest, Handoff
from bot.handoff.relay import RasaRelay, RelayFailed
from bot.handoff.service import (
    BadNote,
    HandoffAlreadyClaimed,
    HandoffNotFound,
    HandoffNotYours,
    active,
    add_note,
    claim,
    claimed_handoff,
    expire_unclaimed,
    finish,
    leave,
    notes,
    search,
    touch_presence,
)
from bot.staff.accounts import StaffUser, authenticate
from bot.staff.gate import StaffGate, detached, staff_page
from bot.staff.web_sessions import SESSION_COOKIE, csrf_ok, end_session, start_session

logger = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
MAX_MESSAGE_CHARS = 2000
WATCH_INTERVAL = 0.1
EXPIRY_INTERVAL = 5.0
PRESENCE_INTERVAL = 20.0
LOGIN_CSRF_COOKIE = "ardoise_login_csrf"

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
staff_key = web.AppKey("staff", object)
gate_key = web.AppKey("gate", StaffGate)


class Console:
    """The console's shared state in one web process: settings, relay, open sockets."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.relay = RasaRelay(settings.rasa_url, rasa_token(settings))
        self.sockets: set[web.WebSocketResponse] = set()
        self.tasks: list[asyncio.Task] = []

    # ------------------------------------------------------------ helpers

    async def db(self, work: Callable[[Session], Any]) -> Any:
        """Run `work` in a short transaction, off the event loop."""

        def run() -> Any:
            with transaction(self.settings.database_url) as session:
                return work(session)

        return await asyncio.to_thread(run)

    async def broadcast(self, message: dict[str, Any]) -> None:
        data = json.dumps(message)
        for socket in list(self.sockets):
            try:
                await socket.send_str(data)
            except (ConnectionError, RuntimeError):
                self.sockets.discard(socket)

    def tracker_events(self, conversation_id: str) -> list[dict[str, Any]]:
        engine = tracker_engine(self.settings.tracker_store_url)
        if not has_events_table(engine):
            return []
        with engine.connect() as connection:
            rows = connection.execute(
                text(f"SELECT data FROM {EVENTS_TABLE} WHERE sender_id = :s ORDER BY id"),
                {"s": conversation_id},
            ).scalars()
            return [json.loads(row) for row in rows]

    # ------------------------------------------------------------ watcher

    async def watch(self) -> None:
        """Push new messages of handed-off conversations and queue changes to the consoles."""
        engine = tracker_engine(self.settings.tracker_store_url)
        last_event = await asyncio.to_thread(self._last_event_id, engine)
        last_change: datetime | None = None
        next_expiry = 0.0
        loop = asyncio.get_running_loop()
        while True:
            try:
                if last_event is None:  # Rasa has not created its table yet
                    last_event = await asyncio.to_thread(self._last_event_id, engine)
                new_events = (
                    await asyncio.to_thread(self._events_after, engine, last_event)
                    if last_event is not None
                    else []
                )
                open_ids, changed = await self.db(
                    functools.partial(self._open_and_changed, since=last_change)
                )
                if changed is not None:
                    last_change = changed
                    await self.broadcast({"type": "queue"})
                    await self.broadcast({"type": "callbacks"})
                for event_id, sender, data in new_events:
                    last_event = event_id
                    if sender in open_ids:
                        for line in lines([data]):
                            await self.broadcast(
                                {"type": "line", "conversation": sender, "line": _line(line)}
                            )
                if loop.time() >= next_expiry:
                    next_expiry = loop.time() + EXPIRY_INTERVAL
                    await self.expire()
            except asyncio.CancelledError:
                raise
            except Exception:  # noqa: BLE001 - keep watching; the log says what broke
                logger.exception("console watcher")
            await asyncio.sleep(WATCH_INTERVAL)

    @staticmethod
    def _last_event_id(engine: Any) -> int | None:
        if not has_events_table(engine):
            return None
        with engine.connect() as connection:
            return int(
                connection.execute(text(f"SELECT max(id) FROM {EVENTS_TABLE}")).scalar() or 0
            )

    @staticmethod
    def _events_after(engine: Any, last: int) -> list[tuple[int, str, dict[str, Any]]]:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    f"SELECT id, sender_id, data FROM {EVENTS_TABLE} WHERE id > :last "
                    "AND type_name IN ('user', 'bot') ORDER BY id LIMIT 1000"
                ),
                {"last": last},
            ).all()
        return [(int(r[0]), str(r[1]), json.loads(r[2])) for r in rows]

    @staticmethod
    def _open_and_changed(
        session: Session, since: datetime | None
    ) -> tuple[set[str], datetime | None]:
        open_ids = set(
            session.execute(
                select(Handoff.conversation_id).where(Handoff.status.in_(OPEN_STATUSES))
            ).scalars()
        )
        latest = session.execute(
            select(Handoff.updated_at).order_by(Handoff.updated_at.desc()).limit(1)
        ).scalar()
        newest_callback = session.execute(
            select(CallbackRequest.updated_at).order_by(CallbackRequest.updated_at.desc()).limit(1)
        ).scalar()
        if newest_callback is not None and (latest is None or newest_callback > latest):
            latest = newest_callback
        return open_ids, latest if latest is not None and latest != since else None

    async def expire(self) -> None:
        """Handoffs nobody claimed in time: apologise, give the conversation back to the bot."""
        cutoff = utcnow() - timedelta(seconds=self.settings.claim_timeout_seconds)
        expired = await self.db(
            lambda s: [
                (h.conversation_id, h.language)
                for h in expire_unclaimed(session=s, older_than=cutoff)
            ]
        )
        for conversation_id, language in expired:
            try:
                await self.relay.say(
                    conversation_id,
                    texts.text("timeout", language),
                    custom=replies.handoff_offered("timeout"),
                    resume=True,
                )
            except RelayFailed:
                logger.exception("could not tell %s that nobody claimed it", conversation_id)

    async def presence(self, user_id: int) -> None:
        await self.db(lambda s: touch_presence(session=s, user_id=user_id))


def _line(line: Any) -> dict[str, Any]:
    return {
        "sender": line.sender,
        "text": line.text,
        "at": line.at,
        "author": line.author,
        "custom": line.custom,
    }


def _handoff(h: Handoff, names: dict[int, str]) -> dict[str, Any]:
    return {
        "id": h.id,
        "conversation": h.conversation_id,
        "status": h.status,
        "reason": h.reason,
        "language": h.language,
        "topic": h.topic,
        "routed_to": h.routed_to,
        "summary": h.summary,
        "requested_at": h.requested_at.isoformat() + "Z",
        "claimed_at": h.claimed_at.isoformat() + "Z" if h.claimed_at else None,
        "claimed_by": names.get(h.claimed_by or 0),
        "claimed_by_id": h.claimed_by,
    }


def _names(session: Session) -> dict[int, str]:
    return dict(session.execute(select(StaffUser.id, StaffUser.display_name)).all())


# ---------------------------------------------------------------- pages


def _page(title: str, body: str, status: int = 200) -> web.Response:
    document = (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title>"
        '<link rel="stylesheet" href="/console/static/console.css"></head>'
        f"<body>{body}</body></html>"
    )
    return web.Response(text=document, content_type="text/html", status=status)


def _login_form(csrf: str, error: str = "") -> str:
    message = f'<p class="error" role="alert">{html.escape(error)}</p>' if error else ""
    return (
        '<main class="login"><h1>Console recrutement · Recruiter console</h1>'
        f"{message}"
        '<form method="post" action="/console/login">'
        f'<input type="hidden" name="csrf" value="{html.escape(csrf)}">'
        '<label for="login">Identifiant · Login</label>'
        '<input id="login" name="login" autocomplete="username" required maxlength="64">'
        '<label for="password">Mot de passe · Password</label>'
        '<input id="password" name="password" type="password" autocomplete="current-password" '
        'required maxlength="1024">'
        '<button type="submit">Se connecter · Sign in</button></form></main>'
    )


def _set_login_csrf(response: web.StreamResponse, token: str, secure: bool) -> None:
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="Strict", secure=secure, max_age=3600
    )


def add_console(app: web.Application, settings: Settings) -> None:
    """Mount the console on the web app (routes, watcher task)."""
    console = Console(settings)
    app[staff_key] = console
    secure = settings.web_url.startswith("https")

    gate = StaffGate(console.db)
    app[gate_key] = gate
    staff, require, body = gate.staff, gate.require, gate.body

    # -------------------------------------------------------- sign-in

    async def login_page(request: web.Request) -> web.StreamResponse:
        if await staff(request):
            raise web.HTTPFound("/console")
        token = secrets.token_urlsafe(32)
        response = _page("Console · Sign in", _login_form(token))
        _set_login_csrf(response, token, secure)
        return response

    async def login(request: web.Request) -> web.StreamResponse:
        form = await request.post()
        expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
        fresh = secrets.token_urlsafe(32)
        if not expected or not csrf_ok(expected, form.get("csrf")):
            response = _page(
                "Console · Sign in",
                _login_form(fresh, "Session expirée, réessayez · Expired form, try again"),
                403,
            )
            _set_login_csrf(response, fresh, secure)
            return response
        login_name = str(form.get("login") or "")[:64]
        password = str(form.get("password") or "")[:1024]

        def check(session: Session) -> tuple[str, str] | None:
            user = authenticate(session=session, login=login_name, password=password)
            return (start_session(session=session, user=user), user.role) if user else None

        signed_in = await console.db(check)
        if signed_in is None:
            response = _page(
                "Console · Sign in",
                _login_form(
                    fresh, "Identifiant ou mot de passe incorrect · Wrong login or password"
                ),
                401,
            )
            _set_login_csrf(response, fresh, secure)
            return response
        token, role = signed_in
        # HR lands on its workspace; recruiters on the live queue.
        response = web.HTTPFound("/console/hr" if role == "hr" else "/console")
        response.set_cookie(
            SESSION_COOKIE, token, httponly=True, samesite="Strict", secure=secure, path="/console"
        )
        response.del_cookie(LOGIN_CSRF_COOKIE)
        raise response

    @require()
    async def logout(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        token = request.cookies.get(SESSION_COOKIE)

        def sign_out(session: Session) -> None:
            end_session(session=session, token=token)
            leave(session=session, user_id=user.id)

        await console.db(sign_out)
        response = web.json_response({"ok": True})
        response.del_cookie(SESSION_COOKIE, path="/console")
        return response

    @require(page=True)
    async def console_page(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        await console.presence(user.id)
        return staff_page(STATIC / "console.html", user, websession)

    # -------------------------------------------------------- API

    @require()
    async def me(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        return web.json_response(
            {"id": user.id, "name": user.display_name, "role": user.role, "login": user.login}
        )

    @require()
    async def queue(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        await console.presence(user.id)

        def read(session: Session) -> list[dict[str, Any]]:
            names = _names(session)
            return [_handoff(h, names) for h in active(session=session)]

        return web.json_response({"handoffs": await console.db(read)})

    @require()
    async def conversation(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        conversation_id = request.match_info["conversation"]

        def read(session: Session) -> dict[str, Any]:
            names = _names(session)
            handoffs = search(session=session, conversation_ids=[conversation_id], limit=20)
            return {
                "handoffs": [_handoff(h, names) for h in handoffs],
                "notes": [
                    {"author": n.author_name, "text": n.text, "at": n.created_at.isoformat() + "Z"}
                    for n in notes(session=session, conversation_id=conversation_id)
                ],
            }

        data = await console.db(read)
        if not data["handoffs"]:
            return web.json_response({"error": "no handoff for this conversation"}, status=404)
        events = await asyncio.to_thread(console.tracker_events, conversation_id)
        data["transcript"] = [_line(line) for line in lines(events)]
        data["conversation"] = conversation_id
        return web.json_response(data)

    path_number = gate.path_number

    def handoff_id(request: web.Request) -> int:
        return path_number(request, "handoff", "handoff")

    @require(("recruiter",))
    async def claim_route(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        number = handoff_id(request)
        try:
            handoff = await console.db(
                lambda s: detached(claim(session=s, handoff_id=number, user=user), s)
            )
        except HandoffNotFound:
            return web.json_response({"error": "unknown handoff"}, status=404)
        except HandoffAlreadyClaimed as taken:
            return web.json_response(
                {"error": "already taken", "by": taken.by, "status": taken.status}, status=409
            )
        await console.broadcast({"type": "queue"})
        notified = await _tell(
            console,
            handoff,
            texts.text("claimed", handoff.language, name=user.display_name),
            replies.handoff_claimed(user.display_name),
        )
        return web.json_response({"ok": True, "candidate_notified": notified})

    @require(("recruiter",))
    async def send(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        number = handoff_id(request)
        data = await body(request)
        message = data.get("text")
        if not isinstance(message, str) or not message.strip():
            return web.json_response({"error": "the message is empty"}, status=400)
        if len(message) > MAX_MESSAGE_CHARS:
            return web.json_response(
                {"error": f"the message is longer than {MAX_MESSAGE_CHARS} characters"}, status=413
            )
        try:
            handoff = await console.db(
                lambda s: detached(claimed_handoff(session=s, handoff_id=number, user=user), s)
            )
        except (HandoffNotFound, HandoffNotYours):
            return web.json_response({"error": "this conversation is not yours"}, status=409)
        try:
            await console.relay.say(
                handoff.conversation_id, message.strip(), recruiter=user.display_name
            )
        except RelayFailed as error:
            return web.json_response({"error": f"not delivered: {error}"}, status=502)
        return web.json_response({"ok": True})

    def ending(status: replies.EndStatus) -> Handler:
        @require(("recruiter",))
        async def end(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
            number = handoff_id(request)
            try:
                handoff = await console.db(
                    lambda s: detached(
                        finish(session=s, handoff_id=number, user=user, status=status), s
                    )
                )
            except (HandoffNotFound, HandoffNotYours):
                return web.json_response({"error": "this conversation is not yours"}, status=409)
            await console.broadcast({"type": "queue"})
            # the notice and the resume travel together: the assistant is back at once
            notified = await _tell(
                console,
                handoff,
                texts.text(status, handoff.language, name=user.display_name),
                replies.handoff_ended(status, user.display_name),
                resume=True,
            )
            return web.json_response({"ok": True, "candidate_notified": notified})

        return end

    @require()
    async def note(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        conversation_id = request.match_info["conversation"]
        data = await body(request)
        try:
            await console.db(
                lambda s: add_note(
                    session=s, conversation_id=conversation_id, user=user, text=data.get("text")
                )
            )
        except BadNote as error:
            return web.json_response({"error": str(error)}, status=400)
        await console.broadcast({"type": "notes", "conversation": conversation_id})
        return web.json_response({"ok": True})

    @require()
    async def find(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        query = request.query
        try:
            since = _day(query.get("from"))
            until = _day(query.get("to"), end=True)
        except ValueError:
            return web.json_response({"error": "dates are YYYY-MM-DD"}, status=400)
        language = query.get("language") or None
        if language and language not in LANGUAGES:
            return web.json_response({"error": "language is fr or en"}, status=400)
        status = query.get("status") or None
        words = (query.get("q") or "").strip()[:200]
        ids = await asyncio.to_thread(_conversations_mentioning, console, words) if words else None

        def read(session: Session) -> list[dict[str, Any]]:
            names = _names(session)
            found = search(
                session=session,
                conversation_ids=ids,
                language=language,
                status=status,
                since=since,
                until=until,
            )
            return [_handoff(h, names) for h in found]

        return web.json_response({"handoffs": await console.db(read)})

    @require()
    async def callback_list(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        def read(session: Session) -> list[dict[str, Any]]:
            return [
                {
                    "id": c.id,
                    "conversation": c.conversation_id,
                    "name": c.name,
                    "email": c.email,
                    "question": c.question,
                    "language": c.language,
                    "status": c.status,
                    "consent": c.consent_text,
                    "created_at": c.created_at.isoformat() + "Z",
                }
                for c in callbacks(session=session)
            ]

        return web.json_response({"callbacks": await console.db(read)})

    @require(("recruiter",))
    async def callback_status(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        number = path_number(request, "callback", "callback request")
        data = await body(request)
        try:
            await console.db(
                lambda s: set_status(session=s, callback_id=number, status=data.get("status"))
            )
        except BadCallback as error:
            return web.json_response({"error": str(error)}, status=400)
        except LookupError:
            return web.json_response({"error": "unknown callback request"}, status=404)
        await console.broadcast({"type": "callbacks"})
        return web.json_response({"ok": True})

    @require()
    async def live(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin and origin != f"{request.scheme}://{request.host}":
            return web.json_response({"error": "cross-site socket refused"}, status=403)
        socket = web.WebSocketResponse(heartbeat=30)
        await socket.prepare(request)
        console.sockets.add(socket)
        await console.presence(user.id)
        keepalive = asyncio.create_task(_keep_present(console, user.id))
        try:
            async for message in socket:
                if message.type == WSMsgType.ERROR:
                    break
        finally:
            keepalive.cancel()
            console.sockets.discard(socket)
        return socket

    async def start_watching(app: web.Application) -> None:
        console.tasks.append(asyncio.create_task(console.watch()))

    async def stop_watching(app: web.Application) -> None:
        for task in console.tasks:
            task.cancel()
        for socket in list(console.sockets):
            await socket.close()
        await console.relay.close()

    app.on_startup.append(start_watching)  # type: ignore[arg-type]
    app.on_cleanup.append(stop_watching)  # type: ignore[arg-type]
    router = app.router
    router.add_get("/console/login", login_page)
    router.add_post("/console/login", login)
    router.add_post("/console/logout", logout)
    router.add_get("/console", console_page)
    router.add_get("/console/api/me", me)
    router.add_get("/console/api/queue", queue)
    router.add_get("/console/api/search", find)
    router.add_get("/console/api/conversations/{conversation}", conversation)
    router.add_post("/console/api/conversations/{conversation}/notes", note)
    router.add_post("/console/api/handoffs/{handoff}/claim", claim_route)
    router.add_post("/console/api/handoffs/{handoff}/messages", send)
    router.add_post("/console/api/handoffs/{handoff}/return", ending("returned"))
    router.add_post("/console/api/handoffs/{handoff}/close", ending("closed"))
    router.add_get("/console/api/callbacks", callback_list)
    router.add_post("/console/api/callbacks/{callback}", callback_status)
    router.add_get("/console/ws", live)


async def _tell(
    console: Console,
    handoff: Handoff,
    message: str,
    custom: dict[str, Any],
    resume: bool = False,
) -> bool:
    try:
        await console.relay.say(handoff.conversation_id, message, custom=custom, resume=resume)
        return True
    except RelayFailed:
        logger.exception("could not tell %s", handoff.conversation_id)
        return False


async def _keep_present(console: Console, user_id: int) -> None:
    while True:
        await asyncio.sleep(PRESENCE_INTERVAL)
        await console.presence(user_id)


def _day(value: str | None, end: bool = False) -> datetime | None:
    if not value:
        return None
    day = datetime.strptime(value, "%Y-%m-%d")
    return day + timedelta(days=1) if end else day


def _conversations_mentioning(console: Console, words: str) -> list[str]:
    engine = tracker_engine(console.settings.tracker_store_url)
    if not has_events_table(engine):
        return []
    # Rasa stores events as JSON with non-ASCII letters escaped (\u00e9): look for both forms.
    words = words.lower()
    forms = {words, json.dumps(words)[1:-1]}
    patterns = {
        f"p{i}": "%" + f.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        for i, f in enumerate(sorted(forms))
    }
    matches = " OR ".join(f"lower(data) LIKE lower(:{name}) ESCAPE '\\'" for name in patterns)
    with engine.connect() as connection:
        return list(
            connection.execute(
                text(
                    f"SELECT DISTINCT sender_id FROM {EVENTS_TABLE} "
                    f"WHERE type_name IN ('user', 'bot') AND ({matches}) LIMIT 500"
                ),
                patterns,
            ).scalars()
        )
