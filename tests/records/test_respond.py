"""The assistant's answers use the records as they are at the moment of answering."""

from __future__ import annotations

import pytest

from bot.candidate.answering import respond
from bot.core.db import transaction
from bot.core.settings import Settings
from bot.records.answers import format_day
from bot.records.defaults import prepare_records
from bot.records.service import cancel_event, close_job, list_events, local_today


def asked(article_id: str) -> dict:
    """A parse result where the model is sure of one article."""
    return {
        "text": "question",
        "intent": {"name": "faq", "confidence": 0.95},
        "intent_ranking": [{"name": "faq", "confidence": 0.95}],
        "entities": [],
        "response_selector": {
            "faq": {
                "ranking": [
                    {"intent_response_key": f"faq/{article_id}", "confidence": 0.97},
                    {"intent_response_key": "faq/remote-work", "confidence": 0.01},
                ]
            }
        },
    }


def answer(settings: Settings, article_id: str, language: str) -> str:
    with transaction(settings.database_url) as session:
        reply = respond(
            session=session,
            parse=asked(article_id),
            language=language,
            conversation_id="c1",
            answer_threshold=settings.answer_threshold,
            clarify_threshold=settings.clarify_threshold,
            today=local_today(settings.office_timezone),
        )
    assert reply.kind == "answer"
    assert reply.payload["article"] == article_id
    assert reply.text is not None
    return reply.text


@pytest.fixture
def hr_settings(settings: Settings) -> Settings:
    """The default knowledge base and records, as after a first start today."""
    with transaction(settings.database_url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
    return settings


def test_an_event_answer_gives_the_next_dates_and_a_cancellation_shows_at_once(hr_settings):
    today = local_today(hr_settings.office_timezone)
    with transaction(hr_settings.database_url) as session:
        upcoming = list_events(
            session=session, kinds=("open_house",), upcoming_only=True, today=today
        )
        first, second = upcoming[0], upcoming[1]
    first_day = format_day(first.date, "fr", current_year=today.year)
    second_day = format_day(second.date, "fr", current_year=today.year)
    before = answer(hr_settings, "open-house", "fr")
    assert "Prochaines portes ouvertes :" in before
    assert f"- **{first_day}** — 17h30 à 19h30" in before

    with transaction(hr_settings.database_url) as session:
        cancel_event(session=session, event_id=first.id, author="malik")

    after = answer(hr_settings, "open-house", "fr")
    assert f"**{first_day}**" not in after
    assert after.split("Prochaines portes ouvertes :\n")[1].startswith(f"- **{second_day}** — ")


def test_a_closed_position_changes_the_next_answers(hr_settings):
    assert answer(hr_settings, "open-positions", "en").startswith(
        "Six positions are open right now:"
    )
    job_article = answer(hr_settings, "job-senior-backend", "en")
    assert job_article.startswith("The **Senior Backend Engineer** joins Product Engineering")

    with transaction(hr_settings.database_url) as session:
        close_job(session=session, job_id="senior-backend", author="camille")

    positions = answer(hr_settings, "open-positions", "en")
    assert positions.startswith("Five positions are open right now:\n")
    assert "Senior Backend Engineer" not in positions
    closed = answer(hr_settings, "job-senior-backend", "en")
    assert closed.startswith("The **Senior Backend Engineer** position is no longer open.\n\n")
    assert closed.endswith(positions)


def test_the_overview_answer_lists_every_kind_in_english(hr_settings):
    text = answer(hr_settings, "events-overview", "en")
    assert "\n\nNext dates:\n- **Portes ouvertes** (open house): " in text
    assert "\n- **Café équipe** (team coffee): " in text
    assert "\n- **Questions inversées** (live Q&A): " in text
