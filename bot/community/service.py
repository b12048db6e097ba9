"""The talent community's rules: signing up (double opt-in), confirming, renewing,
leaving, the positions that fit a member, HR's counts, expiry and erasure.

A sign-up is checked field by field (each refusal names the field and a code,
bot.core.community_texts words it) and kept pending: nothing makes it a member but
the confirmation link of its e-mail, and a pending sign-up goes after PENDING_DAYS.
Confirming makes it the address's only membership, for MEMBERSHIP_MONTHS; the renewal
link extends it. A position HR opens is matched against every member's wishes with the
job search's rules (bot.candidate.jobs.fits) and waits in a notice until the member's
next e-mail, which goes at most once every MAIL_INTERVAL (bot.community.mail).
"""

from __future__ import annotations

import calendar
import datetime as dt
import secrets
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.candidate.jobs import JobWish, fits
from bot.community.models import CommunityMember, CommunityNotice
from bot.core.audit import record
from bot.core.community_texts import COMMUNITY_CITIES, MEMBERSHIP_MONTHS, WORK_LANGUAGES
from bot.core.job_texts import JOB_LEVELS, JOB_TEAM_WORDS
from bot.meetings.booking import BadBooking, check_email
from bot.records.models import JobPosition

__all__ = [
    "CITIES",
    "MAIL_INTERVAL",
    "PENDING_DAYS",
    "CommunityError",
    "Reached",
    "community_counts",
    "community_rows",
    "confirm",
    "erase_conversation_members",
    "erase_members_of",
    "leave",
    "matching_members",
    "member_by_public_id",
    "membership_end",
    "note_opened_position",
    "purge_community",
    "renew",
    "sign_up",
    "wish_of",
    "write_to_members",
]

PENDING_DAYS = 7
MAX_PENDING_PER_ADDRESS = 3
MAIL_INTERVAL = dt.timedelta(days=7)
CITIES = COMMUNITY_CITIES
MAX_SUBJECT = 150
MAX_TEXT = 5000


class CommunityError(ValueError):
    """A sign-up that cannot be kept: `field` names the input at fault, `code` why."""

    def __init__(self, field: str, code: str) -> None:
        super().__init__(f"{field}: {code}")
        self.field = field
        self.code = code


def _names(value: Any, field: str, known: Iterable[str], most: int) -> list[str]:
    """A list of names from `known` (a single name is taken as a list of one)."""
    if value is None or value == "":
        return []
    values = [value] if isinstance(value, str) else value
    allowed = list(known)
    if not isinstance(values, list) or len(values) > most:
        raise CommunityError(field, f"{field}_invalid")
    kept: list[str] = []
    for name in values:
        if not isinstance(name, str) or name not in allowed:
            raise CommunityError(field, f"{field}_invalid")
        if name not in kept:
            kept.append(name)
    return kept


def _remote(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, bool):
        raise CommunityError("remote", "remote_invalid")
    return value


def _level(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or value not in JOB_LEVELS["en"]:
        raise CommunityError("level", "level_invalid")
    return value


def membership_end(start: dt.datetime) -> dt.datetime:
    """MEMBERSHIP_MONTHS after `start` (the same day of the month, or its last day)."""
    month = start.month - 1 + MEMBERSHIP_MONTHS
    year, month = start.year + month // 12, month % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return start.replace(year=year, month=month, day=day)


def sign_up(
    *,
    session: Session,
    data: Mapping[str, Any],
    conversation_id: str,
    language: str,
    consent_text: str,
    now: dt.datetime,
) -> CommunityMember:
    """Check every field, then keep the sign-up pending its e-mail's confirmation."""
    try:
        email = check_email(data.get("email"))
    except BadBooking:
        raise CommunityError("email", "email_invalid") from None
    teams = _names(data.get("teams"), "teams", JOB_TEAM_WORDS, len(JOB_TEAM_WORDS))
    locations = _names(data.get("locations"), "locations", CITIES, len(CITIES))
    remote = _remote(data.get("remote"))
    level = _level(data.get("level"))
    languages = _names(data.get("languages"), "languages", WORK_LANGUAGES["en"], 2)
    if data.get("consent") is not True:
        raise CommunityError("consent", "consent_missing")
    key = email.lower()
    waiting = session.execute(
        select(func.count())
        .select_from(CommunityMember)
        .where(
            CommunityMember.email_key == key,
            CommunityMember.confirmed_at.is_(None),
            CommunityMember.created_at >= now - dt.timedelta(days=1),
        )
    ).scalar_one()
    if waiting >= MAX_PENDING_PER_ADDRESS:
        raise CommunityError("email", "too_many_signups")
    member = CommunityMember(
        public_id=secrets.token_urlsafe(16),
        email=email,
        email_key=key,
        teams=teams,
        locations=locations,
        remote=remote,
        level=level,
        languages=languages,
        language=language,
        consent_text=consent_text,
        consented_at=now,
        conversation_id=conversation_id[:255],
        created_at=now,
    )
    session.add(member)
    session.flush()
    return member


def member_by_public_id(*, session: Session, public_id: str) -> CommunityMember | None:
    return session.execute(
        select(CommunityMember).where(CommunityMember.public_id == public_id)
    ).scalar_one_or_none()


def _alive(member: CommunityMember | None, now: dt.datetime) -> CommunityMember | None:
    """The member, unless it expired (or, pending, is too old to be confirmed)."""
    if member is None:
        return None
    if member.confirmed_at is None:
        fresh = member.created_at >= now - dt.timedelta(days=PENDING_DAYS)
        return member if fresh else None
    return member if member.expires_at is not None and member.expires_at > now else None


def confirm(*, session: Session, public_id: str, now: dt.datetime) -> CommunityMember | None:
    """Make a pending sign-up the address's membership (replacing any other); None when
    it is gone. Confirming twice changes nothing."""
    member = _alive(member_by_public_id(session=session, public_id=public_id), now)
    if member is None or member.confirmed_at is not None:
        return member
    session.execute(
        delete(CommunityMember).where(
            CommunityMember.email_key == member.email_key, CommunityMember.id != member.id
        )
    )
    member.confirmed_at = now
    member.expires_at = membership_end(now)
    return member


def renew(*, session: Session, public_id: str, now: dt.datetime) -> CommunityMember | None:
    """Another MEMBERSHIP_MONTHS from today, for a confirmed member; None when gone."""
    member = _alive(member_by_public_id(session=session, public_id=public_id), now)
    if member is None or member.confirmed_at is None:
        return None
    member.expires_at = membership_end(now)
    member.renewal_sent_at = None
    return member


def leave(*, session: Session, public_id: str) -> int:
    """Unsubscribe: every sign-up of the link's address goes (with its notices)."""
    member = member_by_public_id(session=session, public_id=public_id)
    return 0 if member is None else erase_members_of(session=session, email=member.email)


def _delete(session: Session, where: Any) -> int:
    ids = list(session.execute(select(CommunityMember.id).where(where)).scalars())
    if not ids:
        return 0
    session.execute(delete(CommunityNotice).where(CommunityNotice.member_id.in_(ids)))
    session.execute(delete(CommunityMember).where(CommunityMember.id.in_(ids)))
    return len(ids)


def erase_members_of(*, session: Session, email: str) -> int:
    """Every sign-up of one address (unsubscribing, an erasure link)."""
    return _delete(session, CommunityMember.email_key == email.lower())


def erase_conversation_members(*, session: Session, conversation_id: str) -> int:
    """Every sign-up made from one conversation (an erasure request)."""
    return _delete(session, CommunityMember.conversation_id == conversation_id)


def purge_community(*, session: Session, now: dt.datetime) -> int:
    """Expired memberships, and sign-ups never confirmed within PENDING_DAYS."""
    stale = CommunityMember.confirmed_at.is_(None) & (
        CommunityMember.created_at < now - dt.timedelta(days=PENDING_DAYS)
    )
    expired = CommunityMember.confirmed_at.is_not(None) & (CommunityMember.expires_at <= now)
    return _delete(session, stale | expired)


def wish_of(member: CommunityMember) -> JobWish:
    """The member's wishes as a job search reads them."""
    return JobWish(
        teams=tuple(member.teams or ()),
        cities=tuple(member.locations or ()),
        remote="full" if member.remote else None,
        level=member.level,
    )


def _fits(member: CommunityMember, job: JobPosition) -> bool:
    spoken = set(member.languages or ())
    needed = set(job.languages or ())
    if spoken and needed and not needed <= spoken:
        return False
    return fits(job, wish_of(member))


def _members(session: Session, now: dt.datetime) -> list[CommunityMember]:
    return list(
        session.execute(
            select(CommunityMember)
            .where(CommunityMember.confirmed_at.is_not(None), CommunityMember.expires_at > now)
            .order_by(CommunityMember.confirmed_at, CommunityMember.id)
        ).scalars()
    )


def matching_members(
    *, session: Session, job: JobPosition, now: dt.datetime
) -> list[CommunityMember]:
    """The members whose wishes the position meets."""
    return [m for m in _members(session, now) if _fits(m, job)]


def note_opened_position(*, session: Session, job: JobPosition, now: dt.datetime) -> int:
    """A position just opened: a notice for each member it fits (once per member and
    position, however often it is reopened); how many were added."""
    if job.status != "open":
        return 0
    told = set(
        session.execute(
            select(CommunityNotice.member_id).where(CommunityNotice.job_id == job.id)
        ).scalars()
    )
    added = 0
    for member in matching_members(session=session, job=job, now=now):
        if member.id not in told:
            session.add(CommunityNotice(member_id=member.id, job_id=job.id, created_at=now))
            added += 1
    session.flush()
    return added


@dataclass(frozen=True)
class Reached:
    """Who a recruiter's message goes to now, and who was written to within the week."""

    to: list[tuple[str, str, str, dt.datetime]]  # e-mail, language, public id, expires
    waiting: int
    next_possible: dt.datetime | None


def write_to_members(
    *,
    session: Session,
    job: JobPosition,
    subject: Any,
    body: Any,
    author: str,
    now: dt.datetime,
) -> Reached:
    """A recruiter writes to the members a position fits (ValueError for an empty or
    too long text): those not written to in the last MAIL_INTERVAL get it (their next
    e-mail waits the interval), the others are counted; the journal keeps who wrote
    what to how many."""
    if not isinstance(subject, str) or not subject.strip() or len(subject) > MAX_SUBJECT:
        raise ValueError(f"the subject must be 1 to {MAX_SUBJECT} characters")
    if not isinstance(body, str) or not body.strip() or len(body) > MAX_TEXT:
        raise ValueError(f"the message must be 1 to {MAX_TEXT} characters")
    reached, waiting, soonest = [], 0, None
    for member in matching_members(session=session, job=job, now=now):
        last = member.last_mailed_at
        if last is not None and last > now - MAIL_INTERVAL:
            waiting += 1
            soonest = min(soonest or last, last)
            continue
        member.last_mailed_at = now
        assert member.expires_at is not None  # confirmed members have an end
        reached.append((member.email, member.language, member.public_id, member.expires_at))
    record(
        session=session,
        actor=author,
        action="community.message",
        target=job.id,
        detail={
            "subject": subject.strip(),
            "text": body.strip(),
            "sent": len(reached),
            "waiting": waiting,
        },
    )
    return Reached(reached, waiting, soonest + MAIL_INTERVAL if soonest else None)


def community_rows(*, session: Session, now: dt.datetime) -> list[dict[str, Any]]:
    """Every member's wishes, without e-mail address or id (HR's CSV)."""
    return [
        {
            **member.wishes_json(),
            "joined": member.confirmed_at.strftime("%Y-%m") if member.confirmed_at else "",
            "expires": member.expires_at.strftime("%Y-%m") if member.expires_at else "",
        }
        for member in _members(session, now)
    ]


def community_counts(*, session: Session, now: dt.datetime) -> dict[str, Any]:
    """HR's view: members, sign-ups waiting for confirmation, members per wish, and
    positions announced (no e-mail address)."""
    members = _members(session, now)
    pending = session.execute(
        select(func.count())
        .select_from(CommunityMember)
        .where(
            CommunityMember.confirmed_at.is_(None),
            CommunityMember.created_at >= now - dt.timedelta(days=PENDING_DAYS),
        )
    ).scalar_one()
    announced = session.execute(
        select(func.count())
        .select_from(CommunityNotice)
        .where(CommunityNotice.sent_at.is_not(None))
    ).scalar_one()

    def per(values: Iterable[Iterable[str]], empty: str) -> dict[str, int]:
        counted: Counter[str] = Counter()
        for names in values:
            names = list(names)
            counted.update(names or [empty])
        return dict(counted.most_common())

    soon = now + dt.timedelta(days=30)
    return {
        "members": len(members),
        "pending": pending,
        "expiring_soon": sum(1 for m in members if m.expires_at and m.expires_at <= soon),
        "announced": announced,
        "teams": per((m.teams or [] for m in members), "any"),
        "locations": per((m.locations or [] for m in members), "any"),
        "remote": sum(1 for m in members if m.remote),
        "levels": per(([m.level] if m.level else [] for m in members), "any"),
        "languages": per((m.languages or [] for m in members), "any"),
    }
