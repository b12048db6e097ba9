"""Articles: list, read, save, delete, history, restore and preview."""

from __future__ import annotations

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.settings import LANGUAGES
from bot.hr import authoring, editing, triage
from bot.hr.editing import SaveResult
from bot.hr.views.base import UNKNOWN_ITEMS, Views, unknown_article
from bot.hr.views.problems import french, french_problems
from bot.knowledge.diff import revision_diffs
from bot.knowledge.service import ArticleNotFound
from bot.staff.accounts import StaffUser
from bot.staff.gate import json_error, row_number
from bot.staff.web_sessions import WebSession


class ArticleViews(Views):
    """The knowledge-base editor's routes."""

    async def listing(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        query, today = request.query, self.today()
        found = await self.db(
            lambda session: [
                row.to_json()
                for row in editing.list_articles(
                    session=session,
                    query=(query.get("q") or "")[:200] or None,
                    topic=query.get("topic") or None,
                    language=query.get("language") or None,
                    status=query.get("status") or None,
                    stale_only=query.get("stale") == "1",
                    today=today,
                    review_max_days=self.settings.review_max_days,
                )
            ]
        )
        return web.json_response({"articles": found})

    async def read(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        article_id = request.match_info["article"]
        found = await self.db(
            lambda session: editing.article_json(session=session, article_id=article_id)
        )
        if found is None:
            raise unknown_article(article_id)
        return web.json_response(found)

    async def create(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        return await self._save(request, user, article_id=None)

    async def update(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        return await self._save(request, user, article_id=request.match_info["article"])

    async def _save(
        self, request: web.Request, user: StaffUser, *, article_id: str | None
    ) -> web.StreamResponse:
        data = await self.gate.body(request)
        expected = data.pop("expected_revision", None)
        if article_id is not None and (not isinstance(expected, int) or isinstance(expected, bool)):
            # Without it, a save could silently overwrite a colleague's.
            raise json_error(400, "expected_revision (la révision modifiée) est obligatoire")
        from_inbox = data.pop("from_inbox", None) or []

        def save(session: Session) -> SaveResult:
            return authoring.save_article(
                session=session,
                data=data,
                article_id=article_id,
                author=user.display_name,
                expected_revision=expected if article_id is not None else None,
                from_inbox=from_inbox if isinstance(from_inbox, list) else [],
            )

        try:
            saved = await self.db(save)
        except editing.ArticleInvalid as error:
            raise json_error(
                422, "l'article est à corriger", problems=french_problems(error.errors)
            ) from None
        except editing.EditConflict as error:
            raise json_error(409, french(error), conflict=error.to_json()) from None
        except triage.UnknownInboxItem:
            raise json_error(400, UNKNOWN_ITEMS) from None
        return web.json_response(saved.to_json(), status=201 if article_id is None else 200)

    async def delete(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        article_id = request.match_info["article"]
        expected = request.query.get("revision", "")
        try:
            await self.db(
                lambda session: authoring.delete_article(
                    session=session,
                    article_id=article_id,
                    author=user.display_name,
                    expected_revision=row_number(expected),
                )
            )
        except ArticleNotFound:
            raise unknown_article(article_id) from None
        except editing.ArticleInvalid as error:
            raise json_error(
                422, "l'article ne peut pas être supprimé", problems=french_problems(error.errors)
            ) from None
        except editing.EditConflict as error:
            raise json_error(409, french(error)) from None
        return web.json_response({"ok": True})

    async def preview(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        data = await self.gate.body(request)
        language = str(data.get("language")) if data.get("language") in LANGUAGES else "fr"
        try:
            shown = await self.db(
                lambda session: editing.preview_input(session=session, data=data, language=language)
            )
        except editing.ArticleInvalid as error:
            raise json_error(
                422, "l'article est à corriger", problems=french_problems(error.errors)
            ) from None
        return web.json_response(shown)

    async def history(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        article_id = request.match_info["article"]
        found = await self.db(
            lambda session: revision_diffs(session=session, article_id=article_id)
        )
        if not found:
            raise json_error(404, f"aucune révision de « {article_id} »")
        return web.json_response({"revisions": found})

    async def restore(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        article_id = request.match_info["article"]
        number = self.gate.path_number(request, "number", "revision")
        try:
            restored = await self.db(
                lambda session: authoring.restore_article(
                    session=session, article_id=article_id, number=number, author=user.display_name
                )
            )
        except LookupError:
            raise json_error(404, f"pas de révision {number} pour « {article_id} »") from None
        except editing.ArticleInvalid as error:
            raise json_error(
                422,
                "cette révision ne peut pas être restaurée",
                problems=french_problems(error.errors),
            ) from None
        return web.json_response(restored.to_json())
