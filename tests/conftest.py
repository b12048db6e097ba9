"""Shared fixtures: real databases (a fresh SQLite file, or a fresh PostgreSQL database)."""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.core.db import session_factory, transaction
from bot.core.settings import PROJECT_ROOT, Settings, get_settings, rasa_environment, settings_from
from bot.hr.retraining.model import train
from bot.knowledge.files import ArticleDoc, load_directory
from bot.knowledge.service import import_docs
from bot.ops.launcher import Services
from bot.ops.schema import upgrade

ARTIFACTS = PROJECT_ROOT / "tests" / "artifacts"
# Every server port the tests open is shifted by TEST_PORT_BASE (default 15000), so two
# runs on one machine (e.g. two checkouts) do not meet on the same ports.
PORT_BASE = int(os.environ.get("TEST_PORT_BASE", "15000"))


def port(default: int) -> int:
    """The port a test server uses: its default number shifted by TEST_PORT_BASE."""
    return default - 15000 + PORT_BASE


# Per-IP abuse limits (bot.candidate.abuse) lifted for the suite, which all comes from 127.0.0.1.
TEST_IP_LIMITS = (
    "messages-ip=100000/60,sessions-ip=100000/3600,ratings-ip=100000/3600,"
    "callbacks-ip=100000/86400,sign-in-ip=100000/300,sign-in-ip-day=100000/86400,"
    "cv-uploads-ip=100000/3600,forms-ip=100000/3600"
)
SMTP_PORT = port(15025)
WEBHOOK_PORT = port(15099)
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session")
def default_docs() -> list[ArticleDoc]:
    return load_directory(PROJECT_ROOT / "data" / "knowledge")


def make_settings(tmp_path: Path, database_url: str | None = None, **env: str) -> Settings:
    return settings_from(
        {
            "VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": database_url or f"sqlite:///{tmp_path / 'test.db'}",
            **env,
        }
    )


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    """A fresh, migrated SQLite database file for one test."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    return url


@pytest.fixture
def kb_url(db_url: str, default_docs: list[ArticleDoc]) -> str:
    """A fresh database holding the default knowledge base."""
    with transaction(db_url) as session:
        import_docs(session=session, docs=default_docs, author="tests")
    return db_url


@pytest.fixture
def settings(tmp_path: Path, kb_url: str) -> Settings:
    return make_settings(tmp_path, kb_url)


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, kb_url: str) -> Iterator[Settings]:
    """The process environment an action server would have, on a fresh database."""
    monkeypatch.setenv("DATABASE_URL", kb_url)
    monkeypatch.setenv("VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    name = f"ardoise_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as error:  # noqa: BLE001 - say clearly why the test cannot run
        admin.dispose()
        pytest.fail(f"PostgreSQL is needed at {POSTGRES_ADMIN_URL}: {error}")
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        session_factory(url).kw["bind"].dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@dataclass(frozen=True)
class TrainedAssistant:
    settings: Settings
    model: Path


def train_default(root: Path, docs: list[ArticleDoc]) -> TrainedAssistant:
    """The default knowledge base in a fresh database under `root`, and the model trained
    on it. Models are kept in models/ under their training-data fingerprint, so an
    unchanged knowledge base is not trained twice."""
    url = f"sqlite:///{root / 'app.db'}"
    upgrade(url)
    with transaction(url) as session:
        import_docs(session=session, docs=docs, author="tests")
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,
            "MODELS_DIR": str(PROJECT_ROOT / "models"),
            "RASA_PORT": str(port(15005)),
            "ACTION_PORT": str(port(15055)),
            "WEB_PORT": str(port(15080)),
            "RASA_TOKEN": "test-token",
            # recruiters can always be on duty in tests; availability is decided by presence
            "OFFICE_HOURS": "mon-sun 00:00-24:00",
            # notifications go to the local SMTP server and webhook receiver (tests/e2e)
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(SMTP_PORT),
            "NOTIFY_EMAILS": "recruiting@ardoise.test",
            "NOTIFY_FROM": "assistant@ardoise.test",
            "NOTIFY_WEBHOOK_URL": f"http://127.0.0.1:{WEBHOOK_PORT}/hook",
            # the whole suite comes from one address: per-IP limits are tested on their own
            # (tests/security); per-conversation limits keep their defaults
            "LIMITS": TEST_IP_LIMITS,
        }
    )
    return TrainedAssistant(settings, train(settings, env=rasa_environment(settings)))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Train the default model once before the first test when a collected test needs it.

    Training takes minutes on a fresh clone; done here, it is outside every test's
    timeout (pytest-timeout times only setup, call and teardown), and the `trained`
    fixture then finds the model in models/.
    """
    if session.config.option.collectonly:
        return
    if any("trained" in getattr(item, "fixturenames", ()) for item in session.items):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line("training the default model if models/ lacks it (minutes)")
        with tempfile.TemporaryDirectory(prefix="train-default-") as root:
            train_default(Path(root), load_directory(PROJECT_ROOT / "data" / "knowledge"))


@pytest.fixture(scope="session")
def trained(
    tmp_path_factory: pytest.TempPathFactory, default_docs: list[ArticleDoc]
) -> TrainedAssistant:
    """The default knowledge base in a fresh database, and its model (see train_default)."""
    return train_default(tmp_path_factory.mktemp("assistant"), default_docs)


# Filled by the held-out evaluation, shown at the end of the run.
HELDOUT_SUMMARY: list[str] = []


def pytest_terminal_summary(terminalreporter) -> None:
    if HELDOUT_SUMMARY:
        terminalreporter.write_sep("=", "held-out evaluation")
        for text in HELDOUT_SUMMARY:
            terminalreporter.write_line(text.split("\nmisses:")[0])


@pytest.fixture(scope="session")
def mailbox():
    """The local SMTP server the running assistant's notifications go to."""
    from tests.inbox_servers import start_smtp

    controller, box = start_smtp(SMTP_PORT)
    yield box
    controller.stop()


@pytest.fixture(scope="session")
def hooks():
    """The local webhook receiver standing in for Slack/Teams."""
    from tests.inbox_servers import start_webhook

    server, received = start_webhook(WEBHOOK_PORT)
    yield received
    server.shutdown()


@dataclass
class Assistant:
    settings: Settings
    services: Services

    @property
    def url(self) -> str:
        return self.settings.rasa_url

    def ask(self, sender: str, text: Any, metadata: dict | None = None) -> list[dict]:
        body: dict[str, Any] = {"sender": sender, "message": text}
        if metadata is not None:
            body["metadata"] = metadata
        response = requests.post(f"{self.url}/webhooks/rest/webhook", json=body, timeout=30)
        response.raise_for_status()
        return response.json()

    def tracker(self, sender: str) -> dict:
        response = requests.get(
            f"{self.url}/conversations/{sender}/tracker",
            params={"token": self.settings.rasa_token},
            timeout=30,
        )
        response.raise_for_status()
        return response.json()


@pytest.fixture(scope="session")
def assistant(trained) -> Iterator[Assistant]:
    services = Services(
        settings=trained.settings, model=trained.model, log_dir=trained.settings.var_dir / "logs"
    )
    try:
        services.start()
        yield Assistant(trained.settings, services)
    finally:
        services.stop()
