"""HR's inbox ("À traiter"): grouped questions, dismissing them, adding one to an article;
and the stale articles candidates were answered with, to re-check."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from aiohttp import web

from bot.core import tracker_store
from bot.hr import editing, human_requests, recheck, triage
from bot.hr.human_requests import HUMAN_REQUEST
from bot.hr.views.base import UNKNOWN_ITEMS, Views, unknown_article
from bot.hr.views.problems import french_problems
from bot.knowledge.service import ArticleNotFound
from bot.staff.accounts import StaffUser
from bot.staff.gate import json_error
from bot.staff.web_sessions import WebSession

MAX_ITEMS = 1000
MAX_GROUPS = 200
ITEM_ID = re.compile(r"(inbox|callback):[0-9]{1,18}")


def item_ids(data: dict[str, Any]) -> list[str]:
    """The request's `items`: a non-empty list of short ids, or a 400."""
    items = data.get("items")
    if (
        not isinstance(items, list)
        or not items
        or len(items) > MAX_ITEMS
        or not all(isinstance(i, str) and len(i) < 40 for i in items)
    ):
        raise json_error(400, "items doit être une liste d'identifiants d'éléments")
    if not all(ITEM_ID.fullmatch(i) for i in items):
        # "inbox:²" would pass str.isdigit() further on, and int() refuses it
        raise json_error(404, UNKNOWN_ITEMS)
    return items


class InboxViews(Views):
    """The inbox's routes."""

    async def groups(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        """The grouped questions, and the requests for a recruiter in a list of their own
        (a request is not a question to group: HR reads what was asked before it)."""
        reason = request.query.get("reason") or None
        language = request.query.get("language") or None
        grouped = (
            [reason]
            if reason
            else [r for r in triage.ALL_REASONS if r not in (triage.RECHECK_REASON, HUMAN_REQUEST)]
        )
        if reason == HUMAN_REQUEST:
            grouped = []
        found, entries = await self.db(
            lambda session: (
                [
                    group.to_json()
                    for group in triage.inbox_groups(
                        session=session, reasons=grouped, language=language, limit=MAX_GROUPS
                    )
                ],
                human_requests.open_requests(session=session, language=language)
                if reason in (None, HUMAN_REQUEST)
                else [],
            )
        )
        unworded = [e.conversation_id for e in entries if e.placeholder]
        messages = (
            await asyncio.to_thread(
                tracker_store.candidate_messages, self.settings.tracker_store_url, unworded
            )
            if unworded
            else {}
        )
        requests = [r.to_json() for r in human_requests.with_questions(entries, messages)]
        return web.json_response({"groups": found, "human_requests": requests})

    async def dismiss(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        items = item_ids(await self.gate.body(request))
        try:
            dismissed = await self.db(
                lambda session: triage.dismiss(
                    session=session, item_ids=items, author=user.display_name
                )
            )
        except triage.UnknownInboxItem:
            raise json_error(404, UNKNOWN_ITEMS) from None
        return web.json_response({"dismissed": dismissed})

    async def add(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        data = await self.gate.body(request)
        items = item_ids(data)
        article_id, question = data.get("article"), data.get("question")
        if not isinstance(article_id, str) or not article_id:
            raise json_error(400, "choisissez l'article")
        if question is not None and not isinstance(question, str):
            raise json_error(400, "la question doit être un texte")
        try:
            added = await self.db(
                lambda session: triage.add_as_example(
                    session=session,
                    item_ids=items,
                    article_id=article_id,
                    author=user.display_name,
                    question=question,
                )
            )
        except (editing.ArticleInvalid, triage.InboxActionInvalid) as error:
            raise json_error(
                422, "la question ne peut pas être ajoutée", problems=french_problems(error.errors)
            ) from None
        except triage.UnknownInboxItem:
            raise json_error(404, UNKNOWN_ITEMS) from None
        except ArticleNotFound:
            raise unknown_article(article_id) from None
        return web.json_response(added.to_json())

    async def to_recheck(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        today, days = self.today(), self.settings.review_max_days
        found = await self.db(
            lambda session: [
                row.to_json()
                for row in recheck.to_recheck(session=session, today=today, review_max_days=days)
            ]
        )
        return web.json_response({"articles": found, "review_max_days": days})

    async def confirm_checked(
        self, request: web.Request, user: StaffUser, websession: WebSession
    ) -> web.StreamResponse:
        article_id, today = request.match_info["article"], self.today()
        try:
            done = await self.db(
                lambda session: recheck.confirm_still_true(
                    session=session, article_id=article_id, today=today, author=user.display_name
                )
            )
        except ArticleNotFound:
            raise unknown_article(article_id) from None
        return web.json_response({**done.to_json(), "reviewed": today.isoformat()})
