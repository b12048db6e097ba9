"""A build's life, from the HR workspace's button to a model that serves.

A build runs in its own process (`python -m bot model build <id>`, started by
the web server), never inside a serving process:

1. training: `rasa train` into models/builds/, its output read for progress;
2. checking: the new model and the serving one answer the project's held-out
   questions of the gate (data/heldout/gate.yml) the way the assistant decides;
3. if the new model is at least as accurate, it goes live at once
   (deployment.py); otherwise the build waits for HR to confirm (or turn it
   down) having seen the drop.

A failed training or check leaves the serving model untouched, with the
error kept on the build for HR to read. These are jobs: each step opens its
own short transaction, so the page sees the progress while training runs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from bot.core.db import transaction
from bot.core.settings import Settings, rasa_environment
from bot.hr.retraining import builds, evaluation, processes, servers
from bot.hr.retraining.builds import BUILDS_FOLDER, BuildRefused, ModelBuild
from bot.hr.retraining.deployment import deploy
from bot.hr.retraining.model import TrainingFailed, files_fingerprint, fingerprint, train
from bot.hr.retraining.progress import TrainingProgress
from bot.hr.retraining.servers import DeployFailed
from bot.hr.retraining.state import page_state
from bot.knowledge.search import ArticleIndex
from bot.knowledge.service import training_examples


def start_build(settings: Settings, *, author: str) -> ModelBuild:
    """Record a build and start its process; refused while another one runs."""
    # Asked before the transaction: no HTTP call nor second session while it is open.
    serving = next((m for m in servers.serving_models(settings).values() if m), None)
    current = fingerprint(settings)
    files = files_fingerprint(settings)
    with transaction(settings.database_url) as session:
        build_id = builds.create_build(
            session=session,
            fingerprint=current,
            files=files,
            host=processes.this_host(),
            serving_model=serving,
            author=author,
        ).id
    pid = processes.spawn_build(settings, build_id)
    with transaction(settings.database_url) as session:
        builds.update_build(session=session, build_id=build_id, pid=pid)
        return builds.get_build(session=session, build_id=build_id)


def _record(settings: Settings, build_id: int, **values: Any) -> None:
    """Keep a step's outcome on the build, in its own transaction: the page polls it."""
    with transaction(settings.database_url) as session:
        builds.update_build(session=session, build_id=build_id, **values)


def _fail(settings: Settings, build_id: int, error: str) -> None:
    with transaction(settings.database_url) as session:
        builds.finish_build(session=session, build_id=build_id, status="failed", error=error)


def _check(settings: Settings, build: ModelBuild, model: Path) -> evaluation.CheckResult:
    """The held-out check of a trained model beside the one serving when the build began."""
    with transaction(settings.database_url) as session:
        index = ArticleIndex(training_examples(session=session))
        known = (
            builds.known_accuracy(session=session, model_file=build.serving_model)
            if build.serving_model
            else None
        )
    return evaluation.check(
        model,
        settings=settings,
        index=index,
        serving_model=build.serving_model,
        serving_known=known,
    )


def run_build(settings: Settings, build_id: int) -> int:
    """The build process: train, check, then go live or wait for HR's confirmation."""
    with transaction(settings.database_url) as session:
        build = builds.get_build(session=session, build_id=build_id)
    progress = TrainingProgress(settings.training_config)
    _record(settings, build_id, status="training", stage=progress.stage, pid=os.getpid())

    def seen(text: str) -> None:
        if progress.feed(text):
            _record(settings, build_id, progress=progress.value, stage=progress.stage)

    try:
        model = train(
            settings,
            env=rasa_environment(settings),
            out_dir=settings.models_dir / BUILDS_FOLDER,
            log=settings.var_dir / "logs" / f"build-{build_id}-train.log",
            on_output=seen,
        )
    except (TrainingFailed, OSError) as error:
        _fail(settings, build_id, str(error)[-4000:])
        return 1
    _record(
        settings,
        build_id,
        model_file=model.name,
        progress=1.0,
        status="checking",
        stage="checking the held-out questions",
    )
    try:
        result = _check(settings, build, model)
    except Exception as error:  # noqa: BLE001 - whatever broke, HR must see it
        _fail(settings, build_id, f"the check failed: {error}"[:4000])
        return 1
    _record(
        settings,
        build_id,
        accuracy_new=result.accuracy_new,
        accuracy_serving=result.accuracy_serving,
        check={**(build.check or {}), **result.details},
    )
    if result.dropped:
        _record(
            settings,
            build_id,
            status="awaiting_confirmation",
            stage="held-out accuracy dropped: waiting for HR to confirm",
        )
        return 0
    try:
        deploy(settings, build_id, author="automatic (accuracy kept)")
    except (DeployFailed, BuildRefused):
        return 1
    return 0


def reject(settings: Settings, build_id: int, *, author: str) -> ModelBuild:
    """HR turns down a build whose accuracy dropped: its model file goes."""
    with transaction(settings.database_url) as session:
        build = builds.reject_build(session=session, build_id=build_id, author=author)
    if build.model_file:
        (settings.models_dir / BUILDS_FOLDER / build.model_file).unlink(missing_ok=True)
    return build


def model_state(settings: Settings) -> dict[str, Any]:
    """What the workspace shows: serving model(s), whether they are out of date, builds."""
    current = fingerprint(settings)
    serving = servers.serving_models(settings)
    with transaction(settings.database_url) as session:
        return page_state(session=session, fingerprint=current, serving=serving)
