"""The widget's starter questions (bot.hr.starters): the most answered published articles of
the last 30 days, titled in the page's language, topped up from a fixed list."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from sqlalchemy import insert

from bot.core.db import transaction
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.hr.analytics import Ranked, most_answered
from bot.hr.starters import DEFAULT_ARTICLES, starters
from bot.knowledge.models import Article
from bot.knowledge.service import titles

NOW = datetime(2026, 11, 30, 12, 0)


def answered(url: str, *answers: tuple[str, timedelta, str | None]) -> None:
    """(article, how long ago, sender role or None) as the assistant's stored answers."""
    engine = tracker_engine(url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        for article, ago, role in answers:
            data: dict = {
                "event": "bot",
                "data": {"custom": {"type": "answer", "article": article}},
            }
            if role:
                data["metadata"] = {"sender": {"role": role, "name": "Camille"}}
            connection.execute(
                insert(EVENTS).values(
                    sender_id="c1",
                    type_name="bot",
                    timestamp=_epoch(NOW - ago),
                    data=json.dumps(data),
                )
            )
    engine.dispose()


def _epoch(at: datetime) -> float:
    return at.replace(tzinfo=timezone.utc).timestamp()


def read(url: str, language: str) -> list[tuple[str, str]]:
    with transaction(url) as tracker_session, transaction(url) as session:
        found = starters(
            session=session, tracker_session=tracker_session, language=language, now=NOW
        )
    return [(s.article, s.title) for s in found]


def test_without_any_conversation_the_defaults_are_offered(kb_url):
    with transaction(kb_url) as session:
        named = titles(session=session, article_ids=DEFAULT_ARTICLES, language="en")
    assert read(kb_url, "en") == [(a, named[a]) for a in DEFAULT_ARTICLES]


def test_the_most_answered_of_the_last_30_days_come_first(kb_url):
    day = timedelta(days=1)
    answered(
        kb_url,
        *[("equity", day, None)] * 3,
        *[("time-off", 2 * day, None)] * 2,
        *[("meal-card", 40 * day, None)] * 9,  # too old
        *[("transport", day, "recruiter")] * 9,  # a recruiter's message is not an answer
        ("no-such-article", day, None),
        ("no-such-article", day, None),
    )
    with transaction(kb_url) as tracker_session:
        ranked = most_answered(tracker_session=tracker_session, since=NOW - 30 * day, until=NOW)
    assert ranked == [Ranked("equity", 3), Ranked("no-such-article", 2), Ranked("time-off", 2)]
    shown = read(kb_url, "fr")
    assert [a for a, _ in shown] == ["equity", "time-off", *DEFAULT_ARTICLES[:2]]
    assert shown[0][1] == "Les BSPCE"


def test_a_draft_is_never_offered(kb_url):
    answered(kb_url, *[("equity", timedelta(hours=1), None)] * 3)
    with transaction(kb_url) as session:
        session.get(Article, "equity").status = "draft"
    assert "equity" not in [a for a, _ in read(kb_url, "en")]
