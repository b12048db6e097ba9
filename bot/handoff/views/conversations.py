"""Conversations as the console reads them: transcript with handoffs, notes and callback
request, search, notes."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, time, timedelta
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.settings import LANGUAGES
from bot.core.tracker_store import conversation_events, conversations_mentioning
from bot.core.transcript import lines
from bot.handoff.callbacks import conversation_callback
from bot.handoff.models import CallbackRequest
from bot.handoff.payloads import callback_json, handoff_json, line_json, note_json
from bot.handoff.service import (
    BadNote,
    ConversationRecord,
    HandoffFilters,
    HandoffNotFound,
    add_note,
    conversation_record,
    find_handoffs,
    notes,
)
from bot.handoff.views.state import console_of, failure
from bot.staff.accounts import StaffUser
from bot.staff.gate import StaffGate, request_date

MAX_SEARCH_CHARS = 200


async def transcript(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    console = console_of(request)
    conversation_id = request.match_info["conversation"]
    try:
        record, callback = await console.db(
            lambda s: _conversation(session=s, conversation_id=conversation_id)
        )
    except HandoffNotFound:
        return failure(404, "no handoff for this conversation")
    events = await asyncio.to_thread(
        conversation_events, console.settings.tracker_store_url, conversation_id
    )
    return web.json_response(
        {
            "handoffs": [handoff_json(item) for item in record.handoffs],
            "notes": [note_json(n) for n in record.notes],
            "transcript": [line_json(line) for line in lines(events)],
            "conversation": conversation_id,
            "callback": callback_json(callback) if callback else None,
        }
    )


def _conversation(
    *, session: Session, conversation_id: str
) -> tuple[ConversationRecord, CallbackRequest | None]:
    """A conversation the console may open: handed off, or one a callback request came
    from (opened from the request's card, with no handoff); else HandoffNotFound."""
    callback = conversation_callback(session=session, conversation_id=conversation_id)
    try:
        return conversation_record(session=session, conversation_id=conversation_id), callback
    except HandoffNotFound:
        if callback is None:
            raise
    return ConversationRecord([], notes(session=session, conversation_id=conversation_id)), callback


async def search(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    console = console_of(request)
    query = request.query
    since = _day(request_date(query.get("from"), language="en"))
    until = _day(request_date(query.get("to"), language="en"), end=True)
    language = query.get("language") or None
    if language and language not in LANGUAGES:
        return failure(400, "language is fr or en")
    status = query.get("status") or None
    words = (query.get("q") or "").strip()[:MAX_SEARCH_CHARS]
    ids = (
        await asyncio.to_thread(conversations_mentioning, console.settings.tracker_store_url, words)
        if words
        else None
    )
    filters = HandoffFilters(ids, language, status, since, until)
    found = await console.db(lambda s: find_handoffs(session=s, filters=filters))
    return web.json_response({"handoffs": [handoff_json(item) for item in found]})


async def note(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    console = console_of(request)
    conversation_id = request.match_info["conversation"]
    text = (await StaffGate.body(request)).get("text")
    try:
        await console.db(
            lambda s: add_note(session=s, conversation_id=conversation_id, user=user, text=text)
        )
    except BadNote as error:
        return failure(400, str(error))
    await console.consoles.publish({"type": "notes", "conversation": conversation_id})
    return web.json_response({"ok": True})


def _day(day: date | None, end: bool = False) -> datetime | None:
    """A date filter as a moment: its start, or the next day's start for an end date."""
    if day is None:
        return None
    moment = datetime.combine(day, time(0))
    return moment + timedelta(days=1) if end else moment
