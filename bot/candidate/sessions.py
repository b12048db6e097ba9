"""Candidates' chat sessions: ids issued by the server, never chosen by a client.

A session id is the conversation id in Rasa's tracker store and the name of
the socket.io room its messages go to. It is random (192 bits) and only ids
this table knows are resumed, so a client cannot reach another candidate's
conversation by guessing or by making one up: it gets a new session instead.
REST conversations, whose ids their clients choose, live apart (`rest_conversation`).
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


def resume_session(*, session: Session, requested: object) -> str | None:
    """`requested` when it is a session this table knows (its last use updated), else None."""
    if isinstance(requested, str) and SESSION_ID.match(requested):
        known = session.get(ChatSession, requested)
        if known is not None:
            known.last_seen_at = utcnow()
            return known.id
    return None


def issue_session(*, session: Session) -> str:
    """A fresh session id, stored."""
    now = utcnow()
    issued = ChatSession(id=secrets.token_urlsafe(24), created_at=now, last_seen_at=now)
    session.add(issued)
    session.flush()
    return issued.id


# REST clients choose their conversation id (`sender`, as Rasa's REST contract has it).
# Stored under this prefix, a REST conversation can never be a widget's: the ":" is not
# in a session id's alphabet.
REST_PREFIX = "rest:"


def rest_conversation(sender: str) -> str:
    """The conversation id (in the tracker store, the inbox...) of REST sender `sender`."""
    return REST_PREFIX + sender


def is_issued(*, session: Session, session_id: str) -> bool:
    return bool(
        SESSION_ID.match(session_id)
        and session.execute(select(ChatSession.id).where(ChatSession.id == session_id)).first()
    )
