"""The HR dashboard's figures, computed on a known data set written the way it is in production.

Conversations are stored by Rasa's own SQL tracker store; the assistant's
messages go through rasa-sdk's dispatcher and Rasa's handling of an action
server's response (`RemoteAction._utter_responses`), recruiter messages
through the channel's own insert (`bot.candidate.history.insert_events`).
"""

from __future__ import annotations

import csv
import dataclasses
import io
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from rasa.core.actions.action import ActionBotResponse, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    ConversationPaused,
    Event,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import text

from bot.candidate.feedback import AnswerFeedback
from bot.candidate.history import insert_events
from bot.core.db import transaction
from bot.core.settings import PROJECT_ROOT
from bot.handoff.models import CallbackRequest, Handoff
from bot.hr.analytics import MAX_DAYS, Ranked, compute, day_bounds, to_csv
from bot.knowledge.models import Article, ArticleText
from bot.meetings.defaults import load_defaults, seed_ambassadors
from bot.meetings.models import Booking
from bot.ops.schema import upgrade

START, END = date(2025, 1, 6), date(2025, 1, 8)  # winter: Paris is UTC+1


def utc(text: str) -> datetime:
    """A naive UTC time, as our tables keep them."""
    return datetime.fromisoformat(text)


def epoch(text: str) -> float:
    return utc(text).replace(tzinfo=timezone.utc).timestamp()


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(PROJECT_ROOT / "domain.yml")


class Conversation:
    """Builds one conversation's tracker event by event, each at a fixed time."""

    def __init__(self, sender: str, domain: Domain) -> None:
        self.domain = domain
        self.tracker = DialogueStateTracker(sender, domain.slots)
        self.nlg = TemplatedNaturalLanguageGenerator(domain.responses)
        self.appended: list[Event] = []  # what the channel adds outside Rasa's loop

    def add(self, event: Event, at: str) -> None:
        event.timestamp = epoch(at)
        self.tracker.update(event)

    def start(self, at: str, language: str | None) -> None:
        self.add(ActionExecuted("action_session_start"), at)
        self.add(SessionStarted(), at)
        if language:
            self.add(SlotSet("language", language), at)
        self.add(ActionExecuted("action_listen"), at)

    def user(self, text: str, at: str, intent: str = "faq") -> None:
        self.add(UserUttered(text, intent={"name": intent, "confidence": 0.9}), at)

    async def action(self, name: str, at: str, **utterance: Any) -> None:
        """A custom action's `dispatcher.utter_message(...)`, as Rasa turns it into events."""
        dispatcher = CollectingDispatcher()
        dispatcher.utter_message(**utterance)
        self.add(ActionExecuted(name), at)
        for event in await RemoteAction._utter_responses(
            dispatcher.messages, CollectingOutputChannel(), self.nlg, self.tracker
        ):
            self.add(event, at)

    async def respond(self, response: str, at: str) -> None:
        """A domain response Rasa says itself (`utter_greet`...)."""
        self.add(ActionExecuted(response), at)
        action = ActionBotResponse(response)
        for event in await action.run(
            CollectingOutputChannel(), self.nlg, self.tracker, self.domain
        ):
            self.add(event, at)

    def channel_says(self, text: str, at: str, custom: dict | None, recruiter: str | None) -> None:
        """A message the socket.io channel appends itself (a recruiter's, a callback's)."""
        data = {"custom": custom} if custom else {}
        metadata = {"sender": {"role": "recruiter", "name": recruiter}} if recruiter else {}
        self.appended.append(BotUttered(text, data, metadata, timestamp=epoch(at)))


def answer(article: str, language: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = {"type": "answer", "article": article, "confidence": 0.91}
    if language:
        payload["language"] = language
    return payload


async def conversations(domain: Domain) -> list[Conversation]:
    # Alice (fr): her language slot was set before the range; two answers and an
    # "I don't know" on Monday 6; contained.
    alice = Conversation("c-alice", domain)
    alice.start("2025-01-05 10:00:00", "fr")
    alice.user("Bonjour", "2025-01-05 10:00:01", intent="greet")
    await alice.respond("utter_greet", "2025-01-05 10:00:02")
    alice.user("Le télétravail ?", "2025-01-06 09:00:00")
    await alice.action(
        "action_answer",
        "2025-01-06 09:00:01",
        text="2 jours",
        json_message=answer("remote-work", "fr"),
    )
    alice.user("Et la mutuelle ?", "2025-01-06 09:02:00")
    await alice.action(
        "action_answer",
        "2025-01-06 09:02:01",
        text="Alan",
        json_message=answer("health-insurance", "fr"),
    )
    alice.user("Les salaires des stagiaires ?", "2025-01-06 09:05:00")
    await alice.action(
        "action_answer",
        "2025-01-06 09:05:01",
        response="utter_no_answer",
        json_message={"type": "no_answer"},
    )
    alice.add(SlotSet("language", "en"), "2025-01-10 08:00:00")  # after the range: ignored

    # Bob (en): starts at 23:30 UTC on the 6th, i.e. 00:30 on Tuesday 7 in Paris;
    # a clarification, an answer, a claimed handoff, two recruiter messages.
    bob = Conversation("c-bob", domain)
    bob.start("2025-01-06 23:30:00", "en")
    await bob.action("action_session_start", "2025-01-06 23:30:00", response="utter_disclosure_en")
    bob.user("hi, what about salary?", "2025-01-06 23:30:05")
    await bob.action(
        "action_answer",
        "2025-01-06 23:30:06",
        response="utter_clarify",
        buttons=[{"title": "Salary", "payload": '/choose_article{"article": "salary"}'}],
        json_message={"type": "clarify", "articles": ["salary", "bonus"]},
    )
    bob.user('/choose_article{"article": "salary"}', "2025-01-06 23:31:00", "choose_article")
    await bob.action(
        "action_answer", "2025-01-06 23:31:01", text="45k", json_message=answer("salary", "en")
    )
    bob.user("I want to talk to a human", "2025-01-06 23:32:00", "request_human")
    await bob.action(
        "action_request_human",
        "2025-01-06 23:32:01",
        text="A recruiter is coming",
        json_message={"type": "handoff", "status": "queued", "recruiter": None, "wait_minutes": 3},
    )
    bob.add(ConversationPaused(), "2025-01-06 23:32:01")
    bob.channel_says("Hi, Camille here.", "2025-01-06 23:35:00", None, "Camille")
    # A recruiter's message carrying an answer's payload is still not the assistant's answer.
    bob.channel_says(
        "Here is our salary grid.", "2025-01-06 23:36:00", answer("salary", "en"), "Camille"
    )

    # Chloé: no language slot (the language comes from her answer); asks for a
    # human when none is available and leaves a callback request.
    chloe = Conversation("c-chloe", domain)
    chloe.user("remote?", "2025-01-07 10:00:00")
    await chloe.action(
        "action_answer",
        "2025-01-07 10:00:01",
        text="2 jours",
        json_message=answer("remote-work", "fr"),
    )
    chloe.user("un humain svp", "2025-01-07 10:01:00", "request_human")
    await chloe.action(
        "action_request_human",
        "2025-01-07 10:01:01",
        text="Personne n'est disponible",
        json_message={"type": "handoff", "status": "offered", "reason": "unavailable"},
    )
    chloe.channel_says(
        "C'est noté", "2025-01-07 10:03:00", {"type": "handoff", "status": "callback"}, None
    )

    # Dan: one answer from an article since deleted, in an old payload without a
    # language; his second message is at 00:01 on the 9th in Paris (outside).
    dan = Conversation("c-dan", domain)
    dan.user("hello", "2025-01-08 22:59:00")
    await dan.action(
        "action_answer", "2025-01-08 22:59:01", text="Old", json_message=answer("old-article", None)
    )
    dan.user("bye", "2025-01-08 23:01:00", "goodbye")
    await dan.respond("utter_goodbye", "2025-01-08 23:01:01")

    # Eve (en): asks for a recruiter on Wednesday 8; nobody claims it.
    eve = Conversation("c-eve", domain)
    eve.add(SlotSet("language", "en"), "2025-01-08 14:00:00")
    eve.user("talk to a recruiter", "2025-01-08 14:00:00", "request_human")
    await eve.action(
        "action_request_human",
        "2025-01-08 14:00:01",
        text="A recruiter is coming",
        json_message={"type": "handoff", "status": "queued", "recruiter": None, "wait_minutes": 3},
    )
    return [alice, bob, chloe, dan, eve]


def handoff(conversation: str, requested: str, claimed: str | None, status: str) -> Handoff:
    return Handoff(
        conversation_id=conversation,
        status=status,
        reason="request_human",
        language="en",
        topic="",
        routed_to="",
        summary={},
        requested_at=utc(requested),
        claimed_at=utc(claimed) if claimed else None,
        updated_at=utc(requested),
    )


def callback(conversation: str, created: str) -> CallbackRequest:
    return CallbackRequest(
        conversation_id=conversation,
        name="Chloé",
        email="chloe@example.org",
        question="?",
        language="fr",
        consent_text="ok",
        consented_at=utc(created),
        status="new",
        created_at=utc(created),
        updated_at=utc(created),
    )


def rating(conversation: str, article: str, value: int, created: str) -> AnswerFeedback:
    return AnswerFeedback(
        conversation_id=conversation,
        article_id=article,
        rating=value,
        language="fr",
        created_at=utc(created),
    )


async def write_known_data(database_url: str, tracker_url: str, domain: Domain) -> None:
    upgrade(database_url)
    store = SQLTrackerStore(domain=domain, host=tracker_url)
    try:
        for conversation in await conversations(domain):
            await store.save(conversation.tracker)
            insert_events(store, conversation.tracker.sender_id, conversation.appended)
    finally:
        store.engine.dispose()
    with transaction(database_url) as session:
        session.add_all(
            [
                Article(id="remote-work", topic="work-life", team="hr", status="published"),
                Article(id="health-insurance", topic="benefits", team="hr", status="published"),
                Article(id="salary", topic="benefits", team="hr", status="published"),
                # the ratings' titles: French first, else English
                ArticleText(
                    article_id="remote-work", language="en", title="Remote work", answer="-"
                ),
                ArticleText(
                    article_id="remote-work", language="fr", title="Télétravail", answer="-"
                ),
                ArticleText(article_id="salary", language="en", title="Salary", answer="-"),
            ]
        )
        session.add_all(
            [
                handoff("c-alice", "2025-01-05 12:00:00", "2025-01-05 12:01:00", "closed"),
                handoff("c-gina", "2025-01-06 08:00:00", "2025-01-06 08:00:45", "returned"),
                handoff("c-bob", "2025-01-06 23:32:00", "2025-01-06 23:34:00", "claimed"),
                handoff("c-eve", "2025-01-08 14:00:30", None, "callback"),
                handoff("c-frank", "2025-01-08 15:00:00", "2025-01-08 15:10:00", "closed"),
                handoff("c-dan", "2025-01-08 23:02:00", None, "queued"),  # the 9th in Paris
            ]
        )
        session.add_all(
            [
                callback("c-henri", "2025-01-05 23:30:00"),  # 00:30 on the 6th in Paris
                callback("c-chloe", "2025-01-07 10:03:00"),
                callback("c-dan", "2025-01-08 23:30:00"),  # the 9th in Paris
            ]
        )
        session.add_all(
            [
                rating("c-alice", "remote-work", 1, "2025-01-06 09:10:00"),
                rating("c-chloe", "remote-work", -1, "2025-01-07 10:05:00"),
                rating("c-bob", "salary", 1, "2025-01-06 23:33:00"),
                rating("c-alice", "health-insurance", -1, "2025-01-04 10:00:00"),
            ]
        )


EXPECTED = {
    "range": {"start": "2025-01-06", "end": "2025-01-08", "timezone": "Europe/Paris"},
    "days": [
        {
            "date": "2025-01-06",
            "conversations": 1,
            "candidate_messages": 3,
            "assistant_messages": 3,
            "recruiter_messages": 0,
            "answers": 2,
            "clarifications": 0,
            "no_answers": 1,
            "handoffs": 1,
            "callback_requests": 1,
        },
        {
            "date": "2025-01-07",
            "conversations": 2,
            "candidate_messages": 5,
            "assistant_messages": 7,
            "recruiter_messages": 2,
            "answers": 2,
            "clarifications": 1,
            "no_answers": 0,
            "handoffs": 1,
            "callback_requests": 1,
        },
        {
            "date": "2025-01-08",
            "conversations": 2,
            "candidate_messages": 2,
            "assistant_messages": 2,
            "recruiter_messages": 0,
            "answers": 1,
            "clarifications": 0,
            "no_answers": 0,
            "handoffs": 2,
            "callback_requests": 0,
        },
    ],
    "totals": {
        "conversations": 5,
        "candidate_messages": 10,
        "assistant_messages": 12,
        "recruiter_messages": 2,
        "contained_conversations": 2,
        "containment": 0.4,
        "answers": 5,
        "clarifications": 1,
        "no_answers": 1,
        "dont_know_rate": 0.1429,
        "handoff_conversations": 2,
        "handoff_rate": 0.4,
        "handoffs": 4,
        "time_to_claim": {
            "claimed_handoffs": 3,
            "unclaimed_handoffs": 1,
            "median_seconds": 120.0,
            "p90_seconds": 600.0,
        },
        "callback_requests": 2,
    },
    "top_topics": [
        {"topic": "benefits", "answers": 2},
        {"topic": "work-life", "answers": 2},
        {"topic": "(unknown)", "answers": 1},
    ],
    "top_articles": [
        {"article": "remote-work", "topic": "work-life", "answers": 2},
        {"article": "health-insurance", "topic": "benefits", "answers": 1},
        {"article": "old-article", "topic": "(unknown)", "answers": 1},
        {"article": "salary", "topic": "benefits", "answers": 1},
    ],
    "languages": [
        {"language": "en", "conversations": 2},
        {"language": "fr", "conversations": 2},
        {"language": "unknown", "conversations": 1},
    ],
    "ratings": [
        {
            "article": "remote-work",
            "title": "Télétravail",
            "topic": "work-life",
            "up": 1,
            "down": 1,
        },
        {"article": "salary", "title": "Salary", "topic": "benefits", "up": 1, "down": 0},
    ],
    "coffee": {
        "asked": 0,
        "offered": 0,
        "booked": 0,
        "attended": 0,
        "no_shows": 0,
        "no_show_rate": None,
        "median_seconds_to_booking": None,
    },
    "events": [
        {
            "kind": kind,
            "asked": 0,
            "registered": 0,
            "attended": 0,
            "no_shows": 0,
            "no_show_rate": None,
            "waitlist_promotions": 0,
            "ratings": 0,
            "mean_rating": None,
            "questions_submitted": 0,
            "questions_answered": 0,
        }
        for kind in ("open_house", "reverse_qa")
    ],
    "priorities": [],
}


@pytest.fixture
async def known(tmp_path: Path, domain: Domain) -> tuple[str, str]:
    """Our database and a separate tracker store, both SQLite files, holding the data set."""
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    await write_known_data(database_url, tracker_url, domain)
    return database_url, tracker_url


def compute_at(*, database_url: str, tracker_store_url: str, **kw: Any) -> Any:
    """The figures read in one transaction on each database, as the dashboard's route does."""
    with (
        transaction(tracker_store_url) as tracker_session,
        transaction(database_url) as session,
    ):
        return compute(session=session, tracker_session=tracker_session, **kw)


def figures_of(urls: tuple[str, str], start: date = START, end: date = END, **kw: Any) -> Any:
    return compute_at(database_url=urls[0], tracker_store_url=urls[1], start=start, end=end, **kw)


def test_the_known_data_set_gives_the_expected_figures(known):
    assert figures_of(known).to_json() == EXPECTED


def test_rasa_really_stored_what_the_figures_rely_on(known):
    """The data set is Rasa's: recruiter marks, payloads and slot names where we read them."""
    with transaction(known[1]) as session:
        rows = session.execute(
            text("SELECT type_name, action_name, data FROM events WHERE sender_id = 'c-bob'")
        ).all()
    kinds = {row.type_name for row in rows}
    assert {"user", "bot", "slot", "action", "session_started", "pause"} <= kinds
    assert any(r.type_name == "slot" and r.action_name == "language" for r in rows)
    assert any('"role": "recruiter"' in r.data for r in rows if r.type_name == "bot")
    assert any('"custom": {"type": "clarify"' in r.data for r in rows if r.type_name == "bot")


def test_a_day_in_paris_is_not_a_day_in_utc(known):
    monday = figures_of(known, START, START)
    tuesday = figures_of(known, date(2025, 1, 7), date(2025, 1, 7))
    # Bob wrote at 23:30 UTC on Monday: that is Tuesday in Paris.
    assert (monday.conversations, monday.candidate_messages) == (1, 3)
    assert (tuesday.conversations, tuesday.candidate_messages) == (2, 5)
    in_utc = figures_of(known, START, START, timezone="UTC")
    assert (in_utc.conversations, in_utc.candidate_messages) == (2, 6)
    assert in_utc.days[0].handoffs == 2  # Gina's and Bob's


def test_recruiter_messages_are_not_the_assistants(known):
    tuesday = figures_of(known, date(2025, 1, 7), date(2025, 1, 7))
    assert tuesday.recruiter_messages == 2
    assert tuesday.assistant_messages == 7
    # Bob's one answer (salary), Chloé's one (remote-work): not the recruiter's payload.
    assert [(a.article, a.answers) for a in tuesday.top_articles] == [
        ("remote-work", 1),
        ("salary", 1),
    ]
    assert tuesday.answers == 2


def test_an_empty_range_gives_zeros(known):
    figures = figures_of(known, date(2024, 12, 1), date(2024, 12, 2))
    data = figures.to_json()
    assert [d["date"] for d in data["days"]] == ["2024-12-01", "2024-12-02"]
    assert all(v == 0 for d in data["days"] for k, v in d.items() if k != "date")
    totals = data["totals"]
    claim = totals.pop("time_to_claim")
    assert claim == {
        "claimed_handoffs": 0,
        "unclaimed_handoffs": 0,
        "median_seconds": None,
        "p90_seconds": None,
    }
    for rate in ("containment", "dont_know_rate", "handoff_rate"):
        assert totals.pop(rate) is None
    assert set(totals.values()) == {0}
    assert data["top_topics"] == data["top_articles"] == data["languages"] == data["ratings"] == []


def test_no_events_table_before_rasa_ever_ran(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'never-used.db'}"
    upgrade(database_url)
    figures = compute_at(
        database_url=database_url, tracker_store_url=tracker_url, start=START, end=END
    )
    assert figures.conversations == figures.candidate_messages == figures.answers == 0
    assert [d.conversations for d in figures.days] == [0, 0, 0]
    assert figures.containment is None


def test_daylight_saving_days():
    """30 March 2025 has 23 hours in Paris, 26 October 25."""
    spring = day_bounds(date(2025, 3, 30), date(2025, 3, 30), "Europe/Paris")
    autumn = day_bounds(date(2025, 10, 26), date(2025, 10, 26), "Europe/Paris")
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)


async def test_messages_around_a_daylight_saving_change(tmp_path, domain):
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(database_url)
    talk = Conversation("c-dst", domain)
    talk.user("a", "2025-03-29 22:59:00")  # 23:59 on the 29th (CET)
    talk.user("b", "2025-03-29 23:30:00")  # 00:30 on the 30th (CET)
    talk.user("c", "2025-03-30 21:30:00")  # 23:30 on the 30th (CEST)
    talk.user("d", "2025-03-30 22:30:00")  # 00:30 on the 31st (CEST)
    store = SQLTrackerStore(domain=domain, host=tracker_url)
    await store.save(talk.tracker)
    store.engine.dispose()
    figures = compute_at(
        database_url=database_url,
        tracker_store_url=tracker_url,
        start=date(2025, 3, 29),
        end=date(2025, 3, 31),
    )
    assert [d.candidate_messages for d in figures.days] == [1, 2, 1]


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (date(2025, 1, 8), date(2025, 1, 7), "before the start"),
        (date(2024, 1, 1), date(2025, 1, 1), f"at most {MAX_DAYS}"),
    ],
)
def test_invalid_ranges_are_refused(start, end, message):
    with pytest.raises(ValueError, match=message):
        compute_at(database_url="sqlite://", tracker_store_url="sqlite://", start=start, end=end)


def test_an_unknown_time_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        day_bounds(START, END, "Europe/Atlantis")


def test_a_whole_leap_year_is_accepted(tmp_path):
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    upgrade(database_url)
    figures = compute_at(
        database_url=database_url,
        tracker_store_url=database_url,
        start=date(2024, 1, 1),
        end=date(2024, 12, 31),
    )
    assert len(figures.days) == MAX_DAYS


def test_the_csv_holds_the_same_figures(known):
    figures = figures_of(known)
    rows = list(csv.reader(io.StringIO(to_csv(figures))))
    assert rows[0] == ["section", "key", "figure", "value"]
    assert rows[1:4] == [
        ["range", "", "start", "2025-01-06"],
        ["range", "", "end", "2025-01-08"],
        ["range", "", "timezone", "Europe/Paris"],
    ]
    table = {(s, k, f): v for s, k, f, v in rows[1:]}
    assert len(table) == len(rows) - 1  # one row per figure
    assert table["totals", "", "containment"] == "0.4"
    assert table["totals", "", "time_to_claim.median_seconds"] == "120.0"
    assert table["totals", "", "time_to_claim.unclaimed_handoffs"] == "1"
    assert table["daily", "2025-01-07", "conversations"] == "2"
    assert table["daily", "2025-01-07", "recruiter_messages"] == "2"
    assert table["top_topics", "(unknown)", "answers"] == "1"
    assert table["top_articles", "remote-work", "answers"] == "2"
    assert table["languages", "unknown", "conversations"] == "1"
    assert table["ratings", "remote-work", "down"] == "1"
    data = figures.to_json()
    totals = len(data["totals"]) - 1 + len(data["totals"]["time_to_claim"])
    expected_rows = 3 + totals + 9 * len(data["days"]) + 3 + 4 + 3 + 2 * len(data["ratings"]) + 7
    expected_rows += 10 * len(data["events"])  # each kind's funnel: 10 figures
    assert len(rows) - 1 == expected_rows


def test_the_csv_of_nothing_has_empty_cells_and_no_formulas(known):
    figures = figures_of(known, date(2024, 12, 1), date(2024, 12, 1))
    rows = list(csv.reader(io.StringIO(to_csv(figures))))
    assert ["totals", "", "containment", ""] in rows
    risky = dataclasses.replace(figures, top_topics=(Ranked('=HYPERLINK("x")', 3),))
    rows = list(csv.reader(io.StringIO(to_csv(risky))))
    assert ["top_topics", '\'=HYPERLINK("x")', "answers", "3"] in rows


@pytest.mark.postgres
async def test_the_same_figures_on_postgresql(pg_url, domain):
    """One PostgreSQL database for both, as when TRACKER_STORE_URL is not set."""
    await write_known_data(pg_url, pg_url, domain)
    assert figures_of((pg_url, pg_url)).to_json() == EXPECTED
    empty = figures_of((pg_url, pg_url), date(2024, 12, 1), date(2024, 12, 1))
    assert empty.conversations == 0
    assert empty.to_json()["totals"]["containment"] is None


# ---------------------------------------------------------------- the coffee funnel


def coffee_booking(conversation: str, created: str, seat: int, **values: Any) -> Booking:
    start = utc(created) + timedelta(days=3)
    return Booking(
        **{
            "public_id": f"pub-{conversation}-{seat}",
            "ambassador_id": "lea",
            "start_utc": start,
            "end_utc": start + timedelta(minutes=30),
            "week_start": start.date(),
            "seat": seat,
            "status": "confirmed",
            "conversation_id": conversation,
            "candidate_name": "Ada",
            "candidate_email": f"{conversation}@example.org",
            "language": "fr",
            "created_at": utc(created),
            "updated_at": utc(created),
            **values,
        }
    )


OFFER = {"type": "meeting_offer", "slots": [{"id": "lea-20250110T0900"}]}


async def write_coffee_data(database_url: str, tracker_url: str, domain: Domain) -> None:
    """Conversations towards a team coffee, stored by Rasa, and the bookings they made."""
    upgrade(database_url)
    ana = Conversation("c-ana", domain)  # asks, is offered slots, books 5 minutes later, comes
    ana.user("Je peux rencontrer l'équipe ?", "2025-01-06 10:00:00", intent="meet_team")
    await ana.action("action_meeting", "2025-01-06 10:00:01", text="Voici", json_message=OFFER)
    ben = Conversation("c-ben", domain)  # asks (began before the range); no free slot
    ben.user("Bonjour", "2025-01-05 09:00:00", intent="greet")
    ben.user("Meet the team?", "2025-01-07 09:00:00", intent="meet_team")
    await ben.action(
        "action_meeting",
        "2025-01-07 09:00:01",
        text="Which team?",
        json_message={"type": "meeting_question"},
    )
    await ben.action(
        "action_meeting",
        "2025-01-07 09:01:01",
        text="No slot",
        json_message={"type": "meeting_offer", "slots": []},
    )
    cy = Conversation("c-cy", domain)  # another intent, but offered slots; books, never comes
    cy.user("Et le télétravail ?", "2025-01-07 11:59:00")
    await cy.action("action_meeting", "2025-01-07 12:00:00", text="Voici", json_message=OFFER)
    dee = Conversation("c-dee", domain)  # 23:30 UTC on the 8th: the 9th in Paris, outside
    dee.user("Rencontrer l'équipe", "2025-01-08 23:30:00", intent="meet_team")
    store = SQLTrackerStore(domain=domain, host=tracker_url)
    try:
        for conversation in (ana, ben, cy, dee):
            await store.save(conversation.tracker)
    finally:
        store.engine.dispose()
    with transaction(database_url) as session:
        seed_ambassadors(session=session, defaults=load_defaults())
        session.flush()
        session.add_all(
            [
                coffee_booking("c-ana", "2025-01-06 10:05:00", 1, attendance="attended"),
                coffee_booking("c-ana", "2025-01-07 08:00:00", 2, status="cancelled"),
                coffee_booking("c-cy", "2025-01-07 12:31:00", 3, attendance="no_show"),
                coffee_booking("c-dee", "2025-01-09 00:10:00", 4),  # the 9th in Paris
                coffee_booking("c-eli", "2025-01-08 10:00:00", 5),  # its chat already erased
                coffee_booking("c-fay", "2025-01-05 10:00:00", 6, attendance="attended"),
            ]
        )


COFFEE = {
    "asked": 3,  # Ana, Ben, Cy
    "offered": 2,  # Ana and Cy (Ben's offer had no slot)
    "booked": 3,  # Ana, Cy, Eli
    "attended": 1,
    "no_shows": 1,
    "no_show_rate": 0.5,
    "median_seconds_to_booking": 1110.0,  # Ana 300 s, Cy 1920 s; Eli has no message
}


@pytest.fixture
async def coffee_urls(tmp_path: Path, domain: Domain) -> tuple[str, str]:
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    await write_coffee_data(database_url, tracker_url, domain)
    return database_url, tracker_url


def test_the_coffee_funnel_counts_each_step(coffee_urls):
    figures = figures_of(coffee_urls)
    assert figures.to_json()["coffee"] == COFFEE
    assert figures.coffee.no_show_rate == 0.5
    rows = list(csv.reader(io.StringIO(to_csv(figures))))
    coffee = [row for row in rows if row[0] == "coffee"]
    assert coffee == [["coffee", "", k, "" if v is None else str(v)] for k, v in COFFEE.items()]
    # Tuesday alone: Ben and Cy asked, Cy was offered and booked; Ana's cancelled rebooking
    # counts her as booked on that day (22 hours after her first message).
    tuesday = figures_of(coffee_urls, date(2025, 1, 7), date(2025, 1, 7)).coffee
    assert (tuesday.asked, tuesday.offered, tuesday.booked) == (2, 1, 2)
    assert (tuesday.attended, tuesday.no_shows) == (0, 1)
    assert tuesday.median_seconds_to_booking == (1920 + 22 * 3600) / 2
    nothing = figures_of(coffee_urls, date(2024, 12, 1), date(2024, 12, 2)).coffee
    assert nothing.to_json() == {
        "asked": 0,
        "offered": 0,
        "booked": 0,
        "attended": 0,
        "no_shows": 0,
        "no_show_rate": None,
        "median_seconds_to_booking": None,
    }


@pytest.mark.postgres
async def test_the_coffee_funnel_on_postgresql(pg_url, domain):
    await write_coffee_data(pg_url, pg_url, domain)
    assert figures_of((pg_url, pg_url)).to_json()["coffee"] == COFFEE


# ---------------------------------------------------------------- the events' funnel


def event_row(kind: str, day: date) -> Any:
    from bot.records.models import Event as DatedEvent

    return DatedEvent(kind=kind, date=day, status="scheduled", updated_by="tests")


def registration(event_id: int, conversation: str, created: str, **values: Any) -> Any:
    from bot.events.models import Registration

    return Registration(
        **{
            "public_id": f"reg-{conversation}-{event_id}",
            "event_id": event_id,
            "status": "confirmed",
            "conversation_id": conversation,
            "first_name": "Ada",
            "email": f"{conversation}@example.org",
            "email_key": f"{conversation}@example.org",
            "language": "fr",
            "created_at": utc(created),
            "updated_at": utc(created),
            **values,
        }
    )


async def write_event_data(database_url: str, tracker_url: str, domain: Domain) -> None:
    """Conversations towards an open house or a reverse Q&A, stored by Rasa, and the
    registrations, ratings and questions they made."""
    from bot.events.models import PanelQuestion

    upgrade(database_url)
    house_offer = {"type": "meeting_offer", "kind": "open_house", "slots": [{"id": "event-1"}]}
    qa_offer = {"type": "meeting_offer", "kind": "reverse_qa", "slots": [{"id": "event-2"}]}
    gil = Conversation("c-gil", domain)  # asks for the open house by name, is offered dates
    gil.add(
        UserUttered(
            "inscris-moi aux portes ouvertes",
            intent={"name": "register_event", "confidence": 0.9},
            entities=[{"entity": "kind", "value": "open_house"}],
        ),
        "2025-01-06 09:00:00",
    )
    await gil.action(
        "action_register_event", "2025-01-06 09:00:01", text="Voici", json_message=house_offer
    )
    hal = Conversation("c-hal", domain)  # asks about the event, is offered the open house
    hal.user("Je peux visiter vos locaux ?", "2025-01-06 10:00:00", intent="faq")
    await hal.action("action_answer", "2025-01-06 10:00:01", text="Oui", json_message=house_offer)
    ida = Conversation("c-ida", domain)  # registers for the reverse Q&A (entity kind)
    ida.add(
        UserUttered(
            "sign me up for the Q&A",
            intent={"name": "register_event", "confidence": 0.9},
            entities=[{"entity": "kind", "value": "reverse_qa"}],
        ),
        "2025-01-07 09:00:00",
    )
    await ida.action(
        "action_register_event", "2025-01-07 09:00:01", text="Here", json_message=qa_offer
    )
    jo = Conversation("c-jo", domain)  # register_event with no kind: attributed to none
    jo.user("I want to register", "2025-01-07 10:00:00", intent="register_event")
    kim = Conversation("c-kim", domain)  # a coffee offer: not an event's
    kim.user("Meet the team?", "2025-01-07 11:00:00", intent="meet_team")
    await kim.action("action_meeting", "2025-01-07 11:00:01", text="Voici", json_message=OFFER)
    store = SQLTrackerStore(domain=domain, host=tracker_url)
    try:
        for conversation in (gil, hal, ida, jo, kim):
            await store.save(conversation.tracker)
    finally:
        store.engine.dispose()
    with transaction(database_url) as session:
        house, qa = (
            event_row("open_house", date(2025, 1, 9)),
            event_row("reverse_qa", date(2025, 1, 10)),
        )
        session.add_all([house, qa])
        session.flush()
        rows = [
            registration(
                house.id,
                "c-gil",
                "2025-01-06 09:01:00",
                seat=1,
                attendance="attended",
                rating=5,
                rated_at=utc("2025-01-08 20:00:00"),
            ),
            registration(house.id, "c-hal", "2025-01-06 10:02:00", seat=2, attendance="no_show"),
            registration(
                house.id,
                "c-lou",
                "2025-01-07 10:00:00",
                status="offered",
                seat=3,
                offered_at=utc("2025-01-08 09:00:00"),
            ),
            registration(
                house.id,
                "c-max",
                "2025-01-07 11:00:00",
                status="cancelled",
                offered_at=utc("2025-01-07 12:00:00"),
                attendance=None,
            ),
            registration(
                house.id,
                "c-ned",
                "2025-01-05 10:00:00",
                seat=4,  # before the range
                attendance="attended",
                rating=1,
                rated_at=utc("2025-01-07 20:00:00"),
            ),
            registration(
                qa.id,
                "c-ida",
                "2025-01-07 09:01:00",
                seat=1,
                attendance="attended",
                rating=4,
                rated_at=utc("2025-01-08 21:00:00"),
            ),
        ]
        session.add_all(rows)
        session.flush()
        ida_row = rows[-1]
        session.add_all(
            [
                PanelQuestion(
                    public_id="q1",
                    event_id=qa.id,
                    registration_id=ida_row.id,
                    number=1,
                    text="Salaires ?",
                    answered=True,
                    created_at=utc("2025-01-07 09:05:00"),
                ),
                PanelQuestion(
                    public_id="q2",
                    event_id=qa.id,
                    registration_id=ida_row.id,
                    number=2,
                    text="Remote ?",
                    created_at=utc("2025-01-08 09:05:00"),
                ),
                PanelQuestion(
                    public_id="q3",
                    event_id=qa.id,
                    registration_id=ida_row.id,
                    number=3,
                    text="Avant ?",
                    answered=True,
                    created_at=utc("2025-01-03 09:05:00"),
                ),  # before the range
            ]
        )


EVENTS_FUNNEL = [
    {
        "kind": "open_house",
        "asked": 2,  # Gil (intent + kind), Hal (the offer)
        "registered": 4,  # Gil, Hal, Lou, Max (Ned registered before the range)
        "attended": 1,
        "no_shows": 1,
        "no_show_rate": 0.5,
        "waitlist_promotions": 2,  # Lou (still offered), Max (then cancelled)
        "ratings": 2,  # Gil 5, Ned 1 (rated in the range)
        "mean_rating": 3.0,
        "questions_submitted": 0,
        "questions_answered": 0,
    },
    {
        "kind": "reverse_qa",
        "asked": 1,  # Ida
        "registered": 1,
        "attended": 1,
        "no_shows": 0,
        "no_show_rate": 0.0,
        "waitlist_promotions": 0,
        "ratings": 1,
        "mean_rating": 4.0,
        "questions_submitted": 2,  # q1, q2 (q3 before the range)
        "questions_answered": 1,
    },
]


@pytest.fixture
async def event_urls(tmp_path: Path, domain: Domain) -> tuple[str, str]:
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    await write_event_data(database_url, tracker_url, domain)
    return database_url, tracker_url


def test_the_events_funnel_counts_each_step_per_kind(event_urls):
    figures = figures_of(event_urls)
    assert figures.to_json()["events"] == EVENTS_FUNNEL
    assert figures.events[0].no_show_rate == 0.5
    # an event's offers are not the coffee's: only Kim asked for a coffee
    assert (figures.coffee.asked, figures.coffee.offered) == (1, 1)
    rows = list(csv.reader(io.StringIO(to_csv(figures))))
    events = [row for row in rows if row[0] == "events"]
    assert events == [
        ["events", funnel["kind"], k, "" if v is None else str(v)]
        for funnel in EVENTS_FUNNEL
        for k, v in funnel.items()
        if k != "kind"
    ]
    monday = figures_of(event_urls, date(2025, 1, 6), date(2025, 1, 6)).events[0]
    assert (monday.asked, monday.registered, monday.attended, monday.no_shows) == (2, 2, 1, 1)
    assert (monday.waitlist_promotions, monday.ratings, monday.mean_rating) == (0, 0, None)


@pytest.mark.postgres
async def test_the_events_funnel_on_postgresql(pg_url, domain):
    await write_event_data(pg_url, pg_url, domain)
    assert figures_of((pg_url, pg_url)).to_json()["events"] == EVENTS_FUNNEL


# ---------------------------------------------------------------- what matters to candidates


def pitch_of(priorities: list[str], language: str | None) -> dict[str, Any]:
    payload: dict[str, Any] = {"type": "pitch", "priorities": priorities, "points": []}
    if language:
        payload["language"] = language
    return payload


async def write_priority_data(tracker_url: str, domain: Domain) -> None:
    """Pitches sent by the assistant, as Rasa stores them: what the dashboard counts."""
    pia = Conversation("c-pia", domain)  # fr: remote and growth, then remote and pay again
    pia.user("ce qui compte pour moi : télétravail, formation", "2025-01-06 10:00:00", "x")
    await pia.action(
        "action_priorities",
        "2025-01-06 10:00:01",
        text="Ce qui compte…",
        json_message=pitch_of(["remote", "growth"], "fr"),
    )
    await pia.action(
        "action_priorities",
        "2025-01-07 10:00:01",
        text="Ce qui compte…",
        json_message=pitch_of(["pay", "remote"], "fr"),
    )
    ron = Conversation("c-ron", domain)  # en: remote; an unknown priority is not counted
    await ron.action(
        "action_priorities",
        "2025-01-08 22:59:00",  # 23:59 in Paris: still the 8th
        text="What matters…",
        json_message=pitch_of(["remote", "free_lunch"], "en"),
    )
    sam = Conversation("c-sam", domain)  # the 9th in Paris: outside the range
    await sam.action(
        "action_priorities",
        "2025-01-08 23:30:00",
        text="Ce qui compte…",
        json_message=pitch_of(["mission"], "fr"),
    )
    tom = Conversation("c-tom", domain)  # a question chips reply, not a pitch; no language
    await tom.action(
        "action_priorities",
        "2025-01-07 09:00:00",
        text="What matters most to you?",
        json_message={"type": "priorities_question", "options": []},
    )
    await tom.action(
        "action_priorities",
        "2025-01-07 09:01:00",
        text="…",
        json_message=pitch_of(["stability"], None),
    )
    store = SQLTrackerStore(domain=domain, host=tracker_url)
    try:
        for conversation in (pia, ron, sam, tom):
            await store.save(conversation.tracker)
    finally:
        store.engine.dispose()


PRIORITY_COUNTS = [
    {
        "priority": "remote",
        "label": "Télétravail",
        "conversations": 2,
        "languages": {"en": 1, "fr": 1},
    },
    {
        "priority": "growth",
        "label": "Apprendre et évoluer",
        "conversations": 1,
        "languages": {"fr": 1},
    },
    {"priority": "pay", "label": "Rémunération", "conversations": 1, "languages": {"fr": 1}},
    {
        "priority": "stability",
        "label": "Stabilité",
        "conversations": 1,
        "languages": {"unknown": 1},
    },
]


@pytest.fixture
async def priority_urls(tmp_path: Path, domain: Domain) -> tuple[str, str]:
    database_url = f"sqlite:///{tmp_path / 'app.db'}"
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    upgrade(database_url)
    await write_priority_data(tracker_url, domain)
    return database_url, tracker_url


def test_what_candidates_care_about_is_counted_once_per_conversation(priority_urls):
    figures = figures_of(priority_urls)
    assert figures.to_json()["priorities"] == PRIORITY_COUNTS
    rows = list(csv.reader(io.StringIO(to_csv(figures))))
    assert [row for row in rows if row[0] == "priorities"] == [
        ["priorities", "remote", "conversations", "2"],
        ["priorities", "remote", "conversations.en", "1"],
        ["priorities", "remote", "conversations.fr", "1"],
        ["priorities", "growth", "conversations", "1"],
        ["priorities", "growth", "conversations.fr", "1"],
        ["priorities", "pay", "conversations", "1"],
        ["priorities", "pay", "conversations.fr", "1"],
        ["priorities", "stability", "conversations", "1"],
        ["priorities", "stability", "conversations.unknown", "1"],
    ]
    assert "c-pia" not in to_csv(figures)  # anonymous: no conversation leaves the count
    tuesday = figures_of(priority_urls, date(2025, 1, 7), date(2025, 1, 7)).to_json()
    assert [(p["priority"], p["conversations"]) for p in tuesday["priorities"]] == [
        ("pay", 1),
        ("remote", 1),
        ("stability", 1),
    ]
    ninth = figures_of(priority_urls, date(2025, 1, 9), date(2025, 1, 9)).to_json()
    assert ninth["priorities"][0]["priority"] == "mission"


@pytest.mark.postgres
async def test_what_candidates_care_about_on_postgresql(pg_url, domain):
    upgrade(pg_url)
    await write_priority_data(pg_url, domain)
    assert figures_of((pg_url, pg_url)).to_json()["priorities"] == PRIORITY_COUNTS
