"""Data for the handoff tests: staff accounts and queued conversations in a real database."""

from __future__ import annotations

from bot.core.db import transaction
from bot.handoff.service import request_handoff
from bot.staff.accounts import StaffUser, add_user

PASSWORD = "a-long-password"
STAFF = (
    ("camille", "Camille Roux", "recruiter"),
    ("malik", "Malik Benali", "recruiter"),
    ("hr1", "Hélène RH", "hr"),
)


def add_staff(db_url: str, password: str = PASSWORD) -> dict[str, int]:
    """Two recruiters and one HR editor; their ids by login."""
    with transaction(db_url) as session:
        return {
            login: add_user(
                session=session, login=login, display_name=name, role=role, password=password
            ).id
            for login, name, role in STAFF
        }


def users(session, staff: dict[str, int]) -> dict[str, StaffUser]:
    return {login: session.get(StaffUser, i) for login, i in staff.items()}


def queue(db_url: str, staff: dict[str, int], conversation="c1", hints=("platform",)):
    """Queue a conversation (platform questions go to Camille); its handoff id and recruiter."""
    with transaction(db_url) as session:
        online = list(users(session, staff).values())
        queued = request_handoff(
            session=session,
            conversation_id=conversation,
            reason="request_human",
            language="fr",
            hints=list(hints),
            summary={"asked": ["q"]},
            routes={"platform": "camille"},
            online=online,
        )
        return queued.handoff.id, queued.recruiter
