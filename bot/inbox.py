"""What candidates asked that needs HR's attention (questions the assistant could not settle)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, DateTime, Float, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session

from bot.db import Base, transaction
from bot.knowledge.models import utcnow

REASONS = ("no_answer", "clarify", "low_confidence", "not_helpful", "human_request")
MAX_TEXT = 2000


class InboxItem(Base):
    """One candidate question, kept for HR with why it landed here."""

    __tablename__ = "inbox_item"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    language: Mapped[str] = Column(String(8), nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)
    reason: Mapped[str] = Column(String(32), nullable=False, index=True)
    article_id: Mapped[str | None] = Column(String(64), nullable=True)
    confidence: Mapped[float | None] = Column(Float, nullable=True)
    status: Mapped[str] = Column(String(16), nullable=False, default="open")
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)


def record_question(
    *,
    session: Session,
    conversation_id: str,
    text: str,
    language: str,
    reason: str,
    article_id: str | None = None,
    confidence: float | None = None,
) -> InboxItem:
    if reason not in REASONS:
        raise ValueError(f"unknown inbox reason {reason!r}")
    item = InboxItem(
        conversation_id=conversation_id[:255],
        language=language,
        text=text.strip()[:MAX_TEXT],
        reason=reason,
        article_id=article_id,
        confidence=confidence,
        created_at=utcnow(),
    )
    session.add(item)
    session.flush()
    return item


def record_human_request(
    *, database_url: str, conversation_id: str, language: str, question: str | None
) -> None:
    """Keep a candidate's request for a recruiter, with the question that prompted it."""
    with transaction(database_url) as session:
        record_question(
            session=session,
            conversation_id=conversation_id,
            text=question or "(asked for a recruiter)",
            language=language,
            reason="human_request",
        )


def open_items(*, session: Session, reason: str | None = None) -> list[InboxItem]:
    query = select(InboxItem).where(InboxItem.status == "open").order_by(InboxItem.created_at)
    if reason:
        query = query.where(InboxItem.reason == reason)
    return list(session.execute(query).scalars())
