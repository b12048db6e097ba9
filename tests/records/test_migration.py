from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, inspect

from bot.ops.schema import alembic_config, upgrade


def test_the_records_migration_goes_up_and_down(tmp_path):
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    engine = create_engine(url)
    assert {"event", "job_position"} <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(url), "0004")
    assert not {"event", "job_position"} & set(inspect(engine).get_table_names())
    upgrade(url)
    assert {"event", "job_position"} <= set(inspect(engine).get_table_names())
    engine.dispose()
