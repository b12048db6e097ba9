"""Backing up and restoring everything the assistant keeps: the database, Rasa's
conversations (its tracker store) and the uploaded files (CVs).

A backup is one `.tar.gz` (mode 600: it holds candidates' data and staff password
hashes) with `manifest.json` (format, time, schema revision, rows per table, files),
one JSON-lines file per table, and the uploads folder. Rows are written portably
(dates, times and JSON values tagged), so a backup of the embedded SQLite database
restores into PostgreSQL and back.

Restoring brings the target database to the backup's schema revision (the code's:
an older backup is refused, migrate it first by restoring with the code it was taken
with), refuses a database that already holds data unless told to replace it, inserts
the rows in foreign-key order, moves PostgreSQL's id sequences past the restored
ids, and puts the files back. Models are not in a backup: they are rebuilt from the
knowledge base (`python -m bot model train`), and secrets (RASA_TOKEN, link secrets
under VAR_DIR) stay with the deployment.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import os
import shutil
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData, Table, delete, func, insert, select, text
from sqlalchemy.engine import Engine

from bot.core.db import Base, make_engine
from bot.core.settings import Settings
from bot.core.tracker_store import EVENTS, has_events_table, tracker_engine
from bot.ops.schema import alembic_config, upgrade

FORMAT = 1
CHUNK = 1000
UPLOADS = "uploads"


class RestoreRefused(RuntimeError):
    """The backup cannot be restored here; the message says why and what to do."""


@dataclass
class Manifest:
    format: int
    created_at: str
    revision: str | None
    tables: dict[str, int] = field(default_factory=dict)
    tracker_events: int = 0
    files: int = 0


def _models() -> MetaData:
    """Every table of the assistant (the same models the migrations know)."""
    import bot.ops.tables  # noqa: F401  (registers every table)

    return Base.metadata


def _revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _head(database_url: str) -> str | None:
    return ScriptDirectory.from_config(alembic_config(database_url)).get_current_head()


def _encode(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, (bytes, memoryview)):
        return {"$bytes": base64.b64encode(bytes(value)).decode()}
    if isinstance(value, (dict, list)):
        return {"$json": value}
    return value


def _decode(value: Any) -> Any:
    if not isinstance(value, dict) or len(value) != 1:
        return value
    ((tag, raw),) = value.items()
    readers = {
        "$datetime": dt.datetime.fromisoformat,
        "$date": dt.date.fromisoformat,
        "$time": dt.time.fromisoformat,
        "$decimal": Decimal,
        "$bytes": base64.b64decode,
        "$json": lambda kept: kept,
    }
    return readers[tag](raw) if tag in readers else value


def _rows(engine: Engine, table: Table) -> Iterator[bytes]:
    with engine.connect() as connection:
        ordering = [c for c in table.primary_key.columns] or list(table.columns)
        result = connection.execution_options(stream_results=True).execute(
            select(table).order_by(*ordering)
        )
        for row in result.mappings():
            line = {key: _encode(value) for key, value in row.items()}
            yield (json.dumps(line, ensure_ascii=False) + "\n").encode()


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), 0o600
    info.mtime = int(dt.datetime.now(dt.timezone.utc).timestamp())
    archive.addfile(info, io.BytesIO(data))


def backup(settings: Settings, destination: Path) -> Manifest:
    """Write a backup of everything to `destination` (a new .tar.gz, mode 600)."""
    metadata = _models()
    engine = make_engine(settings.database_url)
    manifest = Manifest(
        format=FORMAT,
        created_at=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        revision=_revision(engine),
    )
    destination.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(destination, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
        for table in metadata.sorted_tables:
            data = b"".join(_rows(engine, table))
            manifest.tables[table.name] = data.count(b"\n")
            _add_bytes(archive, f"tables/{table.name}.jsonl", data)
        tracker = tracker_engine(settings.tracker_store_url)
        if has_events_table(tracker):
            data = b"".join(_rows(tracker, EVENTS))
            manifest.tracker_events = data.count(b"\n")
            _add_bytes(archive, "tracker/events.jsonl", data)
        uploads = settings.var_dir / UPLOADS
        if uploads.is_dir():
            for path in sorted(uploads.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=f"{UPLOADS}/{path.relative_to(uploads)}")
                    manifest.files += 1
        _add_bytes(archive, "manifest.json", json.dumps(manifest.__dict__, indent=2).encode())
    engine.dispose()
    return manifest


def _read_manifest(archive: tarfile.TarFile) -> Manifest:
    member = archive.extractfile("manifest.json")
    if member is None:
        raise RestoreRefused("not a backup of this assistant: no manifest.json")
    data = json.loads(member.read())
    if data.get("format") != FORMAT:
        raise RestoreRefused(f"backup format {data.get('format')!r}, this code reads {FORMAT}")
    return Manifest(**data)


def _insert(engine: Engine, table: Table, lines: Iterator[bytes]) -> int:
    count, batch = 0, []
    with engine.begin() as connection:
        for line in lines:
            row = {key: _decode(value) for key, value in json.loads(line).items()}
            batch.append({k: v for k, v in row.items() if k in table.c})
            if len(batch) >= CHUNK:
                connection.execute(insert(table), batch)
                count, batch = count + len(batch), []
        if batch:
            connection.execute(insert(table), batch)
            count += len(batch)
    return count


def _reset_sequences(engine: Engine, tables: list[Table]) -> None:
    """PostgreSQL: the next id after the restored ones (SQLite needs nothing)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in tables:
            if "id" not in table.c or not table.c.id.autoincrement:
                continue
            sequence = connection.execute(
                text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
            ).scalar()
            if sequence:
                highest = connection.execute(select(func.max(table.c.id))).scalar()
                connection.execute(
                    text("SELECT setval(:sequence, :value, :called)"),
                    {"sequence": sequence, "value": highest or 1, "called": highest is not None},
                )


def _has_data(engine: Engine, tables: list[Table]) -> list[str]:
    with engine.connect() as connection:
        return [
            t.name
            for t in tables
            if t.name != "alembic_version"
            and connection.execute(select(func.count()).select_from(t)).scalar()
        ]


def restore(settings: Settings, source: Path, *, replace: bool = False) -> Manifest:
    """Put a backup back; RestoreRefused when it cannot (nothing changed then)."""
    metadata = _models()
    tables = list(metadata.sorted_tables)
    with tarfile.open(source, mode="r:gz") as archive:
        manifest = _read_manifest(archive)
        head = _head(settings.database_url)
        if manifest.revision != head:
            raise RestoreRefused(
                f"the backup's schema is revision {manifest.revision}, this code's is {head}: "
                "restore it with the version of the assistant that made it, then upgrade"
            )
        upgrade(settings.database_url)
        engine = make_engine(settings.database_url)
        tracker = tracker_engine(settings.tracker_store_url)
        full = _has_data(engine, tables)
        if full and not replace:
            raise RestoreRefused(
                f"the database already holds data ({', '.join(full[:5])}…): restore into an "
                "empty one, or pass --replace to delete what it holds first"
            )
        with engine.begin() as connection:
            for table in reversed(tables):
                connection.execute(delete(table))
        for table in tables:
            member = archive.extractfile(f"tables/{table.name}.jsonl")
            if member is not None:
                _insert(engine, table, iter(member.readline, b""))
        _reset_sequences(engine, tables)
        names = archive.getnames()
        if "tracker/events.jsonl" in names:
            EVENTS.metadata.create_all(tracker, tables=[EVENTS])
            with tracker.begin() as connection:
                connection.execute(delete(EVENTS))
            member = archive.extractfile("tracker/events.jsonl")
            if member is not None:
                _insert(tracker, EVENTS, iter(member.readline, b""))
            _reset_sequences(tracker, [EVENTS])
        uploads = settings.var_dir / UPLOADS
        if uploads.exists():
            shutil.rmtree(uploads)
        settings.var_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=settings.var_dir) as scratch:
            members = [
                m
                for m in archive.getmembers()
                if m.name.startswith(f"{UPLOADS}/")
                and m.isfile()
                and ".." not in Path(m.name).parts
            ]
            archive.extractall(scratch, members=members)  # noqa: S202 - checked above
            if (Path(scratch) / UPLOADS).exists():
                shutil.move(str(Path(scratch) / UPLOADS), uploads)
        if uploads.exists():
            os.chmod(uploads, 0o700)
            for path in uploads.rglob("*"):
                os.chmod(path, 0o700 if path.is_dir() else 0o600)
        engine.dispose()
        tracker.dispose()
    return manifest
