"""The closed loop of the reverse Q&A: a question candidates asked the leaders, once
answered in the session, becomes a knowledge-base article draft with the question
pre-filled as its first example question (in the asker's language), so that what
candidates ask the leaders becomes what the assistant knows.

The draft goes through the editor's own save (bot.hr.authoring: a revision and an audit
entry); the question keeps the article's id (bot.events.panel.link_article), which also
keeps it, anonymised, when its author is erased.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.settings import LANGUAGES
from bot.events.models import PanelQuestion, Registration
from bot.events.panel import PanelError, QuestionNotFound, link_article
from bot.hr import authoring
from bot.hr.editing import SaveResult, article_template
from bot.knowledge.files import MAX_QUESTION
from bot.knowledge.models import Article
from bot.records.validation import slug

DEFAULT_TOPIC = "company"
DEFAULT_TEAM = "people"  # HR's own team, who writes the answer
ID_PREFIX = "question"


class QuestionNotAnswered(PanelError):
    """Only a question the leaders answered in the session becomes a draft."""

    field, code = "question", "question_not_answered"


class QuestionDrafted(PanelError):
    """The question already has its article (`article_id`)."""

    field, code = "question", "question_drafted"

    def __init__(self, article_id: str) -> None:
        super().__init__()
        self.article_id = article_id


def _question(session: Session, public_id: Any) -> PanelQuestion:
    question = None
    if isinstance(public_id, str) and 0 < len(public_id) <= 64:
        question = session.execute(
            select(PanelQuestion).where(PanelQuestion.public_id == public_id)
        ).scalar_one_or_none()
    if question is None:
        raise QuestionNotFound()
    return question


def _free_article_id(session: Session, text: str) -> str:
    base = f"{ID_PREFIX}-{slug(text)[:40].strip('-')}".rstrip("-")
    candidate, number = base, 2
    while session.get(Article, candidate) is not None:
        candidate, number = f"{base}-{number}", number + 1
    return candidate


def _example(text: str) -> str:
    """The question as one example question: one line, at most MAX_QUESTION characters."""
    line = " ".join(text.split())
    return line if len(line) <= MAX_QUESTION else line[: MAX_QUESTION - 1].rstrip() + "…"


def draft_from_question(
    *,
    session: Session,
    question_id: Any,
    author: str,
    article_id: Any = None,
    topic: Any = None,
) -> SaveResult:
    """Create a draft article from an answered question (its id from `article_id`, else
    made from the question; its topic `topic`, else "company") and link the question to
    it. ArticleInvalid for a bad id or topic; QuestionNotAnswered, QuestionDrafted."""
    question = _question(session, question_id)
    if question.article_id and session.get(Article, question.article_id) is not None:
        raise QuestionDrafted(question.article_id)
    if not question.answered:
        raise QuestionNotAnswered()
    registration = (
        session.get(Registration, question.registration_id)
        if question.registration_id is not None
        else None
    )
    language = registration.language if registration is not None else LANGUAGES[0]
    if language not in LANGUAGES:
        language = LANGUAGES[0]
    data = article_template({language: [_example(question.text)]}, topic=topic or DEFAULT_TOPIC)
    data["id"] = article_id or _free_article_id(session, question.text)
    data["team"] = DEFAULT_TEAM
    result = authoring.save_article(
        session=session,
        data=data,
        article_id=None,
        author=author,
        expected_revision=None,
        from_inbox=[],
    )
    link_article(session=session, question_id=question.public_id, article_id=result.article_id)
    return result
