"""The inbox: candidate questions the assistant could not settle, kept for HR."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Column, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.core.clock import utcnow
from bot.core.db import Base

REASONS = ("no_answer", "clarify", "low_confidence", "not_helpful", "human_request")
MAX_TEXT = 2000
# Texts recorded when the candidate's own words are unknown: not questions to learn from.
_PLACEHOLDER = re.compile(r"^\((asked for a recruiter|answer [a-z0-9-]{1,64} rated not helpful)\)$")


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


@dataclass(frozen=True)
class InboxEntry:
    """One thing for HR: a question the assistant could not settle, or a callback question.

    `id` is "inbox:<inbox_item.id>" or "callback:<callback_request.id>", so the
    two tables' numbers never collide. No name or e-mail: only the question.
    """

    id: str
    reason: str  # one of ALL_REASONS
    text: str
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
        """True when the text is not the candidate's words (nothing to learn from)."""
        return is_placeholder(self.text)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "reason": self.reason,
            "text": self.text,
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


def is_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER.match(text))
