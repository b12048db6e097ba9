"""How fresh an article is: HR checked it within `REVIEW_MAX_DAYS` (default 180), or it
is stale. A stale article is still answered, with a caveat, and HR is asked to re-check it.
"""

from __future__ import annotations

from datetime import date

DEFAULT_REVIEW_MAX_DAYS = 180


def is_stale(
    reviewed_on: date | None, today: date, max_days: int = DEFAULT_REVIEW_MAX_DAYS
) -> bool:
    """Never reviewed, or reviewed more than `max_days` days before `today`."""
    return reviewed_on is None or (today - reviewed_on).days > max_days
