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


def _item_for(
    session: Session, conversation_id: str, article_id: str, reason: str
) -> InboxItem | None:
    """The conversation's first item about `article_id` for `reason`, if any."""
    return (
        session.execute(
            select(InboxItem)
            .where(
                InboxItem.conversation_id == conversation_id[:255],
                InboxItem.article_id == article_id,
                InboxItem.reason == reason,
            )
            .order_by(InboxItem.id)
            .limit(1)
        )
        .scalars()
        .first()
    )


def note_stale(
    *, session: Session, conversation_id: str, question: str, language: str, article_id: str
) -> InboxItem | None:
    """A stale article was answered: HR's inbox lists it "to re-check", with the
    candidate's question, once per conversation and article (None: already there)."""
    if _item_for(session, conversation_id, article_id, "stale") is not None:
        return None
    return record_question(
        session=session,
        conversation_id=conversation_id,
        text=question,
        language=language,
        reason="stale",
        article_id=article_id,
    )


def record_not_helpful(
    *, session: Session, conversation_id: str, article_id: str, text: str, language: str
) -> InboxItem:
    """Keep a thumbs-down for HR: one item per conversation and article, however many clicks.

    A repeated thumbs-down updates the item's wording instead of adding one (a
    candidate toggling the thumbs must not flood the inbox); an item HR already
    handled keeps its status. Callers serialize per conversation and article
    (`bot.candidate.feedback.rate_answer` holds the rating row's lock).
    """
    item = _item_for(session, conversation_id, article_id, "not_helpful")
    if item is None:
        return record_question(
            session=session,
            conversation_id=conversation_id,
            text=text,
            language=language,
            reason="not_helpful",
            article_id=article_id,
        )
    item.text = text.strip()[:MAX_TEXT]
    item.language = language
    session.flush()
    return item


def record_human_request(
    *, session: Session, conversation_id: str, language: str, question: str | None
) -> InboxItem:
    """Keep a candidate's request for a recruiter, with the question that prompted it
    (none known: an empty text, which HR's inbox words from the reason)."""
    return record_question(
        session=session,
        conversation_id=conversation_id,
        text=question or "",
        language=language,
        reason="human_request",
    )


def open_items(*, session: Session, reason: str | None = None) -> list[InboxItem]:
    query = select(InboxItem).where(InboxItem.status == "open").order_by(InboxItem.created_at)
    if reason:
        query = query.where(InboxItem.reason == reason)
    return list(session.execute(query).scalars())
