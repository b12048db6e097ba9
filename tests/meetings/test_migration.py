"""Migration 0006: the coffee tables go up and down, match the models, and their indexes
refuse a double booking, a seat over the cap and a second upcoming coffee on both databases."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect
from sqlalchemy.exc import IntegrityError

from bot.core.db import Base, transaction
from bot.meetings.models import Ambassador, Booking
from bot.ops.schema import alembic_config, upgrade

TABLES = {"ambassador", "ambassador_pause", "booking"}


def test_the_meetings_migration_goes_up_and_down(tmp_path):
    url = f"sqlite:///{tmp_path / 'test.db'}"
    upgrade(url)
    engine = create_engine(url)
    assert TABLES <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(url), "0005")
    assert not TABLES & set(inspect(engine).get_table_names())
    assert {"event", "job_position"} <= set(inspect(engine).get_table_names())
    upgrade(url)
    assert TABLES <= set(inspect(engine).get_table_names())
    engine.dispose()


def _differences(url: str) -> list:
    """Alembic's differences between the database and the models, for the coffee tables."""
    engine = create_engine(url)
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    engine.dispose()
    return [d for d in found if any(name in repr(d) for name in TABLES)]


def test_the_migrated_tables_match_the_models(db_url):
    assert _differences(db_url) == []


def _booking(ident: int, **values) -> Booking:
    data = {
        "public_id": f"p{ident}",
        "ambassador_id": "lea",
        "start_utc": dt.datetime(2026, 12, 1, 9, 0),
        "end_utc": dt.datetime(2026, 12, 1, 9, 30),
        "week_start": dt.date(2026, 11, 30),
        "seat": 1,
        "status": "confirmed",
        "conversation_id": f"c{ident}",
        "candidate_name": "Camille",
        "candidate_email": f"c{ident}@example.org",
        "upcoming_email": f"c{ident}@example.org",
        "note": "",
        "language": "fr",
        "consent_text": "",
        "sequence": 0,
        **values,
    }
    return Booking(**data)


def refused(url: str, booking: Booking) -> bool:
    try:
        with transaction(url) as session:
            session.add(booking)
    except IntegrityError:
        return True
    return False


def indexes_hold(url: str) -> None:
    with transaction(url) as session:
        session.add(
            Ambassador(id="lea", name="Léa Moreau", role="Staff Engineer", team="platform",
                       languages=["fr"], topics=[], windows=[], cap=2, bio_fr="", bio_en="",
                       consent="", email=None, active=True)
        )  # fmt: skip
        session.flush()
        session.add(_booking(1))
    later = {"start_utc": dt.datetime(2026, 12, 1, 9, 30), "end_utc": dt.datetime(2026, 12, 1, 10)}
    assert refused(url, _booking(2, seat=2))  # the same slot
    assert refused(url, _booking(3, seat=1, **later))  # the same seat of the week
    assert refused(url, _booking(4, seat=2, upcoming_email="c1@example.org", **later))
    assert not refused(url, _booking(5, seat=2, **later))
    # cancelled bookings hold nothing
    assert not refused(url, _booking(6, status="cancelled", upcoming_email=None))
    assert not refused(url, _booking(7, status="declined", upcoming_email=None, seat=2))


def test_the_indexes_refuse_what_breaks_the_rules_on_sqlite(db_url):
    indexes_hold(db_url)


@pytest.mark.postgres
def test_the_migration_and_its_indexes_on_postgresql(pg_url):
    upgrade(pg_url)
    assert _differences(pg_url) == []
    indexes_hold(pg_url)
    command.downgrade(alembic_config(pg_url), "0005")
    engine = create_engine(pg_url)
    assert not TABLES & set(inspect(engine).get_table_names())
    engine.dispose()
