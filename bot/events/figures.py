"""The figures an event article states that HR's records hold: the seats per date and the
opening hours ("25 places par date", "de 17h30 à 19h30"; "25 seats", "17:30 to 19:30").

The assistant never states them from an article that contradicts the records: when the
upcoming dates of that kind all agree, their figure takes the article's place; seats that
differ between dates become a range ("25 à 30 places"); hours that differ are left as
written (each date's line under the answer gives its own hours). HR sees every date whose
figures an article contradicts (`event_mismatches`), in the list of events.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.texts import text as worded
from bot.events.models import EventTerms
from bot.events.terms import capacity_of
from bot.knowledge.models import ArticleText
from bot.records.answers import format_time, live_answer
from bot.records.models import Event

# The articles whose figures the records hold, and the kind of event each is about.
FIGURE_ARTICLES = {"open-house": "open_house", "reverse-qa": "reverse_qa"}
KINDS = tuple(dict.fromkeys(FIGURE_ARTICLES.values()))
# A number of seats ("**25 places**", "25 seats"): the number alone is replaced.
SEATS = {
    "fr": re.compile(r"(?<![\d,.])(\d{1,4})(?=\**[ \u00a0]places\b)"),
    "en": re.compile(r"(?<![\d,.])(\d{1,4})(?=\**[ \u00a0]seats\b)"),
}
HOURS = {
    "fr": re.compile(r"(?<!\d)(\d{1,2})h(\d{2})? à (\d{1,2})h(\d{2})?(?!\d)"),
    "en": re.compile(r"(?<!\d)(\d{1,2}):(\d{2}) to (\d{1,2}):(\d{2})(?!\d)"),
}


def _lang(language: str) -> str:
    return "fr" if language == "fr" else "en"


def _time(hour: str, minute: str | None) -> dt.time | None:
    h, m = int(hour), int(minute or 0)
    return dt.time(h, m) if h < 24 and m < 60 else None


def stated_seats(answer: str, language: str) -> list[int]:
    return [int(m.group(1)) for m in SEATS[_lang(language)].finditer(answer)]


def stated_hours(answer: str, language: str) -> list[tuple[dt.time, dt.time]]:
    found = []
    for m in HOURS[_lang(language)].finditer(answer):
        start, end = _time(m.group(1), m.group(2)), _time(m.group(3), m.group(4))
        if start is not None and end is not None:
            found.append((start, end))
    return found


@dataclass(frozen=True)
class Dated:
    """An upcoming date of a kind, with the figures the records give it."""

    event: Event
    seats: int | None
    hours: tuple[dt.time, dt.time] | None


def upcoming(*, session: Session, kind: str, today: dt.date) -> list[Dated]:
    events = session.execute(
        select(Event)
        .where(Event.kind == kind, Event.status == "scheduled", Event.date >= today)
        .order_by(Event.date, Event.id)
    ).scalars()
    found = []
    for event in events:
        hours = None
        if event.start_time is not None and event.end_time is not None:
            hours = (event.start_time, event.end_time)
        seats = capacity_of(event, session.get(EventTerms, event.id))
        found.append(Dated(event, seats, hours))
    return found


def _hours_text(hours: tuple[dt.time, dt.time], language: str) -> str:
    lang = _lang(language)
    start, end = (format_time(t, lang) for t in hours)
    return worded("event_hours_range", lang, start=start, end=end)


def figures_in_article(answer: str, language: str, dates: Sequence[Dated]) -> str:
    """The answer with its seats and hours taken from the records' upcoming dates."""
    lang = _lang(language)
    seats = sorted({d.seats for d in dates if d.seats})
    if seats:
        said = (
            str(seats[0])
            if len(seats) == 1
            else worded("event_seats_range", lang, low=seats[0], high=seats[-1])
        )
        answer = SEATS[lang].sub(
            lambda m: m.group(0) if [int(m.group(1))] == seats else said, answer
        )
    hours = {d.hours for d in dates if d.hours}
    if len(hours) == 1 and all(d.hours for d in dates):
        (recorded,) = hours

        def fixed(m: re.Match[str]) -> str:
            stated = (_time(m.group(1), m.group(2)), _time(m.group(3), m.group(4)))
            return m.group(0) if stated == recorded else _hours_text(recorded, lang)

        answer = HOURS[lang].sub(fixed, answer)
    return answer


def answer_from_records(
    *, session: Session, article_id: str, language: str, today: dt.date, answer: str
) -> str:
    """The article's answer as the assistant says it: the records' live parts worked in
    (bot.records.answers.live_answer: dates, positions, salary ranges), and an event
    article's seats and hours taken from the records."""
    answer = live_answer(
        session=session, article_id=article_id, language=language, today=today, answer=answer
    )
    kind = FIGURE_ARTICLES.get(article_id)
    if kind is None:
        return answer
    dates = upcoming(session=session, kind=kind, today=today)
    return figures_in_article(answer, language, dates) if dates else answer


@dataclass(frozen=True)
class EventMismatch:
    """A date whose seats or hours an article states otherwise."""

    article_id: str
    language: str
    event_id: int
    figure: str  # "seats" or "hours"
    stated: str
    recorded: str

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article_id,
            "language": self.language,
            "figure": self.figure,
            "stated": self.stated,
            "recorded": self.recorded,
        }


def event_mismatches(*, session: Session, today: dt.date) -> list[EventMismatch]:
    """Every upcoming date whose seats or hours an article of its kind states otherwise."""
    texts = session.execute(
        select(ArticleText).where(ArticleText.article_id.in_(list(FIGURE_ARTICLES)))
    ).scalars()
    dated = {kind: upcoming(session=session, kind=kind, today=today) for kind in KINDS}
    found: list[EventMismatch] = []
    for text in texts:
        lang = text.language
        dates = dated[FIGURE_ARTICLES[text.article_id]]
        for date in dates:
            differ = [
                ("seats", str(seats), str(date.seats))
                for seats in stated_seats(text.answer, lang)
                if date.seats is not None and seats != date.seats
            ] + [
                ("hours", _hours_text(hours, lang), _hours_text(date.hours, lang))
                for hours in stated_hours(text.answer, lang)
                if date.hours is not None and hours != date.hours
            ]
            found += [
                EventMismatch(text.article_id, lang, date.event.id, figure, stated, recorded)
                for figure, stated, recorded in differ
            ]
    return sorted(found, key=lambda m: (m.event_id, m.article_id, m.language, m.figure))
