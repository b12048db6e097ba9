"""What the assistant adds to an article from the current HR records, in French or English.

Event articles get their next scheduled dates; the open-positions article lists
the positions open now (in place of the article's own list, which may be out
of date); the article of a closed position says it is closed and what is open.
Dates are written by hand, not with the OS locale, which servers rarely have.
While a table is empty (records not in use), the article is shown as written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from bot.core.dates import day_in_words
from bot.core.texts import text as worded
from bot.records.consistency import record_range, salary_in_article
from bot.records.models import Event, JobPosition

OVERVIEW_ARTICLE = "events-overview"
OPEN_POSITIONS_ARTICLE = "open-positions"
JOB_ARTICLE_PREFIX = "job-"
# Article id -> the kind of event it is about.
EVENT_ARTICLES = {
    "open-house": "open_house",
    "team-coffee": "team_coffee",
    "reverse-qa": "reverse_qa",
    "hackathon": "hackathon",
}
# Kinds the overview always mentions; a hackathon only once it has dates.
OVERVIEW_KINDS = ("open_house", "team_coffee", "reverse_qa")
MAX_DATES = 3


def _language(language: str) -> str:
    return "fr" if language == "fr" else "en"


def format_day(day: dt.date, language: str, *, current_year: int) -> str:
    """'jeudi 1er janvier' / 'Thursday 1 January', with the year when it is not `current_year`."""
    text = day_in_words(day, _language(language))
    return f"{text} {day.year}" if day.year != current_year else text


def format_time(value: dt.time, language: str) -> str:
    return f"{value.hour}h{value.minute:02d}" if _language(language) == "fr" else f"{value:%H:%M}"


def _when(event: Event, language: str, today: dt.date) -> str:
    lang = _language(language)
    if event.end_date and event.end_date != event.date:
        last = format_day(event.end_date, lang, current_year=today.year)
        # "du jeudi 8 avril au vendredi 9 avril 2027": the year once, at the end
        first = format_day(event.date, lang, current_year=event.end_date.year)
        return worded("event_days_range", lang, first=first, last=last)
    return format_day(event.date, lang, current_year=today.year)


def _event_line(event: Event, language: str, today: dt.date) -> str:
    lang = _language(language)
    parts = [f"**{_when(event, lang, today)}**"]
    if event.start_time is not None:
        start = format_time(event.start_time, lang)
        if event.end_time is not None:
            end = format_time(event.end_time, lang)
            start = worded("event_hours_range", lang, start=start, end=end)
        parts.append(start)
    place = event.place_fr if lang == "fr" else event.place_en
    note = event.note_fr if lang == "fr" else event.note_en
    parts.extend(text for text in (place, note) if text)
    return "- " + " — ".join(parts)


def next_events(
    *, session: Session, kinds: Sequence[str], today: dt.date, limit: int = MAX_DATES
) -> dict[str, list[Event]]:
    """The next scheduled occurrences of each kind (cancelled ones are skipped)."""
    found: dict[str, list[Event]] = {kind: [] for kind in kinds}
    rows = session.execute(
        select(Event)
        .where(
            Event.kind.in_(kinds),
            Event.status == "scheduled",
            or_(Event.date >= today, Event.end_date >= today),
        )
        .order_by(Event.date, Event.start_time.isnot(None), Event.start_time, Event.id)
    ).scalars()
    for event in rows:
        if len(found[event.kind]) < limit:
            found[event.kind].append(event)
    return found


def _has_any(session: Session, model: type[Event] | type[JobPosition]) -> bool:
    return bool(session.execute(select(func.count()).select_from(model)).scalar_one())


def event_details(
    *, session: Session, article_id: str, language: str, today: dt.date
) -> str | None:
    """The dates to add to an event article, or None when there is nothing to add."""
    lang = _language(language)
    if not _has_any(session, Event):
        return None
    if article_id == OVERVIEW_ARTICLE:
        found = next_events(session=session, kinds=(*OVERVIEW_KINDS, "hackathon"), today=today)
        lines = [worded("event_dates_overview", lang)]
        for kind, events in found.items():
            if not events and kind not in OVERVIEW_KINDS:
                continue
            days = ", ".join(_when(e, lang, today) for e in events)
            name = worded(f"event_name_{kind}", lang)
            days = days or worded("event_no_date_short", lang)
            lines.append(worded("event_overview_line", lang, kind=name, days=days))
        return "\n".join(lines)
    article_kind = EVENT_ARTICLES.get(article_id)
    if article_kind is None:
        return None
    events = next_events(session=session, kinds=(article_kind,), today=today)[article_kind]
    if not events:
        # The hackathon article already says "April and November"; no dates is no news.
        return None if article_kind == "hackathon" else worded("event_no_date", lang)
    intro = worded(f"event_dates_{article_kind}", lang)
    return "\n".join([intro, *(_event_line(e, lang, today) for e in events)])


def format_salary(job: JobPosition, language: str) -> str:
    lang = _language(language)
    text = record_range(job, lang)
    note = job.salary_note(lang)
    return f"{text} {note}" if note else text


def open_positions_text(*, session: Session, language: str) -> str:
    """The positions open now, one line each: title, location, salary range."""
    lang = _language(language)
    jobs = session.execute(
        select(JobPosition)
        .where(JobPosition.status == "open")
        .order_by(JobPosition.sort_order, JobPosition.title_en, JobPosition.id)
    ).scalars()
    lines = [
        f"- **{job.title(lang)}** — {job.location(lang)} — {format_salary(job, lang)}"
        for job in jobs
    ]
    if not lines:
        return worded("positions_none", lang)
    if len(lines) == 1:
        intro = worded("positions_one", lang)
    else:
        words = worded("number_words", lang).split()  # from two
        count = words[len(lines) - 2] if len(lines) - 2 < len(words) else str(len(lines))
        intro = worded("positions_many", lang, count=count)
    return "\n".join([intro, *lines])


def _closed_position(session: Session, article_id: str) -> JobPosition | None:
    """The position an article describes, when every position linked to it is closed."""
    jobs = list(
        session.execute(
            select(JobPosition).where(JobPosition.article_id == article_id).order_by(JobPosition.id)
        ).scalars()
    )
    if jobs and all(job.status == "closed" for job in jobs):
        return jobs[0]
    return None


def live_answer(
    *, session: Session, article_id: str, language: str, today: dt.date, answer: str
) -> str:
    """The article's answer with the current records worked in (unchanged for other articles).

    `today` is the office's date (Europe/Paris), see `bot.records.service.local_today`.
    """
    lang = _language(language)
    if article_id == OPEN_POSITIONS_ARTICLE:
        if not _has_any(session, JobPosition):
            return answer
        return open_positions_text(session=session, language=lang)
    if article_id.startswith(JOB_ARTICLE_PREFIX):
        closed = _closed_position(session, article_id)
        if closed is None:
            # The salary range from the record, whatever the article still says.
            job = session.execute(
                select(JobPosition)
                .where(JobPosition.article_id == article_id, JobPosition.status == "open")
                .order_by(JobPosition.id)
                .limit(1)
            ).scalar_one_or_none()
            return salary_in_article(answer, lang, job) if job is not None else answer
        notice = worded("position_closed", lang, title=closed.title(lang))
        return f"{notice}\n\n{open_positions_text(session=session, language=lang)}"
    if article_id == OVERVIEW_ARTICLE or article_id in EVENT_ARTICLES:
        details = event_details(session=session, article_id=article_id, language=lang, today=today)
        return f"{answer}\n\n{details}" if details else answer
    return answer
