"""Staff sign-in for the consoles: server-side sessions, CSRF tokens, role checks.

The browser holds a random session token in an HttpOnly, SameSite=Strict
cookie; the database holds only its SHA-256, with the user, a CSRF token and
an expiry. Every state-changing request must echo the CSRF token (form field
or `X-CSRF-Token` header); the live socket checks the Origin.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, delete
from sqlalchemy.orm import Mapped, Session

from bot.core.clock import utcnow
from bot.core.db import Base
from bot.staff.accounts import StaffUser

SESSION_COOKIE = "ardoise_staff"
SESSION_LIFETIME = timedelta(hours=12)


class WebSession(Base):
    __tablename__ = "web_session"

    token_hash: Mapped[str] = Column(String(64), primary_key=True)
    user_id: Mapped[int] = Column(
        Integer, ForeignKey("staff_user.id", ondelete="CASCADE"), nullable=False, index=True
    )
    csrf_token: Mapped[str] = Column(String(64), nullable=False)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = Column(DateTime, nullable=False, index=True)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(*, session: Session, user: StaffUser) -> str:
    """A new session for `user` (its password checked and throttled by bot.staff.views);
    returns the token for the cookie."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(delete(WebSession).where(WebSession.expires_at < now))
    session.add(
        WebSession(
            token_hash=_digest(token),
            user_id=user.id,
            csrf_token=secrets.token_urlsafe(32),
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    session.flush()
    return token


def session_user(*, session: Session, token: str | None) -> tuple[StaffUser, WebSession] | None:
    if not token or len(token) > 128:
        return None
    row = session.get(WebSession, _digest(token))
    if row is None or row.expires_at < utcnow():
        return None
    user = session.get(StaffUser, row.user_id)
    return (user, row) if user else None


def end_session(*, session: Session, token: str | None) -> None:
    if token:
        session.execute(delete(WebSession).where(WebSession.token_hash == _digest(token)))


def csrf_ok(expected: str, given: object) -> bool:
    return isinstance(given, str) and hmac.compare_digest(expected.encode(), given.encode())
