"""Rasa's own checks: `rasa data validate` and `rasa test` on tests/test_stories.yml."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.core.settings import PROJECT_ROOT, rasa_environment

RASA = str(Path(sys.executable).parent / "rasa")


def run_rasa(trained, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [RASA, *args],
        cwd=PROJECT_ROOT,
        env={**os.environ, **rasa_environment(trained.settings)},
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_training_data_is_consistent(trained):
    result = run_rasa(
        trained,
        "data",
        "validate",
        "--fail-on-warnings",
        "--config",
        "config.yml",
        "--domain",
        "domain.yml",
        "--data",
        "data/nlu",
        "data/rules",
        "data/stories",
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_conversation_stories_pass(trained, tmp_path):
    result = run_rasa(
        trained,
        "test",
        "core",
        "--model",
        str(trained.model),
        "--stories",
        "tests/test_stories.yml",
        "--endpoints",
        "endpoints.yml",
        "--out",
        str(tmp_path),
        "--fail-on-prediction-errors",
    )
    failed = tmp_path / "failed_test_stories.yml"
    details = failed.read_text() if failed.exists() else ""
    assert result.returncode == 0, details + result.stdout[-4000:] + result.stderr[-4000:]
