"""The reverse Q&A's questions: candidates registered for a session submit questions for
the leaders, see the session's questions (never who asked) and upvote them; the host
marks them answered.

Limits held by indexes, not by counting first: one vote per registration and question
(`ux_panel_vote`), and at most MAX_QUESTIONS questions per registration (each takes a
number 1..MAX_QUESTIONS, `ux_panel_question_number`). A vote is one row, so votes cast
at the same instant are all counted, each once.
Questions are plain text, kept as typed: whoever shows them escapes them.
"""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.events.models import PanelQuestion, PanelVote, Registration
from bot.events.registrations import (
    BadRegistration,
    RegistrationError,
    RegistrationNotYours,
    get_registration,
)
from bot.events.terms import event_terms
from bot.meetings.booking import BIDI_CONTROLS
from bot.records.models import Event

MAX_QUESTION = 500
MAX_QUESTIONS = 5
PANEL_KINDS = ("reverse_qa",)


class PanelError(RegistrationError):
    """A question or vote refused: `field` ("question", "registration"), `code` why."""


class QuestionNotFound(PanelError):
    field, code = "question", "question_unknown"


class PanelClosed(PanelError):
    """The registration cannot ask or vote: not a confirmed place at a reverse Q&A
    still to end (`code` says which)."""

    field = "registration"


class TooManyQuestions(PanelError):
    field, code = "question", "question_limit"


class AlreadyVoted(PanelError):
    field, code = "question", "already_voted"


def check_question(value: Any) -> str:
    """A question: plain text, 1..500 characters, line breaks kept, markup kept as typed."""
    if not isinstance(value, str):
        raise BadRegistration("question", "question_missing")
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise BadRegistration("question", "question_missing")
    for char in text:
        if char in BIDI_CONTROLS or (unicodedata.category(char) == "Cc" and char not in "\n\t"):
            raise BadRegistration("question", "question_not_plain")
    if len(text) > MAX_QUESTION:
        raise BadRegistration("question", "question_too_long")
    return text


def _panel_registration(
    session: Session,
    public_id: Any,
    conversation_id: str | None,
    now: dt.datetime,
    office_timezone: str,
) -> tuple[Registration, Event]:
    registration = get_registration(session=session, public_id=public_id)
    if conversation_id is not None and registration.conversation_id != conversation_id:
        raise RegistrationNotYours()
    event = session.get(Event, registration.event_id)
    if event is None or event.kind not in PANEL_KINDS:
        raise PanelClosed(code="not_a_panel")
    if registration.status != "confirmed":
        raise PanelClosed(code="not_confirmed")
    if event.status != "scheduled":
        raise PanelClosed(code="event_cancelled")
    if event_terms(session=session, event=event, office_timezone=office_timezone).end_utc <= now:
        raise PanelClosed(code="event_over")
    return registration, event


def submit_question(
    *,
    session: Session,
    registration_id: Any,
    text: Any,
    now: dt.datetime,
    office_timezone: str,
    conversation_id: str | None = None,
) -> PanelQuestion:
    """A question for the session of `registration_id` (the registration's public id;
    from the chat `conversation_id` must be its conversation, from the link None)."""
    question_text = check_question(text)
    registration, event = _panel_registration(
        session, registration_id, conversation_id, now, office_timezone
    )
    used = set(
        session.execute(
            select(PanelQuestion.number).where(PanelQuestion.registration_id == registration.id)
        ).scalars()
    )
    for number in (n for n in range(1, MAX_QUESTIONS + 1) if n not in used):
        question = PanelQuestion(
            public_id=secrets.token_urlsafe(12),
            event_id=event.id,
            registration_id=registration.id,
            number=number,
            text=question_text,
            status="open",
            answered=False,
            created_at=now,
        )
        try:
            with session.begin_nested():
                session.add(question)
        except IntegrityError:
            continue
        return question
    raise TooManyQuestions()


def _question(session: Session, public_id: Any) -> PanelQuestion:
    question = None
    if isinstance(public_id, str) and 0 < len(public_id) <= 64:
        question = session.execute(
            select(PanelQuestion).where(PanelQuestion.public_id == public_id)
        ).scalar_one_or_none()
    if question is None:
        raise QuestionNotFound()
    return question


def vote(
    *,
    session: Session,
    registration_id: Any,
    question_id: Any,
    now: dt.datetime,
    office_timezone: str,
    conversation_id: str | None = None,
) -> int:
    """Upvote a question of the same session, once per registration (not one's own);
    the question's vote count after the vote. AlreadyVoted for a second vote."""
    registration, event = _panel_registration(
        session, registration_id, conversation_id, now, office_timezone
    )
    question = _question(session, question_id)
    if question.event_id != event.id or question.status != "open":
        raise QuestionNotFound()
    if question.registration_id == registration.id:
        raise PanelError("question", "own_question")
    try:
        with session.begin_nested():
            session.add(
                PanelVote(question_id=question.id, registration_id=registration.id, created_at=now)
            )
    except IntegrityError:
        raise AlreadyVoted() from None
    return vote_count(session=session, question_id=question.id)


def vote_count(*, session: Session, question_id: int) -> int:
    return int(
        session.execute(
            select(func.count()).select_from(PanelVote).where(PanelVote.question_id == question_id)
        ).scalar_one()
    )


@dataclass(frozen=True)
class QuestionView:
    """A question as the session page and the console show it: no name, ever."""

    id: str
    text: str
    votes: int
    answered: bool
    mine: bool
    voted: bool
    status: str
    created_at: dt.datetime

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "votes": self.votes,
            "answered": self.answered,
            "mine": self.mine,
            "voted": self.voted,
            "status": self.status,
            "created_at": self.created_at.isoformat(timespec="seconds") + "Z",
        }


def session_questions(
    *,
    session: Session,
    event_id: int,
    viewer: Registration | None = None,
    include_hidden: bool = False,
) -> list[QuestionView]:
    """The session's questions, most voted first (then oldest), each with its count;
    `mine` / `voted` from the point of view of `viewer` (a registration), if any."""
    votes = (
        select(PanelVote.question_id, func.count().label("votes"))
        .group_by(PanelVote.question_id)
        .subquery()
    )
    query = (
        select(PanelQuestion, func.coalesce(votes.c.votes, 0))
        .outerjoin(votes, votes.c.question_id == PanelQuestion.id)
        .where(PanelQuestion.event_id == event_id)
    )
    if not include_hidden:
        query = query.where(PanelQuestion.status == "open")
    rows = session.execute(query).all()
    voted: set[int] = set()
    if viewer is not None:
        voted = set(
            session.execute(
                select(PanelVote.question_id).where(PanelVote.registration_id == viewer.id)
            ).scalars()
        )
    views = [
        QuestionView(
            id=question.public_id,
            text=question.text,
            votes=int(count),
            answered=question.answered,
            mine=viewer is not None and question.registration_id == viewer.id,
            voted=question.id in voted,
            status=question.status,
            created_at=question.created_at,
        )
        for question, count in rows
    ]
    return sorted(views, key=lambda v: (-v.votes, v.created_at, v.id))


def mark_answered(
    *, session: Session, question_id: Any, answered: bool, by: str, now: dt.datetime
) -> PanelQuestion:
    """The host marks a question answered during the session (or takes it back)."""
    question = _question(session, question_id)
    session.execute(
        update(PanelQuestion)
        .where(PanelQuestion.id == question.id)
        .values(
            answered=bool(answered),
            answered_at=now if answered else None,
            answered_by=by[:120] if answered else None,
        )
        .execution_options(synchronize_session=False)
    )
    session.refresh(question)
    return question


def set_question_status(*, session: Session, question_id: Any, status: str) -> PanelQuestion:
    """Staff hide an abusive question from candidates ("hidden") or show it again ("open")."""
    if status not in ("open", "hidden"):
        raise PanelError("status", "status_unknown")
    question = _question(session, question_id)
    question.status = status
    session.flush()
    return question


def link_article(*, session: Session, question_id: Any, article_id: str) -> PanelQuestion:
    """HR turned the question into a knowledge-base article draft: it is kept (anonymised)
    when its author is erased."""
    question = _question(session, question_id)
    question.article_id = article_id[:64]
    session.flush()
    return question
