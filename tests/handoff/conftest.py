"""Fixtures of the handoff tests."""

from __future__ import annotations

import pytest

from tests.handoff.factories import add_staff


@pytest.fixture
def staff(db_url: str) -> dict[str, int]:
    """Two recruiters and one HR editor in the test's database; their ids by login."""
    return add_staff(db_url)
