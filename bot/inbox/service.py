"""Keeping a question for HR: what the assistant could not settle, or a request for a human."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.inbox.models import MAX_TEXT, REASONS, InboxItem


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
    *, session: Session, conversation_id: str, language: str, question: str | None
) -> InboxItem:
    """Keep a candidate's request for a recruiter, with the question that prompted it."""
    return record_question(
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
