""" "What matters to you" (bot/candidate/priorities.py): priorities read from the
candidate's words or the chips, and the personal pitch made only of the articles' own
sentences, with their sources, the positions and teams that fit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select, update

from bot.candidate.priorities import (
    MAX_POINTS,
    about_the_company,
    pitch,
    priorities_from_entities,
    question,
    quote_parts,
    quoted,
    read_priorities,
    says_priorities,
)
from bot.core.db import transaction
from bot.core.priority_texts import PRIORITIES, PRIORITY_ARTICLES, priority_labels
from bot.handoff.summary import summarize
from bot.knowledge.models import Article, ArticleText
from bot.records.answers import live_answer
from bot.records.defaults import prepare_records
from bot.records.models import JobPosition

TODAY = dt.date(2026, 12, 1)
URL = "https://careers.example/#jobs"


@pytest.fixture
def pitch_url(kb_url: str) -> str:
    with transaction(kb_url) as session:
        prepare_records(session=session, today=TODAY)
    return kb_url


def make(url: str, priorities: tuple[str, ...], said: str = "", language: str = "fr"):
    with transaction(url) as session:
        return pitch(
            session=session,
            priorities=priorities,
            said=said,
            language=language,
            today=TODAY,
            careers_url=URL,
        )


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        (
            "ce qui compte le plus pour moi c'est le télétravail et la formation",
            ("remote", "growth"),
        ),
        ("Pour moi l'important : la MISSION, puis le salaire", ("mission", "pay")),
        ("mes priorités : congé parental, petite équipe", ("parental_leave", "team_size")),
        ("I care about a modern tech stack and work-life balance", ("stack", "balance")),
        ("what matters to me is stability and working in English", ("stability", "language")),
        ("inclusion and equal pay are important to me", ("diversity",)),
    ],
)
def test_priorities_are_read_from_words_in_the_order_said(said, expected):
    assert read_priorities(said) == expected
    assert says_priorities(said)


@pytest.mark.parametrize(
    "said",
    [
        "Combien de jours de télétravail par semaine ?",  # a question on one subject
        "What is the salary for the SRE job?",
        "ce qui compte pour moi c'est la cantine",  # what matters, but no priority we know
        "bonjour",
    ],
)
def test_questions_on_one_subject_are_not_priorities(said):
    assert not says_priorities(said)


def test_the_chips_priorities_are_known_names_each_once():
    given = [
        {"entity": "priorities", "value": ["remote", "pay", "remote", "free_lunch", 3]},
        {"entity": "priorities", "value": "growth"},
        {"entity": "team", "value": "mission"},
    ]
    assert priorities_from_entities(given) == ("remote", "pay", "growth")
    assert priorities_from_entities([]) == ()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_question_offers_every_priority_as_a_chip(language):
    asked, buttons, payload = question(language)
    assert payload["type"] == "priorities_question"
    assert [o["id"] for o in payload["options"]] == list(PRIORITIES)
    assert [b["title"] for b in buttons] == priority_labels(PRIORITIES, language)
    assert buttons[0]["payload"] == '/tell_priorities{"priorities": ["remote"]}'
    assert asked.endswith(".")


def test_a_quote_is_whole_sentences_never_a_cut_figure():
    answer = (
        "Le salaire est de **1 200 €.** Par mois. Les primes sont annuelles. "
        + "X" * 400
        + ". Fin."
    )
    said = "Le salaire est de **1 200 €.** Par mois. Les primes sont annuelles."
    assert quoted(answer, "fr") == said
    assert quoted("Une seule phrase sans fin", "en") == "Une seule phrase sans fin"
    assert quoted("Premier paragraphe.\n\nSecond.", "fr") == "Premier paragraphe."


def test_a_list_is_quoted_item_by_item_and_says_when_some_are_left_out():
    answer = "Notre stack :\n- **Go** : services\n- Python ;\n- Kotlin\nAutre chose."
    assert quote_parts(answer) == ["Notre stack :", "**Go** : services", "Python ;", "Kotlin"]
    assert quoted(answer, "fr") == "Notre stack : **Go** : services ; Python ; Kotlin"
    assert quoted(answer, "en") == "Notre stack : **Go** : services; Python ; Kotlin"
    long = "Our teams:\n" + "\n".join(f"- team {i} " + "x" * 60 for i in range(9))
    assert quoted(long, "en").endswith(" …")
    assert quote_parts("Intro.\n- an item") == ["Intro."]  # not a list's introduction


def normalized(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_point_is_quoted_from_its_article(pitch_url, language):
    """Nothing said that the articles do not say: each point is found, word for word, in
    the answer of the article it names (with the records' figures worked in)."""
    for priority in PRIORITIES:
        made = make(pitch_url, (priority,), language=language)
        points = made.payload["points"]
        assert points, priority
        assert {p["article"] for p in points} <= set(PRIORITY_ARTICLES[priority])
        with transaction(pitch_url) as session:
            for point in points:
                answer = session.execute(
                    select(ArticleText.answer).where(
                        ArticleText.article_id == point["article"],
                        ArticleText.language == language,
                    )
                ).scalar_one()
                live = live_answer(
                    session=session,
                    article_id=point["article"],
                    language=language,
                    today=TODAY,
                    answer=answer,
                )
                parts = quote_parts(live)
                assert parts and all(normalized(p) in normalized(live) for p in parts)
                assert normalized(parts[0]) in normalized(point["text"]), point["article"]
                assert point["title"] in made.text
                assert point["reviewed"] is not None and point["stale"] is False


def test_two_priorities_take_turns_up_to_five_points(pitch_url):
    made = make(pitch_url, ("growth", "pay"))
    articles = [p["article"] for p in made.payload["points"]]
    assert len(articles) == MAX_POINTS
    assert articles[:4] == ["training", "salary-transparency", "career-ladder", "salary-review"]
    assert made.payload["priorities"] == ["growth", "pay"]
    assert made.payload["language"] == "fr"
    assert made.text.startswith("Ce qui compte pour vous : Apprendre et évoluer, Rémunération.")
    assert "vérifié par les RH le" in made.text


def test_an_article_shared_by_two_priorities_is_said_once(pitch_url):
    made = make(pitch_url, ("balance", "remote"), language="en")
    articles = [p["article"] for p in made.payload["points"]]
    assert len(articles) == len(set(articles))
    assert articles[:2] == ["time-off", "remote-work"]


def test_remote_work_brings_the_positions_that_allow_it(pitch_url):
    made = make(pitch_url, ("remote",), said="je veux du full remote, c'est ce qui compte")
    jobs = made.payload["jobs"]
    assert [j["id"] for j in jobs] == ["senior-backend"]
    assert jobs[0]["reasons"] and jobs[0]["salary"]["currency"] == "EUR"
    assert made.payload["teams"] == ["product_engineering"]
    assert "Senior Backend" in made.text or jobs[0]["title"] in made.text


def test_a_closed_position_never_fits(pitch_url):
    with transaction(pitch_url) as session:
        session.execute(
            update(JobPosition).where(JobPosition.id == "senior-backend").values(status="closed")
        )
    made = make(pitch_url, ("remote",), said="full remote matters to me", language="en")
    assert "senior-backend" not in [j["id"] for j in made.payload["jobs"]]


def test_the_tech_stack_points_to_the_engineering_teams(pitch_url):
    made = make(pitch_url, ("stack",), language="en")
    assert made.payload["teams"] == ["product_engineering", "platform", "data_ml", "mobile"]
    assert made.payload["jobs"] == []  # no filter named: no position picked for them
    assert "Teams that fit: " in made.text


def test_an_old_article_says_it_may_have_changed(pitch_url):
    with transaction(pitch_url) as session:
        session.execute(
            update(Article)
            .where(Article.id == "parental-leave")
            .values(reviewed_on=dt.date(2025, 1, 2))
        )
    made = make(pitch_url, ("parental_leave",))
    first = made.payload["points"][0]
    assert (first["article"], first["stale"], first["reviewed"]) == (
        "parental-leave",
        True,
        "2025-01-02",
    )
    assert "vérifié par les RH le 2 janvier 2025, a pu changer depuis" in made.text


def test_without_articles_it_says_so_and_invents_nothing(pitch_url):
    with transaction(pitch_url) as session:
        for article in PRIORITY_ARTICLES["stability"]:
            session.execute(update(Article).where(Article.id == article).values(status="draft"))
    made = make(pitch_url, ("stability",), language="en")
    assert made.payload["points"] == []
    assert made.text.startswith("Our articles don't say anything yet about Stability")
    assert "recruiter" in made.text


def test_the_recruiters_summary_lists_what_matters_to_the_candidate(pitch_url):
    events = [
        {"event": "user", "text": "I care about growth", "parse_data": {"intent": {}}},
        {"event": "slot", "name": "priorities", "value": ["growth", "pay", "bogus"]},
        {"event": "user", "text": "a human please", "parse_data": {}},
    ]
    with transaction(pitch_url) as session:
        summary, _ = summarize(session=session, events=events, language="en", reason="asked")
    assert summary["priorities"] == ["Growth and learning", "Pay"]
    with transaction(pitch_url) as session:
        summary, _ = summarize(session=session, events=events[:1], language="fr", reason="x")
    assert summary["priorities"] == []


def test_every_priority_has_labels_words_and_articles_that_exist(kb_url):
    with transaction(kb_url) as session:
        published = set(session.execute(select(Article.id)).scalars())
    for priority in PRIORITIES:
        assert priority_labels([priority], "fr") and priority_labels([priority], "en")
        assert set(PRIORITY_ARTICLES[priority]) <= published, priority
        assert re.fullmatch(r"[a-z_]+", priority)


@pytest.mark.parametrize(
    ("said", "about"),
    [
        ("Quel est le chiffre d'affaires d'Ardoise Labs ?", True),
        ("who are your competitors?", True),
        ("Qui sont vos actionnaires ?", True),
        ("what's the company's valuation?", True),
        ("Quel temps fera-t-il demain à Lyon ?", False),
        ("raconte-moi une blague", False),
        ("who won the world cup?", False),
    ],
)
def test_an_unknown_fact_about_the_company_is_told_from_small_talk(said, about):
    assert about_the_company(said) is about
