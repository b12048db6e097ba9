"""The reply contract: the `custom` payloads that travel with the assistant's messages.

Widgets, the console, analytics and tests rely on these shapes (README, "Reply
contract"); each is built here and nowhere else in the code. The domain's own
responses (greetings, disclosure, off-topic) carry theirs in domain.yml.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

Payload = dict[str, Any]
OfferReason = Literal["personal", "not_helpful", "unavailable", "timeout"]
EndStatus = Literal["returned", "closed"]


def answer(*, article: str, confidence: float, language: str) -> Payload:
    """An answer from the knowledge base."""
    return {"type": "answer", "article": article, "confidence": confidence, "language": language}


def clarify(articles: list[str]) -> Payload:
    """Did you mean…: the articles offered as buttons."""
    return {"type": "clarify", "articles": list(articles)}


def no_answer() -> Payload:
    """I don't know: the question was kept for HR."""
    return {"type": "no_answer"}


def error() -> Payload:
    """A part of the assistant is down: an apology instead of silence."""
    return {"type": "error"}


def handoff_offered(reason: OfferReason) -> Payload:
    """A recruiter is offered; `callback` when the offer is an answer by e-mail."""
    payload: Payload = {"type": "handoff", "status": "offered", "reason": reason}
    if reason in ("unavailable", "timeout"):
        payload["callback"] = True
    return payload


def handoff_queued(*, recruiter: str | None, wait_minutes: int) -> Payload:
    return {
        "type": "handoff",
        "status": "queued",
        "recruiter": recruiter,
        "wait_minutes": wait_minutes,
    }


def handoff_claimed(recruiter: str) -> Payload:
    return {"type": "handoff", "status": "claimed", "recruiter": recruiter}


def handoff_ended(status: EndStatus, recruiter: str) -> Payload:
    """The recruiter handed the conversation back (`returned`) or closed it."""
    return {"type": "handoff", "status": status, "recruiter": recruiter}


def handoff_callback(expected: date) -> Payload:
    """The candidate's question will be answered by e-mail, by `expected`."""
    return {"type": "handoff", "status": "callback", "expected": expected.isoformat()}
