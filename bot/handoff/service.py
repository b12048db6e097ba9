"""The handoff workflow: queue, claim, hand back or close, notes, availability.

State lives in the database, so every process (action server, consoles)
sees the same queue and a restart loses nothing. A claim is one conditional
UPDATE: when two recruiters click at once, exactly one row changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import yaml
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.applications.models import Application
from bot.core import replies, texts
from bot.core.clock import utcnow
from bot.handoff.models import OPEN_STATUSES, CallbackRequest, Handoff, HandoffNote, Presence
from bot.staff.accounts import StaffUser

MAX_NOTE = 4000
MAX_MESSAGE_CHARS = 2000
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


class BadMessage(ValueError):
    """A recruiter's message that cannot be sent (empty)."""


class MessageTooLong(BadMessage):
    """A recruiter's message over MAX_MESSAGE_CHARS."""


@dataclass(frozen=True)
class Notice:
    """A message for the candidate's chat; `resume` gives the conversation back to the bot."""

    conversation_id: str
    text: str
    custom: dict[str, Any] | None = None
    recruiter: str | None = None  # display name, when a recruiter writes it
    resume: bool = False


@dataclass(frozen=True)
class Listed:
    """A handoff as the console lists it, with the display name of who claimed it."""

    handoff: Handoff
    claimed_by: str | None


@dataclass(frozen=True)
class ConversationRecord:
    """What the console shows of one conversation besides its transcript."""

    handoffs: list[Listed]
    notes: list[HandoffNote]


@dataclass(frozen=True)
class HandoffFilters:
    """The console's search: conversations (None: any), language, status, date range."""

    conversation_ids: list[str] | None = None
    language: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class QueueState:
    """The conversations recruiters hold or may take, and when the queue last changed."""

    open_conversations: set[str]
    changed_at: datetime | None


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


def in_handoff(*, session: Session, conversation_id: str) -> bool:
    """Whether a recruiter has, or is about to take, this conversation."""
    return open_handoff(session=session, conversation_id=conversation_id) is not None


@dataclass(frozen=True)
class Waiting:
    """A conversation's open handoff as the candidate sees it."""

    handoff_id: int
    status: str  # "queued" or "claimed"
    recruiter: str | None  # who will join (routed) or who joined (claimed), display name


def waiting(*, session: Session, conversation_id: str) -> Waiting | None:
    handoff = open_handoff(session=session, conversation_id=conversation_id)
    if handoff is None:
        return None
    if handoff.status == "claimed" and handoff.claimed_by is not None:
        user = session.get(StaffUser, handoff.claimed_by)
        name = user.display_name if user is not None else None
    else:
        name = _name(session, handoff.routed_to)
    return Waiting(handoff.id, handoff.status, name)


def cancel_request(*, session: Session, conversation_id: str) -> Handoff | None:
    """The candidate withdraws a request nobody has taken yet: one conditional UPDATE, so a
    recruiter claiming it at the same instant keeps it (then None)."""
    handoff = open_handoff(session=session, conversation_id=conversation_id)
    if handoff is None or handoff.status != "queued":
        return None
    now = utcnow()
    changed = session.execute(
        update(Handoff)
        .where(Handoff.id == handoff.id, Handoff.status == "queued")
        .values(status="cancelled", ended_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not changed:
        return None
    session.refresh(handoff)
    return handoff


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


def recruiter_message(
    *, session: Session, handoff_id: int, user: StaffUser, text: object
) -> Notice:
    """What a recruiter writes to the candidate of a conversation they hold."""
    message = _written(
        text,
        MAX_MESSAGE_CHARS,
        BadMessage("the message is empty"),
        MessageTooLong(f"the message is longer than {MAX_MESSAGE_CHARS} characters"),
    )
    handoff = claimed_handoff(session=session, handoff_id=handoff_id, user=user)
    return Notice(handoff.conversation_id, message, recruiter=user.display_name)


def _written(text: object, most: int, empty: ValueError, too_long: ValueError) -> str:
    """Text someone typed, stripped; `empty` or `too_long` raised when it cannot be used."""
    if not isinstance(text, str) or not text.strip():
        raise empty
    if len(text) > most:
        raise too_long
    return text.strip()


def claimed_notice(handoff: Handoff, recruiter: str) -> Notice:
    """Tells the candidate who joined."""
    return Notice(
        handoff.conversation_id,
        texts.text("claimed", handoff.language, name=recruiter),
        replies.handoff_claimed(recruiter),
    )


def ended_notice(handoff: Handoff, status: replies.EndStatus, recruiter: str) -> Notice:
    """Tells the candidate the recruiter left; the notice and the resume travel together,
    so the assistant is back at once."""
    return Notice(
        handoff.conversation_id,
        texts.text(status, handoff.language, name=recruiter),
        replies.handoff_ended(status, recruiter),
        resume=True,
    )


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


def _last_asked(handoff: Handoff) -> str | None:
    """The last question of the handoff's summary (the e-mail form starts from it)."""
    asked = (handoff.summary or {}).get("asked") or []
    return str(asked[-1]) if asked else None


def expire_overdue(*, session: Session, claim_timeout: timedelta) -> list[Notice]:
    """Handoffs unclaimed for `claim_timeout`: an apology and the callback offer for each,
    and the assistant resumes."""
    expired = expire_unclaimed(session=session, older_than=utcnow() - claim_timeout)
    return [
        Notice(
            h.conversation_id,
            texts.text("timeout", h.language),
            replies.handoff_offered("timeout", _last_asked(h)),
            resume=True,
        )
        for h in expired
    ]


def add_note(
    *, session: Session, conversation_id: str, user: StaffUser, text: object
) -> HandoffNote:
    written = _written(
        text,
        MAX_NOTE,
        BadNote("a note needs some text"),
        BadNote(f"a note is at most {MAX_NOTE} characters"),
    )
    note = HandoffNote(
        conversation_id=conversation_id,
        author_id=user.id,
        author_name=user.display_name,
        text=written,
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


def queue_for(*, session: Session, user_id: int) -> list[Listed]:
    """The waiting and claimed conversations; looking at them counts as being present."""
    touch_presence(session=session, user_id=user_id)
    return _with_claimants(session, active(session=session))


def find_handoffs(*, session: Session, filters: HandoffFilters) -> list[Listed]:
    """Past and current handoffs matching the console's search filters, newest first."""
    return _with_claimants(session, search(session=session, **asdict(filters)))


def conversation_record(*, session: Session, conversation_id: str) -> ConversationRecord:
    """The conversation's handoffs (the last 20) and notes; HandoffNotFound if never handed off."""
    handoffs = search(session=session, conversation_ids=[conversation_id], limit=20)
    if not handoffs:
        raise HandoffNotFound(conversation_id)
    return ConversationRecord(
        _with_claimants(session, handoffs), notes(session=session, conversation_id=conversation_id)
    )


def queue_state(*, session: Session) -> QueueState:
    """Open conversations, and the last change to any handoff, callback request or
    application."""
    open_ids = set(
        session.execute(
            select(Handoff.conversation_id).where(Handoff.status.in_(OPEN_STATUSES))
        ).scalars()
    )
    changes = [
        session.execute(
            select(model.updated_at).order_by(model.updated_at.desc()).limit(1)
        ).scalar()
        for model in (Handoff, CallbackRequest, Application)
    ]
    known = [c for c in changes if c is not None]
    return QueueState(open_ids, max(known) if known else None)


def _with_claimants(session: Session, handoffs: list[Handoff]) -> list[Listed]:
    names = dict(session.execute(select(StaffUser.id, StaffUser.display_name)).all())
    return [Listed(h, names.get(h.claimed_by or 0)) for h in handoffs]
