"""The real thing: the Rasa server and the action server as processes, over HTTP."""

from __future__ import annotations

import dataclasses
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import redis
from sqlalchemy import create_engine, delete, text, update

from bot.core.db import transaction
from bot.core.settings import Settings, settings_from
from bot.handoff.models import Handoff, Presence
from bot.knowledge.service import import_docs
from bot.ops.launcher import Services, StartupFailed
from bot.ops.schema import upgrade
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from bot.staff.accounts import add_user
from tests.conftest import (  # noqa: F401 - Assistant re-exported
    POSTGRES_ADMIN_URL,
    TEST_IP_LIMITS,
    Assistant,
    port,
)

PASSWORD = "a-long-test-password"  # every staff account of the end-to-end tests

# Ten new phrasings per language of a request (a coffee, an application...) must reach
# its action; one of them may miss. The same data trains a slightly different model on
# another machine (a new session's, CI's): four examples added for one missed phrasing
# moved two other tests' phrasings, and the held-out floors allow two questions per cell
# for the same reason. Two misses of ten fail.
PHRASINGS_MISSES_ALLOWED = 1


def assert_phrasings_understood(missed: list, total: int) -> None:
    """At most PHRASINGS_MISSES_ALLOWED of `total` new phrasings missed their action."""
    assert total >= 10
    assert len(missed) <= PHRASINGS_MISSES_ALLOWED, missed


def payloads(messages: list[dict]) -> list[dict]:
    return [m["custom"] for m in messages if "custom" in m]


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:10]}"


def with_records(assistant: Assistant) -> Assistant:
    """The running assistant's database with the default records (positions, events)."""
    with transaction(assistant.settings.database_url) as session:
        prepare_records(session=session, today=local_today(assistant.settings.office_timezone))
    return assistant


def staff_account(assistant: Assistant, login: str, name: str, role: str = "recruiter") -> None:
    with transaction(assistant.settings.database_url) as session:
        add_user(session=session, login=login, display_name=name, role=role, password=PASSWORD)


def close_open_handoffs(assistant: Assistant) -> None:
    """Nobody on duty and no conversation left waiting or taken (for the next module)."""
    with transaction(assistant.settings.database_url) as session:
        session.execute(delete(Presence))
        session.execute(
            update(Handoff).where(Handoff.status.in_(("queued", "claimed"))).values(status="closed")
        )


def start_or_fail(services: Services) -> None:
    """Wait until the started processes answer; a process that exits or never becomes
    healthy fails the test with its exit code and the end of its log."""
    try:
        services.wait_ready(timeout=180)
    except StartupFailed as error:
        logs = "\n".join(
            f"--- {name} (exit {process.poll()}):\n"
            + (services.log_dir / f"{name}.log").read_text(errors="replace")[-3000:]
            for name, process in services.processes.items()
            if (services.log_dir / f"{name}.log").is_file()
        )
        services.stop()
        pytest.fail(f"{error}\n{logs}")


@pytest.fixture(scope="session")
def production(trained, default_docs, tmp_path_factory) -> Iterator[tuple[Settings, Services, str]]:
    """Production settings: PostgreSQL for data and conversations, Redis locks, two Rasa
    processes sharing the same conversations. Shared by the modules that need it."""
    name = f"ardoise_prod_{new_sender().replace('-', '_')}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    redis.Redis(host="127.0.0.1", port=6379).ping()
    upgrade(url)
    with transaction(url) as session:
        import_docs(session=session, docs=default_docs, author="tests")
    root = tmp_path_factory.mktemp("production")
    models = root / "models"
    models.mkdir()
    shutil.copy2(trained.model, models / trained.model.name)
    settings = settings_from(
        {
            "DATABASE_URL": url,
            "LOCK_STORE_URL": "redis://127.0.0.1:6379/3",
            "VAR_DIR": str(root),
            "RASA_PORT": str(port(16005)),
            "ACTION_PORT": str(port(16055)),
            "WEB_PORT": str(port(16080)),
            "RASA_TOKEN": "prod-test-token",
            "MODELS_DIR": str(models),
            "RASA_SERVERS": f"http://127.0.0.1:{port(16005)},http://127.0.0.1:{port(16006)}",
            "OFFICE_HOURS": "mon-sun 00:00-24:00",
            # Redis keeps per-IP counts across runs; the suite all comes from 127.0.0.1
            "LIMITS": TEST_IP_LIMITS,
        }
    )
    services = Services(settings=settings, model=models / trained.model.name, log_dir=root / "logs")
    try:
        services.start_actions()
        services.start_rasa("rasa-a", port(16005))
        services.start_rasa("rasa-b", port(16006))
        start_or_fail(services)
        yield settings, services, url
    finally:
        services.stop()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def web_servers() -> Iterator[Callable[[Settings, int, Path], str]]:
    """Start a console/web server process on a given port; all stopped at the end."""
    started: list[Services] = []

    def start(settings: Settings, port: int, log_dir: Path) -> str:
        services = Services(
            settings=dataclasses.replace(settings, web_port=port), model=Path(), log_dir=log_dir
        )
        services.start_web()
        started.append(services)
        start_or_fail(services)
        return services.settings.web_url

    try:
        yield start
    finally:
        for services in started:
            services.stop()
