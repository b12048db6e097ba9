"""Who changed what in the staff workspaces: one row per change, never edited."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, Session

from bot.core.clock import utcnow
from bot.core.db import Base


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    actor: Mapped[str] = Column(String(120), nullable=False)
    action: Mapped[str] = Column(String(64), nullable=False)  # e.g. article.updated
    target: Mapped[str] = Column(String(255), nullable=False, default="")
    detail: Mapped[dict] = Column(JSON, nullable=False, default=dict)


def record(
    *, session: Session, actor: str, action: str, target: str = "", detail: Any = None
) -> AuditEntry:
    """Keep one change; `detail` is any JSON-able value that helps a reader."""
    entry = AuditEntry(
        at=utcnow(),
        actor=actor[:120],
        action=action[:64],
        target=str(target)[:255],
        detail=detail if isinstance(detail, dict) else {"value": detail} if detail else {},
    )
    session.add(entry)
    session.flush()
    return entry


def entries(*, session: Session, limit: int = 200, target: str | None = None) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if target is not None:
        query = query.where(AuditEntry.target == target)
    return list(session.execute(query).scalars())
