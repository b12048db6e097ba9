"""The "Modèle" panel: the serving model's state, retraining, confirming or turning down a build."""

from __future__ import annotations

import asyncio
from typing import Protocol

from aiohttp import web

from bot.core.settings import Settings
from bot.hr.retraining import deployment, run
from bot.hr.retraining.builds import BuildRefused, ModelBuild
from bot.hr.retraining.servers import DeployFailed
from bot.hr.retraining.state import build_json
from bot.hr.views.base import Views
from bot.staff.accounts import StaffUser
from bot.staff.gate import json_error
from bot.staff.web_sessions import WebSession


class Decision(Protocol):
    """Confirming or turning down a build: deployment.deploy or run.reject."""

    def __call__(self, settings: Settings, build_id: int, *, author: str) -> ModelBuild: ...


class ModelViews(Views):
    """The retraining routes; the work runs in a worker thread (HTTP calls, processes)."""

    async def state(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        return web.json_response(await asyncio.to_thread(run.model_state, self.settings))

    async def retrain(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        try:
            build = await asyncio.to_thread(
                run.start_build, self.settings, author=user.display_name
            )
        except BuildRefused as error:
            raise json_error(409, str(error)) from None
        return web.json_response(build_json(build), status=202)

    async def confirm(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        return await self._decide(request, user, deployment.deploy)

    async def reject(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        return await self._decide(request, user, run.reject)

    async def _decide(
        self, request: web.Request, user: StaffUser, decision: Decision
    ) -> web.StreamResponse:
        """HR's decision on a build, its failures as the statuses the page expects."""
        build_id = self.gate.path_number(request, "build", "build")
        try:
            build = await asyncio.to_thread(
                decision, self.settings, build_id, author=user.display_name
            )
        except LookupError:
            raise json_error(404, "entraînement inconnu") from None
        except BuildRefused as error:
            raise json_error(409, str(error)) from None
        except DeployFailed as error:
            raise json_error(502, f"le nouveau modèle n'a pas pu être chargé : {error}") from None
        return web.json_response(build_json(build))
