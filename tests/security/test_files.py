"""The data files are the owner's alone: var/ 0700; the database, its WAL, the tokens and
the logs 0600, whether new or left readable by an older version (issue 16, finding 6).
"""

from __future__ import annotations

import sqlite3
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from bot.core.settings import Settings, action_token, settings_from
from bot.ops.files import rotate_log, secure_data_files
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from tests.conftest import port
from tests.e2e.conftest import start_or_fail
from tests.security.test_processes import action_call

pytestmark = pytest.mark.e2e


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def open_to_others(root: Path) -> dict[str, str]:
    """Every file or folder under `root` (itself included) that group or others can use."""
    return {
        str(p.relative_to(root.parent)): f"{mode(p):o}"
        for p in [root, *root.rglob("*")]
        if mode(p) & 0o077
    }


@pytest.fixture(scope="module")
def running(tmp_path_factory) -> Iterator[tuple[Settings, Services]]:
    """The action server and the web server on a fresh var/ (the database inside it)."""
    var = tmp_path_factory.mktemp("files") / "var"
    var.mkdir()
    settings = settings_from(
        {
            "VAR_DIR": str(var),
            "DATABASE_URL": f"sqlite:///{var / 'ardoise.db'}",
            "ACTION_PORT": str(port(18755)),
            "WEB_PORT": str(port(18780)),
            "RASA_PORT": str(port(18705)),
            "OFFICE_HOURS": "mon-fri 09:00-09:01",
        }
    )
    # the schema, made by this (test) process with its own umask: fixed at the first start
    upgrade(settings.database_url)
    services = Services(settings=settings, model=var / "no-model", log_dir=var / "logs")
    services.start_actions()
    services.start_web()
    start_or_fail(services)
    try:
        yield settings, services
    finally:
        services.stop()


def test_everything_the_processes_create_is_private(running):
    settings, services = running
    var = settings.var_dir
    # While a connection is open (Rasa keeps one), the WAL exists; here the action server
    # writes (an inbox item) while this reader holds the database open.
    reader = sqlite3.connect(var / "ardoise.db")
    try:
        reader.execute("SELECT count(*) FROM inbox_item").fetchall()
        response = requests.post(
            settings.action_endpoint_url,
            json=action_call("action_request_human"),
            headers={"Authorization": f"Bearer {action_token(settings)}"},
            timeout=30,
        )
        assert response.status_code == 200
        made = {p.name for p in var.rglob("*")}
        loose = open_to_others(var)
    finally:
        reader.close()
    assert {"ardoise.db", "ardoise.db-wal", "logs", "actions.log", "web.log"} <= made
    assert {"rasa-token", "action-token"} <= made
    assert mode(var) == 0o700
    assert loose == {}


def test_loose_permissions_are_tightened_at_start_and_said(tmp_path):
    var = tmp_path / "var"
    (var / "logs").mkdir(parents=True)
    var.chmod(0o755)
    (var / "logs").chmod(0o755)
    database = var / "ardoise.db"
    upgrade(f"sqlite:///{database}")
    for path in (database, var / "logs" / "rasa.log"):
        path.touch()
        path.chmod(0o644)
    settings = settings_from({"VAR_DIR": str(var), "DATABASE_URL": f"sqlite:///{database}"})

    fixed = secure_data_files(settings)

    assert open_to_others(var) == {}
    assert fixed == [
        f"{var} was readable by other users (755): now 700",
        f"{database} was readable by other users (644): now 600",
        f"{var / 'logs'} was readable by other users (755): now 700",
        f"{var / 'logs' / 'rasa.log'} was readable by other users (644): now 600",
    ]
    assert secure_data_files(settings) == []  # nothing left to say the second time


def test_a_database_outside_var_is_made_private_too(tmp_path):
    database = tmp_path / "elsewhere" / "app.db"
    upgrade(f"sqlite:///{database}")
    database.chmod(0o644)
    settings = settings_from(
        {"VAR_DIR": str(tmp_path / "var"), "DATABASE_URL": f"sqlite:///{database}"}
    )
    assert secure_data_files(settings) == [f"{database} was readable by other users (644): now 600"]
    assert mode(database) == 0o600


def test_a_log_over_its_size_is_rotated_at_start_keeping_one_previous_file(tmp_path):
    log = tmp_path / "rasa.log"
    log.write_text("old run\n")
    (tmp_path / "rasa.log.1").write_text("older run\n")
    assert rotate_log(log, max_bytes=100) is False  # small enough: kept as it is
    log.write_text("x" * 101)
    assert rotate_log(log, max_bytes=100) is True
    assert not log.exists()
    assert (tmp_path / "rasa.log.1").read_text() == "x" * 101
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rasa.log.1"]
