"""Candidates' chat sessions: ids issued by the server, never chosen by a client.

A session id is the conversation id in Rasa's tracker store and the name of
the socket.io room its messages go to. It is random (192 bits) and only ids
this table knows are resumed, so a client cannot reach another candidate's
conversation by guessing or by making one up: it gets a new session instead.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime

from sqlalchemy import Column, DateTime, String, select
from sqlalchemy.orm import Mapped, Session

from bot.core.clock import utcnow
from bot.core.db import Base

# secrets.token_urlsafe(24): 32 characters of the URL-safe alphabet.
SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{32}$")


class ChatSession(Base):
    """A conversation opened by the chat widget (or any socket.io client)."""

    __tablename__ = "chat_session"

    id: Mapped[str] = Column(String(64), primary_key=True)
    created_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)
    last_seen_at: Mapped[datetime] = Column(DateTime, nullable=False, default=utcnow, index=True)


def open_session(*, session: Session, requested: object) -> tuple[str, bool]:
    """The session to use for a client asking to resume `requested`, and whether it is new.

    A known id is resumed; anything else (nothing, a made-up or expired id,
    a value of the wrong type) gets a fresh one.
    """
    now = utcnow()
    if isinstance(requested, str) and SESSION_ID.match(requested):
        known = session.get(ChatSession, requested)
        if known is not None:
            known.last_seen_at = now
            return known.id, False
    issued = ChatSession(id=secrets.token_urlsafe(24), created_at=now, last_seen_at=now)
    session.add(issued)
    session.flush()
    return issued.id, True


def is_issued(*, session: Session, session_id: str) -> bool:
    return bool(
        SESSION_ID.match(session_id)
        and session.execute(select(ChatSession.id).where(ChatSession.id == session_id)).first()
    )
