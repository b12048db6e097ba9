"""Fixtures for the HR records: a migrated database holding the knowledge base and the
default records, seeded as of a fixed Thursday."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.db import transaction
from bot.records.defaults import load_defaults, seed_defaults

# A Thursday: a team-coffee day, the month's first Thursday and last Wednesday are past.
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def records_url(kb_url: str) -> str:
    with transaction(kb_url) as session:
        seed_defaults(session=session, today=TODAY, defaults=load_defaults())
    return kb_url
