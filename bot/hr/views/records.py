"""Events (open houses, team coffees, reverse Q&As) and open positions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from aiohttp import web
from sqlalchemy.orm import Session

from bot.hr.views.base import Views
from bot.hr.views.problems import french_errors
from bot.records import service as records
from bot.staff.accounts import StaffUser
from bot.staff.gate import json_error, row_number

RecordKind = Literal["events", "jobs"]
GONE = "cet enregistrement n'existe pas (ou plus)"


@dataclass(frozen=True)
class RecordViews(Views):
    """List, save (create or update) and delete routes for one kind of record."""

    kind: RecordKind = "events"

    def _rows(self, session: Session, upcoming_only: bool) -> list[dict[str, Any]]:
        if self.kind == "events":
            found: list[Any] = records.list_events(
                session=session, upcoming_only=upcoming_only, today=self.today()
            )
        else:
            found = records.list_jobs(session=session)
        return [row.to_json() for row in found]

    def _save(self, session: Session, data: dict[str, Any], author: str) -> dict[str, Any]:
        if self.kind == "events":
            return records.save_event(session=session, data=data, author=author).to_json()
        return records.save_job(session=session, data=data, author=author).to_json()

    def _delete(self, session: Session, record_id: str, author: str) -> None:
        if self.kind == "events":
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
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        upcoming_only = request.query.get("all") != "1"
        return web.json_response({self.kind: await self.db(lambda s: self._rows(s, upcoming_only))})

    async def save(
        self, request: web.Request, user: StaffUser, websession: Any
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
        return web.json_response(saved, status=200 if updating else 201)

    async def delete(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        record_id = self._record_id(request)
        try:
            await self.db(lambda s: self._delete(s, record_id, user.display_name))
        except records.RecordNotFound:
            raise json_error(404, GONE) from None
        return web.json_response({"ok": True})
