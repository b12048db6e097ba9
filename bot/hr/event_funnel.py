"""The dashboard's funnel of event registrations, per kind (open house, reverse Q&A), over
the range's instants `naive[0]` <= t < `naive[-1]` (naive UTC, as bot.hr.analytics).

Definitions, each over the range:
- asked: conversations with a candidate message whose intent is `register_event` and whose
  `kind` entity is the kind, or an assistant `meeting_offer` payload whose `kind` is it;
- registered: conversations with a registration for a date of the kind created in the
  range (whatever became of it); attended / no_shows: those registered conversations
  with a registration of the range marked `attended` / `no_show`; no-show rate:
  no_shows / (attended + no_shows);
- waitlist_promotions: registrations of the kind offered a freed seat in the range
  (`offered_at`), whether they took it or not;
- ratings: thank-you answers given in the range (`rated_at`), and their mean (1-5,
  two decimals; None without any);
- questions_submitted: reverse Q&A questions submitted in the range; questions_answered:
  those of them the host marked answered.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from bot.core.tracker_store import EVENTS, has_events_table
from bot.events.models import PanelQuestion, Registration
from bot.records.models import Event

EVENT_KINDS = ("open_house", "reverse_qa")
REGISTER_INTENT = "register_event"
MEETING_OFFER = "meeting_offer"


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class EventFunnel:
    """One kind's steps and figures; see the module docstring."""

    kind: str
    asked: int = 0
    registered: int = 0
    attended: int = 0
    no_shows: int = 0
    waitlist_promotions: int = 0
    ratings: int = 0
    mean_rating: float | None = None
    questions_submitted: int = 0
    questions_answered: int = 0

    @property
    def no_show_rate(self) -> float | None:
        return _rate(self.no_shows, self.attended + self.no_shows)

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "asked": self.asked,
            "registered": self.registered,
            "attended": self.attended,
            "no_shows": self.no_shows,
            "no_show_rate": self.no_show_rate,
            "waitlist_promotions": self.waitlist_promotions,
            "ratings": self.ratings,
            "mean_rating": self.mean_rating,
            "questions_submitted": self.questions_submitted,
            "questions_answered": self.questions_answered,
        }


def offer_kind(document: Any) -> str | None:
    """The `kind` of a stored bot event's `meeting_offer` payload (None for another)."""
    try:
        custom = json.loads(document)["data"]["custom"]
    except (TypeError, ValueError, KeyError):
        return None
    if not isinstance(custom, dict) or custom.get("type") != MEETING_OFFER:
        return None
    kind = custom.get("kind")
    return kind if isinstance(kind, str) else None


def _entity_kinds(document: Any) -> set[str]:
    """The `kind` entities of a stored user event."""
    try:
        found = json.loads(document)["parse_data"]["entities"]
    except (TypeError, ValueError, KeyError):
        return set()
    if not isinstance(found, list):
        return set()
    return {
        str(e.get("value"))
        for e in found
        if isinstance(e, dict) and e.get("entity") == "kind" and e.get("value") in EVENT_KINDS
    }


def _asked(tracker_session: Session, bounds: Sequence[datetime]) -> dict[str, set[str]]:
    asked: dict[str, set[str]] = defaultdict(set)
    if not has_events_table(tracker_session.get_bind()):
        return asked
    ts = EVENTS.c.timestamp
    in_range = and_(ts >= bounds[0].timestamp(), ts < bounds[-1].timestamp())
    for sender, document in tracker_session.execute(
        select(EVENTS.c.sender_id, EVENTS.c.data).where(
            EVENTS.c.type_name == "user", in_range, EVENTS.c.intent_name == REGISTER_INTENT
        )
    ):
        for kind in _entity_kinds(document):
            asked[kind].add(sender)
    for sender, document in tracker_session.execute(
        select(EVENTS.c.sender_id, EVENTS.c.data).where(
            EVENTS.c.type_name == "bot", in_range, EVENTS.c.data.contains(MEETING_OFFER)
        )
    ):
        offered = offer_kind(document)
        if offered in EVENT_KINDS:
            asked[str(offered)].add(sender)
    return asked


def event_funnels(
    *,
    session: Session,
    tracker_session: Session,
    bounds: Sequence[datetime],
    naive: Sequence[datetime],
) -> tuple[EventFunnel, ...]:
    """The funnel of each registration kind over the range (`bounds` aware for the tracker,
    `naive` for our tables)."""
    asked = _asked(tracker_session, bounds)
    lo, hi = naive[0], naive[-1]

    def within(column: Any) -> Any:
        return and_(column >= lo, column < hi)

    registered: dict[str, set[str]] = defaultdict(set)
    attended: dict[str, set[str]] = defaultdict(set)
    no_shows: dict[str, set[str]] = defaultdict(set)
    for kind, conversation, mark in session.execute(
        select(Event.kind, Registration.conversation_id, Registration.attendance)
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(within(Registration.created_at))
    ):
        registered[kind].add(conversation)
        if mark == "attended":
            attended[kind].add(conversation)
        elif mark == "no_show":
            no_shows[kind].add(conversation)
    promotions = dict(
        session.execute(
            select(Event.kind, func.count())
            .select_from(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(within(Registration.offered_at))
            .group_by(Event.kind)
        ).all()
    )
    ratings = {
        kind: (int(count), total)
        for kind, count, total in session.execute(
            select(Event.kind, func.count(), func.sum(Registration.rating))
            .select_from(Registration)
            .join(Event, Event.id == Registration.event_id)
            .where(within(Registration.rated_at), Registration.rating.is_not(None))
            .group_by(Event.kind)
        )
    }
    questions = {
        kind: (int(count), int(answered or 0))
        for kind, count, answered in session.execute(
            select(
                Event.kind,
                func.count(),
                func.sum(case((PanelQuestion.answered.is_(True), 1), else_=0)),
            )
            .select_from(PanelQuestion)
            .join(Event, Event.id == PanelQuestion.event_id)
            .where(within(PanelQuestion.created_at))
            .group_by(Event.kind)
        )
    }
    funnels = []
    for kind in EVENT_KINDS:
        rated, total = ratings.get(kind, (0, None))
        submitted, answered = questions.get(kind, (0, 0))
        funnels.append(
            EventFunnel(
                kind=kind,
                asked=len(asked[kind]),
                registered=len(registered[kind]),
                attended=len(attended[kind]),
                no_shows=len(no_shows[kind]),
                waitlist_promotions=int(promotions.get(kind, 0)),
                ratings=rated,
                mean_rating=round(float(total) / rated, 2) if rated else None,
                questions_submitted=submitted,
                questions_answered=answered,
            )
        )
    return tuple(funnels)
