"""`python -m bot backup` and `restore`, run as an operator would: a round trip on
PostgreSQL (every table, Rasa's conversations and the uploaded CVs come back as they
were, and ids go on after the restored ones), SQLite into PostgreSQL, and refusals."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tarfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, insert, select, text

from bot.applications import files
from bot.applications.models import CvFile
from bot.applications.service import take_application
from bot.core import audit
from bot.core.clock import utcnow
from bot.core.db import session_factory, transaction
from bot.core.settings import PROJECT_ROOT
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.knowledge.files import load_directory
from bot.knowledge.service import import_docs
from bot.ops.schema import upgrade
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.applications.cvs import pdf
from tests.conftest import POSTGRES_ADMIN_URL, make_settings
from tests.security.attacks import digest

pytestmark = pytest.mark.postgres


@pytest.fixture
def target_pg() -> Iterator[str]:
    """A second fresh PostgreSQL database, dropped afterwards."""
    name = f"ardoise_restore_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        session_factory(url).kw["bind"].dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def cli(database_url: str, var_dir: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "VAR_DIR": str(var_dir)}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def seed(database_url: str, var_dir: Path) -> str:
    """A database with the knowledge base, records, an application with its CV, a journal
    entry and a conversation in Rasa's tracker store; the CV's stored name."""
    upgrade(database_url)
    settings = make_settings(var_dir.parent, database_url=database_url, VAR_DIR=str(var_dir))
    stored = files.store(settings, files.check_cv(pdf()))
    with transaction(database_url) as session:
        import_docs(session=session, docs=load_directory(settings.knowledge_dir), author="seed")
        prepare_records(session=session, today=local_today("Europe/Paris"))
        session.add(CvFile(token="tok", stored_as=stored, kind="pdf", size=5, created_at=utcnow()))
        session.flush()
        take_application(
            session=session,
            data={
                "job": "sre",
                "first_name": "Léa",
                "last_name": "Martin",
                "email": "lea@example.org",
                "cv": "tok",
                "message": "Multi\nligne « é » 😀",
                "consent": True,
            },
            conversation_id="c1",
            language="fr",
            consent_text="J'accepte",
            now=utcnow(),
        )
        audit.record(session=session, actor="Hélène", action="test.seeded", detail={"a": [1]})
    engine = tracker_engine(database_url)
    EVENTS.metadata.create_all(engine, tables=[EVENTS])
    with engine.begin() as connection:
        connection.execute(
            insert(EVENTS).values(
                sender_id="c1",
                type_name="user",
                timestamp=1.5,
                data=json.dumps({"text": "Bonjour"}),
            )
        )
    engine.dispose()
    return stored


def test_a_round_trip_on_postgresql_gives_everything_back(pg_url, target_pg, tmp_path):
    stored = seed(pg_url, tmp_path / "var")
    archive = tmp_path / "backup.tar.gz"
    made = cli(pg_url, tmp_path / "var", "backup", "--output", str(archive))
    assert made.returncode == 0, made.stderr
    assert "keep it private" in made.stdout
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    with tarfile.open(archive) as opened:
        manifest = json.loads(opened.extractfile("manifest.json").read())
    assert manifest["tables"]["application"] == 1 and manifest["tracker_events"] == 1
    assert manifest["files"] == 1 and manifest["revision"]

    restored = cli(target_pg, tmp_path / "var2", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    assert digest(target_pg) == digest(pg_url)
    copy = tmp_path / "var2" / "uploads" / "cv" / stored
    assert copy.read_bytes() == (tmp_path / "var" / "uploads" / "cv" / stored).read_bytes()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    # new rows get new ids: the sequences went past the restored ones
    with transaction(target_pg) as session:
        before = session.execute(select(func.max(audit.AuditEntry.id))).scalar()
        added = audit.record(session=session, actor="x", action="after.restore")
        assert added.id > before
    # a second restore into a database that holds data is refused, unless replacing
    again = cli(target_pg, tmp_path / "var2", "restore", str(archive))
    assert again.returncode == 1 and "already holds data" in again.stderr
    replaced = cli(target_pg, tmp_path / "var2", "restore", str(archive), "--replace")
    assert replaced.returncode == 0, replaced.stderr
    assert digest(target_pg) == digest(pg_url)


def test_a_sqlite_backup_restores_into_postgresql(target_pg, tmp_path):
    source = f"sqlite:///{tmp_path / 'app.db'}"
    seed(source, tmp_path / "var")
    archive = tmp_path / "lite.tar.gz"
    assert cli(source, tmp_path / "var", "backup", "--output", str(archive)).returncode == 0
    restored = cli(target_pg, tmp_path / "var2", "restore", str(archive))
    assert restored.returncode == 0, restored.stderr
    for url in (source, target_pg):
        with session_factory(url)() as session:
            counts = [
                session.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in ("kb_article", "application", "cv_file", "audit_log", "events")
            ]
        assert counts[1:3] == [1, 1] and counts[0] > 50 and counts[4] == 1, url
    with session_factory(target_pg)() as session:
        message = session.execute(text("SELECT message FROM application")).scalar()
    assert message == "Multi\nligne « é » 😀"


def test_what_is_not_a_backup_is_refused_and_changes_nothing(target_pg, tmp_path):
    fake = tmp_path / "fake.tar.gz"
    with tarfile.open(fake, "w:gz") as archive:
        data = json.dumps({"format": 1, "created_at": "x", "revision": "0001"}).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        import io

        archive.addfile(info, io.BytesIO(data))
    refused = cli(target_pg, tmp_path / "var", "restore", str(fake))
    assert refused.returncode == 1 and "revision 0001" in refused.stderr
    missing = cli(target_pg, tmp_path / "var", "restore", str(tmp_path / "none.tar.gz"))
    assert missing.returncode == 1 and "no backup" in missing.stderr
