"""The reverse Q&A's questions: submitted by confirmed registrations, listed without
names by votes, one vote per registration even when votes arrive at the same instant."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest

from bot.core.db import transaction
from bot.events.panel import (
    MAX_QUESTIONS,
    AlreadyVoted,
    PanelClosed,
    PanelError,
    QuestionNotFound,
    TooManyQuestions,
    mark_answered,
    session_questions,
    set_question_status,
    submit_question,
    vote,
)
from bot.events.registrations import BadRegistration, RegistrationError, RegistrationNotYours
from bot.events.terms import save_terms
from tests.events.conftest import (
    NOW,
    OFFICE,
    REVERSE_QA_START,
    add_event,
    add_reverse_qa,
    registrar,
)

HOSTILE = '<script>alert(1)</script><img src=x onerror="x()"> **bold** & co'


def ask(url: str, registration: str, text: str, **kw):
    with transaction(url) as session:
        return submit_question(
            session=session, registration_id=registration, text=text, now=kw.pop("now", NOW),
            office_timezone=OFFICE, **kw,
        )  # fmt: skip


def upvote(url: str, registration: str, question: str, now: dt.datetime = NOW) -> int:
    with transaction(url) as session:
        return vote(
            session=session, registration_id=registration, question_id=question, now=now,
            office_timezone=OFFICE,
        )  # fmt: skip


def listed(url: str, event_id: int, viewer=None):
    with transaction(url) as session:
        return session_questions(
            session=session, event_id=event_id, viewer=session.merge(viewer) if viewer else None
        )


def test_questions_are_listed_by_votes_without_names(events_url, registered):
    event_id = add_reverse_qa(events_url)
    a = registered(event_id, email="a@example.org", first_name="Alice")
    b = registered(event_id, email="b@example.org", conversation_id="conv-b")
    c = registered(event_id, email="c@example.org")
    first = ask(events_url, a.public_id, "How do you choose what to build next?")
    second = ask(events_url, b.public_id, HOSTILE, conversation_id="conv-b")
    assert upvote(events_url, a.public_id, second.public_id) == 1
    assert upvote(events_url, c.public_id, second.public_id) == 2
    views = listed(events_url, event_id, viewer=a)
    assert [(v.id, v.text, v.votes, v.mine, v.voted) for v in views] == [
        (second.public_id, HOSTILE, 2, False, True),
        (first.public_id, "How do you choose what to build next?", 0, True, False),
    ]
    payload = repr([v.to_json() for v in views])
    assert "Alice" not in payload and "a@example.org" not in payload


def test_one_vote_per_registration_and_never_on_ones_own(events_url, registered):
    event_id = add_reverse_qa(events_url)
    a = registered(event_id, email="a@example.org")
    b = registered(event_id, email="b@example.org")
    question = ask(events_url, a.public_id, "Remote work?")
    upvote(events_url, b.public_id, question.public_id)
    with pytest.raises(AlreadyVoted):
        upvote(events_url, b.public_id, question.public_id)
    with pytest.raises(PanelError) as refused:
        upvote(events_url, a.public_id, question.public_id)
    assert refused.value.code == "own_question"


def test_who_may_ask_and_what(events_url, registered):
    event_id = add_reverse_qa(events_url)
    save = add_event(events_url)  # an open house has no questions
    with transaction(events_url) as session:
        save_terms(session=session, event_id=event_id, capacity=1, author="hr")
    a = registered(event_id, email="a@example.org")
    waiting = registered(event_id, email="b@example.org")
    visitor = registered(save, email="v@example.org")
    for text, code in (("", "question_missing"), ("x" * 501, "question_too_long"),
                       ("hi\x00", "question_not_plain"), (None, "question_missing")):  # fmt: skip
        with pytest.raises(BadRegistration) as refused:
            ask(events_url, a.public_id, text)
        assert refused.value.code == code
    for registration, code in ((waiting, "not_confirmed"), (visitor, "not_a_panel")):
        with pytest.raises(PanelClosed) as closed:
            ask(events_url, registration.public_id, "Hello?")
        assert closed.value.code == code
    with pytest.raises(PanelClosed) as closed:
        ask(events_url, a.public_id, "Late?", now=REVERSE_QA_START + dt.timedelta(minutes=45))
    assert closed.value.code == "event_over"
    with pytest.raises(RegistrationNotYours):
        ask(events_url, a.public_id, "Mine?", conversation_id="conv-2")
    assert ask(events_url, a.public_id, "During the session?", now=REVERSE_QA_START).text
    for n in range(MAX_QUESTIONS - 1):
        ask(events_url, a.public_id, f"Question {n}")
    with pytest.raises(TooManyQuestions):
        ask(events_url, a.public_id, "One too many")


def test_the_host_marks_answered_and_hides(events_url, registered):
    event_id = add_reverse_qa(events_url)
    a = registered(event_id, email="a@example.org")
    b = registered(event_id, email="b@example.org")
    question = ask(events_url, a.public_id, "Salary bands?")
    with transaction(events_url) as session:
        done = mark_answered(
            session=session, question_id=question.public_id, answered=True, by="ceo", now=NOW
        )
        assert (done.answered, done.answered_by, done.answered_at) == (True, "ceo", NOW)
        set_question_status(session=session, question_id=question.public_id, status="hidden")
        assert session_questions(session=session, event_id=event_id) == []
        assert len(session_questions(session=session, event_id=event_id, include_hidden=True)) == 1
    with pytest.raises(QuestionNotFound):
        upvote(events_url, b.public_id, question.public_id)


def votes_race(url: str) -> None:
    """20 registrations vote for one question at once, and one registration 10 times."""
    event_id = add_reverse_qa(url)
    register = registrar(url)
    author = register(event_id, email="author@example.org")
    question = ask(url, author.public_id, "What keeps you up at night?")
    voters = [register(event_id, email=f"v{n}@example.org").public_id for n in range(20)]

    def race(act, count: int) -> Counter:
        barrier = threading.Barrier(count)
        outcomes: list[str] = []
        lock = threading.Lock()

        def run(n: int) -> None:
            barrier.wait()
            try:
                act(n)
                outcome = "voted"
            except RegistrationError as error:
                outcome = type(error).__name__
            except Exception as error:  # noqa: BLE001 - reported by the assertion
                outcome = f"error: {error!r}"
            with lock:
                outcomes.append(outcome)

        threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=300)
        return Counter(outcomes)

    assert race(lambda n: upvote(url, voters[n], question.public_id), 20) == Counter(voted=20)
    other = register(event_id, email="other@example.org")
    outcomes = race(lambda n: upvote(url, other.public_id, question.public_id), 10)
    assert outcomes == Counter(voted=1, AlreadyVoted=9)
    (view,) = listed(url, event_id)
    assert view.votes == 21


def test_concurrent_votes_are_counted_exactly_on_sqlite(events_url):
    votes_race(events_url)


@pytest.mark.postgres
def test_concurrent_votes_are_counted_exactly_on_postgresql(events_pg_url):
    votes_race(events_pg_url)
