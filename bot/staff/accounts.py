"""Staff accounts (recruiters and HR) for the consoles: created by CLI, passwords hashed.

Passwords are hashed with scrypt (memory-hard, in the standard library) and a
random salt per account; the stored form names its parameters so they can be
raised later without breaking existing accounts.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import re
import secrets
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from sqlalchemy import Column, DateTime, Integer, String, select
from sqlalchemy.orm import Mapped, Session

from bot.core.clock import utcnow
from bot.core.db import Base

ROLES = ("recruiter", "hr")
LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@-]{1,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
# Password hashing runs on its own two threads: a flood of sign-in attempts queues
# there instead of taking the worker threads every staff page's database work uses.
HASHING_THREADS = 2


class AccountError(ValueError):
    """A login, display name, role or password that cannot be used; says which and why."""


class StaffUser(Base):
    """A recruiter or an HR editor."""

    __tablename__ = "staff_user"

    id: Mapped[int] = Column(Integer, primary_key=True, autoincrement=True)
    login: Mapped[str] = Column(String(64), nullable=False, unique=True)
    display_name: Mapped[str] = Column(String(80), nullable=False)
    role: Mapped[str] = Column(String(16), nullable=False)
    # Comma-separated teams or topics this recruiter covers ("" = everything).
    covers: Mapped[str] = Column(String(255), nullable=False, default="")
    password_hash: Mapped[str] = Column(String(255), nullable=False)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow)


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(
        password.encode(), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=32
    )
    salt_text, digest_text = (base64.b64encode(x).decode() for x in (salt, digest))
    return f"scrypt${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${salt_text}${digest_text}"


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
        if scheme != "scrypt":
            return False
        computed = hashlib.scrypt(
            password.encode()[: MAX_PASSWORD * 4],
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            dklen=len(base64.b64decode(digest)),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(computed, base64.b64decode(digest))


@lru_cache(maxsize=1)
def hashing_pool() -> ThreadPoolExecutor:
    """The process's password-hashing threads, made on first use."""
    return ThreadPoolExecutor(max_workers=HASHING_THREADS, thread_name_prefix="password-hash")


async def verify_off_loop(password: str, stored: str | None) -> bool:
    """verify_password on the hashing threads (never on the loop, never on the shared pool);
    `stored` None (no such account) checks against a dummy hash: the same work either way."""

    def check() -> bool:
        return verify_password(password, stored or _dummy_hash())

    return await asyncio.get_running_loop().run_in_executor(hashing_pool(), check)


@dataclass(frozen=True)
class Credentials:
    """What checking a password needs, read in a short transaction before hashing."""

    user_id: int | None
    role: str
    password_hash: str | None


def credentials(*, session: Session, login: str) -> Credentials:
    """The account's stored hash (None for an unknown login)."""
    row = session.execute(
        select(StaffUser.id, StaffUser.role, StaffUser.password_hash).where(
            StaffUser.login == login.strip().lower()
        )
    ).first()
    if row is None:
        return Credentials(None, "", None)
    return Credentials(row.id, row.role, row.password_hash)


def add_user(
    *,
    session: Session,
    login: str,
    display_name: str,
    role: str,
    password: str,
    covers: str = "",
) -> StaffUser:
    login = login.strip().lower()
    if not LOGIN.match(login):
        raise AccountError("the login must be 2-64 characters: letters, digits, . _ @ -")
    if role not in ROLES:
        raise AccountError(f"the role must be one of {', '.join(ROLES)}")
    display_name = display_name.strip()
    if not 0 < len(display_name) <= 80:
        raise AccountError("the display name must be 1-80 characters")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise AccountError(f"the password must be at least {MIN_PASSWORD} characters")
    if session.execute(select(StaffUser.id).where(StaffUser.login == login)).first():
        raise AccountError(f"the login {login!r} is taken")
    user = StaffUser(
        login=login,
        display_name=display_name,
        role=role,
        covers=covers.strip(),
        password_hash=hash_password(password),
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))
