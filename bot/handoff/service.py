"""The handoff workflow: queue, claim, hand back or close, notes, availability.

State lives in the database, so every process (action server, consoles)
sees the same queue and a restart loses nothing. A claim is one conditional
UPDATE: when two recruiters click at once, exactly one row changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.handoff.models import OPEN_STATUSES, Handoff, HandoffNote, Presence
from bot.staff.accounts import StaffUser

MAX_NOTE = 4000
DEFAULT_WAIT_MINUTES = 3


class HandoffNotFound(LookupError):
    pass


class HandoffAlreadyClaimed(Exception):
    """Someone else has it (or it was handed back meanwhile)."""

    def __init__(self, by: str | None, status: str) -> None:
        self.by = by
        self.status = status
        super().__init__(f"already {status}" + (f" by {by}" if by else ""))


class HandoffNotYours(PermissionError):
    pass


class BadNote(ValueError):
    pass


def load_routes(path: Path) -> dict[str, str]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    routes = data.get("routes") or {}
    if not isinstance(routes, Mapping):
        raise ValueError(f"{path}: 'routes' must map teams or topics to logins")
    return {str(k): str(v).strip().lower() for k, v in routes.items() if v}


def route(hints: Iterable[str], routes: Mapping[str, str]) -> str:
    """The login the conversation should go to, from its topics (most recent first)."""
    for hint in hints:
        if hint in routes:
            return routes[hint]
    return ""


def recruiters_online(*, session: Session, now: datetime, window: timedelta) -> list[StaffUser]:
    query = (
        select(StaffUser)
        .join(Presence, Presence.user_id == StaffUser.id)
        .where(Presence.last_seen_at >= now - window, StaffUser.role == "recruiter")
        .order_by(StaffUser.display_name)
    )
    return list(session.execute(query).scalars())


def touch_presence(*, session: Session, user_id: int) -> None:
    presence = session.get(Presence, user_id)
    if presence is None:
        session.add(Presence(user_id=user_id, last_seen_at=utcnow()))
    else:
        presence.last_seen_at = utcnow()


def leave(*, session: Session, user_id: int) -> None:
    """Signed out: no longer counted as available."""
    presence = session.get(Presence, user_id)
    if presence is not None:
        session.delete(presence)


def open_handoff(*, session: Session, conversation_id: str) -> Handoff | None:
    return (
        session.execute(
            select(Handoff)
            .where(Handoff.conversation_id == conversation_id, Handoff.status.in_(OPEN_STATUSES))
            .order_by(Handoff.id.desc())
        )
        .scalars()
        .first()
    )


def in_handoff(database_url: str, conversation_id: str) -> bool:
    """Whether a recruiter has, or is about to take, this conversation."""
    with transaction(database_url) as session:
        return open_handoff(session=session, conversation_id=conversation_id) is not None


def wait_minutes(*, session: Session) -> int:
    """A rough wait: the median time to claim over the last 20 claims, plus one per queued."""
    claimed = session.execute(
        select(Handoff.requested_at, Handoff.claimed_at)
        .where(Handoff.claimed_at.is_not(None))
        .order_by(Handoff.claimed_at.desc())
        .limit(20)
    ).all()
    waits = [(c - r).total_seconds() / 60 for r, c in claimed if c and r]
    base = median(waits) if waits else DEFAULT_WAIT_MINUTES
    queued = session.execute(select(Handoff.id).where(Handoff.status == "queued")).all()
    return max(1, round(base + len(queued)))


@dataclass(frozen=True)
class Queued:
    handoff: Handoff
    recruiter: str | None  # display name of the routed recruiter, when online
    wait_minutes: int
    created: bool  # False when the conversation was already waiting or taken


def request_handoff(
    *,
    session: Session,
    conversation_id: str,
    reason: str,
    language: str,
    hints: list[str],
    summary: dict,
    routes: Mapping[str, str],
    online: list[StaffUser],
) -> Queued:
    """Queue the conversation (or return its open handoff, asking twice changes nothing)."""
    existing = open_handoff(session=session, conversation_id=conversation_id)
    wait = wait_minutes(session=session)
    if existing is not None:
        return Queued(existing, _name(session, existing.routed_to), wait, created=False)
    login = route(hints, routes)
    by_login = {u.login: u for u in online}
    routed = by_login.get(login)
    now = utcnow()
    handoff = Handoff(
        conversation_id=conversation_id,
        status="queued",
        reason=reason,
        language=language,
        topic=hints[0] if hints else "",
        routed_to=routed.login if routed else "",
        summary=summary,
        requested_at=now,
        updated_at=now,
    )
    session.add(handoff)
    session.flush()
    return Queued(handoff, routed.display_name if routed else None, wait, created=True)


def _name(session: Session, login: str) -> str | None:
    if not login:
        return None
    return session.execute(
        select(StaffUser.display_name).where(StaffUser.login == login)
    ).scalar_one_or_none()


def claim(*, session: Session, handoff_id: int, user: StaffUser) -> Handoff:
    """Take a queued conversation; HandoffAlreadyClaimed if someone was faster."""
    now = utcnow()
    changed = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff_id, Handoff.status == "queued")
        .values(status="claimed", claimed_by=user.id, claimed_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise HandoffNotFound(handoff_id)
    session.refresh(handoff)
    if not changed:
        holder = session.get(StaffUser, handoff.claimed_by) if handoff.claimed_by else None
        raise HandoffAlreadyClaimed(holder.display_name if holder else None, handoff.status)
    return handoff


def claimed_handoff(*, session: Session, handoff_id: int, user: StaffUser) -> Handoff:
    """A handoff this recruiter holds (to write in, hand back or close)."""
    handoff = session.get(Handoff, handoff_id)
    if handoff is None:
        raise HandoffNotFound(handoff_id)
    if handoff.status != "claimed" or handoff.claimed_by != user.id:
        raise HandoffNotYours(handoff_id)
    return handoff


def finish(*, session: Session, handoff_id: int, user: StaffUser, status: str) -> Handoff:
    """Hand the conversation back to the assistant (`returned`) or close it (`closed`)."""
    if status not in ("returned", "closed"):
        raise ValueError(status)
    handoff = claimed_handoff(session=session, handoff_id=handoff_id, user=user)
    now = utcnow()
    handoff.status, handoff.ended_at, handoff.updated_at = status, now, now
    session.flush()
    return handoff


def expire_unclaimed(*, session: Session, older_than: datetime) -> list[Handoff]:
    """Queued handoffs nobody claimed in time become callback offers (each exactly once)."""
    stale = (
        session.execute(
            select(Handoff.id).where(Handoff.status == "queued", Handoff.requested_at < older_than)
        )
        .scalars()
        .all()
    )
    expired = []
    for handoff_id in stale:
        changed = session.execute(
            update(Handoff)
            .where(Handoff.id == handoff_id, Handoff.status == "queued")
            .values(status="callback", ended_at=utcnow(), updated_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        if changed:
            handoff = session.get(Handoff, handoff_id)
            assert handoff is not None
            session.refresh(handoff)
            expired.append(handoff)
    return expired


def add_note(
    *, session: Session, conversation_id: str, user: StaffUser, text: object
) -> HandoffNote:
    if not isinstance(text, str) or not text.strip():
        raise BadNote("a note needs some text")
    if len(text) > MAX_NOTE:
        raise BadNote(f"a note is at most {MAX_NOTE} characters")
    note = HandoffNote(
        conversation_id=conversation_id,
        author_id=user.id,
        author_name=user.display_name,
        text=text.strip(),
        created_at=utcnow(),
    )
    session.add(note)
    session.flush()
    return note


def notes(*, session: Session, conversation_id: str) -> list[HandoffNote]:
    return list(
        session.execute(
            select(HandoffNote)
            .where(HandoffNote.conversation_id == conversation_id)
            .order_by(HandoffNote.id)
        ).scalars()
    )


def active(*, session: Session) -> list[Handoff]:
    """Waiting and claimed conversations, oldest first."""
    return list(
        session.execute(
            select(Handoff).where(Handoff.status.in_(OPEN_STATUSES)).order_by(Handoff.requested_at)
        ).scalars()
    )


def search(
    *,
    session: Session,
    conversation_ids: Iterable[str] | None = None,
    language: str | None = None,
    status: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 100,
) -> list[Handoff]:
    query = select(Handoff).order_by(Handoff.requested_at.desc()).limit(limit)
    if conversation_ids is not None:
        query = query.where(Handoff.conversation_id.in_(list(conversation_ids)))
    if language:
        query = query.where(Handoff.language == language)
    if status:
        query = query.where(Handoff.status == status)
    if since:
        query = query.where(Handoff.requested_at >= since)
    if until:
        query = query.where(Handoff.requested_at < until)
    return list(session.execute(query).scalars())
