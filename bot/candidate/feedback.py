"""Candidates' thumbs up / down on the assistant's answers, kept per article for HR."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.orm import Mapped, Session

from bot.core.clock import utcnow
from bot.core.db import Base
from bot.inbox.service import record_question

RATINGS = {"up": 1, "down": -1}
MAX_ARTICLE_ID = 64


class BadFeedback(ValueError):
    """The rating or the article is not one the widget can send."""


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


def rate_answer(
    *,
    session: Session,
    conversation_id: str,
    article_id: object,
    rating: object,
    language: str,
    question: str | None,
) -> AnswerFeedback:
    """Store a rating; a thumbs-down also puts the question in HR's inbox (once)."""
    if rating not in RATINGS:
        raise BadFeedback("'rating' must be 'up' or 'down'")
    if not isinstance(article_id, str) or not 0 < len(article_id) <= MAX_ARTICLE_ID:
        raise BadFeedback("'article' must be an article id")
    value = RATINGS[str(rating)]
    existing = session.execute(
        select(AnswerFeedback).where(
            AnswerFeedback.conversation_id == conversation_id,
            AnswerFeedback.article_id == article_id,
        )
    ).scalar_one_or_none()
    if value < 0 and (existing is None or existing.rating > 0):
        record_question(
            session=session,
            conversation_id=conversation_id,
            text=question or f"(answer {article_id} rated not helpful)",
            language=language,
            reason="not_helpful",
            article_id=article_id,
        )
    if existing is None:
        existing = AnswerFeedback(conversation_id=conversation_id, article_id=article_id)
        session.add(existing)
    existing.rating = value
    existing.language = language
    existing.question = question
    existing.created_at = utcnow()
    session.flush()
    return existing


def ratings_of(*, session: Session, conversation_id: str) -> dict[str, str]:
    """{article id: "up" | "down"} for one conversation, to show the widget's state."""
    rows = session.execute(
        select(AnswerFeedback.article_id, AnswerFeedback.rating).where(
            AnswerFeedback.conversation_id == conversation_id
        )
    )
    return {article: ("up" if rating > 0 else "down") for article, rating in rows}
