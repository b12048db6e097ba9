"""The HR dashboard's figures over a range of calendar days, from the stored conversations.

Sources: Rasa's SQL tracker store (table `events`: one row per event, its
JSON in `data`) and our database (`handoff`, `callback_request`,
`answer_feedback`, `kb_article`). A day is a calendar day in the chosen time
zone; `start` and `end` are both included. Definitions:

- candidate message: a `user` event (typed text or a clicked button).
- assistant message: a `bot` event that is not a recruiter's (the AI
  disclosure, small talk and the channel's own confirmations included). A
  recruiter's message is a `bot` event whose `metadata.sender.role` is
  "recruiter" (`bot.core.transcript`): counted apart, never as an answer.
- conversation: a conversation id (Rasa's sender id, the widget's session:
  one id may span several Rasa sessions) with at least one candidate message
  in the period (a day, or the whole range).
- reply kinds: the `type` of an assistant message's custom payload
  (`data.custom.type`, see `bot.candidate.answering`): answer, clarify, no_answer.
- "I don't know" rate: no_answer replies / (answer + clarify + no_answer).
- handoff: a row of `handoff` requested in the range (whatever became of it).
  Handoff rate: conversations of the range with a handoff / conversations.
- containment: share of the range's conversations that had neither a handoff
  nor a callback request in the range.
- time to claim: `claimed_at - requested_at` in seconds over the range's
  claimed handoffs: median, and 90th percentile by nearest rank (the
  ceil(0.9 n)-th smallest). Unclaimed: the range's handoffs never claimed.
- callback requests: rows of `callback_request` created in the range.
- topics: answers per article (`data.custom.article`) and per article topic
  (`kb_article.topic`; "(unknown)" for an article no longer there); top 10,
  most answers first, ties by name.
- languages: conversations per language: the last `language` slot value set in
  the conversation before the end of the range, else the language of its last
  answer in the range, else "unknown".
- ratings: thumbs up / down per article from `answer_feedback` (a candidate's
  last vote on an article), voted in the range, with the article's title for the
  dashboard (the CSV keeps the article id as its key).
- coffee funnel (team coffees with ambassadors), each step a number of conversations:
  asked = a candidate message of the range whose intent is `meet_team`, or an
  assistant message of the range whose payload type is `meeting_question` or
  `meeting_offer`; offered = an assistant `meeting_offer` of the range with a
  non-empty `slots` list; booked = a `booking` row created in the range (whatever
  became of it); attended / no-shows = those booked conversations with a booking
  of the range marked `attended` / `no_show`. No-show rate: no-shows / (attended +
  no-shows). Time to book: from the conversation's first candidate message (at any
  time) to its first booking of the range, median in seconds. An offer of an open house
  or a reverse Q&A (`meeting_offer` whose `kind` is one) is not a coffee's.
- priorities ("what matters to you", bot.candidate.priorities): per priority, the
  conversations whose assistant sent a `pitch` for it in the range, per language (the
  pitch's `language`); a conversation counts once per priority. No conversation id leaves
  this count: it is the anonymous "what candidates care about most".
- events (open houses, reverse Q&As), per kind: asked, registered, attended, no-shows,
  waitlist promotions, ratings, questions submitted and answered (bot.hr.event_funnel).

A rate whose denominator is zero, and a time to claim without any claimed
handoff, is None (null in JSON, an empty cell in CSV).
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from statistics import median
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import (
    JSON,
    and_,
    case,
    cast,
    func,
    literal,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from bot.candidate.feedback import AnswerFeedback
from bot.core.priority_texts import PRIORITIES, PRIORITY_LABELS, priority_labels
from bot.core.tracker_store import EVENTS, has_events_table
from bot.core.transcript import RECRUITER_ROLE
from bot.handoff.models import CallbackRequest, Handoff
from bot.hr.event_funnel import EVENT_KINDS, EventFunnel, event_funnels, offer_kind
from bot.knowledge.models import Article
from bot.knowledge.service import staff_titles
from bot.meetings.models import Booking

MAX_DAYS = 366
# The dates a range may cover: far enough from date's own limits (0001, 9999) that
# moving to UTC or to the next day never overflows.
FIRST_DAY, LAST_DAY = date(1970, 1, 1), date(9998, 12, 31)
TOP = 10
UNKNOWN_TOPIC = "(unknown)"
UNKNOWN_LANGUAGE = "unknown"
# The kinds of reply to a question, and the figure counting each.
QUESTION_REPLIES = {"answer": "answers", "clarify": "clarifications", "no_answer": "no_answers"}
UTC = ZoneInfo("UTC")
MEET_INTENT = "meet_team"
MEETING_OFFER = "meeting_offer"
MEETING_REPLIES = ("meeting_question", MEETING_OFFER)
PITCH = "pitch"


@dataclass(frozen=True)
class Day:
    """One calendar day's counts."""

    date: date
    conversations: int = 0
    candidate_messages: int = 0
    assistant_messages: int = 0
    recruiter_messages: int = 0
    answers: int = 0
    clarifications: int = 0
    no_answers: int = 0
    handoffs: int = 0
    callback_requests: int = 0


@dataclass(frozen=True)
class Ranked:
    """A name (topic, article, language) and how many times it counts."""

    name: str
    count: int


@dataclass(frozen=True)
class ArticleAnswers:
    article: str
    topic: str
    answers: int


@dataclass(frozen=True)
class ArticleRatings:
    article: str
    topic: str
    up: int
    down: int
    title: str = ""  # French (else English) title; empty for an article since deleted


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


@dataclass(frozen=True)
class CoffeeFunnel:
    """Conversations at each step towards a team coffee; see the module docstring."""

    asked: int = 0
    offered: int = 0
    booked: int = 0
    attended: int = 0
    no_shows: int = 0
    median_seconds_to_booking: float | None = None

    @property
    def no_show_rate(self) -> float | None:
        return _rate(self.no_shows, self.attended + self.no_shows)

    def to_json(self) -> dict[str, Any]:
        return {
            "asked": self.asked,
            "offered": self.offered,
            "booked": self.booked,
            "attended": self.attended,
            "no_shows": self.no_shows,
            "no_show_rate": self.no_show_rate,
            "median_seconds_to_booking": self.median_seconds_to_booking,
        }


@dataclass(frozen=True)
class PriorityCount:
    """Conversations that said a priority matters to them, per language."""

    priority: str
    languages: tuple[tuple[str, int], ...]  # (language, conversations), by language

    @property
    def conversations(self) -> int:
        return sum(n for _, n in self.languages)


@dataclass(frozen=True)
class Figures:
    """Everything the dashboard shows for one range; see the module docstring."""

    start: date
    end: date
    timezone: str
    days: tuple[Day, ...]
    conversations: int
    candidate_messages: int
    assistant_messages: int
    recruiter_messages: int
    contained_conversations: int
    answers: int
    clarifications: int
    no_answers: int
    handoff_conversations: int
    handoffs: int
    claimed_handoffs: int
    unclaimed_handoffs: int
    time_to_claim_median_seconds: float | None
    time_to_claim_p90_seconds: float | None
    callback_requests: int
    top_topics: tuple[Ranked, ...]
    top_articles: tuple[ArticleAnswers, ...]
    languages: tuple[Ranked, ...]
    ratings: tuple[ArticleRatings, ...]
    coffee: CoffeeFunnel = CoffeeFunnel()
    events: tuple[EventFunnel, ...] = ()
    priorities: tuple[PriorityCount, ...] = ()

    @property
    def containment(self) -> float | None:
        return _rate(self.contained_conversations, self.conversations)

    @property
    def dont_know_rate(self) -> float | None:
        return _rate(self.no_answers, self.answers + self.clarifications + self.no_answers)

    @property
    def handoff_rate(self) -> float | None:
        return _rate(self.handoff_conversations, self.conversations)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values: dates as YYYY-MM-DD, rates as fractions (0.25), None as null."""
        return {
            "range": {
                "start": self.start.isoformat(),
                "end": self.end.isoformat(),
                "timezone": self.timezone,
            },
            "days": [
                {
                    "date": d.date.isoformat(),
                    "conversations": d.conversations,
                    "candidate_messages": d.candidate_messages,
                    "assistant_messages": d.assistant_messages,
                    "recruiter_messages": d.recruiter_messages,
                    "answers": d.answers,
                    "clarifications": d.clarifications,
                    "no_answers": d.no_answers,
                    "handoffs": d.handoffs,
                    "callback_requests": d.callback_requests,
                }
                for d in self.days
            ],
            "totals": {
                "conversations": self.conversations,
                "candidate_messages": self.candidate_messages,
                "assistant_messages": self.assistant_messages,
                "recruiter_messages": self.recruiter_messages,
                "contained_conversations": self.contained_conversations,
                "containment": self.containment,
                "answers": self.answers,
                "clarifications": self.clarifications,
                "no_answers": self.no_answers,
                "dont_know_rate": self.dont_know_rate,
                "handoff_conversations": self.handoff_conversations,
                "handoff_rate": self.handoff_rate,
                "handoffs": self.handoffs,
                "time_to_claim": {
                    "claimed_handoffs": self.claimed_handoffs,
                    "unclaimed_handoffs": self.unclaimed_handoffs,
                    "median_seconds": self.time_to_claim_median_seconds,
                    "p90_seconds": self.time_to_claim_p90_seconds,
                },
                "callback_requests": self.callback_requests,
            },
            "top_topics": [{"topic": t.name, "answers": t.count} for t in self.top_topics],
            "top_articles": [
                {"article": a.article, "topic": a.topic, "answers": a.answers}
                for a in self.top_articles
            ],
            "languages": [
                {"language": lang.name, "conversations": lang.count} for lang in self.languages
            ],
            "ratings": [
                {
                    "article": r.article,
                    "title": r.title,
                    "topic": r.topic,
                    "up": r.up,
                    "down": r.down,
                }
                for r in self.ratings
            ],
            "coffee": self.coffee.to_json(),
            "events": [funnel.to_json() for funnel in self.events],
            "priorities": [
                {
                    "priority": p.priority,
                    "label": priority_labels([p.priority], "fr")[0],
                    "conversations": p.conversations,
                    "languages": dict(p.languages),
                }
                for p in self.priorities
            ],
        }


# ------------------------------------------------------------------ the range


def day_bounds(start: date, end: date, zone: str) -> list[datetime]:
    """The UTC instants at which each day of the range begins, then the end of the range.

    ValueError for an unknown zone, an end before the start, more than MAX_DAYS days, or
    dates outside FIRST_DAY..LAST_DAY.
    """
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, datetime) or not isinstance(value, date):
            raise TypeError(f"'{name}' must be a date, not {type(value).__name__}")
    if end < start:
        raise ValueError(f"the end date {end} is before the start date {start}")
    if start < FIRST_DAY or end > LAST_DAY:
        # date's own limits are one day away from an overflow in the arithmetic below
        raise ValueError(f"the dates must lie between {FIRST_DAY} and {LAST_DAY}")
    count = (end - start).days + 1
    if count > MAX_DAYS:
        raise ValueError(f"the range has {count} days; at most {MAX_DAYS} can be shown at once")
    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"unknown time zone {zone!r}") from error
    return [
        datetime.combine(start + timedelta(days=i), time(0), tzinfo=tz).astimezone(UTC)
        for i in range(count + 1)
    ]


def _day_index(column: Any, bounds: Sequence[Any]) -> Any:
    """Which day of the range a value in [bounds[0], bounds[-1]) falls in, as SQL."""
    last = len(bounds) - 2
    if last == 0:
        return literal(0)
    return case(*[(column < bound, i) for i, bound in enumerate(bounds[1:-1])], else_=last)


def _json_text(dialect: str, column: Any, *path: str) -> Any:
    """A value inside a JSON text column, as text (SQLite reads JSON text as it is)."""
    document = type_coerce(column, JSON) if dialect == "sqlite" else cast(column, JSON)
    return document[path].as_string()


# ------------------------------------------------------------- the tracker


@dataclass
class _Conversations:
    """What the tracker store says about the range."""

    per_day: dict[int, Counter[str]]
    conversations: set[str]
    answers_per_article: Counter[str]
    languages: dict[str, str]


def _read_tracker(session: Session, bounds: list[datetime]) -> _Conversations:
    per_day: dict[int, Counter[str]] = defaultdict(Counter)
    result = _Conversations(per_day, set(), Counter(), {})
    if not has_events_table(session.get_bind()):
        return result  # Rasa has not stored any conversation yet
    dialect = session.get_bind().dialect.name
    lo, hi = bounds[0].timestamp(), bounds[-1].timestamp()
    seconds = [b.timestamp() for b in bounds]
    ts = EVENTS.c.timestamp
    in_range = and_(ts >= lo, ts < hi)
    is_user = EVENTS.c.type_name == "user"

    # Candidate messages and conversations per day.
    users = (
        select(_day_index(ts, seconds).label("day"), EVENTS.c.sender_id)
        .where(is_user, in_range)
        .subquery()
    )
    for day, messages, conversations in session.execute(
        select(users.c.day, func.count(), func.count(users.c.sender_id.distinct())).group_by(
            users.c.day
        )
    ):
        per_day[day]["candidate_messages"] = messages
        per_day[day]["conversations"] = conversations
    result.conversations = set(
        session.execute(select(EVENTS.c.sender_id).where(is_user, in_range).distinct()).scalars()
    )

    # The assistant's and recruiters' messages, by kind of reply and article.
    # JSON is read only in the select list, on rows already filtered to `bot` events.
    bots = (
        select(
            _day_index(ts, seconds).label("day"),
            _json_text(dialect, EVENTS.c.data, "metadata", "sender", "role").label("role"),
            _json_text(dialect, EVENTS.c.data, "data", "custom", "type").label("kind"),
            _json_text(dialect, EVENTS.c.data, "data", "custom", "article").label("article"),
        )
        .where(EVENTS.c.type_name == "bot", in_range)
        .subquery()
    )
    for day, role, kind, article, count in session.execute(
        select(bots.c.day, bots.c.role, bots.c.kind, bots.c.article, func.count()).group_by(
            bots.c.day, bots.c.role, bots.c.kind, bots.c.article
        )
    ):
        if role == RECRUITER_ROLE:
            per_day[day]["recruiter_messages"] += count
            continue
        per_day[day]["assistant_messages"] += count
        if kind in QUESTION_REPLIES:
            per_day[day][QUESTION_REPLIES[kind]] += count
            if kind == "answer" and article:
                result.answers_per_article[str(article)] += count

    result.languages = _languages(session, dialect, lo, hi, users)
    return result


def most_answered(
    *, tracker_session: Session, since: datetime, until: datetime, limit: int = TOP
) -> list[Ranked]:
    """The articles the assistant answered most in [since, until) (naive times are UTC),
    as the dashboard's "top articles" counts them (an assistant message whose payload
    is an `answer`), most answers first, ties by id. Read-only; empty before Rasa
    stored anything."""
    if not has_events_table(tracker_session.get_bind()):
        return []
    dialect = tracker_session.get_bind().dialect.name
    lo, hi = (t.replace(tzinfo=t.tzinfo or UTC).timestamp() for t in (since, until))
    ts = EVENTS.c.timestamp
    answers = (
        select(
            _json_text(dialect, EVENTS.c.data, "metadata", "sender", "role").label("role"),
            _json_text(dialect, EVENTS.c.data, "data", "custom", "type").label("kind"),
            _json_text(dialect, EVENTS.c.data, "data", "custom", "article").label("article"),
        )
        .where(EVENTS.c.type_name == "bot", ts >= lo, ts < hi)
        .subquery()
    )
    counts: Counter[str] = Counter()
    for role, kind, article, count in tracker_session.execute(
        select(answers.c.role, answers.c.kind, answers.c.article, func.count()).group_by(
            answers.c.role, answers.c.kind, answers.c.article
        )
    ):
        if role != RECRUITER_ROLE and kind == "answer" and article:
            counts[str(article)] += count
    return [Ranked(article, n) for article, n in _ranked(counts, limit)]


def _last_values(rows: Any) -> dict[str, str]:
    """{conversation: value} keeping, per conversation, the value with the latest time."""
    latest: dict[str, tuple[float, str]] = {}
    for sender, value, at in rows:
        if value is None or str(value) == "" or at is None:
            continue
        if sender not in latest or at >= latest[sender][0]:
            latest[sender] = (at, str(value))
    return {sender: value for sender, (_, value) in latest.items()}


def _languages(session: Session, dialect: str, lo: float, hi: float, users: Any) -> dict[str, str]:
    """Each conversation's language: its `language` slot, else its last answer's language."""
    conversations = select(users.c.sender_id).distinct()
    slots = (
        select(
            EVENTS.c.sender_id,
            _json_text(dialect, EVENTS.c.data, "value").label("value"),
            EVENTS.c.timestamp,
        )
        .where(
            EVENTS.c.type_name == "slot",
            EVENTS.c.action_name == "language",  # Rasa stores a slot's name there
            EVENTS.c.timestamp < hi,
            EVENTS.c.sender_id.in_(conversations),
        )
        .subquery()
    )
    from_slots = _last_values(
        session.execute(
            select(slots.c.sender_id, slots.c.value, func.max(slots.c.timestamp)).group_by(
                slots.c.sender_id, slots.c.value
            )
        )
    )
    replies = (
        select(
            EVENTS.c.sender_id,
            _json_text(dialect, EVENTS.c.data, "metadata", "sender", "role").label("role"),
            _json_text(dialect, EVENTS.c.data, "data", "custom", "type").label("kind"),
            _json_text(dialect, EVENTS.c.data, "data", "custom", "language").label("language"),
            EVENTS.c.timestamp,
        )
        .where(EVENTS.c.type_name == "bot", EVENTS.c.timestamp >= lo, EVENTS.c.timestamp < hi)
        .subquery()
    )
    from_answers = _last_values(
        (sender, language, at)
        for sender, role, kind, language, at in session.execute(
            select(
                replies.c.sender_id,
                replies.c.role,
                replies.c.kind,
                replies.c.language,
                func.max(replies.c.timestamp),
            ).group_by(replies.c.sender_id, replies.c.role, replies.c.kind, replies.c.language)
        )
        if role != RECRUITER_ROLE and kind == "answer"
    )
    return {**from_answers, **from_slots}


# ------------------------------------------------------------- team coffees


def _has_slots(document: Any) -> bool:
    """Whether a stored bot event's payload offers at least one slot."""
    try:
        custom = json.loads(document)["data"]["custom"]
    except (TypeError, ValueError, KeyError):
        return False
    slots = custom.get("slots") if isinstance(custom, dict) else None
    return isinstance(slots, list) and len(slots) > 0


def _coffee_funnel(
    session: Session, tracker_session: Session, bounds: list[datetime], naive: list[datetime]
) -> CoffeeFunnel:
    """The coffee funnel of the range: the tracker's conversations, then our bookings."""
    asked: set[str] = set()
    offered: set[str] = set()
    tracked = has_events_table(tracker_session.get_bind())
    if tracked:
        dialect = tracker_session.get_bind().dialect.name
        ts = EVENTS.c.timestamp
        in_range = and_(ts >= bounds[0].timestamp(), ts < bounds[-1].timestamp())
        asked.update(
            tracker_session.execute(
                select(EVENTS.c.sender_id)
                .where(EVENTS.c.type_name == "user", in_range, EVENTS.c.intent_name == MEET_INTENT)
                .distinct()
            ).scalars()
        )
        bots = (
            select(
                EVENTS.c.sender_id,
                EVENTS.c.data,
                _json_text(dialect, EVENTS.c.data, "data", "custom", "type").label("kind"),
            )
            .where(EVENTS.c.type_name == "bot", in_range)
            .subquery()
        )
        for sender, document, kind in tracker_session.execute(
            select(bots.c.sender_id, bots.c.data, bots.c.kind).where(
                bots.c.kind.in_(MEETING_REPLIES)
            )
        ):
            if kind == MEETING_OFFER and offer_kind(document) in EVENT_KINDS:
                continue  # an open house's or a reverse Q&A's dates (the events' funnel)
            asked.add(sender)
            if kind == MEETING_OFFER and _has_slots(document):
                offered.add(sender)
    created = Booking.created_at
    rows = session.execute(
        select(Booking.conversation_id, created, Booking.attendance).where(
            created >= naive[0], created < naive[-1]
        )
    ).all()
    first_booking: dict[str, datetime] = {}
    for conversation, at, _ in rows:
        if conversation not in first_booking or at < first_booking[conversation]:
            first_booking[conversation] = at
    attended = {row[0] for row in rows if row[2] == "attended"}
    no_shows = {row[0] for row in rows if row[2] == "no_show"}
    waits: list[float] = []
    if tracked and first_booking:
        first_message = dict(
            tracker_session.execute(
                select(EVENTS.c.sender_id, func.min(EVENTS.c.timestamp))
                .where(EVENTS.c.type_name == "user", EVENTS.c.sender_id.in_(list(first_booking)))
                .group_by(EVENTS.c.sender_id)
            ).all()
        )
        for conversation, at in first_booking.items():
            began = first_message.get(conversation)
            if began is None:
                continue
            wait = at.replace(tzinfo=UTC).timestamp() - float(began)
            if wait >= 0:
                waits.append(wait)
    return CoffeeFunnel(
        asked=len(asked),
        offered=len(offered),
        booked=len(first_booking),
        attended=len(attended),
        no_shows=len(no_shows),
        median_seconds_to_booking=round(median(waits), 1) if waits else None,
    )


def _priorities(tracker_session: Session, bounds: list[datetime]) -> tuple[PriorityCount, ...]:
    """The range's pitches: per priority and language, the conversations (see the docstring)."""
    if not has_events_table(tracker_session.get_bind()):
        return ()
    dialect = tracker_session.get_bind().dialect.name
    ts = EVENTS.c.timestamp
    pitches = (
        select(
            EVENTS.c.sender_id,
            EVENTS.c.data,
            _json_text(dialect, EVENTS.c.data, "data", "custom", "type").label("kind"),
        )
        .where(
            EVENTS.c.type_name == "bot",
            ts >= bounds[0].timestamp(),
            ts < bounds[-1].timestamp(),
        )
        .subquery()
    )
    said: set[tuple[str, str, str]] = set()  # (conversation, priority, language)
    for sender, document in tracker_session.execute(
        select(pitches.c.sender_id, pitches.c.data).where(pitches.c.kind == PITCH)
    ):
        try:
            custom = json.loads(document)["data"]["custom"]
        except (TypeError, ValueError, KeyError):
            continue
        language = custom.get("language")
        language = language if language in PRIORITY_LABELS else UNKNOWN_LANGUAGE
        for priority in custom.get("priorities") or []:
            if priority in PRIORITIES:
                said.add((sender, priority, language))
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for _, priority, language in said:
        counts[priority][language] += 1
    ranked = sorted(counts.items(), key=lambda item: (-sum(item[1].values()), item[0]))
    return tuple(PriorityCount(p, tuple(sorted(by.items()))) for p, by in ranked)


# ------------------------------------------------------------- our database


def _percentile(values: Sequence[float], share: float) -> float | None:
    """The nearest-rank percentile: the ceil(share * n)-th smallest value."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(1, math.ceil(share * len(ordered))) - 1]


def _day(day: date, counts: Counter[str]) -> Day:
    return Day(
        date=day,
        conversations=counts["conversations"],
        candidate_messages=counts["candidate_messages"],
        assistant_messages=counts["assistant_messages"],
        recruiter_messages=counts["recruiter_messages"],
        answers=counts["answers"],
        clarifications=counts["clarifications"],
        no_answers=counts["no_answers"],
        handoffs=counts["handoffs"],
        callback_requests=counts["callback_requests"],
    )


def _ranked(counts: Counter[str], limit: int | None = TOP) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]


def compute(
    *,
    session: Session,
    tracker_session: Session,
    start: date,
    end: date,
    timezone: str = "Europe/Paris",
) -> Figures:
    """The dashboard's figures for the calendar days `start`..`end` (both included) in `timezone`.

    `tracker_session` reads Rasa's tracker store, `session` our database (they may
    be two databases). ValueError when end < start, the range is over MAX_DAYS
    days or the zone is unknown.
    """
    bounds = day_bounds(start, end, timezone)
    naive = [b.replace(tzinfo=None) for b in bounds]  # our tables keep naive UTC times
    tracker = _read_tracker(tracker_session, bounds)
    coffee = _coffee_funnel(session, tracker_session, bounds, naive)
    requested = Handoff.requested_at
    handoffs = session.execute(
        select(
            _day_index(requested, naive), Handoff.conversation_id, requested, Handoff.claimed_at
        ).where(requested >= naive[0], requested < naive[-1])
    ).all()
    created = CallbackRequest.created_at
    callbacks = session.execute(
        select(_day_index(created, naive), CallbackRequest.conversation_id).where(
            created >= naive[0], created < naive[-1]
        )
    ).all()
    voted = AnswerFeedback.created_at
    ratings = session.execute(
        select(
            AnswerFeedback.article_id,
            func.sum(case((AnswerFeedback.rating > 0, 1), else_=0)),
            func.sum(case((AnswerFeedback.rating < 0, 1), else_=0)),
        )
        .where(voted >= naive[0], voted < naive[-1])
        .group_by(AnswerFeedback.article_id)
    ).all()
    articles = set(tracker.answers_per_article) | {row[0] for row in ratings}
    topics: dict[str, str] = dict(
        session.execute(select(Article.id, Article.topic).where(Article.id.in_(articles))).all()
        if articles
        else []
    )

    rated_titles = staff_titles(session=session, article_ids=[row[0] for row in ratings])

    for day, *_ in handoffs:
        tracker.per_day[day]["handoffs"] += 1
    for day, _ in callbacks:
        tracker.per_day[day]["callback_requests"] += 1
    conversations = tracker.conversations
    handed = {row[1] for row in handoffs} & conversations
    called_back = {row[1] for row in callbacks} & conversations
    waits = [(claimed - asked).total_seconds() for _, _, asked, claimed in handoffs if claimed]
    middle = median(waits) if waits else None
    p90 = _percentile(waits, 0.9)

    per_topic: Counter[str] = Counter()
    for article, count in tracker.answers_per_article.items():
        per_topic[topics.get(article, UNKNOWN_TOPIC)] += count
    languages = Counter(tracker.languages.get(c, UNKNOWN_LANGUAGE) for c in conversations)
    days = tuple(
        _day(start + timedelta(days=i), tracker.per_day[i]) for i in range(len(bounds) - 1)
    )
    return Figures(
        start=start,
        end=end,
        timezone=timezone,
        days=days,
        conversations=len(conversations),
        candidate_messages=sum(d.candidate_messages for d in days),
        assistant_messages=sum(d.assistant_messages for d in days),
        recruiter_messages=sum(d.recruiter_messages for d in days),
        contained_conversations=len(conversations - handed - called_back),
        answers=sum(d.answers for d in days),
        clarifications=sum(d.clarifications for d in days),
        no_answers=sum(d.no_answers for d in days),
        handoff_conversations=len(handed),
        handoffs=len(handoffs),
        claimed_handoffs=len(waits),
        unclaimed_handoffs=len(handoffs) - len(waits),
        time_to_claim_median_seconds=None if middle is None else round(middle, 1),
        time_to_claim_p90_seconds=None if p90 is None else round(p90, 1),
        callback_requests=len(callbacks),
        top_topics=tuple(Ranked(t, n) for t, n in _ranked(per_topic)),
        top_articles=tuple(
            ArticleAnswers(a, topics.get(a, UNKNOWN_TOPIC), n)
            for a, n in _ranked(tracker.answers_per_article)
        ),
        languages=tuple(Ranked(lang, n) for lang, n in _ranked(languages, limit=None)),
        ratings=tuple(
            ArticleRatings(
                article,
                topics.get(article, UNKNOWN_TOPIC),
                int(up),
                int(down),
                rated_titles.get(article, ""),
            )
            for article, up, down in sorted(
                ratings, key=lambda row: (-(int(row[1]) + int(row[2])), row[0])
            )
        ),
        coffee=coffee,
        events=event_funnels(
            session=session, tracker_session=tracker_session, bounds=bounds, naive=naive
        ),
        priorities=_priorities(tracker_session, bounds),
    )


# ------------------------------------------------------------------- CSV

CSV_COLUMNS = ("section", "key", "figure", "value")
# Text a spreadsheet would run as a formula (CSV injection): prefixed with a quote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(figures: Figures) -> str:
    """The same figures as one CSV in long format: `section,key,figure,value`, one number a row.

    Sections, in this order: `range` (start, end, timezone); `totals` (key
    empty; rates as fractions, 0.25 = 25 %; grouped figures are named
    `group.figure`, e.g. `time_to_claim.median_seconds`); `daily` (key = the
    date, YYYY-MM-DD); `top_topics` (key = topic); `top_articles` (key =
    article id); `languages` (key = language); `ratings` (key = article id,
    figures `up` and `down`); `coffee` (key empty: the coffee funnel's steps,
    no-show rate and median time to book); `events` (key = the kind, open_house or
    reverse_qa: its funnel's figures); `priorities` (key = the priority, figures
    `conversations` and `conversations.<language>`). A value that does not exist (a rate over
    nothing) is an empty cell; a text cell that a spreadsheet would run as a
    formula gets a leading '. A filter or a pivot table on `section` and
    `figure` gives any table or chart back.
    """
    data = figures.to_json()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    rows: list[tuple[str, str, str, Any]] = []
    rows += [("range", "", name, value) for name, value in data["range"].items()]
    for name, value in data["totals"].items():
        if isinstance(value, dict):  # time_to_claim: time_to_claim.median_seconds...
            rows += [("totals", "", f"{name}.{k}", v) for k, v in value.items()]
        else:
            rows.append(("totals", "", name, value))
    for day in data["days"]:
        rows += [("daily", day["date"], k, v) for k, v in day.items() if k != "date"]
    rows += [("top_topics", t["topic"], "answers", t["answers"]) for t in data["top_topics"]]
    rows += [("top_articles", a["article"], "answers", a["answers"]) for a in data["top_articles"]]
    rows += [
        ("languages", lang["language"], "conversations", lang["conversations"])
        for lang in data["languages"]
    ]
    for rating in data["ratings"]:
        rows += [("ratings", rating["article"], k, rating[k]) for k in ("up", "down")]
    rows += [("coffee", "", name, value) for name, value in data["coffee"].items()]
    for funnel in data["events"]:
        rows += [("events", funnel["kind"], k, v) for k, v in funnel.items() if k != "kind"]
    for count in data["priorities"]:
        rows.append(("priorities", count["priority"], "conversations", count["conversations"]))
        rows += [
            ("priorities", count["priority"], f"conversations.{language}", n)
            for language, n in count["languages"].items()
        ]
    writer.writerows([_cell(cell) for cell in row] for row in rows)
    return out.getvalue()
