""" "What matters to you?": the candidate's priorities in an employer, and the short
personal pitch that answers them.

The priorities are read from the chips' command (`/tell_priorities{"priorities": [...]}`)
or from the candidate's words ("ce qui compte pour moi c'est le télétravail et la
formation"). The pitch is made of the knowledge base's own sentences: for each priority,
the first sentences of the articles that speak to it (bot/core/priority_texts.py), each
with its source and the date HR checked it; then the open positions and teams that fit,
and an invitation to meet the people (a coffee with an ambassador, the next visit).
Nothing is said that the articles or the records do not say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.candidate.jobs import JobWish, job_item, read_job_wish, search_jobs
from bot.core import replies
from bot.core.dates import date_in_words
from bot.core.meeting_texts import TEAMS
from bot.core.priority_texts import (
    COMPANY_FACT_WORDS,
    COMPANY_WORDS,
    PRIORITIES,
    PRIORITY_ARTICLES,
    PRIORITY_LABELS,
    PRIORITY_MARKERS,
    PRIORITY_TEAMS,
    PRIORITY_WORDS,
    priority_labels,
)
from bot.core.texts import text
from bot.events.figures import answer_from_records
from bot.knowledge.freshness import DEFAULT_REVIEW_MAX_DAYS, is_stale
from bot.knowledge.service import ArticleNotFound, published_answer
from bot.meetings.slots import fold, has_phrase, phrase_spans

INTENT = "tell_priorities"
MAX_POINTS = 5
MAX_JOBS = 3
QUOTE_CHARS = 420  # a point quotes whole sentences up to about this length
# A sentence ends before a space and a capital (or an opening mark), not inside "1 200 €."
BULLET = re.compile(r"^[-*•]\s+(.*)$")
SENTENCE_END = re.compile(r"(?<=[.!?…])\s+(?=[«\"*A-ZÀ-ÖØ-Þ])")


def read_priorities(said: str) -> tuple[str, ...]:
    """The priorities a message names, in the order it names them. The longest name wins
    where two overlap: "equal pay" is diversity, not pay."""
    words = fold(said)
    spans = [
        (start, end, priority)
        for priority, names in PRIORITY_WORDS.items()
        for name in names
        for start, end in phrase_spans(words, name)
    ]
    kept: list[tuple[int, int, str]] = []
    for start, end, priority in sorted(spans, key=lambda s: s[0] - s[1]):
        if all(end <= a or start >= b for a, b, _ in kept):
            kept.append((start, end, priority))
    return tuple(dict.fromkeys(p for _, _, p in sorted(kept)))


def tells_what_matters(said: str) -> bool:
    """Whether a message speaks of what matters to the one writing it ("ce qui compte pour
    moi c'est…", "I care about…"), whatever it names."""
    words = fold(said)
    return any(m in words for m in PRIORITY_MARKERS)


def about_the_company(said: str) -> bool:
    """Whether a message asks about the company itself (its revenue, its founders...)."""
    words = fold(said)
    return any(has_phrase(words, w) for w in (*COMPANY_WORDS, *COMPANY_FACT_WORDS))


def says_priorities(said: str) -> bool:
    """Whether a message says what matters to the one writing it and names a priority."""
    return tells_what_matters(said) and bool(read_priorities(said))


def priorities_from_entities(entities: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """The chips' priorities (`/tell_priorities{"priorities": [...]}`), known ones only,
    each once, in the order given. Rasa gives a list value as one entity or as several."""
    chosen: list[str] = []
    for entity in entities:
        if entity.get("entity") != "priorities":
            continue
        value = entity.get("value")
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str) and item in PRIORITIES and item not in chosen:
                chosen.append(item)
    return tuple(chosen)


def question(language: str) -> tuple[str, list[dict[str, str]], replies.Payload]:
    """ "What matters most to you?": the text, a chip per priority, the payload."""
    names = PRIORITY_LABELS.get(language, PRIORITY_LABELS["en"])
    buttons = [
        {"title": names[p], "payload": replies.command(INTENT, {"priorities": [p]})}
        for p in PRIORITIES
    ]
    options = [{"id": p, "label": names[p]} for p in PRIORITIES]
    return text("pitch_ask", language), buttons, replies.priorities_question(options)


def _first_paragraph(answer: str) -> tuple[list[str], list[str]]:
    """The answer's first paragraph: the sentences before its list, and the list's items
    (prose after the list is another matter)."""
    prose: list[str] = []
    items: list[str] = []
    for line in (line.strip() for line in answer.strip().split("\n\n")[0].splitlines()):
        bullet = BULLET.match(line)
        if bullet:
            items.append(bullet[1].strip())
        elif items:
            break
        elif line:
            prose.append(line)
    sentences = SENTENCE_END.split(" ".join(" ".join(prose).split())) if prose else []
    return sentences, items


def _quote(sentences: list[str], items: list[str], limit: int) -> list[str]:
    parts = sentences[:1]
    for sentence in sentences[1:]:
        if len(" ".join(parts)) + 1 + len(sentence) > limit:
            break
        parts.append(sentence)
    if items and (not parts or parts[-1].endswith(":")):
        for item in items:
            if len(parts) > 1 and len(" ".join(parts)) + 3 + len(item) > limit:
                break
            parts.append(item)
    return parts


def quote_parts(answer: str, limit: int = QUOTE_CHARS) -> list[str]:
    """What a point quotes of an answer, as literal pieces of its first paragraph: its first
    sentences, whole, up to about `limit` characters (the first one whatever its length);
    when they introduce a list ("Notre stack varie selon les équipes :"), its first items."""
    return _quote(*_first_paragraph(answer), limit)


def quoted(answer: str, language: str, limit: int = QUOTE_CHARS) -> str:
    """The quote as one line: the list's items, if any, joined with semicolons, and "…"
    when some were left out."""
    sentences, items = _first_paragraph(answer)
    parts = _quote(sentences, items, limit)
    if not parts or not items or parts[-1] not in items:
        return " ".join(parts)
    first = next(i for i, p in enumerate(parts) if p in items)
    joined = ""
    separator = " ; " if language == "fr" else "; "
    for piece in parts[first:]:
        if joined:
            joined += " " if joined.endswith((";", ".")) else separator
        joined += piece
    if len(parts) - first < len(items):
        joined += " …"
    return " ".join([*parts[:first], joined])


@dataclass(frozen=True)
class Point:
    article: str
    title: str
    text: str
    reviewed: date | None
    stale: bool


def _point(
    session: Session, article_id: str, language: str, today: date, review_max_days: int
) -> Point | None:
    """The quote of one article, if it is published in the candidate's language."""
    try:
        found = published_answer(session=session, article_id=article_id, language=language)
    except ArticleNotFound:
        return None
    if found.language != language:
        return None
    answer = answer_from_records(
        session=session, article_id=article_id, language=language, today=today, answer=found.answer
    )
    return Point(
        article=article_id,
        title=found.title,
        text=quoted(answer, language),
        reviewed=found.reviewed_on,
        stale=is_stale(found.reviewed_on, today, review_max_days),
    )


def points(
    *,
    session: Session,
    priorities: tuple[str, ...],
    language: str,
    today: date,
    review_max_days: int = DEFAULT_REVIEW_MAX_DAYS,
) -> list[Point]:
    """Up to MAX_POINTS quotes: each priority's most telling article in turn, then its
    next ones; an article used once, only published in the candidate's language."""
    chosen: list[Point] = []
    used: set[str] = set()
    queues = {p: list(PRIORITY_ARTICLES.get(p, ())) for p in priorities}
    while len(chosen) < MAX_POINTS and any(queues.values()):
        for priority in priorities:
            queue = queues[priority]
            point = None
            while queue and point is None and len(chosen) < MAX_POINTS:
                article_id = queue.pop(0)
                if article_id not in used:
                    used.add(article_id)
                    point = _point(session, article_id, language, today, review_max_days)
            if point is not None:
                chosen.append(point)
    return chosen


def _source(point: Point, language: str) -> str:
    if point.reviewed is None:
        return text("pitch_source_unchecked", language, title=point.title)
    source = text(
        "pitch_source", language, title=point.title, date=date_in_words(point.reviewed, language)
    )
    return f"{source}, {text('pitch_stale', language)}" if point.stale else source


def wish_for(priorities: tuple[str, ...], said: str) -> JobWish:
    """What the positions are filtered by: the filters the message names (a city, a
    team...), with "some remote work" when remote work matters."""
    wish = read_job_wish(said) if said else JobWish()
    if "remote" in priorities and wish.remote is None:
        wish = replace(wish, remote="any")
    return wish


@dataclass(frozen=True)
class Pitch:
    text: str
    teams: tuple[str, ...]
    payload: replies.Payload


def pitch(
    *,
    session: Session,
    priorities: tuple[str, ...],
    said: str,
    language: str,
    today: date,
    careers_url: str,
    review_max_days: int = DEFAULT_REVIEW_MAX_DAYS,
) -> Pitch:
    """The personal pitch for `priorities` (known ones, in the order the candidate gave)."""
    named = ", ".join(priority_labels(priorities, language))
    quotes = points(
        session=session,
        priorities=priorities,
        language=language,
        today=today,
        review_max_days=review_max_days,
    )
    wish = wish_for(priorities, said)
    jobs = []
    if not wish.empty:
        results = search_jobs(session=session, wish=wish, language=language)
        if results.exact:
            jobs = [job_item(f, language, careers_url) for f in results.found[:MAX_JOBS]]
    teams: list[str] = []
    for team in [j["team"] for j in jobs] or [
        t for p in priorities for t in PRIORITY_TEAMS.get(p, ())
    ]:
        if team not in teams:
            teams.append(team)
    parts = []
    if not quotes:
        parts.append(text("pitch_nothing", language, priorities=named))
    else:
        said_by = [f"- {p.text} ({_source(p, language)})" for p in quotes]
        parts.append("\n".join([text("pitch_intro", language, priorities=named), *said_by]))
    if jobs:
        fits = [
            "- "
            + text(
                "pitch_job",
                language,
                title=j["title"],
                location=j["location"],
                why=", ".join(j["reasons"]),
            )
            for j in jobs
        ]
        parts.append("\n".join([text("pitch_jobs", language), *fits]))
    if teams:
        names = ", ".join(TEAMS[language].get(t, t) for t in teams)
        parts.append(text("pitch_teams", language, teams=names))
    if quotes:
        parts.append(text("pitch_invite", language))
    payload = replies.pitch(
        priorities=list(priorities),
        language=language,
        points=[
            {
                "article": p.article,
                "title": p.title,
                "text": p.text,
                "reviewed": p.reviewed.isoformat() if p.reviewed else None,
                "stale": p.stale,
            }
            for p in quotes
        ],
        jobs=jobs,
        teams=teams,
    )
    return Pitch("\n\n".join(parts), tuple(teams), payload)
