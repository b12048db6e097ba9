"""Migration 0008: the registration tables go up and down, match the models, and their
partial unique indexes hold on both databases."""

from __future__ import annotations

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import bot.events.models  # noqa: F401  (registers the tables in the metadata compared)
from bot.core.db import Base
from bot.ops.schema import alembic_config, upgrade

TABLES = {"event_settings", "registration", "panel_question", "panel_vote", "event_alert"}


def _differences(url: str) -> list:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    return [d for d in found if any(f"'{name}'" in repr(d) for name in TABLES)]


def up_and_down(url: str) -> None:
    upgrade(url)
    assert _differences(url) == []
    engine = create_engine(url)
    assert TABLES <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(url), "0007")
    assert not TABLES & set(inspect(engine).get_table_names())
    assert "booking" in set(inspect(engine).get_table_names())
    upgrade(url)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_the_registrations_migration_goes_up_and_down_on_sqlite(tmp_path):
    up_and_down(f"sqlite:///{tmp_path / 'test.db'}")


@pytest.mark.postgres
def test_the_registrations_migration_goes_up_and_down_on_postgresql(pg_url):
    up_and_down(pg_url)
