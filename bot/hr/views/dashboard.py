"""The dashboard (recruiters may read it too): figures over a date range, as JSON or CSV."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from typing import Any

from aiohttp import web

from bot.core.db import transaction
from bot.hr import analytics
from bot.hr.views.base import Views
from bot.hr.views.problems import LANGUAGE
from bot.staff.accounts import StaffUser
from bot.staff.gate import json_error, request_date

MAX_RANGE_DAYS = 366


class DashboardViews(Views):
    """The analytics routes."""

    def _range(self, request: web.Request) -> tuple[date, date]:
        """The `from`/`to` dates of the request (default: the last 30 days)."""
        end = request_date(request.query.get("to"), language=LANGUAGE) or self.today()
        start = request_date(request.query.get("from"), language=LANGUAGE) or (
            end - timedelta(days=29)
        )
        if end < start:
            raise json_error(400, "la date de fin précède la date de début")
        if (end - start).days >= MAX_RANGE_DAYS:
            raise json_error(400, f"choisissez une période de {MAX_RANGE_DAYS} jours au plus")
        return start, end

    def _figures(self, start: date, end: date) -> analytics.Figures:
        """One transaction on the conversations' events (the read model, else the tracker
        store) and one on our database (maybe two databases)."""
        settings = self.settings
        with (
            transaction(settings.analytics_url) as tracker_session,
            transaction(settings.database_url) as session,
        ):
            return analytics.compute(
                session=session,
                tracker_session=tracker_session,
                start=start,
                end=end,
                timezone=settings.office_timezone,
            )

    async def _figures_of(self, request: web.Request) -> tuple[analytics.Figures, date, date]:
        start, end = self._range(request)
        try:
            return await asyncio.to_thread(self._figures, start, end), start, end
        except ValueError as error:
            raise json_error(400, str(error)) from None

    async def figures(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        found, _, _ = await self._figures_of(request)
        return web.json_response(found.to_json())

    async def csv(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        found, start, end = await self._figures_of(request)
        return web.Response(
            text=analytics.to_csv(found),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="ardoise-{start}-{end}.csv"'},
        )
