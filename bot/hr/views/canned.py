"""Canned replies for the console: list, add, edit, delete (HR only)."""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.handoff import canned
from bot.hr.views.base import Views
from bot.hr.views.problems import LANGUAGE, french_errors
from bot.staff.accounts import StaffUser
from bot.staff.gate import json_error, problem_error

TO_CORRECT = "la réponse type est à corriger"


class CannedReplyViews(Views):
    """The canned replies' routes; each handler calls one service of bot.handoff.canned."""

    async def listing(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        found = await self.db(
            lambda session: [canned.reply_json(r) for r in canned.list_replies(session=session)]
        )
        return web.json_response({"replies": found, "placeholders": canned.KNOWN})

    async def create(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        return await self._save(request, user, None)

    async def update(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        return await self._save(request, user, request.match_info["reply"])

    async def _save(
        self, request: web.Request, user: StaffUser, reply_id: str | None
    ) -> web.StreamResponse:
        data = await self.gate.body(request)

        def save(session: Session) -> dict[str, Any]:
            saved = canned.save_reply(
                session=session, data=data, author=user.display_name, reply_id=reply_id
            )
            return canned.reply_json(saved)

        try:
            saved = await self.db(save)
        except canned.CannedReplyError as error:
            raise json_error(422, TO_CORRECT, errors=french_errors(error.errors)) from None
        except canned.CannedReplyNotFound as error:
            raise problem_error(404, error.problem, LANGUAGE) from None
        return web.json_response(saved, status=201 if reply_id is None else 200)

    async def remove(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        reply_id = request.match_info["reply"]
        try:
            await self.db(
                lambda session: canned.delete_reply(
                    session=session, reply_id=reply_id, author=user.display_name
                )
            )
        except canned.CannedReplyNotFound as error:
            raise problem_error(404, error.problem, LANGUAGE) from None
        return web.json_response({"ok": True})
