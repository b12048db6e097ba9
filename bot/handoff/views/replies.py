"""What a recruiter sends in one click: HR's canned replies, an article's answer, a link.

The choices are filled in for the candidate of a conversation the recruiter holds,
in its language (bot.handoff.canned); the console inserts one in the composer to
edit, or sends it at once through `compose` (the same route as typed messages).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from bot.core.problem_texts import Problem, problem_text
from bot.handoff import canned
from bot.handoff.service import HandoffNotFound, HandoffNotYours, Notice, claimed_handoff
from bot.handoff.service import recruiter_message as typed_message
from bot.handoff.views.state import console_of, failure
from bot.records.service import local_today
from bot.staff.accounts import StaffUser
from bot.staff.gate import StaffGate

NOT_YOURS = "this conversation is not yours"
ONE_KIND = "send one of: text, reply (a canned reply's id) or article (an article's id)"
LANGUAGE = "fr"  # the console's language


class UnknownChoice(LookupError):
    """The canned reply or the article a recruiter picked is not there (any more)."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def _handoff_id(request: web.Request) -> int:
    return StaffGate.path_number(request, "handoff", "handoff")


def _unknown_article(article_id: object) -> UnknownChoice:
    return UnknownChoice(Problem("unknown_article_reference", {"id": str(article_id)[:64]}))


def choice_failure(error: UnknownChoice) -> web.Response:
    body = {"error": problem_text(error.problem, LANGUAGE), "code": error.problem.code}
    return web.json_response(body, status=404)


async def choices(request: web.Request, user: StaffUser, websession: Any) -> web.StreamResponse:
    """The replies, articles and links for the conversation this recruiter holds."""
    console = console_of(request)
    number = _handoff_id(request)
    settings = console.settings

    def read(session: Session) -> dict[str, Any]:
        handoff = claimed_handoff(session=session, handoff_id=number, user=user)
        privacy = canned.privacy_notice_url(settings, handoff.language)
        return canned.choices_for(
            session=session, handoff=handoff, recruiter=user.display_name, privacy_url=privacy
        ).to_json()

    try:
        found = await console.db(read)
    except (HandoffNotFound, HandoffNotYours):
        return failure(409, NOT_YOURS)
    return web.json_response(found)


async def article_text(
    request: web.Request, user: StaffUser, websession: Any
) -> web.StreamResponse:
    """An article's answer as it would be sent, to insert in the composer and edit."""
    console = console_of(request)
    number = _handoff_id(request)
    article_id = request.match_info["article"]
    settings = console.settings
    today = local_today(settings.office_timezone)

    def read(session: Session) -> str:
        handoff = claimed_handoff(session=session, handoff_id=number, user=user)
        return _article(session, article_id, handoff.language, today, settings.review_max_days)

    try:
        text = await console.db(read)
    except (HandoffNotFound, HandoffNotYours):
        return failure(409, NOT_YOURS)
    except UnknownChoice as error:
        return choice_failure(error)
    return web.json_response({"article": article_id, "text": text})


def _article(
    session: Session, article_id: object, language: str, today: Any, review_max_days: int
) -> str:
    if not isinstance(article_id, str) or not article_id or len(article_id) > 64:
        raise _unknown_article(article_id)
    try:
        return canned.article_message(
            session=session,
            article_id=article_id,
            language=language,
            today=today,
            review_max_days=review_max_days,
        )
    except canned.ArticleNotFound:
        raise _unknown_article(article_id) from None


def compose(
    *,
    session: Session,
    handoff_id: int,
    user: StaffUser,
    data: dict[str, Any],
    today: Any,
    review_max_days: int,
) -> Notice:
    """The message a recruiter sends: typed (`text`), a canned reply (`reply`: its id) or an
    article's answer (`article`: its id); raises ValueError when the body names none or
    several, UnknownChoice when the reply or article is not there."""
    kinds = [key for key in ("text", "reply", "article") if key in data]
    if len(kinds) != 1:
        raise ValueError(ONE_KIND)
    if kinds == ["text"]:
        return typed_message(session=session, handoff_id=handoff_id, user=user, text=data["text"])
    handoff = claimed_handoff(session=session, handoff_id=handoff_id, user=user)
    if kinds == ["reply"]:
        try:
            text = canned.reply_message(
                session=session,
                handoff=handoff,
                reply_id=data["reply"],
                recruiter=user.display_name,
            )
        except canned.CannedReplyNotFound as error:
            raise UnknownChoice(error.problem) from None
    else:
        text = _article(session, data["article"], handoff.language, today, review_max_days)
    return typed_message(session=session, handoff_id=handoff_id, user=user, text=text)
