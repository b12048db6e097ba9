"""GET /widget/starters?lang=fr: the chat widget's starter questions, public and read-only.

Up to four {article, title} (bot.hr.starters), computed at most once a minute per
language: the widget asks for them each time it opens on an empty conversation.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from aiohttp import web

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import LANGUAGES, Settings
from bot.hr.starters import Starter, starters

PATH = "/widget/starters"
CACHE_SECONDS = 60.0
UNKNOWN_LANGUAGE = "'lang' must be fr or en / 'lang' doit valoir fr ou en"


class StarterCache:
    """Each language's starters, kept CACHE_SECONDS (`clock`: monotonic seconds)."""

    def __init__(self, settings: Settings, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.clock = clock
        self.kept: dict[str, tuple[float, list[Starter]]] = {}

    def _read(self, language: str) -> list[Starter]:
        """One transaction on the conversations' events (the read model, else the tracker
        store) and one on our database (maybe two databases)."""
        with (
            transaction(self.settings.analytics_url) as tracker_session,
            transaction(self.settings.database_url) as session,
        ):
            return starters(
                session=session, tracker_session=tracker_session, language=language, now=utcnow()
            )

    async def get(self, language: str) -> list[Starter]:
        kept = self.kept.get(language)
        if kept is not None and self.clock() - kept[0] < CACHE_SECONDS:
            return kept[1]
        found = await asyncio.to_thread(self._read, language)
        self.kept[language] = (self.clock(), found)
        return found


cache_key = web.AppKey("starter_cache", StarterCache)


async def widget_starters(request: web.Request) -> web.Response:
    cache = request.app[cache_key]
    language = request.query.get("lang") or cache.settings.default_language
    # read by the widget on other companies' sites: no cookie, nothing private
    headers = {"Access-Control-Allow-Origin": "*"}
    if language not in LANGUAGES:
        return web.json_response({"error": UNKNOWN_LANGUAGE}, status=400, headers=headers)
    found = await cache.get(language)
    headers["Cache-Control"] = f"public, max-age={int(CACHE_SECONDS)}"
    return web.json_response({"starters": [s.to_json() for s in found]}, headers=headers)


def add_starters(app: web.Application, settings: Settings) -> None:
    """Mount the route (before the catch-all)."""
    app[cache_key] = StarterCache(settings)
    app.router.add_get(PATH, widget_starters)
