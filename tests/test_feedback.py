"""Thumbs up / down on answers: only on an answer the assistant gave in the conversation,
one vote per conversation and article, a thumbs-down to HR once however often clicked."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import insert

from bot.candidate.feedback import (
    AnswerFeedback,
    BadFeedback,
    answered_articles,
    rate_answer,
    ratings_of,
)
from bot.core import replies
from bot.core.db import transaction
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.inbox.models import InboxItem
from bot.inbox.service import open_items
from bot.ops.schema import upgrade


def store_events(url: str, conversation: str, *events: dict) -> None:
    """Rows of Rasa's tracker store (its `events` table), as Rasa writes them."""
    engine = tracker_engine(url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        for event in events:
            connection.execute(
                insert(EVENTS).values(
                    sender_id=conversation, type_name=event["event"], data=json.dumps(event)
                )
            )


def answer_given(url: str, conversation: str, article: str, question: str) -> None:
    """The candidate asked `question` and the assistant answered with `article`."""
    store_events(
        url,
        conversation,
        {"event": "user", "text": question},
        {
            "event": "bot",
            "text": "Réponse…",
            "data": {"custom": replies.answer(article=article, confidence=0.9, language="fr")},
        },
    )


def rate(url, rating, conversation="c1", article="remote-work", question=None, language="fr"):
    with transaction(url) as session:
        rate_answer(
            session=session,
            conversation_id=conversation,
            article_id=article,
            rating=rating,
            language=language,
            question=question,
            tracker_url=url,
        )


@pytest.fixture
def answered(db_url: str) -> str:
    """A database where conversation c1 got the remote-work answer to "Télétravail ?"."""
    answer_given(db_url, "c1", "remote-work", "Télétravail ?")
    return db_url


def test_a_rating_is_stored_with_its_article(answered):
    rate(answered, "up")
    with transaction(answered) as session:
        assert ratings_of(session=session, conversation_id="c1") == {"remote-work": "up"}
        assert open_items(session=session, reason="not_helpful") == []


def test_the_last_vote_counts_and_a_thumbs_down_reaches_hr_once(answered):
    rate(answered, "down")
    rate(answered, "down")
    rate(answered, "up")
    with transaction(answered) as session:
        rows = session.query(AnswerFeedback).all()
        assert [(r.article_id, r.rating, r.question) for r in rows] == [
            ("remote-work", 1, "Télétravail ?")
        ]
        items = open_items(session=session, reason="not_helpful")
        assert [(i.text, i.article_id) for i in items] == [("Télétravail ?", "remote-work")]


def test_toggling_the_thumbs_makes_one_inbox_item_not_one_per_click(answered):
    for _ in range(20):  # the audit: 40 clicks made 20 inbox items
        rate(answered, "down")
        rate(answered, "up")
    with transaction(answered) as session:
        items = session.query(InboxItem).filter_by(reason="not_helpful").all()
        assert [(i.conversation_id, i.article_id) for i in items] == [("c1", "remote-work")]


def test_a_repeated_thumbs_down_updates_the_item_and_keeps_hr_s_decision(answered):
    rate(answered, "down", language="fr")
    with transaction(answered) as session:
        item = session.query(InboxItem).one()
        item.status = "dismissed"
    rate(answered, "up")
    rate(answered, "down", language="en")
    with transaction(answered) as session:
        item = session.query(InboxItem).one()
        assert (item.status, item.language, item.text) == ("dismissed", "en", "Télétravail ?")


def test_simultaneous_thumbs_down_make_one_item(answered):
    errors: list[BaseException] = []

    def click() -> None:
        try:
            rate(answered, "down")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=click) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with transaction(answered) as session:
        assert session.query(AnswerFeedback).count() == 1
        assert session.query(InboxItem).count() == 1


def test_simultaneous_thumbs_down_make_one_item_on_postgresql(pg_url):
    upgrade(pg_url)
    answer_given(pg_url, "c1", "remote-work", "Télétravail ?")
    errors: list[BaseException] = []

    def click() -> None:
        try:
            rate(pg_url, "down")
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=click) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with transaction(pg_url) as session:
        assert [(r.rating, r.question) for r in session.query(AnswerFeedback)] == [
            (-1, "Télétravail ?")
        ]
        assert session.query(InboxItem).count() == 1


def test_ratings_are_per_conversation(answered):
    answer_given(answered, "c2", "remote-work", "Remote?")
    rate(answered, "up", conversation="c1")
    rate(answered, "down", conversation="c2")
    with transaction(answered) as session:
        assert ratings_of(session=session, conversation_id="c2") == {"remote-work": "down"}


@pytest.mark.parametrize(
    "conversation, article",
    [
        ("c1", "salaries"),  # a real article, never answered in c1
        ("c2", "remote-work"),  # answered, but in another conversation
        ("c1", "made-up-article"),
    ],
)
def test_an_article_not_answered_in_the_conversation_is_refused(answered, conversation, article):
    with pytest.raises(BadFeedback) as refused:
        rate(answered, "down", conversation=conversation, article=article, language="en")
    assert refused.value.code == "feedback_not_answered"
    assert str(refused.value) == (
        "I can only save your rating for an answer I gave you in this conversation."
    )
    with transaction(answered) as session:
        assert session.query(AnswerFeedback).count() == 0
        assert session.query(InboxItem).count() == 0


def test_a_refusal_speaks_the_candidate_s_language(answered):
    with pytest.raises(BadFeedback) as refused:
        rate(answered, "up", article="salaries", language="fr")
    assert str(refused.value).startswith("Je ne peux enregistrer votre avis")


def test_the_articles_a_conversation_was_answered_with():
    events = [
        {"event": "user", "text": "Salaire ?"},
        {"event": "bot", "data": {"custom": replies.clarify(["salaries", "benefits"])}},
        {"event": "user", "text": "Les salaires"},
        {
            "event": "bot",
            "data": {"custom": replies.answer(article="salaries", confidence=1, language="fr")},
        },
        {"event": "bot", "data": {"custom": {"type": "answer", "article": 42}}},
        {"event": "bot", "data": {"custom": replies.handoff_offered("unavailable")}},
    ]
    assert answered_articles(events) == {"salaries": "Les salaires"}


@pytest.mark.parametrize(
    "rating, article",
    [
        ("meh", "remote-work"),
        (1, "remote-work"),
        (None, "x"),
        (["up"], "remote-work"),
        ({"up": 1}, "remote-work"),
        ("up", ""),
        ("up", None),
        ("up", "a" * 65),
        ("up", {"id": "x"}),
    ],
)
def test_bad_feedback_is_refused(answered, rating, article):
    with pytest.raises(BadFeedback) as refused:
        rate(answered, rating, article=article)
    assert refused.value.code == "feedback_invalid"
