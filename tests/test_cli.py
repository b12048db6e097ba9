"""The `python -m bot` command line, run as a user would."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from bot.settings import PROJECT_ROOT


def cli(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "VAR_DIR": str(tmp_path / "var"),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_validate_the_default_files(tmp_path):
    result = cli(tmp_path, "kb", "validate")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("ok: ")


def test_validate_names_the_bad_file(tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "broken.yml").write_text("topic: x\narticles:\n  - id: a\n    team: people\n")
    result = cli(tmp_path, "kb", "validate", "--dir", str(folder))
    assert result.returncode == 2
    assert "broken.yml" in result.stderr and "fr: missing" in result.stderr
    assert "Traceback" not in result.stderr


def test_import_list_export_round_trip(tmp_path):
    imported = cli(tmp_path, "kb", "import", "--author", "camille")
    assert imported.returncode == 0, imported.stderr
    assert "created" in imported.stdout
    again = cli(tmp_path, "kb", "import")
    assert " 0 created, 0 updated" in again.stdout
    listing = cli(tmp_path, "kb", "list", "--topic", "remote")
    assert "remote-work" in listing.stdout and "3 article(s)" in listing.stdout
    search = cli(tmp_path, "kb", "list", "--search", "BSPCE")
    assert "equity" in search.stdout
    out = tmp_path / "exported"
    exported = cli(tmp_path, "kb", "export", "--dir", str(out))
    assert exported.returncode == 0, exported.stderr
    for path in (PROJECT_ROOT / "data" / "knowledge").glob("*.yml"):
        assert (out / path.name).read_text() == path.read_text(), path.name


def test_export_of_an_empty_database_says_so(tmp_path):
    cli(tmp_path, "db", "upgrade")
    result = cli(tmp_path, "kb", "export", "--dir", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "empty" in result.stderr


def test_bad_settings_are_reported_plainly(tmp_path):
    env_result = subprocess.run(
        [sys.executable, "-m", "bot", "kb", "list"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "DEFAULT_LANGUAGE": "de", "VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert env_result.returncode == 2
    assert "DEFAULT_LANGUAGE must be one of fr, en" in env_result.stderr
