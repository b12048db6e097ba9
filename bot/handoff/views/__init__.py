"""The recruiter console's HTTP surface: pages, JSON routes and the live socket under /console.

Every route is behind a staff session (bot.staff.gate) and, but for who is signed
in, signing out, the team coffees (issue 11) and the open houses' and reverse Q&As'
registrations (issue 12), open to HR too, needs the recruiter
role: the console shows candidates' contact details (callback requests) and live
transcripts, which HR does not see (HR reads the questions, without who asked, in its
workspace's inbox). Writes need the CSRF token.
The watcher task (bot.handoff.watcher) publishes changes to the open sockets.
"""

from __future__ import annotations

import asyncio
import functools

from aiohttp import web

from bot.core.db import in_transaction
from bot.core.settings import Settings, rasa_token
from bot.handoff.relay import RasaRelay
from bot.handoff.service import leave
from bot.handoff.views import (
    applications,
    callbacks,
    coffees,
    conversations,
    events,
    live,
    queue,
    replies,
)
from bot.handoff.views.state import ConsoleState, console_key
from bot.handoff.watcher import Watcher
from bot.staff.gate import StaffGate, gate_key
from bot.staff.throttle import SignInThrottle
from bot.staff.views import add_sign_in

__all__ = ["add_console", "console_key", "gate_key"]

RECRUITERS = ("recruiter",)
# Team coffees: issue 11 opens them to HR too (see bot.handoff.views.coffees).
COFFEE_ROLES = ("recruiter", "hr")
watcher_key = web.AppKey("console_watcher", asyncio.Task)


def add_console(
    app: web.Application, settings: Settings, *, throttle: SignInThrottle | None = None
) -> None:
    """Mount the console on the web app: sign-in, routes, and the watcher task."""
    gate = StaffGate(functools.partial(in_transaction, settings.database_url))
    console = ConsoleState(settings, gate, RasaRelay(settings.rasa_url, rasa_token(settings)))
    app[console_key] = console
    app[gate_key] = gate
    add_sign_in(
        app,
        gate,
        secure=settings.https,
        on_sign_out=leave,
        throttle=throttle or SignInThrottle.of(settings),
        behind_proxy=settings.public_url is not None,
    )

    anyone, recruiters = gate.require(), gate.require(RECRUITERS)
    router = app.router
    router.add_get("/console", gate.require(RECRUITERS, page=True)(live.console_page))
    router.add_get("/console/api/me", anyone(live.me))
    router.add_get("/console/api/queue", recruiters(queue.queue))
    router.add_get("/console/api/search", recruiters(conversations.search))
    router.add_get(
        "/console/api/conversations/{conversation}", recruiters(conversations.transcript)
    )
    router.add_post(
        "/console/api/conversations/{conversation}/notes", recruiters(conversations.note)
    )
    router.add_post("/console/api/handoffs/{handoff}/claim", recruiters(queue.claim_handoff))
    router.add_post("/console/api/handoffs/{handoff}/messages", recruiters(queue.send))
    router.add_get("/console/api/handoffs/{handoff}/replies", recruiters(replies.choices))
    router.add_get(
        "/console/api/handoffs/{handoff}/articles/{article}", recruiters(replies.article_text)
    )
    router.add_post("/console/api/handoffs/{handoff}/return", recruiters(queue.ending("returned")))
    router.add_post("/console/api/handoffs/{handoff}/close", recruiters(queue.ending("closed")))
    # Applications from the chat (issue 14): contact details and CVs, recruiters only.
    router.add_get("/console/api/applications", recruiters(applications.application_list))
    router.add_post(
        "/console/api/applications/{application}/status",
        recruiters(applications.application_status),
    )
    router.add_get(
        "/console/api/applications/{application}/cv", recruiters(applications.application_cv)
    )
    router.add_get("/console/api/callbacks", recruiters(callbacks.callback_list))
    router.add_post("/console/api/callbacks/{callback}", recruiters(callbacks.callback_status))
    # Recruiters and HR both follow team coffees (issue 11): the only console routes HR
    # may use, and they show a candidate's first name and e-mail (bot.handoff.views.coffees).
    coffee_staff = gate.require(COFFEE_ROLES)
    router.add_get("/console/api/coffees", coffee_staff(coffees.coffee_list))
    router.add_post(
        "/console/api/coffees/{booking}/attendance", coffee_staff(coffees.coffee_attendance)
    )
    # Open houses and reverse Q&As (issue 12): registrations, check-in, CSV and the host's
    # questions, for recruiters and HR alike (bot.handoff.views.events).
    router.add_get("/console/api/events", coffee_staff(events.event_list))
    router.add_get(
        "/console/api/events/{event}/registrations", coffee_staff(events.event_registrations)
    )
    router.add_get("/console/api/events/{event}/registrations.csv", coffee_staff(events.event_csv))
    router.add_post(
        "/console/api/registrations/{registration}/attendance", coffee_staff(events.attendance)
    )
    router.add_get("/console/api/events/{event}/questions", coffee_staff(events.questions))
    router.add_post(
        "/console/api/questions/{question}/answered", coffee_staff(events.question_answered)
    )
    router.add_post(
        "/console/api/questions/{question}/status", coffee_staff(events.question_status)
    )
    router.add_get("/console/ws", recruiters(live.socket))

    app.on_startup.append(_start_watching)  # type: ignore[arg-type]
    app.on_cleanup.append(_stop_watching)  # type: ignore[arg-type]


async def _start_watching(app: web.Application) -> None:
    console = app[console_key]
    watcher = Watcher(console.settings, relay=console.relay, publish=console.consoles.publish)
    app[watcher_key] = asyncio.create_task(watcher.run())


async def _stop_watching(app: web.Application) -> None:
    app[watcher_key].cancel()
    console = app[console_key]
    await console.consoles.close_all()
    await console.relay.close()
