"""Job search in the conversation (bot/candidate/jobs.py): what a request filters by, the
positions found on the records' structured fields with why they fit, what cannot be met
said plainly, the closest positions with what differs, closed positions never shown."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from bot.candidate.answering import respond
from bot.candidate.inputs import structured
from bot.candidate.jobs import JobWish, is_job_search, jobs_reply, read_job_wish
from bot.core.db import transaction
from bot.records.defaults import prepare_records
from bot.records.models import JobPosition

TODAY = dt.date(2026, 12, 1)
URL = "https://careers.example/#jobs"
PE, STAGE = "product_engineering", "internship"
ENGINEERING = ("product_engineering", "platform", "data_ml", "mobile")


@pytest.fixture
def jobs_url(kb_url: str) -> str:
    with transaction(kb_url) as session:
        prepare_records(session=session, today=TODAY)
    return kb_url


@pytest.mark.parametrize(
    ("said", "wish"),
    [
        ("je cherche un poste backend en full remote", JobWish((PE,), remote="full")),
        ("anything in data science in Lyon?", JobWish(("data_ml",), ("Lyon",))),
        ("what jobs for a junior designer?", JobWish(("design",), level="junior")),
        ("Des offres en CDI à Nantes ?", JobWish(cities=("Nantes",), contract="permanent")),
        ("un job de dev à 60k ?", JobWish(ENGINEERING, salary=60_000)),
        ("postes en télétravail ?", JobWish(remote="any")),
        ("any internship in Paris?", JobWish(cities=("Paris",), level="intern", contract=STAGE)),
        ("quels postes sont ouverts ?", JobWish()),
    ],
)  # fmt: skip
def test_a_request_is_read_for_its_filters(said, wish):
    assert is_job_search(said)
    assert read_job_wish(said) == wish


@pytest.mark.parametrize(
    "said",
    ["poste backend senior c'est basé où ?", "Combien de jours de télétravail ?", "salut"],
)
def test_a_question_about_one_position_or_anything_else_is_not_a_search(said):
    assert not is_job_search(said)


def ids(reply) -> list[str]:
    return [job["id"] for job in reply.payload["jobs"]]


def ask(url: str, said: str, language: str = "fr"):
    with transaction(url) as session:
        return jobs_reply(
            session=session, wish=read_job_wish(said), language=language, careers_url=URL
        )


@pytest.mark.parametrize(
    ("said", "language", "expected"),
    [
        ("je cherche un poste backend en full remote", "fr", ["senior-backend"]),
        ("anything in data science in Lyon?", "en", ["data-scientist"]),
        ("postes à Paris ?", "fr", ["sre", "product-designer", "csm"]),
        ("jobs in Nantes", "en", ["product-designer", "mobile-kotlin"]),
        ("un poste android ?", "fr", ["mobile-kotlin"]),
        ("any devops openings?", "en", ["sre"]),
        ("what jobs pay at least 65k?", "en", ["senior-backend", "sre", "data-scientist"]),
    ],
)
def test_positions_found_say_why_they_fit(jobs_url, said, language, expected):
    reply = ask(jobs_url, said, language)
    assert ids(reply) == expected
    assert all(job["reasons"] and not job["differs"] for job in reply.payload["jobs"])
    assert reply.payload["unmatched"] == []
    for job in reply.payload["jobs"]:
        assert job["salary"]["currency"] == "EUR" and job["url"] == URL
        assert job["title"] in reply.text


def test_a_city_without_an_office_gets_the_remote_position_and_says_so(jobs_url):
    reply = ask(jobs_url, "Des postes à Bordeaux ?")
    assert ids(reply) == ["senior-backend"]
    assert reply.payload["jobs"][0]["reasons"] == ["télétravail complet possible depuis Bordeaux"]
    assert reply.payload["unmatched"] == [
        "Nous n'avons pas de bureau à Bordeaux : nos bureaux sont à Lyon, Paris et Nantes."
    ]


def test_nothing_fully_remote_in_data_gives_the_closest_with_what_differs(jobs_url):
    reply = ask(jobs_url, "a fully remote data job?", "en")
    assert reply.text.startswith("No open position matches all of that (Data & ML, fully remote)")
    assert ids(reply)[0] == "data-scientist"  # the team asked for first
    first = reply.payload["jobs"][0]
    assert first["reasons"] == ["Data & ML team"]
    assert first["differs"] == ["hybrid, not fully remote"]


def test_when_nothing_fits_the_talent_community_is_offered_with_the_wishes(jobs_url):
    reply = ask(jobs_url, "a fully remote data job?", "en")
    assert reply.text.endswith("I can let you know when a position that fits opens.")
    offer = reply.buttons[-1]
    assert offer["title"] == "Tell me when a matching position opens"
    assert (
        offer["payload"] == '/join_community{"teams": ["data_ml"], "locations": [], "remote": true}'
    )
    assert structured(offer["payload"]) == offer["payload"]  # a command the channels accept
    senior = ask(jobs_url, "un poste de designer senior à Marseille")
    assert json.loads(senior.buttons[-1]["payload"].removeprefix("/join_community")) == {
        "teams": ["design"],
        "locations": ["Marseille"],
        "remote": False,
        "level": "senior",
    }
    # a search that finds what it asks offers nothing more
    assert "join_community" not in repr(ask(jobs_url, "anything in data science in Lyon?", "en"))


def test_a_level_the_records_do_not_state_is_said_not_guessed(jobs_url):
    reply = ask(jobs_url, "what jobs for a junior designer?", "en")
    assert ids(reply) == ["product-designer"]
    assert reply.payload["unmatched"] == [
        "The level expected isn't stated for Product Designer: a recruiter can tell you."
    ]
    # a stated level that differs: not a match, at best among the closest, saying why
    closest = ask(jobs_url, "un poste backend junior ?")
    assert closest.text.startswith("Aucun poste ouvert ne correspond à tout cela")
    (backend,) = [j for j in closest.payload["jobs"] if j["id"] == "senior-backend"]
    assert backend["differs"] == ["niveau senior"]
    # a level some positions state: those, and the others named as not saying
    senior = ask(jobs_url, "je cherche un poste senior")
    assert ids(senior) == ["senior-backend"]
    assert senior.payload["unmatched"][0].startswith("Le niveau attendu n'est pas précisé pour SRE")


def test_a_vague_request_lists_everything_and_asks_one_short_question(jobs_url):
    reply = ask(jobs_url, "je cherche un job")
    assert len(ids(reply)) == 6
    assert reply.text.endswith("le télétravail ou votre niveau.")
    payloads = [b["payload"] for b in reply.buttons]
    assert '/choose_article{"article": "open-positions", "team": "design"}' in payloads


def test_a_closed_position_never_appears(jobs_url):
    with transaction(jobs_url) as session:
        session.get(JobPosition, "data-scientist").status = "closed"
    assert "data-scientist" not in ids(ask(jobs_url, "anything in data science in Lyon?", "en"))
    assert "data-scientist" not in ids(ask(jobs_url, "quels postes sont ouverts ?"))
    with transaction(jobs_url) as session:
        session.execute(JobPosition.__table__.update().values(status="closed"))
    reply = ask(jobs_url, "quels postes sont ouverts ?")
    assert ids(reply) == [] and "aucun poste ouvert" in reply.text.lower()


def parse(text: str, intent: str = "faq", article: str = "open-positions", entities=()):
    return {
        "text": text,
        "intent": {"name": intent, "confidence": 0.9},
        "intent_ranking": [{"name": intent, "confidence": 0.9}],
        "entities": list(entities),
        "response_selector": {
            "faq": {"ranking": [{"intent_response_key": f"faq/{article}", "confidence": 0.9}]}
        },
    }


def answer(url: str, message: dict, last_article: str | None = None):
    with transaction(url) as session:
        return respond(
            session=session,
            parse=message,
            language="fr",
            conversation_id="c1",
            answer_threshold=0.3,
            clarify_threshold=0.1,
            today=TODAY,
            careers_url=URL,
            last_article=last_article,
        )


def test_the_assistant_answers_a_search_with_positions_and_a_question_with_its_article(jobs_url):
    searched = answer(jobs_url, parse("je cherche un poste backend en full remote"))
    assert searched.payload["type"] == "jobs" and ids(searched) == ["senior-backend"]
    detail = answer(
        jobs_url, parse("poste backend senior c'est basé où ?", article="job-senior-backend")
    )
    assert detail.payload == detail.payload | {"type": "answer", "article": "job-senior-backend"}
    # a search the model tied to another article still searches when it names a filter
    named = answer(
        jobs_url, parse("des postes à Nantes ?", intent="nlu_fallback", article="offices")
    )
    assert ids(named) == ["product-designer", "mobile-kotlin"]
    # the team button narrows the list; "any" shows every position
    button = parse(
        '/choose_article{"article": "open-positions", "team": "design"}',
        intent="choose_article",
        entities=[
            {"entity": "article", "value": "open-positions"},
            {"entity": "team", "value": "design"},
        ],
    )
    assert ids(answer(jobs_url, button)) == ["product-designer"]
    every = parse(
        "/choose_article",
        intent="choose_article",
        entities=[
            {"entity": "article", "value": "open-positions"},
            {"entity": "team", "value": "any"},
        ],
    )
    assert len(ids(answer(jobs_url, every))) == 6


@pytest.mark.parametrize(
    ("said", "wish"),
    [
        ("postes en teletravial ?", JobWish(remote="any")),
        ("un job de desiner", JobWish(("design",))),
        ("poste platforme a pariss", JobWish(("platform",), ("Paris",))),
        ("je cherche un poste de developeur", JobWish(ENGINEERING)),
    ],
)
def test_a_typo_in_a_filter_word_is_mended(said, wish):
    assert read_job_wish(said) == wish


@pytest.mark.parametrize(
    "said", ["je donne ma candidature", "votre entreprise est super", "je veux un poste stable"]
)
def test_ordinary_words_are_not_mistaken_for_filters(said):
    assert read_job_wish(said).empty


def test_without_positions_recorded_the_article_is_shown_as_written(kb_url):
    reply = answer(kb_url, parse("quels postes sont ouverts ?"))
    assert reply.payload["type"] == "answer" and reply.payload["article"] == "open-positions"


def test_a_search_right_after_the_positions_article_is_still_a_search(jobs_url):
    """Never the same article twice in a row, but a new search is not a repeat."""
    searched = answer(jobs_url, parse("des postes à Lyon ?"), last_article="open-positions")
    assert searched.payload["type"] == "jobs"
    again = answer(jobs_url, parse("c'est tout ?"), last_article="open-positions")
    assert again.payload == {"type": "follow_up", "article": "open-positions"}
