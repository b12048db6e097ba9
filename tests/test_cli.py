"""The `python -m bot` command line, run as a user would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from bot.core.db import transaction
from bot.core.settings import PROJECT_ROOT
from bot.hr.editing import add_example_question, save_from_editor
from bot.knowledge.files import load_directory


def cli(
    tmp_path: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "VAR_DIR": str(tmp_path / "var"),
        **(env or {}),
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


def test_kb_status_compares_files_and_database(tmp_path):
    assert cli(tmp_path, "kb", "import").returncode == 0
    synced = cli(tmp_path, "kb", "status")
    assert synced.returncode == 0, synced.stdout + synced.stderr
    assert synced.stdout.startswith("in sync: ")

    # the browser changes the database ...
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    parking = {
        "id": "parking",
        "topic": "offices",
        "team": "workplace",
        "fr": {
            "title": "Parking",
            "answer": "20 places.",
            "questions": [f"parking {n} ?" for n in range(10)],
        },
        "en": {
            "title": "Parking",
            "answer": "20 spaces.",
            "questions": [f"car park {n}?" for n in range(10)],
        },
    }
    with transaction(url) as session:
        add_example_question(
            session=session,
            article_id="remote-work",
            language="fr",
            question="Télétravail le lundi ?",
            author="hr",
        )
        save_from_editor(
            session=session, data=parking, article_id=None, author="hr", expected_revision=None
        )
    # ... and someone edits the files
    folder = tmp_path / "kb"
    shutil.copytree(PROJECT_ROOT / "data" / "knowledge", folder)
    culture = folder / "culture.yml"
    culture.write_text(culture.read_text().replace("title: Dress code", "title: What to wear"))
    extra = next(d for d in load_directory(folder) if d.id == "dress-code").to_dict()
    extra["id"] = "dress-code-events"
    for language in ("fr", "en"):
        extra[language]["questions"] = [f"{language} event outfit {n}?" for n in range(10)]
    (folder / "extra.yml").write_text(yaml.safe_dump({"topic": "extra", "articles": [extra]}))

    result = cli(tmp_path, "kb", "status", "--dir", str(folder))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "only in the files:    dress-code-events (extra)" in lines
    assert "only in the database: parking (offices)" in lines
    assert "differs:              dress-code (en.title)" in lines
    assert "differs:              remote-work (fr.questions)" in lines
    assert "4 article(s) out of sync" in lines[-1]

    # export writes what the browser changed; then files and database agree
    out = tmp_path / "exported"
    assert cli(tmp_path, "kb", "export", "--dir", str(out)).returncode == 0
    assert cli(tmp_path, "kb", "status", "--dir", str(out)).returncode == 0


def test_kb_status_with_broken_files(tmp_path):
    folder = tmp_path / "kb"
    folder.mkdir()
    (folder / "broken.yml").write_text("topic: x\narticles:\n  - id: a\n")
    result = cli(tmp_path, "kb", "status", "--dir", str(folder))
    assert result.returncode == 2 and "broken.yml" in result.stderr


def test_users_unlock_lifts_a_sign_in_lock_shared_through_redis(tmp_path):
    import uuid

    from bot.core.settings import settings_from
    from bot.staff.throttle import SignInLocked, SignInThrottle

    redis_url = "redis://127.0.0.1:6379/6"
    login = f"locked-{uuid.uuid4().hex[:8]}"
    throttle = SignInThrottle.of(
        settings_from({"LIMITS_URL": redis_url, "DATABASE_URL": "sqlite://"})
    )
    for _ in range(5):
        throttle.attempt(login=login, address="192.0.2.7")
    with pytest.raises(SignInLocked):
        throttle.attempt(login=login, address="192.0.2.7")
    result = cli(tmp_path, "users", "unlock", login, env={"LIMITS_URL": redis_url})
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"unlocked: {login}"
    throttle.attempt(login=login, address="192.0.2.7")  # let in again


def test_users_unlock_says_why_it_cannot_reach_in_process_locks(tmp_path):
    result = cli(tmp_path, "users", "unlock", "camille")
    assert result.returncode == 1
    assert "restart the web server" in result.stderr
