"""Events (open houses, team coffees, reverse Q&As) and open positions."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web
from sqlalchemy.orm import Session

from bot.community.service import note_opened_position
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.events.alerts import announce, should_announce
from bot.events.figures import event_mismatches
from bot.events.staffing import registration_count
from bot.hr.views.base import Views
from bot.hr.views.problems import french_errors
from bot.records import service as records
from bot.records.consistency import salary_mismatches
from bot.records.models import Event
from bot.staff.accounts import StaffUser
from bot.staff.gate import json_error, row_number
from bot.staff.web_sessions import WebSession

RecordKind = Literal["events", "jobs"]
GONE = "cet enregistrement n'existe pas (ou plus)"
HAS_REGISTRATIONS = (
    "des candidats sont inscrits à cette date : annulez-la plutôt (ils recevront nos "
    "excuses et les prochaines dates) ; la supprimer effacerait leurs inscriptions"
)
logger = logging.getLogger(__name__)


class EventHasRegistrations(Exception):
    """Deleting the date would delete its registrations (the foreign keys cascade)."""

    def __init__(self, count: int) -> None:
        super().__init__(f"{count} registrations")
        self.count = count


@dataclass(frozen=True)
class RecordViews(Views):
    """List, save (create or update) and delete routes for one kind of record."""

    kind: RecordKind = "events"

    def _rows(self, session: Session, upcoming_only: bool) -> list[dict[str, Any]]:
        """The records, each with the articles that state another figure than its own:
        a date's seats or hours (bot/events/figures.py), a position's salary range
        (bot/records/consistency.py)."""
        found: list[Any]
        flagged: list[tuple[Any, dict[str, Any]]]
        if self.kind == "events":
            today = self.today()
            found = records.list_events(session=session, upcoming_only=upcoming_only, today=today)
            flagged = [
                (m.event_id, m.to_json()) for m in event_mismatches(session=session, today=today)
            ]
        else:
            found = records.list_jobs(session=session)
            flagged = [(m.job_id, m.to_json()) for m in salary_mismatches(session=session)]
        mismatches: dict[Any, list[dict[str, Any]]] = {}
        for record_id, mismatch in flagged:
            mismatches.setdefault(record_id, []).append(mismatch)
        return [
            {**row.to_json(), "article_mismatches": mismatches.get(row.id, [])} for row in found
        ]

    def _save(self, session: Session, data: dict[str, Any], author: str) -> dict[str, Any]:
        if self.kind == "events":
            return records.save_event(session=session, data=data, author=author).to_json()
        job_id = data.get("id") if isinstance(data, dict) else None
        was = records.get_job(session=session, job_id=job_id).status if job_id else None
        job = records.save_job(session=session, data=data, author=author)
        # A position that opens (new, or reopened) waits for the members it fits.
        fit = note_opened_position(session=session, job=job, now=utcnow()) if was != "open" else 0
        return {**job.to_json(), "community_notified": fit}

    def _delete(self, session: Session, record_id: str, author: str) -> None:
        if self.kind == "events":
            number = row_number(record_id)
            count = registration_count(session=session, event_id=number) if number else 0
            if count:
                raise EventHasRegistrations(count)
            records.delete_event(session=session, event_id=record_id, author=author)
        else:
            records.delete_job(session=session, job_id=record_id, author=author)

    def _record_id(self, request: web.Request) -> str:
        """The record named in the path; an event's id is ASCII digits ("٣" is no "3")."""
        raw = request.match_info["record"]
        if self.kind == "events" and row_number(raw) is None:
            raise json_error(404, GONE)
        return raw

    async def listing(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        upcoming_only = request.query.get("all") != "1"
        return web.json_response({self.kind: await self.db(lambda s: self._rows(s, upcoming_only))})

    async def save(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        data = await self.gate.body(request)
        updating = "record" in request.match_info
        if updating:
            data = {**data, "id": self._record_id(request)}
        try:
            saved = await self.db(lambda s: self._save(s, data, user.display_name))
        except records.RecordError as error:
            raise json_error(
                422, "l'enregistrement est à corriger", errors=french_errors(error.errors)
            ) from None
        except records.RecordNotFound:
            raise json_error(404, GONE) from None
        if self.kind == "events":
            saved = {**saved, "alerts_sent": await self._announce(saved["id"])}
        return web.json_response(saved, status=200 if updating else 201)

    async def _announce(self, event_id: int) -> int:
        """After the commit: a hackathon date HR just set tells the "tell me when it
        opens" list (bot.events.alerts); how many e-mails went out."""
        settings, today = self.settings, self.today()

        def run() -> int:
            with transaction(settings.database_url) as session:
                event = session.get(Event, event_id)
                due = event is not None and should_announce(event, today)
            return announce(settings, event_id=event_id, now=utcnow()).sent if due else 0

        try:
            return await asyncio.to_thread(run)
        except Exception:  # noqa: BLE001 - the date is saved; the announcement is best effort
            logger.exception("the announcement of event %s failed", event_id)
            return 0

    async def delete(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        record_id = self._record_id(request)
        try:
            await self.db(lambda s: self._delete(s, record_id, user.display_name))
        except records.RecordNotFound:
            raise json_error(404, GONE) from None
        except EventHasRegistrations as error:
            raise json_error(
                409, HAS_REGISTRATIONS, code="event_has_registrations", registrations=error.count
            ) from None
        return web.json_response({"ok": True})
