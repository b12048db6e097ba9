"""What every group of workspace routes shares: settings, the staff gate, roles, errors."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TypeVar, cast

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.settings import Settings
from bot.records.service import local_today
from bot.staff.gate import StaffGate, json_error

T = TypeVar("T")
HR = ("hr",)
READERS = ("hr", "recruiter")  # recruiters may read the dashboard
API = "/console/api/hr"
UNKNOWN_ITEMS = "ces éléments n'existent pas (ou plus) : rechargez la page"


def unknown_article(article_id: str) -> web.HTTPException:
    """The 404 for an article id that names nothing."""
    return json_error(404, f"aucun article « {article_id} »")


@dataclass(frozen=True)
class Views:
    """A group of routes: handlers are methods taking (request, user, websession)."""

    settings: Settings
    gate: StaffGate

    async def db(self, work: Callable[[Session], T]) -> T:
        """`work(session)` in one short transaction, off the event loop (the gate's)."""
        return cast(T, await self.gate.db(work))

    def today(self) -> date:
        """Today in the office's time zone."""
        return local_today(self.settings.office_timezone)
