"""The handoff workflow on a real database: office hours, routing, queue, claim, finish."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.office_hours import parse_office_hours
from bot.core.settings import PROJECT_ROOT
from bot.handoff.models import Handoff
from bot.handoff.service import (
    BadMessage,
    BadNote,
    HandoffAlreadyClaimed,
    HandoffNotYours,
    MessageTooLong,
    add_note,
    cancel_request,
    claim,
    expire_overdue,
    expire_unclaimed,
    finish,
    leave,
    load_routes,
    notes,
    recruiter_message,
    recruiters_online,
    route,
    touch_presence,
    waiting,
)
from bot.handoff.summary import asks_for_a_person, summarize
from tests.handoff.factories import queue, users


def test_office_hours_in_paris_time():
    hours = parse_office_hours("mon-fri 09:00-18:00", "Europe/Paris")
    # Thursday 26 November 2026: Paris is UTC+1
    assert hours.is_open(datetime(2026, 11, 26, 8, 0))  # 9:00 in Paris
    assert not hours.is_open(datetime(2026, 11, 26, 7, 59))
    assert not hours.is_open(datetime(2026, 11, 26, 17, 0))  # 18:00 in Paris
    assert not hours.is_open(datetime(2026, 11, 28, 10, 0))  # Saturday
    summer = parse_office_hours("mon-fri 09:00-18:00", "Europe/Paris")
    assert summer.is_open(datetime(2026, 7, 1, 7, 0))  # 9:00 in Paris, UTC+2
    assert parse_office_hours("sat,sun 10:00-24:00", "UTC").is_open(datetime(2026, 11, 29, 23, 59))
    assert parse_office_hours("fri-mon 08:00-09:00", "UTC").is_open(datetime(2026, 11, 29, 8, 30))


@pytest.mark.parametrize(
    "text, zone",
    [
        ("always", "UTC"),
        ("mon-fri 18:00-09:00", "UTC"),
        ("xyz 09:00-10:00", "UTC"),
        ("mon 25:00-26:00", "UTC"),
        ("mon-fri 09:00-18:00", "Mars/Olympus"),
    ],
)
def test_bad_office_hours_are_refused(text, zone):
    with pytest.raises(ValueError):
        parse_office_hours(text, zone)


def test_routing_defaults_follow_the_company_file():
    routes = load_routes(PROJECT_ROOT / "data" / "handoff" / "routing.yml")
    assert route(["platform"], routes) == "camille"
    assert route(["jobs", "design"], routes) == "malik"
    assert route(["early-careers"], routes) == "ines"
    assert route(["values"], routes) == ""
    assert load_routes(Path("/nonexistent.yml")) == {}


def test_presence_counts_recruiters_seen_recently(db_url, staff):
    with transaction(db_url) as session:
        for login in ("camille", "hr1"):
            touch_presence(session=session, user_id=staff[login])
    with transaction(db_url) as session:
        online = recruiters_online(session=session, now=utcnow(), window=timedelta(seconds=60))
        assert [u.login for u in online] == ["camille"]  # HR does not take conversations
        later = recruiters_online(
            session=session, now=utcnow() + timedelta(minutes=2), window=timedelta(seconds=60)
        )
        assert later == []
        leave(session=session, user_id=staff["camille"])
    with transaction(db_url) as session:
        assert recruiters_online(session=session, now=utcnow(), window=timedelta(seconds=60)) == []


def test_a_request_is_routed_and_asking_twice_changes_nothing(db_url, staff):
    first, name = queue(db_url, staff)
    again, _ = queue(db_url, staff)
    assert first == again and name == "Camille Roux"
    other, nobody = queue(db_url, staff, conversation="c2", hints=("values",))
    assert other != first and nobody is None


def test_exactly_one_of_two_simultaneous_claims_wins(db_url, staff):
    handoff_id, _ = queue(db_url, staff)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def try_claim(login):
        with transaction(db_url) as session:
            user = users(session, staff)[login]
            barrier.wait()
            try:
                claim(session=session, handoff_id=handoff_id, user=user)
                outcomes[login] = "won"
            except HandoffAlreadyClaimed as taken:
                outcomes[login] = taken

    threads = [threading.Thread(target=try_claim, args=(who,)) for who in ("camille", "malik")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [who for who, outcome in outcomes.items() if outcome == "won"]
    assert len(winners) == 1
    loser = next(o for o in outcomes.values() if o != "won")
    assert isinstance(loser, HandoffAlreadyClaimed)
    assert loser.by == {"camille": "Camille Roux", "malik": "Malik Benali"}[winners[0]]


def test_only_the_holder_hands_back_and_then_it_is_over(db_url, staff):
    handoff_id, _ = queue(db_url, staff)
    with transaction(db_url) as session:
        people = users(session, staff)
        claim(session=session, handoff_id=handoff_id, user=people["camille"])
        with pytest.raises(HandoffNotYours):
            finish(session=session, handoff_id=handoff_id, user=people["malik"], status="returned")
        done = finish(
            session=session, handoff_id=handoff_id, user=people["camille"], status="returned"
        )
        assert done.status == "returned" and done.ended_at is not None
        with pytest.raises(HandoffAlreadyClaimed):
            claim(session=session, handoff_id=handoff_id, user=people["malik"])


def test_unclaimed_handoffs_expire_once(db_url, staff):
    handoff_id, _ = queue(db_url, staff)
    with transaction(db_url) as session:
        assert expire_unclaimed(session=session, older_than=utcnow() - timedelta(minutes=5)) == []
        expired = expire_unclaimed(session=session, older_than=utcnow() + timedelta(seconds=1))
        assert [h.id for h in expired] == [handoff_id]
        assert expire_unclaimed(session=session, older_than=utcnow() + timedelta(seconds=1)) == []
        assert session.get(Handoff, handoff_id).status == "callback"


def test_notes(db_url, staff):
    with transaction(db_url) as session:
        camille = users(session, staff)["camille"]
        add_note(session=session, conversation_id="c1", user=camille, text="  rappeler lundi  ")
        for bad in ("", "   ", None, 42, "x" * 4001):
            with pytest.raises(BadNote):
                add_note(session=session, conversation_id="c1", user=camille, text=bad)
        assert [(n.author_name, n.text) for n in notes(session=session, conversation_id="c1")] == [
            ("Camille Roux", "rappeler lundi")
        ]


def test_the_summary_says_what_was_asked_answered_and_missing(kb_url):
    events = [
        {
            "event": "user",
            "text": "Quel est le salaire pour un SRE ?",
            "parse_data": {"intent": {"name": "faq"}},
        },
        {
            "event": "bot",
            "text": "...",
            "data": {"custom": {"type": "answer", "article": "job-sre"}},
        },
        {
            "event": "user",
            "text": "Et une salle de sport ?",
            "parse_data": {"intent": {"name": "out_of_scope"}},
        },
        {"event": "bot", "text": "...", "data": {"custom": {"type": "no_answer"}}},
        {
            "event": "user",
            "text": "un humain svp",
            "parse_data": {"intent": {"name": "request_human"}},
        },
    ]
    with transaction(kb_url) as session:
        summary, hints = summarize(
            session=session, events=events, language="fr", reason="request_human"
        )
    assert summary["asked"] == ["Quel est le salaire pour un SRE ?", "Et une salle de sport ?"]
    assert len(summary["answered"]) == 1 and "SRE" in summary["answered"][0]
    assert summary["missing"] == ["Et une salle de sport ?"]
    assert "platform" in hints


def user(text: str, intent: str) -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def answer(article: str) -> dict:
    return {
        "event": "bot",
        "text": "...",
        "data": {"custom": {"type": "answer", "article": article}},
    }


def test_a_question_about_the_sre_job_is_platforms_not_teams(kb_url):
    # the model answered the overview of the teams (topic "teams", team "people"): the
    # trade the candidate named tells more than the article's topic
    events = [
        user("Le poste de SRE, c'est dans quelle équipe ?", "faq"),
        answer("teams-overview"),
        user("je veux parler à un recruteur", "request_human"),
    ]
    with transaction(kb_url) as session:
        _, hints = summarize(session=session, events=events, language="fr", reason="request_human")
        assert hints[0] == "platform" and "teams" in hints
        # an answered article's team comes before its topic
        _, hints = summarize(
            session=session,
            events=[user("Comment travaille l'équipe ?", "faq"), answer("team-platform")],
            language="fr",
            reason="request_human",
        )
        assert hints == ["platform", "teams"]


@pytest.mark.parametrize(
    ("request_text", "intent"),
    [
        ("Je voudrais parler à quelqu'un des RH", "needs_human"),
        ("est-ce qu'un recruteur peut me rappeler ?", "faq"),
        ("can I talk to someone from HR", "out_of_scope"),
        ("I'd like to speak with a recruiter please", "needs_human"),
    ],
)
def test_asking_for_a_person_in_words_is_never_listed_as_missing(kb_url, request_text, intent):
    events = [
        user("Quel est le salaire pour un SRE ?", "faq"),
        answer("job-sre"),
        user("Et une salle de sport ?", "out_of_scope"),
        {"event": "bot", "text": "...", "data": {"custom": {"type": "no_answer"}}},
        user(request_text, intent),
        {"event": "bot", "text": "...", "data": {"custom": {"type": "handoff"}}},
        user("oui", "affirm"),
    ]
    with transaction(kb_url) as session:
        summary, _ = summarize(session=session, events=events, language="fr", reason=intent)
        assert summary["missing"] == ["Et une salle de sport ?"]
        assert request_text not in summary["asked"]
        # nothing missing: the question before the request is what the recruiter is for
        summary, _ = summarize(
            session=session, events=events[:2] + events[4:], language="fr", reason=intent
        )
        assert summary["missing"] == ["Quel est le salaire pour un SRE ?"]


@pytest.mark.parametrize(
    ("words", "person"),
    [
        ("je voudrais parler à un humain", True),
        ("Pouvez-vous me rappeler ? quelqu'un de l'équipe recrutement", True),
        ("can a recruiter call me back", True),
        ("Que fait l'équipe RH au quotidien ?", False),
        ("Comment se passe l'entretien avec le manager ?", False),
        ("How many people work in the HR team?", False),
        ("on peut parler salaire ?", False),
    ],
)
def test_a_person_asked_for_is_told_from_a_question_about_people(words, person):
    assert asks_for_a_person(words) is person


def test_an_overdue_handoff_becomes_an_apology_with_the_callback_offer(db_url, staff):
    handoff_id, _ = queue(db_url, staff)
    with transaction(db_url) as session:
        assert expire_overdue(session=session, claim_timeout=timedelta(minutes=5)) == []
        (notice,) = expire_overdue(session=session, claim_timeout=timedelta(seconds=-1))
        assert notice.conversation_id == "c1" and notice.resume
        assert notice.custom == {
            "type": "handoff",
            "status": "offered",
            "reason": "timeout",
            "callback": True,
            "question": "q",  # the summary's last question: the e-mail form starts from it
        }
        assert expire_overdue(session=session, claim_timeout=timedelta(seconds=-1)) == []


def test_a_recruiter_writes_only_in_a_conversation_they_hold(db_url, staff):
    handoff_id, _ = queue(db_url, staff)
    with transaction(db_url) as session:
        people = users(session, staff)
        claim(session=session, handoff_id=handoff_id, user=people["camille"])
        for bad, error in (("  ", BadMessage), (None, BadMessage), ("x" * 2001, MessageTooLong)):
            with pytest.raises(error):
                recruiter_message(
                    session=session, handoff_id=handoff_id, user=people["camille"], text=bad
                )
        with pytest.raises(HandoffNotYours):
            recruiter_message(
                session=session, handoff_id=handoff_id, user=people["malik"], text="Hi"
            )
        notice = recruiter_message(
            session=session, handoff_id=handoff_id, user=people["camille"], text=" Bonjour "
        )
        assert (notice.text, notice.recruiter, notice.resume) == ("Bonjour", "Camille Roux", False)


def test_a_waiting_candidate_sees_who_comes_and_may_cancel_until_taken(db_url, staff):
    handoff_id, _ = queue(db_url, staff)  # platform: routed to Camille
    with transaction(db_url) as session:
        state = waiting(session=session, conversation_id="c1")
        assert state is not None and (state.status, state.recruiter) == ("queued", "Camille Roux")
        cancelled = cancel_request(session=session, conversation_id="c1")
        assert cancelled is not None and cancelled.status == "cancelled" and cancelled.ended_at
        assert waiting(session=session, conversation_id="c1") is None
        assert cancel_request(session=session, conversation_id="c1") is None  # once
        with pytest.raises(HandoffAlreadyClaimed):
            claim(session=session, handoff_id=handoff_id, user=users(session, staff)["malik"])
    # taken first: the candidate can no longer cancel, and sees who is there
    taken, _ = queue(db_url, staff, conversation="c2")
    with transaction(db_url) as session:
        claim(session=session, handoff_id=taken, user=users(session, staff)["malik"])
        assert cancel_request(session=session, conversation_id="c2") is None
        state = waiting(session=session, conversation_id="c2")
        assert state is not None and (state.status, state.recruiter) == ("claimed", "Malik Benali")
        assert session.get(Handoff, taken).status == "claimed"
    with transaction(db_url) as session:
        assert waiting(session=session, conversation_id="nobody") is None


def race_cancel_and_claim(db_url: str, staff: dict[str, int], conversation: str):
    """The candidate cancels while Camille claims, released together; both outcomes."""
    handoff_id, _ = queue(db_url, staff, conversation=conversation)
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def cancel():
        with transaction(db_url) as session:
            barrier.wait()
            outcomes["cancel"] = cancel_request(session=session, conversation_id=conversation)

    def take():
        with transaction(db_url) as session:
            user = users(session, staff)["camille"]
            barrier.wait()
            try:
                outcomes["claim"] = claim(session=session, handoff_id=handoff_id, user=user)
            except HandoffAlreadyClaimed:
                outcomes["claim"] = None

    threads = [threading.Thread(target=cancel), threading.Thread(target=take)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with transaction(db_url) as session:
        final = session.get(Handoff, handoff_id).status
    return outcomes, final


def test_a_cancel_and_a_claim_at_the_same_instant_one_wins(db_url, staff):
    for round_ in range(5):
        outcomes, final = race_cancel_and_claim(db_url, staff, f"race-{round_}")
        assert (outcomes["cancel"] is None) != (outcomes["claim"] is None), outcomes
        assert final == ("cancelled" if outcomes["cancel"] is not None else "claimed")
