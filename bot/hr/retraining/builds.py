"""Model builds: each training HR starts, its progress, its check and whether it went live."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, DateTime, Float, Integer, String, Text
from sqlalchemy.orm import Mapped

from bot.core.clock import utcnow
from bot.core.db import Base

# queued -> training -> checking -> (awaiting_confirmation ->) deploying -> live
# any step may end in failed; a build HR turns down ends rejected.
BUILD_STATUSES = (
    "queued",
    "training",
    "checking",
    "awaiting_confirmation",
    "deploying",
    "live",
    "failed",
    "rejected",
    "superseded",
)


class ModelBuild(Base):
    __tablename__ = "model_build"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    fingerprint: Mapped[str] = Column(String(64), nullable=False, index=True)
    model_file: Mapped[str | None] = Column(String(500), nullable=True)
    status: Mapped[str] = Column(String(32), nullable=False, default="queued", index=True)
    progress: Mapped[float] = Column(Float, nullable=False, default=0.0)
    stage: Mapped[str] = Column(String(200), nullable=False, default="")
    requested_by: Mapped[str] = Column(String(120), nullable=False)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)
    finished_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    deployed_at: Mapped[datetime | None] = Column(DateTime, nullable=True)
    serving_model: Mapped[str | None] = Column(String(500), nullable=True)
    accuracy_new: Mapped[float | None] = Column(Float, nullable=True)
    accuracy_serving: Mapped[float | None] = Column(Float, nullable=True)
    check: Mapped[dict] = Column(JSON, nullable=False, default=dict)
    error: Mapped[str | None] = Column(Text, nullable=True)
    confirmed_by: Mapped[str | None] = Column(String(120), nullable=True)
    pid: Mapped[int | None] = Column(Integer, nullable=True)
