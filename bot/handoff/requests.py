"""Asking for a recruiter: live when one is available, else a callback request."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from bot.core.clock import utcnow
from bot.core.dates import date_in_words
from bot.core.db import transaction
from bot.core.office_hours import parse_office_hours
from bot.core.settings import Settings
from bot.core.texts import text
from bot.core.tracker_store import conversation_events
from bot.handoff.callbacks import (
    CallbackRefused,
    callback_offered,
    create_callback,
    next_business_day,
    read_callback,
)
from bot.handoff.notify import notify_in_background
from bot.handoff.service import Queued, load_routes, recruiters_online, request_handoff
from bot.handoff.summary import summarize


def request_live_handoff(
    *,
    settings: Settings,
    conversation_id: str,
    language: str,
    events: Iterable[Mapping[str, Any]],
    reason: str,
) -> Queued | None:
    """Queue the conversation for a recruiter, or None when nobody can take it now."""
    now = utcnow()
    hours = parse_office_hours(settings.office_hours, settings.office_timezone)
    if not hours.is_open(now):
        return None
    with transaction(settings.database_url) as session:
        online = recruiters_online(
            session=session, now=now, window=timedelta(seconds=settings.presence_seconds)
        )
        if not online:
            return None
        summary, hints = summarize(
            session=session, events=list(events), language=language, reason=reason
        )
        queued = request_handoff(
            session=session,
            conversation_id=conversation_id,
            reason=reason,
            language=language,
            hints=hints,
            summary=summary,
            routes=load_routes(settings.routing_file),
            online=online,
        )
    if queued.created:
        asked = "\n".join(f"- {q}" for q in summary.get("asked", [])) or "-"
        matters = ", ".join(summary.get("priorities", []))
        cares = f"What matters to them: {matters}\n" if matters else ""
        notify_in_background(
            settings,
            f"[Ardoise] A candidate is waiting for a recruiter ({language})",
            f"For: {queued.recruiter or 'any recruiter'}\nReason: {reason}\n"
            f"Asked:\n{asked}\n{cares}Take it: {settings.web_url}/console",
        )
    return queued


def callback_confirmation(language: str, expected: date) -> str:
    return text("callback_confirmed", language, day=date_in_words(expected, language))


def store_callback(settings: Settings, conversation_id: str, data: Any, language: str) -> date:
    """Keep a consented callback request, notify the recruiters; the promised answer date.

    Taken only after the assistant offered it in this conversation (its events in
    the tracker store), and once per conversation; otherwise CallbackRefused, with
    nothing stored and nobody notified. Bad fields are BadCallback, field by field.
    """
    read_callback(data, language)
    events = conversation_events(settings.tracker_store_url, conversation_id)
    if not callback_offered(events):
        raise CallbackRefused("callback_not_offered", language)
    with transaction(settings.database_url) as session:
        request = create_callback(
            session=session,
            conversation_id=conversation_id,
            data=data,
            language=language,
            retention_days=settings.retention_days,
        )
        name, question = request.name, request.question
    hours = parse_office_hours(settings.office_hours, settings.office_timezone)
    expected = next_business_day(utcnow(), hours)
    notify_in_background(
        settings,
        f"[Ardoise] Callback request from {name} ({language})",
        f"Question: {question}\nAnswer by: {expected.isoformat()}\n"
        f"See the callbacks in the console: {settings.web_url}/console",
    )
    return expected
