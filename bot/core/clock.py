"""The one clock: naive UTC datetimes, as every table stores them."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    """Now in UTC, without tzinfo (the database columns are naive UTC)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)
