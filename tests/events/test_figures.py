"""Seats and hours of the event articles come from HR's records (bot/events/figures.py):
the answer takes the records' figures when the article says otherwise, and HR's list of
events flags each date an article contradicts."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from bot.candidate.answering import respond
from bot.core.db import transaction
from bot.events.figures import event_mismatches, figures_in_article, stated_hours
from bot.events.models import EventTerms
from bot.records.defaults import prepare_records
from bot.records.models import Event

TODAY = dt.date(2026, 12, 1)


@pytest.fixture
def events_url(kb_url: str) -> str:
    with transaction(kb_url) as session:
        prepare_records(session=session, today=TODAY)
    return kb_url


def answer_of(url: str, article: str, language: str) -> str:
    parse = {
        "text": f'/choose_article{{"article": "{article}"}}',
        "intent": {"name": "choose_article", "confidence": 1.0},
        "entities": [{"entity": "article", "value": article}],
    }
    with transaction(url) as session:
        reply = respond(
            session=session,
            parse=parse,
            language=language,
            conversation_id="c-figures",
            answer_threshold=0.5,
            clarify_threshold=0.2,
            today=TODAY,
        )
    assert reply.text is not None
    return reply.text


def open_houses(url: str) -> list[int]:
    with transaction(url) as session:
        return list(
            session.execute(
                select(Event.id).where(Event.kind == "open_house").order_by(Event.date)
            ).scalars()
        )


def test_the_default_articles_agree_with_the_default_records(events_url):
    with transaction(events_url) as session:
        assert event_mismatches(session=session, today=TODAY) == []
    assert "**25 places**" in answer_of(events_url, "open-house", "fr")
    assert "**17:30 to 19:30**" in answer_of(events_url, "open-house", "en")
    assert "**150 places**" in answer_of(events_url, "reverse-qa", "fr")


def test_seats_changed_for_one_date_become_a_range_and_hr_sees_that_date(events_url):
    first, *others = open_houses(events_url)
    with transaction(events_url) as session:
        session.add(EventTerms(event_id=first, capacity=30))
    assert "**25 à 30 places**" in answer_of(events_url, "open-house", "fr")
    assert "**25 to 30 seats**" in answer_of(events_url, "open-house", "en")
    with transaction(events_url) as session:
        found = [
            m.to_json() | {"event": m.event_id}
            for m in event_mismatches(session=session, today=TODAY)
        ]
    assert found == [
        {"article": "open-house", "language": lang, "figure": "seats", "stated": "25",
         "recorded": "30", "event": first}
        for lang in ("en", "fr")
    ]  # fmt: skip


def test_new_hours_for_every_date_replace_the_articles(events_url):
    with transaction(events_url) as session:
        session.execute(
            update(Event)
            .where(Event.kind == "open_house")
            .values(start_time=dt.time(18, 0), end_time=dt.time(20, 0))
        )
        assert len(event_mismatches(session=session, today=TODAY)) == 2 * len(
            open_houses(events_url)
        )
    french = answer_of(events_url, "open-house", "fr")
    assert "**18h00 à 20h00**" in french and "17h30" not in french
    english = answer_of(events_url, "open-house", "en")
    assert "**18:00 to 20:00**" in english and "17:30" not in english


def test_hours_that_differ_between_dates_are_left_to_each_dates_line(events_url):
    first, *_ = open_houses(events_url)
    with transaction(events_url) as session:
        session.execute(update(Event).where(Event.id == first).values(start_time=dt.time(18, 0)))
        flagged = {(m.event_id, m.figure) for m in event_mismatches(session=session, today=TODAY)}
    assert flagged == {(first, "hours")}
    french = answer_of(events_url, "open-house", "fr")
    assert "**17h30 à 19h30**" in french  # the article's, for most dates
    assert "18h00 à 19h30" in french  # that date's own line


def test_past_and_cancelled_dates_are_not_checked(events_url):
    first, *_ = open_houses(events_url)
    with transaction(events_url) as session:
        session.add(EventTerms(event_id=first, capacity=40))
        session.execute(update(Event).where(Event.id == first).values(status="cancelled"))
        assert event_mismatches(session=session, today=TODAY) == []
    assert "**25 places**" in answer_of(events_url, "open-house", "fr")


def test_figures_are_read_where_they_are_written_and_nowhere_else():
    dates: list = []
    said = "Le 12 décembre 2026, 2025 places ? Non : 1,25 places. De 9h à 10h30."
    assert figures_in_article(said, "fr", dates) == said
    assert stated_hours(said, "fr") == [(dt.time(9, 0), dt.time(10, 30))]
    assert stated_hours("from 25:00 to 26:00", "en") == []
