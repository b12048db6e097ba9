"""Team-coffee ambassadors: list, add, edit, pause, remove (HR only)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.problem_texts import Problem
from bot.hr.views.base import Views
from bot.hr.views.problems import LANGUAGE, french, french_errors
from bot.meetings import admin
from bot.staff.accounts import StaffUser
from bot.staff.gate import json_error, problem_error, row_number

logger = logging.getLogger(__name__)
TO_CORRECT = "la fiche de l'ambassadeur est à corriger"


def _invalid(error: admin.AmbassadorError) -> web.HTTPException:
    return json_error(422, TO_CORRECT, errors=french_errors(error.errors))


def _not_found(error: admin.AmbassadorNotFound | admin.PauseNotFound) -> web.HTTPException:
    return problem_error(404, error.problem, LANGUAGE)


class AmbassadorViews(Views):
    """The ambassadors' routes; each handler calls one service of bot.meetings.admin."""

    async def listing(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        today, now = self.today(), utcnow()
        found = await self.db(
            lambda session: [
                row.to_json()
                for row in admin.list_ambassadors(session=session, today=today, now=now)
            ]
        )
        return web.json_response({"ambassadors": found})

    async def create(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        return await self._save(request, user, None)

    async def update(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        return await self._save(request, user, request.match_info["ambassador"])

    async def _save(
        self, request: web.Request, user: StaffUser, ambassador_id: str | None
    ) -> web.StreamResponse:
        data = await self.gate.body(request)

        def save(session: Session) -> dict[str, Any]:
            return admin.save_ambassador(
                session=session, data=data, author=user.display_name, ambassador_id=ambassador_id
            ).to_json()

        try:
            saved = await self.db(save)
        except admin.AmbassadorError as error:
            raise _invalid(error) from None
        except admin.AmbassadorNotFound as error:
            raise _not_found(error) from None
        return web.json_response(saved, status=201 if ambassador_id is None else 200)

    async def remove(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        """DELETE; `upcoming` ("cancel" or "keep", in the JSON body or the query) says
        what becomes of confirmed coffees still to come; without it they make a 409."""
        ambassador_id = request.match_info["ambassador"]
        data = await self.gate.body(request) if request.body_exists else {}
        upcoming = data.get("upcoming", request.query.get("upcoming"))
        settings, now = self.settings, utcnow()

        def remove(session: Session) -> admin.Removal:
            return admin.remove_ambassador(
                session=session,
                ambassador_id=ambassador_id,
                author=user.display_name,
                upcoming=upcoming,
                now=now,
                office_timezone=settings.office_timezone,
            )

        try:
            removal = await self.db(remove)
        except admin.UpcomingCoffees as error:
            raise json_error(
                409, french(error), code=error.problem.code, upcoming=error.coffees
            ) from None
        except admin.AmbassadorError as error:
            raise _invalid(error) from None
        except admin.AmbassadorNotFound as error:
            raise _not_found(error) from None
        told = 0
        if removal.cancelled:
            try:
                told = await asyncio.to_thread(admin.send_removal_emails, settings, removal)
            except Exception:  # noqa: BLE001 - the coffees are cancelled; mail is best effort
                logger.exception("the apologies for ambassador %s were not sent", ambassador_id)
        return web.json_response({**removal.to_json(), "candidates_told": told})

    async def pause(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        ambassador_id = request.match_info["ambassador"]
        data = await self.gate.body(request)
        office = self.settings.office_timezone

        def add(session: Session) -> dict[str, Any]:
            return admin.add_pause(
                session=session,
                ambassador_id=ambassador_id,
                data=data,
                author=user.display_name,
                office_timezone=office,
            ).to_json()

        try:
            added = await self.db(add)
        except admin.AmbassadorError as error:
            raise _invalid(error) from None
        except admin.AmbassadorNotFound as error:
            raise _not_found(error) from None
        return web.json_response(added, status=201)

    async def unpause(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        ambassador_id = request.match_info["ambassador"]
        raw = request.match_info["pause"]
        pause_id = row_number(raw)
        if pause_id is None:
            raise problem_error(404, Problem("pause_not_found", {"id": raw[:20]}), LANGUAGE)

        def remove(session: Session) -> None:
            admin.remove_pause(
                session=session,
                ambassador_id=ambassador_id,
                pause_id=pause_id,
                author=user.display_name,
            )

        try:
            await self.db(remove)
        except (admin.AmbassadorNotFound, admin.PauseNotFound) as error:
            raise _not_found(error) from None
        return web.json_response({"ok": True})
