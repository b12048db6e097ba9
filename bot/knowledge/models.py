"""Database tables of the knowledge base: articles, their texts, their revisions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, relationship

from bot.core.clock import utcnow
from bot.core.db import Base

STATUSES = ("draft", "published")


class Article(Base):
    """One thing the assistant can answer, in every language."""

    __tablename__ = "kb_article"

    id: Mapped[str] = Column(String(64), primary_key=True)
    topic: Mapped[str] = Column(String(64), nullable=False, index=True)
    team: Mapped[str] = Column(String(64), nullable=False)
    status: Mapped[str] = Column(String(16), nullable=False, default="draft")
    tags: Mapped[list] = Column(JSON, nullable=False, default=list)
    related: Mapped[list] = Column(JSON, nullable=False, default=list)
    links: Mapped[list] = Column(JSON, nullable=False, default=list)
    reviewed_on: Mapped[date | None] = Column(Date, nullable=True)
    updated_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)

    texts: Mapped[list[ArticleText]] = relationship(
        "ArticleText",
        back_populates="article",
        cascade="all, delete-orphan",
        order_by="ArticleText.language",
    )

    def text(self, language: str) -> ArticleText | None:
        return next((t for t in self.texts if t.language == language), None)


class ArticleText(Base):
    """An article's title, answer and example questions in one language."""

    __tablename__ = "kb_article_text"
    __table_args__ = (UniqueConstraint("article_id", "language"),)

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = Column(
        String(64), ForeignKey("kb_article.id", ondelete="CASCADE"), nullable=False
    )
    language: Mapped[str] = Column(String(8), nullable=False)
    title: Mapped[str] = Column(String(200), nullable=False)
    answer: Mapped[str] = Column(Text, nullable=False)
    questions: Mapped[list] = Column(JSON, nullable=False, default=list)

    article: Mapped[Article] = relationship("Article", back_populates="texts")


class Revision(Base):
    """A full snapshot of an article after a change: who, when, what.

    Revisions are kept when an article is deleted, as the audit trail.
    """

    __tablename__ = "kb_revision"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    article_id: Mapped[str] = Column(String(64), nullable=False, index=True)
    number: Mapped[int] = Column(Integer, nullable=False)
    author: Mapped[str] = Column(String(120), nullable=False)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)
    action: Mapped[str] = Column(String(16), nullable=False)  # created|updated|deleted
    snapshot: Mapped[dict] = Column(JSON, nullable=False)
