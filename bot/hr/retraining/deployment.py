"""Putting a checked build's model live on every Rasa process, and which model a restart serves.

The file is placed in models/ (where a restarting Rasa process finds it), then
every process loads it beside the serving model and swaps, one after the other
(servers.load_everywhere puts the others back if one fails). These are jobs:
each step opens its own short transaction, with file copies and HTTP calls between.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from bot.core.db import transaction
from bot.core.settings import Settings
from bot.hr.retraining import builds
from bot.hr.retraining.builds import BUILDS_FOLDER, ModelBuild
from bot.hr.retraining.model import files_fingerprint, model_path
from bot.hr.retraining.servers import DeployFailed, load_everywhere


def deploy(settings: Settings, build_id: int, *, author: str) -> ModelBuild:
    """Put a checked build's model live on every Rasa process."""
    with transaction(settings.database_url) as session:
        build = builds.start_deploying(session=session, build_id=build_id, author=author)
    model_file = str(build.model_file)  # start_deploying refuses a build without one
    source = settings.models_dir / BUILDS_FOLDER / model_file
    target = settings.models_dir / model_file
    try:
        if not target.exists():
            shutil.copy2(source, target.with_suffix(".part"))
            os.replace(target.with_suffix(".part"), target)
        load_everywhere(settings, target)
    except (DeployFailed, OSError) as error:
        with transaction(settings.database_url) as session:
            builds.finish_build(
                session=session, build_id=build_id, status="failed", error=str(error)[:4000]
            )
        raise DeployFailed(str(error)) from None
    with transaction(settings.database_url) as session:
        builds.mark_live(session=session, build_id=build_id, model_file=model_file, author=author)
    source.unlink(missing_ok=True)
    _prune_models(settings, keep=model_file)
    with transaction(settings.database_url) as session:
        return builds.get_build(session=session, build_id=build_id)


def _prune_models(settings: Settings, keep: str, kept_superseded: int = 1) -> None:
    """Models HR replaced take room (tens of MB each): keep the previous one, delete older."""
    with transaction(settings.database_url) as session:
        names = builds.superseded_models(session=session)[kept_superseded:]
    current = model_path(settings).name
    for name in names:
        if name not in (keep, current):
            (settings.models_dir / name).unlink(missing_ok=True)


def deployed_model(settings: Settings) -> Path | None:
    """The last model HR put live, if its file is here and was trained on today's code."""
    with transaction(settings.database_url) as session:
        build = builds.live_build(session=session)
    if build is None or not build.model_file:
        return None
    if (build.check or {}).get("files") != files_fingerprint(settings):
        return None
    path = settings.models_dir / build.model_file
    return path if path.is_file() else None
