"""Thumbs up / down on answers: one vote per conversation and article, thumbs-down to HR."""

from __future__ import annotations

import pytest

from bot.candidate.feedback import AnswerFeedback, BadFeedback, rate_answer, ratings_of
from bot.core.db import transaction
from bot.inbox.service import open_items


def rate(db_url, rating, conversation="c1", article="remote-work", question="Télétravail ?"):
    with transaction(db_url) as session:
        rate_answer(
            session=session,
            conversation_id=conversation,
            article_id=article,
            rating=rating,
            language="fr",
            question=question,
        )


def test_a_rating_is_stored_with_its_article(db_url):
    rate(db_url, "up")
    with transaction(db_url) as session:
        assert ratings_of(session=session, conversation_id="c1") == {"remote-work": "up"}
        assert open_items(session=session, reason="not_helpful") == []


def test_the_last_vote_counts_and_a_thumbs_down_reaches_hr_once(db_url):
    rate(db_url, "down")
    rate(db_url, "down")
    rate(db_url, "up")
    with transaction(db_url) as session:
        rows = session.query(AnswerFeedback).all()
        assert [(r.article_id, r.rating) for r in rows] == [("remote-work", 1)]
        items = open_items(session=session, reason="not_helpful")
        assert [(i.text, i.article_id) for i in items] == [("Télétravail ?", "remote-work")]


def test_ratings_are_per_conversation(db_url):
    rate(db_url, "up", conversation="c1")
    rate(db_url, "down", conversation="c2")
    with transaction(db_url) as session:
        assert ratings_of(session=session, conversation_id="c2") == {"remote-work": "down"}


@pytest.mark.parametrize(
    "rating, article",
    [
        ("meh", "remote-work"),
        (1, "remote-work"),
        (None, "x"),
        ("up", ""),
        ("up", None),
        ("up", "a" * 65),
        ("up", {"id": "x"}),
    ],
)
def test_bad_feedback_is_refused(db_url, rating, article):
    with pytest.raises(BadFeedback):
        rate(db_url, rating, article=article)
