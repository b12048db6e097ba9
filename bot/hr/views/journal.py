"""The journal: who changed what (articles, inbox, records, models)."""

from __future__ import annotations

from datetime import datetime

from aiohttp import web

from bot.core import audit
from bot.hr.views.base import Views
from bot.staff.accounts import StaffUser
from bot.staff.web_sessions import WebSession

SHOWN = 300


def _at(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


class JournalViews(Views):
    """The audit log's route."""

    async def entries(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        found = await self.db(
            lambda session: [
                {
                    "at": _at(e.at),
                    "actor": e.actor,
                    "action": e.action,
                    "target": e.target,
                    "detail": e.detail,
                }
                for e in audit.entries(session=session, limit=SHOWN)
            ]
        )
        return web.json_response({"entries": found})
