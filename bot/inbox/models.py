"""The inbox: candidate questions the assistant could not settle, kept for HR."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.core.clock import utcnow
from bot.core.db import Base
from bot.core.texts import text as worded

REASONS = ("no_answer", "clarify", "low_confidence", "not_helpful", "human_request", "stale")
MAX_TEXT = 2000
# An item whose candidate words are unknown keeps an empty text: HR's inbox words it
# from its reason (and article). The inbox has always shown these in English.
WORDLESS = {"human_request": "inbox_asked_for_recruiter", "not_helpful": "inbox_rated_not_helpful"}
WORDLESS_LANGUAGE = "en"


class InboxItem(Base):
    """One candidate question, kept for HR with why it landed here."""

    __tablename__ = "inbox_item"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = Column(String(255), nullable=False, index=True)
    language: Mapped[str] = Column(String(8), nullable=False)
    text: Mapped[str] = Column(Text, nullable=False)  # "": the candidate's words are unknown
    reason: Mapped[str] = Column(String(32), nullable=False, index=True)
    article_id: Mapped[str | None] = Column(String(64), nullable=True)
    confidence: Mapped[float | None] = Column(Float, nullable=True)
    status: Mapped[str] = Column(String(16), nullable=False, default="open")
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)


@dataclass(frozen=True)
class InboxEntry:
    """One thing for HR: a question the assistant could not settle, or a callback question.

    `id` is "inbox:<inbox_item.id>" or "callback:<callback_request.id>", so the
    two tables' numbers never collide. No name or e-mail: only the question.
    """

    id: str
    reason: str  # one of ALL_REASONS
    text: str  # the candidate's words; "" when unknown (see `wording`)
    language: str
    conversation_id: str
    created_at: datetime
    status: str  # one of HR_STATUSES
    article_id: str | None = None  # the article the assistant hesitated on or gave
    confidence: float | None = None
    handled_by: str | None = None
    handled_at: datetime | None = None
    handled_article: str | None = None  # the article it was added to / started

    @property
    def placeholder(self) -> bool:
        """True when the candidate's words are unknown (nothing to learn from)."""
        return not self.text

    @property
    def wording(self) -> str:
        """What HR's inbox shows: the candidate's words, or why there are none."""
        return self.text or placeholder_wording(self.reason, self.article_id)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reason": self.reason,
            "text": self.wording,
            "placeholder": self.placeholder,
            "language": self.language,
            "conversation_id": self.conversation_id,
            "created_at": self.created_at.isoformat(),
            "status": self.status,
            "article_id": self.article_id,
            "confidence": self.confidence,
            "handled_by": self.handled_by,
            "handled_at": self.handled_at.isoformat() if self.handled_at else None,
            "handled_article": self.handled_article,
        }


def placeholder_wording(reason: str, article_id: str | None) -> str:
    """What HR's inbox shows for an item without the candidate's words."""
    key = WORDLESS.get(reason, "inbox_no_question")
    return worded(key, WORDLESS_LANGUAGE, article=article_id or "?")
