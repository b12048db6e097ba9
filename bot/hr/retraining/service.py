"""Retraining from the HR workspace and putting the new model live without downtime.

A build runs in its own process (`python -m bot model build <id>`, started by
the web server), never inside a serving process:

1. training: `rasa train` into models/builds/, its output read for progress;
2. checking: the new model and the serving one answer the project's held-out
   questions (data/heldout/questions.yml) the way the assistant decides;
3. if the new model is at least as accurate, it goes live at once; otherwise
   the build waits for HR to confirm (or turn it down) having seen the drop;
4. going live: the file is placed in models/ (where a restarting Rasa process
   finds it) and every Rasa process loads it beside the serving model, then
   swaps (bot/rasa_plugins/reload.py), one process after the other. A process that fails
   to load keeps its model and the others are put back on the previous one.

A failed training or check leaves the serving model untouched, with the
error kept on the build for HR to read.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import PROJECT_ROOT, Settings, rasa_environment, rasa_token
from bot.hr.retraining.builds import ModelBuild
from bot.hr.retraining.model import (
    TrainingFailed,
    files_fingerprint,
    fingerprint,
    fingerprint_of,
    model_path,
    train,
)

RUNNING = ("queued", "training", "checking", "deploying")
BUILDS_FOLDER = "builds"
LOAD_TIMEOUT = 600.0
MAX_BUILD_SECONDS = 4 * 3600


class BuildRefused(RuntimeError):
    """The build cannot be started or moved on; the message says why, for HR."""


class DeployFailed(RuntimeError):
    """No new model went live; the message says which server refused and why."""


# ----------------------------------------------------------------- progress


class TrainingProgress:
    """Reads `rasa train` output: which component trains, and its epochs."""

    COMPONENT = re.compile(r"Starting to train component '([^']+)'")
    FINISHED = re.compile(r"Finished training component '([^']+)'")
    EPOCHS = re.compile(r"Epochs:\s*\d+%\|[^|]*\|\s*(\d+)/(\d+)")

    def __init__(self, config_file: Path) -> None:
        config = yaml.safe_load(config_file.read_text(encoding="utf-8")) or {}
        steps = [*(config.get("pipeline") or []), *(config.get("policies") or [])]
        # Components trained over epochs take nearly all the time: progress counts epochs.
        self.epochs = {
            str(step["name"]).rsplit(".", 1)[-1]: int(step["epochs"])
            for step in steps
            if isinstance(step, dict) and isinstance(step.get("epochs"), int) and step["epochs"] > 0
        }
        self.total = sum(self.epochs.values()) or 1
        self.finished = 0
        self.current = ""
        self.fraction = 0.0
        self._partial = ""

    def feed(self, text: str) -> bool:
        """Take more output; True when the figure or stage changed.

        Output comes in arbitrary chunks: a line is read once it is complete
        (ended by a newline, or by the carriage return of a progress bar).
        """
        changed = False
        pieces = re.split(r"[\r\n]+", self._partial + text)
        self._partial = pieces.pop()
        for piece in pieces:
            started = self.COMPONENT.search(piece)
            if started:
                self.current, self.fraction, changed = started.group(1), 0.0, True
                continue
            ended = self.FINISHED.search(piece)
            if ended:
                self.finished += self.epochs.get(ended.group(1), 0)
                self.current, self.fraction, changed = "", 0.0, True
                continue
            epochs = self.EPOCHS.search(piece)
            if epochs and int(epochs.group(2)):
                fraction = int(epochs.group(1)) / int(epochs.group(2))
                changed = changed or fraction != self.fraction
                self.fraction = fraction
        return changed

    @property
    def value(self) -> float:
        running = self.epochs.get(self.current, 0) * self.fraction
        return min(0.99, (self.finished + running) / self.total)

    @property
    def stage(self) -> str:
        if not self.current:
            return "preparing the training data" if not self.finished else "training"
        if self.fraction:
            return f"training {self.current} ({self.fraction:.0%})"
        return f"training {self.current}"


# ----------------------------------------------------------------- serving servers


def _call(url: str, token: str, body: dict | None = None, timeout: float = 10.0) -> dict:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST" if body is not None else "GET",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        try:
            message = json.loads(error.read()).get("error") or str(error)
        except (ValueError, AttributeError):
            message = str(error)
        raise DeployFailed(f"{url}: {message}") from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise DeployFailed(f"{url}: {error}") from None


def serving_models(settings: Settings) -> dict[str, str | None]:
    """The model each Rasa process serves (None when it cannot be reached)."""
    token = rasa_token(settings)
    found: dict[str, str | None] = {}
    for base in settings.serving_rasa_urls:
        try:
            found[base] = _call(f"{base}/webhooks/model_reload/", token, timeout=5).get(
                "model_file"
            )
        except DeployFailed:
            found[base] = None
    return found


def load_everywhere(settings: Settings, model_file: Path) -> dict[str, float]:
    """Every Rasa process loads `model_file`, one after the other; on a failure the
    processes already switched go back to what they served."""
    token = rasa_token(settings)
    before = serving_models(settings)
    switched: list[str] = []
    seconds: dict[str, float] = {}
    for base in settings.serving_rasa_urls:
        try:
            answer = _call(
                f"{base}/webhooks/model_reload/load",
                token,
                {"model_file": model_file.name},
                timeout=LOAD_TIMEOUT,
            )
        except DeployFailed as error:
            for done in switched:
                previous = before.get(done)
                if previous:
                    try:
                        _call(
                            f"{done}/webhooks/model_reload/load",
                            token,
                            {"model_file": previous},
                            timeout=LOAD_TIMEOUT,
                        )
                    except DeployFailed:
                        pass
            raise DeployFailed(f"{error} (the previous model keeps serving)") from None
        switched.append(base)
        seconds[base] = float(answer.get("seconds") or 0.0)
    return seconds


# ----------------------------------------------------------------- builds


def _pid_alive(pid: int | None) -> bool:
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A finished child not yet reaped by its parent is a zombie: not alive.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True


def running_build(session: Session) -> ModelBuild | None:
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
    here = (build.check or {}).get("host") in (None, socket.gethostname())
    gone = build.pid is not None and (
        not _pid_alive(build.pid) if here else age > MAX_BUILD_SECONDS
    )
    if never_started or gone:
        build.status = "failed"
        build.error = "the training process stopped unexpectedly"
        build.finished_at = utcnow()
        return None
    return build


def latest_builds(session: Session, limit: int = 10) -> list[ModelBuild]:
    return list(
        session.execute(select(ModelBuild).order_by(ModelBuild.id.desc()).limit(limit)).scalars()
    )


def start_build(settings: Settings, *, author: str) -> ModelBuild:
    """Record a build and start its process; refused while another one runs."""
    # Asked before the transaction: no HTTP call nor second session while it is open.
    serving = next((m for m in serving_models(settings).values() if m), None)
    current = fingerprint(settings)
    with transaction(settings.database_url) as session:
        if running_build(session) is not None:
            raise BuildRefused("un entraînement est déjà en cours")
        build = ModelBuild(
            fingerprint=current,
            status="queued",
            stage="waiting to start",
            requested_by=author,
            created_at=utcnow(),
            serving_model=serving,
            check={"files": files_fingerprint(settings), "host": socket.gethostname()},
        )
        session.add(build)
        session.flush()
        audit.record(
            session=session, actor=author, action="model.retrain", target=f"build:{build.id}"
        )
        build_id = build.id
    log = settings.var_dir / "logs" / f"build-{build_id}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "model", "build", str(build_id)],
            cwd=PROJECT_ROOT,
            env={**os.environ, **rasa_environment(settings)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    _reap_later(process)
    with transaction(settings.database_url) as session:
        session.execute(update(ModelBuild).where(ModelBuild.id == build_id).values(pid=process.pid))
        return _detached(session, build_id)


def _reap_later(process: subprocess.Popen) -> None:
    """Collect the build's exit status in the background so it leaves no zombie."""
    import threading

    threading.Thread(target=process.wait, name="build-reaper", daemon=True).start()


def _detached(session: Session, build_id: int) -> ModelBuild:
    build = session.get(ModelBuild, build_id)
    if build is None:
        raise LookupError(f"no build {build_id}")
    session.expunge(build)
    return build


def _set(settings: Settings, build_id: int, **values: Any) -> None:
    with transaction(settings.database_url) as session:
        session.execute(update(ModelBuild).where(ModelBuild.id == build_id).values(**values))


def get_build(settings: Settings, build_id: int) -> ModelBuild:
    with transaction(settings.database_url) as session:
        return _detached(session, build_id)


@dataclass(frozen=True)
class CheckResult:
    accuracy_new: float
    accuracy_serving: float | None
    details: dict[str, Any]

    @property
    def dropped(self) -> bool:
        return self.accuracy_serving is not None and self.accuracy_new < self.accuracy_serving


def _accuracy_of(model_file: Path, settings: Settings) -> tuple[float, dict[str, float]]:
    """How the model does on the held-out questions, deciding as the assistant does."""
    import logging

    import structlog
    from rasa.core.agent import Agent

    from bot.hr.retraining.evaluation import accuracy, evaluate, load_questions

    # Rasa logs every parse at debug level: keep the build's log readable.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    from bot.knowledge.search import ArticleIndex
    from bot.knowledge.service import training_examples

    agent = Agent.load(str(model_file))
    with transaction(settings.database_url) as session:
        index = ArticleIndex(training_examples(session=session))
    outcomes = asyncio.run(
        evaluate(
            agent.parse_message,
            load_questions(),
            answer_threshold=settings.answer_threshold,
            clarify_threshold=settings.clarify_threshold,
            index=index,
        )
    )
    parts = {
        f"{language} {kind}": round(accuracy(outcomes, language=language, kinds=(kind,)), 4)
        for language in ("fr", "en")
        for kind in ("in_scope", "unknown", "off_topic")
    }
    return round(accuracy(outcomes), 4), parts


def check(settings: Settings, new_model: Path, serving_model: str | None) -> CheckResult:
    """The new model's held-out accuracy beside the serving model's."""
    accuracy_new, parts_new = _accuracy_of(new_model, settings)
    details: dict[str, Any] = {"new": parts_new}
    accuracy_serving = None
    known = None
    if serving_model:
        with transaction(settings.database_url) as session:
            known = session.execute(
                select(ModelBuild)
                .where(
                    ModelBuild.model_file == serving_model,
                    ModelBuild.accuracy_new.is_not(None),
                )
                .order_by(ModelBuild.id.desc())
                .limit(1)
            ).scalar_one_or_none()
            if known is not None:
                accuracy_serving = known.accuracy_new
                details["serving"] = (known.check or {}).get("new", {})
        serving_file = settings.models_dir / serving_model
        if accuracy_serving is None and serving_file.is_file():
            accuracy_serving, details["serving"] = _accuracy_of(serving_file, settings)
    return CheckResult(accuracy_new, accuracy_serving, details)


def run_build(settings: Settings, build_id: int) -> int:
    """The build process: train, check, then go live or wait for HR's confirmation."""
    build = get_build(settings, build_id)
    progress = TrainingProgress(settings.training_config)
    _set(settings, build_id, status="training", stage=progress.stage, pid=os.getpid())

    def seen(text: str) -> None:
        if progress.feed(text):
            _set(settings, build_id, progress=progress.value, stage=progress.stage)

    try:
        model = train(
            settings,
            env=rasa_environment(settings),
            out_dir=settings.models_dir / BUILDS_FOLDER,
            log=settings.var_dir / "logs" / f"build-{build_id}-train.log",
            on_output=seen,
        )
    except (TrainingFailed, OSError) as error:
        _finish(settings, build_id, "failed", error=str(error)[-4000:])
        return 1
    _set(
        settings,
        build_id,
        model_file=model.name,
        progress=1.0,
        status="checking",
        stage="checking the held-out questions",
    )
    try:
        result = check(settings, model, build.serving_model)
    except Exception as error:  # noqa: BLE001 - whatever broke, HR must see it
        _finish(settings, build_id, "failed", error=f"the check failed: {error}"[:4000])
        return 1
    _set(
        settings,
        build_id,
        accuracy_new=result.accuracy_new,
        accuracy_serving=result.accuracy_serving,
        check={**(build.check or {}), **result.details},
    )
    if result.dropped:
        _set(
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


def _finish(settings: Settings, build_id: int, status: str, error: str | None = None) -> None:
    _set(settings, build_id, status=status, error=error, finished_at=utcnow(), stage=status)


def deploy(settings: Settings, build_id: int, *, author: str) -> ModelBuild:
    """Put a checked build's model live on every Rasa process."""
    build = get_build(settings, build_id)
    with transaction(settings.database_url) as session:
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
        raise BuildRefused(
            f"l'entraînement {build_id} est « {build.status} » : rien à mettre en ligne"
        )
    source = settings.models_dir / BUILDS_FOLDER / build.model_file
    target = settings.models_dir / build.model_file
    try:
        if not target.exists():
            shutil.copy2(source, target.with_suffix(".part"))
            os.replace(target.with_suffix(".part"), target)
        load_everywhere(settings, target)
    except (DeployFailed, OSError) as error:
        _finish(settings, build_id, "failed", error=str(error)[:4000])
        raise DeployFailed(str(error)) from None
    with transaction(settings.database_url) as session:
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
            detail={"model": build.model_file},
        )
    source.unlink(missing_ok=True)
    _prune_models(settings, keep=build.model_file)
    return get_build(settings, build_id)


def _prune_models(settings: Settings, keep: str, kept_superseded: int = 1) -> None:
    """Models HR replaced take room (tens of MB each): keep the previous one, delete older."""
    with transaction(settings.database_url) as session:
        old = session.execute(
            select(ModelBuild.model_file)
            .where(ModelBuild.status == "superseded", ModelBuild.model_file.is_not(None))
            .order_by(ModelBuild.deployed_at.desc())
        ).scalars()
        names = list(dict.fromkeys(old))[kept_superseded:]
    current = model_path(settings).name
    for name in names:
        if name not in (keep, current):
            (settings.models_dir / name).unlink(missing_ok=True)


def reject(settings: Settings, build_id: int, *, author: str) -> ModelBuild:
    build = get_build(settings, build_id)
    if build.status != "awaiting_confirmation":
        raise BuildRefused(f"l'entraînement {build_id} est « {build.status} » : rien à refuser")
    _finish(settings, build_id, "rejected")
    with transaction(settings.database_url) as session:
        audit.record(
            session=session, actor=author, action="model.rejected", target=f"build:{build_id}"
        )
    if build.model_file:
        (settings.models_dir / BUILDS_FOLDER / build.model_file).unlink(missing_ok=True)
    return get_build(settings, build_id)


def deployed_model(settings: Settings) -> Path | None:
    """The last model HR put live, if its file is here and was trained on today's code."""
    with transaction(settings.database_url) as session:
        build = session.execute(
            select(ModelBuild)
            .where(ModelBuild.status == "live")
            .order_by(ModelBuild.deployed_at.desc())
            .limit(1)
        ).scalar_one_or_none()
        if build is None or not build.model_file:
            return None
        if (build.check or {}).get("files") != files_fingerprint(settings):
            return None
        path = settings.models_dir / build.model_file
    return path if path.is_file() else None


def model_state(settings: Settings) -> dict[str, Any]:
    """What the workspace shows: serving model(s), whether they are out of date, builds."""
    current = fingerprint(settings)
    serving = serving_models(settings)
    fingerprints = {fingerprint_of(m) for m in serving.values() if m}
    with transaction(settings.database_url) as session:
        running = running_build(session)
        builds = [build_json(b) for b in latest_builds(session)]
    return {
        "fingerprint": current,
        "serving": serving,
        "up_to_date": fingerprints == {current},
        "running": build_json(running) if running else None,
        "builds": builds,
    }


def build_json(build: ModelBuild) -> dict[str, Any]:
    def at(value: Any) -> str | None:
        return value.isoformat() + "Z" if value else None

    return {
        "id": build.id,
        "status": build.status,
        "progress": round(build.progress or 0.0, 3),
        "stage": build.stage,
        "model_file": build.model_file,
        "serving_model": build.serving_model,
        "requested_by": build.requested_by,
        "confirmed_by": build.confirmed_by,
        "created_at": at(build.created_at),
        "finished_at": at(build.finished_at),
        "deployed_at": at(build.deployed_at),
        "accuracy_new": build.accuracy_new,
        "accuracy_serving": build.accuracy_serving,
        "check": {k: v for k, v in (build.check or {}).items() if k not in ("files", "host")},
        "error": build.error,
    }
