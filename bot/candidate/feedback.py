"""Candidates' thumbs up / down on the assistant's answers, kept per article for HR.

A rating is accepted only for an article the assistant answered in that very
conversation (read from Rasa's tracker store), so made-up article ids never
reach HR's per-article analytics; a thumbs-down puts the question in HR's
inbox once per conversation and article, however often it is clicked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session

from bot.core.clock import utcnow
from bot.core.db import Base
from bot.core.settings import get_settings
from bot.core.texts import text
from bot.core.tracker_store import conversation_events
from bot.inbox.service import record_not_helpful

RATINGS = {"up": 1, "down": -1}
MAX_ARTICLE_ID = 64


class BadFeedback(ValueError):
    """A rating refused: `code` names the refusal (a key of bot.core.texts), the message is
    its sentence in the candidate's language."""

    def __init__(self, code: str, language: str) -> None:
        self.code = code
        super().__init__(text(code, language))


class AnswerFeedback(Base):
    """One candidate's rating of one article's answer (their last vote counts)."""

    __tablename__ = "answer_feedback"
    __table_args__ = (UniqueConstraint("conversation_id", "article_id"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    article_id: Mapped[str] = Column(String(MAX_ARTICLE_ID), nullable=False, index=True)
    rating: Mapped[int] = Column(Integer, nullable=False)
    language: Mapped[str] = Column(String(8), nullable=False)
    question: Mapped[str | None] = Column(Text, nullable=True)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)


def answered_articles(events: Iterable[Mapping[str, Any]]) -> dict[str, str | None]:
    """{article id: the candidate's question it answered} for every answer the assistant
    gave in a conversation (Rasa's events; the payload is bot.core.replies.answer)."""
    answered: dict[str, str | None] = {}
    question: str | None = None
    for event in events:
        if event.get("event") == "user":
            question = event.get("text") if isinstance(event.get("text"), str) else None
        elif event.get("event") == "bot":
            custom = (event.get("data") or {}).get("custom")
            if isinstance(custom, Mapping) and custom.get("type") == "answer":
                article = custom.get("article")
                if isinstance(article, str):
                    answered.setdefault(article, question)
    return answered


def _lock_rating(
    session: Session, *, conversation_id: str, article_id: str, rating: int, language: str
) -> AnswerFeedback:
    """The conversation's rating row of the article, created if new and locked until commit.

    Concurrent clicks on one answer are serialized here: PostgreSQL holds the row
    lock, SQLite the database's write lock (the INSERT takes it even when the row
    exists), so the inbox check that follows cannot be raced.
    """
    values = {
        "conversation_id": conversation_id,
        "article_id": article_id,
        "rating": rating,
        "language": language,
        "created_at": utcnow(),
    }
    dialect = session.get_bind().dialect.name
    if dialect in ("postgresql", "sqlite"):
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        session.execute(
            insert(AnswerFeedback)
            .values(**values)
            .on_conflict_do_nothing(index_elements=["conversation_id", "article_id"])
        )
    query = (
        select(AnswerFeedback)
        .where(
            AnswerFeedback.conversation_id == conversation_id,
            AnswerFeedback.article_id == article_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    row = session.execute(query).scalar_one_or_none()
    if row is None:  # another database: no portable upsert, plain insert
        row = AnswerFeedback(**values)
        session.add(row)
        session.flush()
    return row


def rate_answer(
    *,
    session: Session,
    conversation_id: str,
    article_id: object,
    rating: object,
    language: str,
    question: str | None,
    tracker_url: str | None = None,
) -> AnswerFeedback:
    """Store a rating of an answer given in this conversation; a thumbs-down also puts the
    question in HR's inbox (one item per conversation and article).

    `tracker_url` is Rasa's tracker store (default: the process's settings); an
    article the assistant did not answer in the conversation is refused with
    BadFeedback("feedback_not_answered").
    """
    if not isinstance(rating, str) or rating not in RATINGS:
        raise BadFeedback("feedback_invalid", language)
    if not isinstance(article_id, str) or not 0 < len(article_id) <= MAX_ARTICLE_ID:
        raise BadFeedback("feedback_invalid", language)
    events = conversation_events(tracker_url or get_settings().tracker_store_url, conversation_id)
    answered = answered_articles(events)
    if article_id not in answered:
        raise BadFeedback("feedback_not_answered", language)
    question = answered[article_id] or question
    value = RATINGS[rating]
    row = _lock_rating(
        session,
        conversation_id=conversation_id,
        article_id=article_id,
        rating=value,
        language=language,
    )
    if value < 0:
        record_not_helpful(
            session=session,
            conversation_id=conversation_id,
            article_id=article_id,
            text=question or "",  # unknown: HR's inbox words it from the reason
            language=language,
        )
    row.rating = value
    row.language = language
    row.question = question
    row.created_at = utcnow()
    session.flush()
    return row


def ratings_of(*, session: Session, conversation_id: str) -> dict[str, str]:
    """{article id: "up" | "down"} for one conversation, to show the widget's state."""
    rows = session.execute(
        select(AnswerFeedback.article_id, AnswerFeedback.rating).where(
            AnswerFeedback.conversation_id == conversation_id
        )
    )
    return {article: ("up" if rating > 0 else "down") for article, rating in rows}
