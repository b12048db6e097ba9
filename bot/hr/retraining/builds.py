"""Model builds: each training HR starts, its progress, its check and whether it went live.

The table and its state changes; every function takes the caller's session
(the build process and the workspace's jobs open one short transaction per step).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Column, DateTime, Float, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session

from bot.core import audit
from bot.core.clock import utcnow
from bot.core.db import Base
from bot.hr.retraining.processes import pid_alive, this_host

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
RUNNING = ("queued", "training", "checking", "deploying")
# Where a build's model waits (models/builds/) until it goes live in models/.
BUILDS_FOLDER = "builds"
MAX_BUILD_SECONDS = 4 * 3600


class BuildRefused(RuntimeError):
    """The build cannot be started or moved on; the message says why, for HR."""


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


@dataclass(frozen=True)
class KnownAccuracy:
    """A model's held-out accuracy as measured when it was built."""

    accuracy: float
    details: dict[str, Any]


def get_build(*, session: Session, build_id: int) -> ModelBuild:
    """The build with this id; LookupError when there is none."""
    build = session.get(ModelBuild, build_id)
    if build is None:
        raise LookupError(f"no build {build_id}")
    return build


def running_build(*, session: Session) -> ModelBuild | None:
    """The build under way, if any; one whose process died is marked failed."""
    build = session.execute(
        select(ModelBuild)
        .where(ModelBuild.status.in_(RUNNING))
        .order_by(ModelBuild.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if build is None:
        return None
    age = (utcnow() - build.created_at).total_seconds()
    never_started = build.pid is None and age > 60
    # The pid means something only on the machine that started the build; elsewhere,
    # a build still "running" after MAX_BUILD_SECONDS is taken as dead.
    here = (build.check or {}).get("host") in (None, this_host())
    gone = build.pid is not None and (not pid_alive(build.pid) if here else age > MAX_BUILD_SECONDS)
    if never_started or gone:
        build.status = "failed"
        build.error = "the training process stopped unexpectedly"
        build.finished_at = utcnow()
        return None
    return build


def latest_builds(*, session: Session, limit: int = 10) -> list[ModelBuild]:
    """The most recent builds, newest first."""
    return list(
        session.execute(select(ModelBuild).order_by(ModelBuild.id.desc()).limit(limit)).scalars()
    )


def create_build(
    *,
    session: Session,
    fingerprint: str,
    files: str,
    host: str,
    serving_model: str | None,
    author: str,
) -> ModelBuild:
    """Record a queued build HR asked for; refused while another one runs."""
    if running_build(session=session) is not None:
        raise BuildRefused("un entraînement est déjà en cours")
    build = ModelBuild(
        fingerprint=fingerprint,
        status="queued",
        stage="waiting to start",
        requested_by=author,
        created_at=utcnow(),
        serving_model=serving_model,
        check={"files": files, "host": host},
    )
    session.add(build)
    session.flush()
    audit.record(session=session, actor=author, action="model.retrain", target=f"build:{build.id}")
    return build


def update_build(*, session: Session, build_id: int, **values: Any) -> None:
    """Set some of a build's columns (progress, stage, results...)."""
    session.execute(update(ModelBuild).where(ModelBuild.id == build_id).values(**values))


def finish_build(*, session: Session, build_id: int, status: str, error: str | None = None) -> None:
    """End a build (failed, rejected) with the error HR will read, if any."""
    update_build(
        session=session,
        build_id=build_id,
        status=status,
        error=error,
        finished_at=utcnow(),
        stage=status,
    )


def start_deploying(*, session: Session, build_id: int, author: str) -> ModelBuild:
    """Move a checked build to "deploying"; BuildRefused from any other state."""
    build = get_build(session=session, build_id=build_id)
    status = build.status
    # One conditional update: of two clicks on "confirm", one deploys.
    moved = session.execute(
        update(ModelBuild)
        .where(
            ModelBuild.id == build_id,
            ModelBuild.status.in_(("checking", "awaiting_confirmation")),
            ModelBuild.model_file.is_not(None),
        )
        .values(status="deploying", stage="loading the new model", confirmed_by=author)
    ).rowcount
    if not moved:
        raise BuildRefused(f"l'entraînement {build_id} est « {status} » : rien à mettre en ligne")
    return build


def mark_live(*, session: Session, build_id: int, model_file: str, author: str) -> None:
    """The build's model serves now; the one that served before is superseded."""
    session.execute(
        update(ModelBuild)
        .where(ModelBuild.status == "live", ModelBuild.id != build_id)
        .values(status="superseded")
    )
    session.execute(
        update(ModelBuild)
        .where(ModelBuild.id == build_id)
        .values(status="live", deployed_at=utcnow(), finished_at=utcnow(), stage="live")
    )
    audit.record(
        session=session,
        actor=author,
        action="model.live",
        target=f"build:{build_id}",
        detail={"model": model_file},
    )


def reject_build(*, session: Session, build_id: int, author: str) -> ModelBuild:
    """HR turns down a build whose accuracy dropped; BuildRefused for any other state."""
    build = get_build(session=session, build_id=build_id)
    if build.status != "awaiting_confirmation":
        raise BuildRefused(f"l'entraînement {build_id} est « {build.status} » : rien à refuser")
    finish_build(session=session, build_id=build_id, status="rejected")
    audit.record(session=session, actor=author, action="model.rejected", target=f"build:{build_id}")
    session.refresh(build)
    return build


def known_accuracy(*, session: Session, model_file: str) -> KnownAccuracy | None:
    """The held-out accuracy measured when this model was built, if it was one of ours."""
    known = session.execute(
        select(ModelBuild)
        .where(ModelBuild.model_file == model_file, ModelBuild.accuracy_new.is_not(None))
        .order_by(ModelBuild.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if known is None or known.accuracy_new is None:
        return None
    return KnownAccuracy(known.accuracy_new, (known.check or {}).get("new", {}))


def superseded_models(*, session: Session) -> list[str]:
    """Model files HR replaced, the most recently replaced first."""
    old = session.execute(
        select(ModelBuild.model_file)
        .where(ModelBuild.status == "superseded", ModelBuild.model_file.is_not(None))
        .order_by(ModelBuild.deployed_at.desc())
    ).scalars()
    return [name for name in dict.fromkeys(old) if name]


def live_build(*, session: Session) -> ModelBuild | None:
    """The build HR put live last, if any."""
    return session.execute(
        select(ModelBuild)
        .where(ModelBuild.status == "live")
        .order_by(ModelBuild.deployed_at.desc())
        .limit(1)
    ).scalar_one_or_none()
