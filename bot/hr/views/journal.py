"""The journal: who changed what (articles, inbox, records, models)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core import audit
from bot.hr.views.base import Views
from bot.knowledge.service import staff_titles
from bot.staff.accounts import StaffUser
from bot.staff.web_sessions import WebSession

SHOWN = 300


def _at(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def _article_of(entry: audit.AuditEntry) -> str | None:
    """The article an entry is about: its target (article.*), or where inbox items went."""
    if entry.action.startswith("article."):
        return entry.target.removeprefix("article:")  # article.checked names it bare
    detail = entry.detail if isinstance(entry.detail, dict) else {}
    found = detail.get("article_id")
    return found if isinstance(found, str) else None


def _journal(session: Session) -> dict[str, Any]:
    """The newest entries, and the titles of the articles they name (for sentences)."""
    shown = audit.entries(session=session, limit=SHOWN)
    articles = {a for a in map(_article_of, shown) if a}
    return {
        "entries": [
            {
                "at": _at(e.at),
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "detail": e.detail,
            }
            for e in shown
        ],
        "titles": staff_titles(session=session, article_ids=articles),
    }


class JournalViews(Views):
    """The audit log's route."""

    async def entries(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        return web.json_response(await self.db(_journal))
