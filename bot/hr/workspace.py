"""The HR workspace: knowledge-base editor, inbox, events and positions, retraining, analytics.

One page (/console/hr) and JSON routes under /console/api/hr, behind the
staff sign-in shared with the recruiter console. Every route needs the `hr`
role, except the analytics, which recruiters may read. Every change is
recorded: article revisions, and the audit log for everything else.
"""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.settings import LANGUAGES, Settings
from bot.hr import analytics, editing
from bot.hr import triage as inbox
from bot.hr.problems_fr import french, french_errors, french_problems
from bot.hr.retraining import service as retraining
from bot.knowledge.diff import revision_diffs
from bot.knowledge.service import ArticleNotFound
from bot.records import service as records
from bot.staff.accounts import StaffUser
from bot.staff.gate import Handler, StaffGate, json_error, staff_page

STATIC = Path(__file__).resolve().parent.parent / "web" / "static"
HR = ("hr",)
READERS = ("hr", "recruiter")
MAX_RANGE_DAYS = 366


def _at(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def _range(request: web.Request, settings: Settings) -> tuple[date, date]:
    """The `from`/`to` dates of an analytics request (default: the last 30 days)."""
    today = records.local_today(settings.office_timezone)
    try:
        end = date.fromisoformat(request.query.get("to") or today.isoformat())
        start = date.fromisoformat(
            request.query.get("from") or (end - timedelta(days=29)).isoformat()
        )
    except ValueError:
        raise json_error(400, "les dates doivent s'écrire comme 2026-11-26") from None
    if end < start:
        raise json_error(400, "la date de fin précède la date de début")
    if (end - start).days >= MAX_RANGE_DAYS:
        raise json_error(400, f"choisissez une période de {MAX_RANGE_DAYS} jours au plus")
    return start, end


def add_workspace(app: web.Application, settings: Settings, gate: StaffGate) -> None:
    """Mount the workspace's page and API on the web app."""
    require, body, db = gate.require, gate.body, gate.db

    # ------------------------------------------------------------ page

    @require(READERS, page=True)
    async def page(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        return staff_page(STATIC / "workspace.html", user, websession)

    # ------------------------------------------------------------ articles

    @require(HR)
    async def articles(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        query = request.query
        status = query.get("status") or None
        language = query.get("language") or None

        def read(session: Session) -> list[dict[str, Any]]:
            return [
                row.to_json()
                for row in editing.list_articles(
                    session=session,
                    query=(query.get("q") or "")[:200] or None,
                    topic=query.get("topic") or None,
                    language=language,
                    status=status,
                    stale_only=query.get("stale") == "1",
                    today=records.local_today(settings.office_timezone),
                )
            ]

        return web.json_response({"articles": await db(read)})

    @require(HR)
    async def article(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        article_id = request.match_info["article"]

        def read(session: Session) -> dict[str, Any] | None:
            return editing.article_json(session=session, article_id=article_id)

        found = await db(read)
        if found is None:
            raise json_error(404, f"aucun article « {article_id} »")
        return web.json_response(found)

    def saving(create: bool) -> Any:
        @require(HR)
        async def save(
            request: web.Request, user: StaffUser, websession: Any
        ) -> web.StreamResponse:
            data = await body(request)
            article_id = None if create else request.match_info["article"]
            expected = data.pop("expected_revision", None)
            if not create and (not isinstance(expected, int) or isinstance(expected, bool)):
                # Without it, a save could silently overwrite a colleague's.
                raise json_error(400, "expected_revision (la révision modifiée) est obligatoire")
            from_inbox = data.pop("from_inbox", None) or []

            def write(session: Session) -> dict[str, Any]:
                result = editing.save_from_editor(
                    session=session,
                    data=data,
                    article_id=article_id,
                    author=user.display_name,
                    expected_revision=expected if not create else None,
                )
                if result.action != "unchanged":  # the log keeps changes only
                    audit.record(
                        session=session,
                        actor=user.display_name,
                        action=f"article.{result.action}",
                        target=f"article:{result.article_id}",
                    )
                if isinstance(from_inbox, list) and from_inbox:
                    inbox.mark_drafted(
                        session=session,
                        item_ids=from_inbox,
                        article_id=result.article_id,
                        author=user.display_name,
                    )
                return result.to_json()

            try:
                saved = await db(write)
            except editing.ArticleInvalid as error:
                raise json_error(
                    422, "l'article est à corriger", problems=french_problems(error.errors)
                ) from None
            except editing.EditConflict as error:
                raise json_error(409, french(str(error)), conflict=error.to_json()) from None
            except inbox.UnknownInboxItem:
                raise json_error(
                    400, "ces éléments n'existent pas (ou plus) : rechargez la page"
                ) from None
            return web.json_response(saved, status=201 if create else 200)

        return save

    @require(HR)
    async def remove_article(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        article_id = request.match_info["article"]
        expected = request.query.get("revision", "")

        def write(session: Session) -> None:
            editing.delete_from_editor(
                session,
                article_id,
                user.display_name,
                expected_revision=int(expected) if expected.isdigit() else None,
            )
            audit.record(
                session=session,
                actor=user.display_name,
                action="article.deleted",
                target=f"article:{article_id}",
            )

        try:
            await db(write)
        except ArticleNotFound:
            raise json_error(404, f"aucun article « {article_id} »") from None
        except editing.ArticleInvalid as error:
            raise json_error(
                422, "l'article ne peut pas être supprimé", problems=french_problems(error.errors)
            ) from None
        except editing.EditConflict as error:
            raise json_error(409, str(error)) from None
        return web.json_response({"ok": True})

    @require(HR)
    async def preview(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        data = await body(request)
        language = str(data.get("language")) if data.get("language") in LANGUAGES else "fr"

        def read(session: Session) -> dict[str, Any]:
            return editing.preview_input(session=session, data=data, language=language)

        try:
            return web.json_response(await db(read))
        except editing.ArticleInvalid as error:
            raise json_error(
                422, "l'article est à corriger", problems=french_problems(error.errors)
            ) from None

    @require(HR)
    async def history(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        article_id = request.match_info["article"]

        def read(session: Session) -> list[dict[str, Any]]:
            return revision_diffs(session=session, article_id=article_id)

        found = await db(read)
        if not found:
            raise json_error(404, f"aucune révision de « {article_id} »")
        return web.json_response({"revisions": found})

    @require(HR)
    async def restore(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        article_id = request.match_info["article"]
        number = gate.path_number(request, "number", "revision")

        def write(session: Session) -> dict[str, Any]:
            result = editing.restore_revision(
                session=session, article_id=article_id, number=number, author=user.display_name
            )
            audit.record(
                session=session,
                actor=user.display_name,
                action="article.restored",
                target=f"article:{article_id}",
                detail={"revision": number},
            )
            return result.to_json()

        try:
            return web.json_response(await db(write))
        except LookupError:
            raise json_error(404, f"pas de révision {number} pour « {article_id} »") from None
        except editing.ArticleInvalid as error:
            raise json_error(
                422,
                "cette révision ne peut pas être restaurée",
                problems=french_problems(error.errors),
            ) from None

    # ------------------------------------------------------------ inbox

    @require(HR)
    async def inbox_list(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        reason = request.query.get("reason") or None
        language = request.query.get("language") or None

        def read(session: Session) -> list[dict[str, Any]]:
            return [
                group.to_json()
                for group in inbox.inbox_groups(
                    session=session,
                    reasons=[reason] if reason else None,
                    language=language,
                    limit=200,
                )
            ]

        return web.json_response({"groups": await db(read)})

    def item_ids(data: dict[str, Any]) -> list[str]:
        items = data.get("items")
        if (
            not isinstance(items, list)
            or not items
            or len(items) > 1000
            or not all(isinstance(i, str) and len(i) < 40 for i in items)
        ):
            raise json_error(400, "items doit être une liste d'identifiants d'éléments")
        return items

    @require(HR)
    async def inbox_dismiss(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        items = item_ids(await body(request))

        def write(session: Session) -> int:
            return inbox.dismiss(session=session, item_ids=items, author=user.display_name)

        try:
            return web.json_response({"dismissed": await db(write)})
        except inbox.UnknownInboxItem:
            raise json_error(
                404, "ces éléments n'existent pas (ou plus) : rechargez la page"
            ) from None

    @require(HR)
    async def inbox_add(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        data = await body(request)
        items = item_ids(data)
        article_id, question = data.get("article"), data.get("question")
        if not isinstance(article_id, str) or not article_id:
            raise json_error(400, "choisissez l'article")
        if question is not None and not isinstance(question, str):
            raise json_error(400, "la question doit être un texte")

        def write(session: Session) -> dict[str, Any]:
            result = inbox.add_as_example(
                session=session,
                item_ids=items,
                article_id=article_id,
                author=user.display_name,
                question=question,
            )
            return result.to_json()

        try:
            return web.json_response(await db(write))
        except (editing.ArticleInvalid, inbox.InboxActionInvalid) as error:
            raise json_error(
                422, "la question ne peut pas être ajoutée", problems=french_problems(error.errors)
            ) from None
        except inbox.UnknownInboxItem:
            raise json_error(
                404, "ces éléments n'existent pas (ou plus) : rechargez la page"
            ) from None
        except ArticleNotFound:
            raise json_error(404, f"aucun article « {article_id} »") from None

    # ------------------------------------------------------------ events and positions

    def record_routes(kind: str) -> tuple[Handler, Handler, Handler]:
        """List, save (create or update) and delete routes for events or jobs."""

        def rows(session: Session, request: web.Request) -> list[dict[str, Any]]:
            if kind == "events":
                found: list[Any] = records.list_events(
                    session=session,
                    upcoming_only=request.query.get("all") != "1",
                    today=records.local_today(settings.office_timezone),
                )
            else:
                found = records.list_jobs(session=session)
            return [row.to_json() for row in found]

        def saved(session: Session, data: dict[str, Any], author: str) -> dict[str, Any]:
            if kind == "events":
                return records.save_event(session=session, data=data, author=author).to_json()
            return records.save_job(session=session, data=data, author=author).to_json()

        def removed(session: Session, record_id: str, author: str) -> None:
            if kind == "events":
                records.delete_event(session=session, event_id=record_id, author=author)
            else:
                records.delete_job(session=session, job_id=record_id, author=author)

        @require(HR)
        async def listing(
            request: web.Request, user: StaffUser, websession: Any
        ) -> web.StreamResponse:
            return web.json_response({kind: await db(lambda s: rows(s, request))})

        @require(HR)
        async def save(
            request: web.Request, user: StaffUser, websession: Any
        ) -> web.StreamResponse:
            data = await body(request)
            if "record" in request.match_info:
                data = {**data, "id": request.match_info["record"]}
            try:
                return web.json_response(
                    await db(lambda s: saved(s, data, user.display_name)),
                    status=200 if "record" in request.match_info else 201,
                )
            except records.RecordError as error:
                raise json_error(
                    422, "l'enregistrement est à corriger", errors=french_errors(error.errors)
                ) from None
            except records.RecordNotFound:
                raise json_error(404, "cet enregistrement n'existe pas (ou plus)") from None

        @require(HR)
        async def remove(
            request: web.Request, user: StaffUser, websession: Any
        ) -> web.StreamResponse:
            record_id = request.match_info["record"]
            try:
                await db(lambda s: removed(s, record_id, user.display_name))
            except records.RecordNotFound:
                raise json_error(404, "cet enregistrement n'existe pas (ou plus)") from None
            return web.json_response({"ok": True})

        return listing, save, remove

    # ------------------------------------------------------------ model

    @require(HR)
    async def model(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        return web.json_response(await asyncio.to_thread(retraining.model_state, settings))

    @require(HR)
    async def retrain(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
        try:
            build = await asyncio.to_thread(
                retraining.start_build, settings, author=user.display_name
            )
        except retraining.BuildRefused as error:
            raise json_error(409, str(error)) from None
        return web.json_response(retraining.build_json(build), status=202)

    def build_step(step: str) -> Any:
        @require(HR)
        async def act(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
            build_id = gate.path_number(request, "build", "build")
            work = retraining.deploy if step == "confirm" else retraining.reject
            try:
                build = await asyncio.to_thread(work, settings, build_id, author=user.display_name)
            except LookupError:
                raise json_error(404, "entraînement inconnu") from None
            except retraining.BuildRefused as error:
                raise json_error(409, str(error)) from None
            except retraining.DeployFailed as error:
                raise json_error(
                    502, f"le nouveau modèle n'a pas pu être chargé : {error}"
                ) from None
            return web.json_response(retraining.build_json(build))

        return act

    # ------------------------------------------------------------ analytics

    async def figures(request: web.Request) -> Any:
        start, end = _range(request, settings)
        try:
            return await asyncio.to_thread(
                analytics.compute,
                database_url=settings.database_url,
                tracker_store_url=settings.tracker_store_url,
                start=start,
                end=end,
                timezone=settings.office_timezone,
            )
        except ValueError as error:
            raise json_error(400, str(error)) from None

    @require(READERS)
    async def dashboard(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        return web.json_response((await figures(request)).to_json())

    @require(READERS)
    async def dashboard_csv(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        found = await figures(request)
        start, end = _range(request, settings)
        return web.Response(
            text=analytics.to_csv(found),
            content_type="text/csv",
            charset="utf-8",
            headers={"Content-Disposition": f'attachment; filename="ardoise-{start}-{end}.csv"'},
        )

    # ------------------------------------------------------------ audit

    @require(HR)
    async def audit_log(
        request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        def read(session: Session) -> list[dict[str, Any]]:
            return [
                {
                    "at": _at(e.at),
                    "actor": e.actor,
                    "action": e.action,
                    "target": e.target,
                    "detail": e.detail,
                }
                for e in audit.entries(session=session, limit=300)
            ]

        return web.json_response({"entries": await db(read)})

    router = app.router
    api = "/console/api/hr"
    router.add_get("/console/hr", page)
    router.add_get(f"{api}/articles", articles)
    router.add_post(f"{api}/articles", saving(create=True))
    router.add_post(f"{api}/preview", preview)
    router.add_get(f"{api}/articles/{{article}}", article)
    router.add_put(f"{api}/articles/{{article}}", saving(create=False))
    router.add_delete(f"{api}/articles/{{article}}", remove_article)
    router.add_get(f"{api}/articles/{{article}}/revisions", history)
    router.add_post(f"{api}/articles/{{article}}/revisions/{{number}}/restore", restore)
    router.add_get(f"{api}/inbox", inbox_list)
    router.add_post(f"{api}/inbox/dismiss", inbox_dismiss)
    router.add_post(f"{api}/inbox/add", inbox_add)
    for kind in ("events", "jobs"):
        listing, save, remove = record_routes(kind)
        router.add_get(f"{api}/{kind}", listing)
        router.add_post(f"{api}/{kind}", save)
        router.add_put(f"{api}/{kind}/{{record}}", save)
        router.add_delete(f"{api}/{kind}/{{record}}", remove)
    router.add_get(f"{api}/model", model)
    router.add_post(f"{api}/model/retrain", retrain)
    router.add_post(f"{api}/model/builds/{{build}}/confirm", build_step("confirm"))
    router.add_post(f"{api}/model/builds/{{build}}/reject", build_step("reject"))
    router.add_get(f"{api}/analytics", dashboard)
    router.add_get(f"{api}/analytics.csv", dashboard_csv)
    router.add_get(f"{api}/audit", audit_log)
