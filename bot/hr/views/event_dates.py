"""HR's side of registrations (issue 12): a date's terms (seats, registration deadline,
video link), cancelling a date with an apology to everyone registered, and turning a
reverse Q&A question the leaders answered into a knowledge-base article draft.

The place is the record's own field (PUT /events/{record}); deleting a date that holds
registrations is refused in bot.hr.views.records (cancel it instead). E-mails go out after
the commit, off the event loop; a mail server that is down never undoes the change.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.events import staffing
from bot.events.panel import QuestionNotFound
from bot.events.terms import TermsError
from bot.hr import panel_drafts
from bot.hr.article_input import ArticleInvalid
from bot.hr.views.base import Views
from bot.hr.views.problems import french_problems
from bot.records.service import RecordNotFound
from bot.staff.accounts import StaffUser
from bot.staff.gate import json_error, row_number

logger = logging.getLogger(__name__)
GONE = "cet enregistrement n'existe pas (ou plus)"
# HR reads the workspace in French; each refusal also carries its code.
MESSAGES = {
    "event_unknown": GONE,
    "capacity_invalid": "le nombre de places doit être un nombre entier entre 1 et 10 000",
    "capacity_below_taken": "moins de places que de personnes déjà inscrites : une place "
    "attribuée n'est jamais reprise",
    "deadline_invalid": "la date limite d'inscription doit s'écrire 2026-12-02T12:00 "
    "(heure du bureau)",
    "video_url_invalid": "le lien visio doit être une adresse https:// sans espace",
    "question_unknown": "cette question n'existe pas (ou plus)",
    "question_not_answered": "seule une question à laquelle les dirigeants ont répondu "
    "devient un brouillon d'article",
    "question_drafted": "cette question a déjà son brouillon d'article",
}


def _refused(status: int, code: str, **extra: Any) -> web.HTTPException:
    return json_error(status, MESSAGES.get(code, code), code=code, **extra)


class EventDateViews(Views):
    """A date's terms, its cancellation, and drafts from answered questions."""

    def _event_id(self, request: web.Request) -> int:
        number = row_number(request.match_info["record"])
        if number is None:
            raise _refused(404, "event_unknown")
        return number

    async def terms(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        """GET: the date with its terms, seats taken and waitlist."""
        event_id, office = self._event_id(request), self.settings.office_timezone
        try:
            found = await self.db(
                lambda s: staffing.summary(
                    session=s,
                    event=staffing.get_event(session=s, event_id=event_id),
                    office_timezone=office,
                )
            )
        except staffing.EventNotFound:
            raise _refused(404, "event_unknown") from None
        return web.json_response(found)

    async def save_terms(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        """PUT {"capacity", "deadline", "video_url"} (each optional; null: the default)."""
        event_id, settings = self._event_id(request), self.settings
        data = await self.gate.body(request)
        now = utcnow()

        def save(session: Session) -> staffing.SavedTerms:
            return staffing.update_terms(
                session=session,
                event_id=event_id,
                data=data,
                author=user.display_name,
                now=now,
                office_timezone=settings.office_timezone,
            )

        try:
            saved = await self.db(save)
        except staffing.EventNotFound:
            raise _refused(404, "event_unknown") from None
        except TermsError as error:
            message = MESSAGES.get(error.code, error.code)
            raise json_error(422, message, code=error.code, errors={error.field: message}) from None
        told = 0
        if saved.offers:
            try:
                told = await asyncio.to_thread(staffing.send_offers, settings, saved)
            except Exception:  # noqa: BLE001 - the seats are offered; mail is best effort
                logger.exception("the seat offers of event %s were not e-mailed", event_id)
        return web.json_response({**saved.shown, "offers": len(saved.offers), "offers_sent": told})

    async def cancel(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        """POST: cancel the date; everyone registered gets the apology and the next dates."""
        event_id, settings = self._event_id(request), self.settings
        now = utcnow()

        def cancel(session: Session) -> staffing.CancelledDate:
            return staffing.cancel_date(
                session=session,
                event_id=event_id,
                author=user.display_name,
                now=now,
                office_timezone=settings.office_timezone,
            )

        try:
            cancelled = await self.db(cancel)
        except RecordNotFound:
            raise _refused(404, "event_unknown") from None
        told = 0
        if cancelled.registrations:
            try:
                told = await asyncio.to_thread(
                    staffing.send_cancellation_emails, settings, cancelled
                )
            except Exception:  # noqa: BLE001 - the date is cancelled; mail is best effort
                logger.exception("the apologies for event %s were not sent", event_id)
        return web.json_response({**cancelled.to_json(), "candidates_told": told})

    async def draft(
        self, request: web.Request, user: StaffUser, websession: Any
    ) -> web.StreamResponse:
        """POST {"id"?, "topic"?}: a draft article from an answered question, linked to it."""
        question_id = request.match_info["question"]
        data = await self.gate.body(request) if request.body_exists else {}

        def draft(session: Session) -> dict[str, Any]:
            return panel_drafts.draft_from_question(
                session=session,
                question_id=question_id,
                author=user.display_name,
                article_id=data.get("id"),
                topic=data.get("topic"),
            ).to_json()

        try:
            result = await self.db(draft)
        except QuestionNotFound:
            raise _refused(404, "question_unknown") from None
        except panel_drafts.QuestionDrafted as error:
            raise _refused(409, error.code, article_id=error.article_id) from None
        except panel_drafts.QuestionNotAnswered as error:
            raise _refused(409, error.code) from None
        except ArticleInvalid as error:
            raise json_error(
                422, "le brouillon est à corriger", errors=french_problems(error.errors)
            ) from None
        return web.json_response(result, status=201)
