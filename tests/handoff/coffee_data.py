"""Team coffees in a real database for the console's tests (routes, browser, security):
bookings written as rows at any time, past ones included (book() only takes future
slots), with the default ambassadors as hosts."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.meetings.defaults import load_defaults, seed_ambassadors
from bot.meetings.models import Ambassador, Booking
from bot.meetings.slots import week_start

OFFICE = "Europe/Paris"
HOSTILE_NOTE = "<img src=x onerror=\"window.__xss=1;alert('xss')\"> Le télétravail ?"


def seed_hosts(url: str) -> None:
    """The default ambassadors (Léa, Thomas, …), once."""
    with transaction(url) as session:
        if session.get(Ambassador, "lea") is None:
            seed_ambassadors(session=session, defaults=load_defaults())


def add_coffee(url: str, *, hours_from_now: float, **values: Any) -> str:
    """One booking starting `hours_from_now` (negative: past), confirmed with Léa unless
    told otherwise; its public id."""
    seed_hosts(url)
    start = (utcnow() + dt.timedelta(hours=hours_from_now)).replace(second=0, microsecond=0)
    status = values.pop("status", "confirmed")
    public_id = values.pop("public_id", secrets.token_urlsafe(16))
    row: dict[str, Any] = {
        "public_id": public_id,
        "ambassador_id": "lea",
        "start_utc": start,
        "end_utc": start + dt.timedelta(minutes=30),
        "week_start": week_start(start, OFFICE),
        "seat": secrets.randbelow(10**9) + 100,  # never meets the unique seat index
        "status": status,
        "conversation_id": f"conv-{public_id[:8]}",
        "candidate_name": "Camille Durand",
        "candidate_email": "camille@example.org",
        "upcoming_email": None,
        "note": "",
        "language": "fr",
        "consent_text": "ok",
        "sequence": 0,
        "created_at": utcnow(),
        "updated_at": utcnow(),
        "cancelled_at": utcnow() if status != "confirmed" else None,
        **values,
    }
    with transaction(url) as session:
        session.add(Booking(**row))
    return public_id
