"""The workspace's "Modèle" panel as JSON: serving models, whether they are out of date, builds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from bot.hr.retraining.builds import ModelBuild, latest_builds, running_build
from bot.hr.retraining.model import fingerprint_of


def _at(value: datetime | None) -> str | None:
    return value.isoformat() + "Z" if value else None


def build_json(build: ModelBuild) -> dict[str, Any]:
    """One build for the page (the machine-only parts of its check left out)."""
    return {
        "id": build.id,
        "status": build.status,
        "progress": round(build.progress or 0.0, 3),
        "stage": build.stage,
        "model_file": build.model_file,
        "serving_model": build.serving_model,
        "requested_by": build.requested_by,
        "confirmed_by": build.confirmed_by,
        "created_at": _at(build.created_at),
        "finished_at": _at(build.finished_at),
        "deployed_at": _at(build.deployed_at),
        "accuracy_new": build.accuracy_new,
        "accuracy_serving": build.accuracy_serving,
        "check": {k: v for k, v in (build.check or {}).items() if k not in ("files", "host")},
        "error": build.error,
    }


def page_state(
    *, session: Session, fingerprint: str, serving: dict[str, str | None]
) -> dict[str, Any]:
    """The panel, given the current data's fingerprint and what each Rasa process serves."""
    fingerprints = {fingerprint_of(m) for m in serving.values() if m}
    running = running_build(session=session)
    return {
        "fingerprint": fingerprint,
        "serving": serving,
        "up_to_date": fingerprints == {fingerprint},
        "running": build_json(running) if running else None,
        "builds": [build_json(b) for b in latest_builds(session=session)],
    }
