"""The talent community's e-mails and their sweep.

Every e-mail a member gets carries the one-click unsubscribe link (in its text and as
List-Unsubscribe / List-Unsubscribe-Post headers, RFC 8058, so a mail client's own
button works too). `sweep` runs in every web process every few minutes: it sends each
member the positions that opened for them (one e-mail for all, at most once every
MAIL_INTERVAL), the renewal e-mail RENEWAL_NOTICE_DAYS before the end, and deletes
expired memberships and unconfirmed sign-ups. A member is claimed by a conditional
update before anything is sent, so two processes never send the same e-mail.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.community.models import CommunityMember, CommunityNotice
from bot.community.service import MAIL_INTERVAL, PENDING_DAYS, Reached, purge_community
from bot.core.community_texts import MEMBERSHIP_MONTHS, RENEWAL_NOTICE_DAYS, WORK_LANGUAGES
from bot.core.dates import date_in_words
from bot.core.db import transaction
from bot.core.job_texts import JOB_LEVELS
from bot.core.mail import send_mail
from bot.core.meeting_texts import TEAMS
from bot.core.settings import Settings
from bot.core.texts import text
from bot.events.messages import careers_url
from bot.meetings.links import PATHS, Purpose, link_secret, make_token
from bot.records.answers import format_salary
from bot.records.models import JobPosition

logger = logging.getLogger(__name__)
# The unsubscribe link works as long as a membership can last, and a while after.
LEAVE_LINK_DAYS = 800


@dataclass(frozen=True)
class Letter:
    """One member's address and what their e-mail needs (read in its transaction)."""

    email: str
    language: str
    public_id: str
    wishes: str
    expires_at: dt.datetime | None


def link(settings: Settings, purpose: Purpose, public_id: str, expires: dt.datetime) -> str:
    token = make_token(
        secret=link_secret(settings), purpose=purpose, public_id=public_id, expires=expires
    )
    return f"{(settings.public_url or settings.web_url).rstrip('/')}{PATHS[purpose]}/{token}"


def leave_link(settings: Settings, public_id: str, now: dt.datetime) -> str:
    return link(settings, "community_leave", public_id, now + dt.timedelta(days=LEAVE_LINK_DAYS))


def _unsubscribe_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def wishes_in_words(member: CommunityMember, language: str) -> str:
    """ "Plateforme, Data & ML ; Lyon ; en télétravail complet ; senior" (or "tout poste")."""
    parts = []
    if member.teams:
        parts.append(", ".join(TEAMS[language].get(t, t) for t in member.teams))
    if member.locations:
        parts.append(", ".join(member.locations))
    if member.remote:
        parts.append(text("community_wish_remote", language))
    if member.level:
        parts.append(JOB_LEVELS[language].get(member.level, member.level))
    if member.languages:
        spoken = ", ".join(WORK_LANGUAGES[language].get(x, x) for x in member.languages)
        parts.append(text("community_wish_languages", language, languages=spoken))
    return " ; ".join(parts) if parts else text("community_any", language)


def letter(member: CommunityMember) -> Letter:
    return Letter(
        member.email,
        member.language,
        member.public_id,
        wishes_in_words(member, member.language),
        member.expires_at,
    )


def _send(
    settings: Settings, member: Letter, kind: str, leave: str | None, **values: object
) -> bool:
    """The `community_<kind>` e-mail in the member's language; with `leave` (the
    unsubscribe link) its List-Unsubscribe headers. Whether the mail server took it."""
    language = member.language
    return send_mail(
        settings,
        to=[member.email],
        subject=text(f"community_{kind}_subject", language),
        body=text(f"community_{kind}_body", language, wishes=member.wishes, leave=leave, **values),
        headers=_unsubscribe_headers(leave) if leave else None,
    )


def send_confirmation(settings: Settings, member: Letter, now: dt.datetime) -> bool:
    """The double opt-in e-mail; whether the mail server took it."""
    expires = now + dt.timedelta(days=PENDING_DAYS)
    confirm = link(settings, "community_confirm", member.public_id, expires)
    return _send(settings, member, "confirm", None, days=PENDING_DAYS, link=confirm)


def _position_line(job: JobPosition, language: str) -> str:
    return text(
        "community_position_line",
        language,
        title=job.title(language),
        team=TEAMS[language].get(job.team, job.team),
        location=job.location(language),
        salary=format_salary(job, language),
    )


def _claim_announcement(
    session: Session, member_id: int, now: dt.datetime
) -> tuple[Letter, list[str], list[int]] | None:
    """Claim one member's due e-mail: the positions still open among their notices."""
    claimed = session.execute(
        update(CommunityMember)
        .where(
            CommunityMember.id == member_id,
            (CommunityMember.last_mailed_at.is_(None))
            | (CommunityMember.last_mailed_at <= now - MAIL_INTERVAL),
        )
        .values(last_mailed_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return None
    member = session.get(CommunityMember, member_id)
    assert member is not None
    notices = list(
        session.execute(
            select(CommunityNotice, JobPosition)
            .outerjoin(JobPosition, JobPosition.id == CommunityNotice.job_id)
            .where(CommunityNotice.member_id == member_id, CommunityNotice.sent_at.is_(None))
            .order_by(CommunityNotice.created_at, CommunityNotice.id)
        ).all()
    )
    lines = []
    for notice, job in notices:
        notice.sent_at = now
        if job is not None and job.status == "open":
            lines.append(_position_line(job, member.language))
    if not lines:  # every position closed meanwhile: nothing to say, nothing spent
        member.last_mailed_at = None
        return None
    return letter(member), lines, [n.id for n, _ in notices]


def _announce(settings: Settings, now: dt.datetime) -> int:
    with transaction(settings.database_url) as session:
        due = list(
            session.execute(
                select(CommunityNotice.member_id)
                .join(CommunityMember, CommunityMember.id == CommunityNotice.member_id)
                .where(
                    CommunityNotice.sent_at.is_(None),
                    CommunityMember.confirmed_at.is_not(None),
                    CommunityMember.expires_at > now,
                    (CommunityMember.last_mailed_at.is_(None))
                    | (CommunityMember.last_mailed_at <= now - MAIL_INTERVAL),
                )
                .distinct()
            ).scalars()
        )
    sent = 0
    for member_id in due:
        with transaction(settings.database_url) as session:
            claimed = _claim_announcement(session, member_id, now)
        if claimed is None:
            continue
        member, lines, notice_ids = claimed
        delivered = _send(
            settings,
            member,
            "positions",
            leave_link(settings, member.public_id, now),
            positions="\n".join(lines),
            careers=careers_url(settings, member.language),
        )
        if delivered:
            sent += 1
            continue
        # Not sent: the positions wait for the next sweep, and so does the member.
        with transaction(settings.database_url) as session:
            session.execute(
                update(CommunityNotice)
                .where(CommunityNotice.id.in_(notice_ids))
                .values(sent_at=None)
                .execution_options(synchronize_session=False)
            )
            session.execute(
                update(CommunityMember)
                .where(CommunityMember.public_id == member.public_id)
                .values(last_mailed_at=None)
                .execution_options(synchronize_session=False)
            )
    return sent


def _renewals(settings: Settings, now: dt.datetime) -> int:
    soon = now + dt.timedelta(days=RENEWAL_NOTICE_DAYS)
    with transaction(settings.database_url) as session:
        due = list(
            session.execute(
                select(CommunityMember.id).where(
                    CommunityMember.confirmed_at.is_not(None),
                    CommunityMember.renewal_sent_at.is_(None),
                    CommunityMember.expires_at > now,
                    CommunityMember.expires_at <= soon,
                )
            ).scalars()
        )
    sent = 0
    for member_id in due:
        with transaction(settings.database_url) as session:
            claimed = session.execute(
                update(CommunityMember)
                .where(CommunityMember.id == member_id, CommunityMember.renewal_sent_at.is_(None))
                .values(renewal_sent_at=now)
                .execution_options(synchronize_session=False)
            ).rowcount
            found = session.get(CommunityMember, member_id) if claimed == 1 else None
            member = letter(found) if found is not None else None
        if member is None or member.expires_at is None:
            continue
        if _send(
            settings,
            member,
            "renew",
            leave_link(settings, member.public_id, now),
            date=date_in_words(member.expires_at.date(), member.language),
            months=MEMBERSHIP_MONTHS,
            renew=link(settings, "community_renew", member.public_id, member.expires_at),
        ):
            sent += 1
        else:
            with transaction(settings.database_url) as session:
                session.execute(
                    update(CommunityMember)
                    .where(CommunityMember.id == member_id)
                    .values(renewal_sent_at=None)
                    .execution_options(synchronize_session=False)
                )
    return sent


@dataclass(frozen=True)
class Swept:
    announcements: int
    renewals: int
    removed: int


def sweep(settings: Settings, now: dt.datetime) -> Swept:
    """Send what is due and delete what ended; blocking."""
    with transaction(settings.database_url) as session:
        removed = purge_community(session=session, now=now)
    if not settings.smtp_host:  # nothing could be sent: the notices wait
        return Swept(0, 0, removed)
    return Swept(_announce(settings, now), _renewals(settings, now), removed)


def send_recruiter_message(
    settings: Settings, reached: Reached, *, subject: str, body: str, now: dt.datetime
) -> int:
    """A recruiter's message to the members reached, each with their unsubscribe link
    (blocking); how many the mail server took."""
    sent = 0
    for email, language, public_id, _expires in reached.to:
        leave = leave_link(settings, public_id, now)
        footer = text("community_message_footer", language, leave=leave)
        if send_mail(
            settings,
            to=[email],
            subject=subject.strip(),
            body=body.strip() + footer,
            headers=_unsubscribe_headers(leave),
        ):
            sent += 1
    return sent
