"""Retraining bookkeeping: progress from rasa's output, which builds run, which model to serve."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import PROJECT_ROOT
from bot.hr.retraining.builds import BuildRefused, ModelBuild, running_build
from bot.hr.retraining.deployment import deploy, deployed_model
from bot.hr.retraining.evaluation import CheckResult
from bot.hr.retraining.model import files_fingerprint
from bot.hr.retraining.progress import TrainingProgress
from bot.hr.retraining.run import reject, run_build, start_build
from bot.rasa_plugins.reload import ModelFileRefused, model_file_in
from tests.conftest import make_settings

RASA_OUTPUT = Path(__file__).parent / "fixtures" / "rasa-train-output.txt"


def test_progress_follows_rasa_train_output_and_never_goes_back():
    """The real output of `rasa train` with config.yml, in arbitrary chunks: each trained
    component counts one step; the untrained ones (spaCy, the fallback) count nothing."""
    progress = TrainingProgress(PROJECT_ROOT / "config.yml")
    assert progress.epochs == {"LanguageEntityExtractor": 1, "LinearClassifier": 1, "RulePolicy": 1}
    assert progress.value == 0.0 and progress.stage == "preparing the training data"
    text = RASA_OUTPUT.read_text(encoding="utf-8")
    seen, stages = [], set()
    for start in range(0, len(text), 60):  # output arrives in arbitrary chunks
        progress.feed(text[start : start + 60])
        seen.append(progress.value)
        stages.add(progress.stage)
    assert seen == sorted(seen)
    assert 1 / 3 in seen and "training LinearClassifier" in stages
    assert progress.value == 0.99  # done only when the model file exists
    assert progress.stage == "training"


def test_progress_counts_epochs_of_components_trained_over_epochs(tmp_path):
    config = tmp_path / "config.yml"
    config.write_text(
        "pipeline:\n- name: SpacyNLP\n- name: DIETClassifier\n  epochs: 3\n"
        "- name: ResponseSelector\n  epochs: 5\npolicies:\n- name: RulePolicy\n",
        encoding="utf-8",
    )
    progress = TrainingProgress(config)
    assert progress.epochs == {"DIETClassifier": 3, "ResponseSelector": 5, "RulePolicy": 1}
    progress.feed("Starting to train component 'DIETClassifier'.\rEpochs: 100%|#| 3/3 [00:01]\n")
    progress.feed("Finished training component 'DIETClassifier'.\n")
    progress.feed("Starting to train component 'ResponseSelector'.\rEpochs:  40%|#| 2/5\r")
    assert progress.value == (3 + 2) / 9
    assert progress.stage == "training ResponseSelector (40%)"
    progress.feed("Epochs: 100%|#| 5/5\nFinished training component 'ResponseSelector'.\n")
    progress.feed(
        "Starting to train component 'RulePolicy'.\nFinished training component 'RulePolicy'.\n"
    )
    assert progress.value == 0.99


@pytest.fixture
def models(tmp_path):
    folder = tmp_path / "models"
    folder.mkdir()
    (folder / "assistant-0123456789abcdef.tar.gz").write_bytes(b"model")
    (tmp_path / "elsewhere.tar.gz").write_bytes(b"model")
    return folder


def test_the_reload_route_accepts_only_model_files_of_the_models_folder(models, tmp_path):
    assert model_file_in(models, "assistant-0123456789abcdef.tar.gz").parent == models.resolve()
    assert model_file_in(models, str(models / "assistant-0123456789abcdef.tar.gz")).is_file()
    refused = [
        None,
        "",
        42,
        ["a"],
        "x" * 600,
        "../elsewhere.tar.gz",
        str(tmp_path / "elsewhere.tar.gz"),
        "assistant-missing.tar.gz",
        "/etc/passwd",
        "config.yml",
    ]
    for requested in refused:
        with pytest.raises(ModelFileRefused):
            model_file_in(models, requested)


@pytest.fixture
def settings(tmp_path, db_url, models):
    return make_settings(tmp_path, database_url=db_url, MODELS_DIR=str(models))


def _add(settings, **values) -> int:
    with transaction(settings.database_url) as session:
        build = ModelBuild(
            fingerprint="f",
            requested_by="Hana",
            created_at=values.pop("created_at", utcnow()),
            check=values.pop("check", {}),
            **values,
        )
        session.add(build)
        session.flush()
        return build.id


def test_a_build_whose_process_died_is_marked_failed(settings):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    build_id = _add(settings, status="training", pid=dead.pid)
    with transaction(settings.database_url) as session:
        assert running_build(session=session) is None
    with transaction(settings.database_url) as session:
        build = session.get(ModelBuild, build_id)
        assert build.status == "failed" and "stopped unexpectedly" in build.error


def test_a_build_that_never_started_is_failed_after_a_minute(settings):
    _add(settings, status="queued", created_at=utcnow() - timedelta(minutes=5))
    with transaction(settings.database_url) as session:
        assert running_build(session=session) is None


def test_only_one_build_runs_at_a_time(settings):
    _add(settings, status="training", pid=os.getpid())
    with pytest.raises(BuildRefused, match="déjà en cours"):
        start_build(settings, author="Hana")


def test_builds_move_on_only_from_the_right_state(settings):
    live = _add(settings, status="live", model_file="assistant-0123456789abcdef.tar.gz")
    with pytest.raises(BuildRefused):
        deploy(settings, live, author="Hana")
    with pytest.raises(BuildRefused):
        reject(settings, live, author="Hana")
    with pytest.raises(LookupError):
        deploy(settings, 9999, author="Hana")
    waiting = _add(settings, status="awaiting_confirmation", model_file="x.tar.gz")
    assert reject(settings, waiting, author="Hana").status == "rejected"
    with pytest.raises(BuildRefused):
        deploy(settings, waiting, author="Hana")


def test_a_restart_serves_the_model_hr_put_live_when_trained_on_todays_code(settings, models):
    assert deployed_model(settings) is None
    name = "assistant-0123456789abcdef.tar.gz"
    build_id = _add(
        settings,
        status="live",
        model_file=name,
        deployed_at=utcnow(),
        check={"files": files_fingerprint(settings)},
    )
    assert deployed_model(settings) == models / name
    with transaction(settings.database_url) as session:
        session.get(ModelBuild, build_id).check = {"files": "changed-config"}
    assert deployed_model(settings) is None  # the code changed since: train again
    with transaction(settings.database_url) as session:
        session.get(ModelBuild, build_id).check = {"files": files_fingerprint(settings)}
    (models / name).unlink()
    assert deployed_model(settings) is None  # the file is gone


def test_a_drop_is_any_lower_held_out_accuracy():
    assert CheckResult(0.90, 0.91, {}).dropped
    assert not CheckResult(0.91, 0.91, {}).dropped
    assert not CheckResult(0.95, 0.91, {}).dropped
    assert not CheckResult(0.50, None, {}).dropped  # nothing to compare with


def test_a_build_started_on_another_machine_is_trusted_until_it_is_far_too_old(settings):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    elsewhere = {"host": "another-web-server"}
    recent = _add(settings, status="training", pid=dead.pid, check=elsewhere)
    with transaction(settings.database_url) as session:
        assert running_build(session=session).id == recent  # its pid means nothing here
        session.get(ModelBuild, recent).created_at = utcnow() - timedelta(hours=5)
    with transaction(settings.database_url) as session:
        assert running_build(session=session) is None


def test_a_failed_training_keeps_the_error_for_hr_and_leaves_no_model(tmp_path, db_url, models):
    broken = tmp_path / "broken-config.yml"
    broken.write_text(
        "recipe: default.v1\nlanguage: fr\npipeline:\n  - name: NoSuchComponent\npolicies: []\n"
    )
    settings = make_settings(
        tmp_path, database_url=db_url, MODELS_DIR=str(models), TRAINING_CONFIG=str(broken)
    )
    build_id = _add(settings, status="queued")
    assert run_build(settings, build_id) == 1
    with transaction(settings.database_url) as session:
        build = session.get(ModelBuild, build_id)
        assert build.status == "failed" and build.finished_at is not None
        assert "NoSuchComponent" in build.error
        assert build.model_file is None
    assert [p.name for p in models.glob("**/*.tar.gz")] == ["assistant-0123456789abcdef.tar.gz"]
