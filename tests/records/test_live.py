from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import delete

from bot.core.db import transaction
from bot.knowledge.service import published_answer
from bot.records.answers import format_day, live_answer
from bot.records.models import Event, JobPosition
from bot.records.service import cancel_event, close_job, list_events, list_jobs, save_event
from tests.records.conftest import TODAY


def live(url: str, article_id: str, language: str, today: dt.date = TODAY) -> tuple[str, str]:
    """(the article as written, the answer with the records worked in)."""
    with transaction(url) as session:
        article = published_answer(session=session, article_id=article_id, language=language)
        text = live_answer(
            session=session,
            article_id=article_id,
            language=language,
            today=today,
            answer=article.answer,
        )
        return article.answer, text


def added(url: str, article_id: str, language: str) -> str:
    article, text = live(url, article_id, language)
    assert text.startswith(article + "\n\n")
    return text[len(article) + 2 :]


def test_dates_are_written_in_french_and_english_without_the_os_locale():
    assert format_day(dt.date(2026, 12, 1), "fr", current_year=2026) == "mardi 1er décembre"
    assert format_day(dt.date(2027, 8, 2), "fr", current_year=2026) == "lundi 2 août 2027"
    assert format_day(dt.date(2026, 12, 1), "en", current_year=2026) == "Tuesday 1 December"
    assert format_day(dt.date(2027, 2, 7), "en", current_year=2026) == "Sunday 7 February 2027"


def test_open_house_lists_the_next_three_dates(records_url):
    assert added(records_url, "open-house", "fr") == (
        "Prochaines portes ouvertes :\n"
        "- **jeudi 3 décembre** — 17h30 à 19h30 — Siège de Lyon (Part-Dieu)\n"
        "- **jeudi 7 janvier 2027** — 17h30 à 19h30 — Siège de Lyon (Part-Dieu)\n"
        "- **jeudi 4 février 2027** — 17h30 à 19h30 — Siège de Lyon (Part-Dieu)"
    )
    assert added(records_url, "open-house", "en") == (
        "Next open house dates:\n"
        "- **Thursday 3 December** — 17:30 to 19:30 — Lyon headquarters (Part-Dieu)\n"
        "- **Thursday 7 January 2027** — 17:30 to 19:30 — Lyon headquarters (Part-Dieu)\n"
        "- **Thursday 4 February 2027** — 17:30 to 19:30 — Lyon headquarters (Part-Dieu)"
    )


def test_team_coffee_lists_the_next_booking_days(records_url):
    assert added(records_url, "team-coffee", "fr") == (
        "Prochains jours pour réserver un café :\n"
        "- **jeudi 26 novembre** — En visio\n"
        "- **mardi 1er décembre** — En visio\n"
        "- **jeudi 3 décembre** — En visio"
    )
    assert added(records_url, "team-coffee", "en") == (
        "Next days to book a coffee:\n"
        "- **Thursday 26 November** — Video call\n"
        "- **Tuesday 1 December** — Video call\n"
        "- **Thursday 3 December** — Video call"
    )


def test_reverse_qa_lists_sessions_with_hr_notes(records_url):
    with transaction(records_url) as session:
        first = list_events(session=session, kinds=("reverse_qa",))[0]
        save_event(
            session=session,
            data={"id": first.id, "note_fr": "avec la CTO", "note_en": "with the CTO"},
            author="malik",
        )
    assert added(records_url, "reverse-qa", "en") == (
        "Next sessions:\n"
        "- **Wednesday 30 December** — 12:30 — Online — with the CTO\n"
        "- **Wednesday 27 January 2027** — 12:30 — Online\n"
        "- **Wednesday 24 February 2027** — 12:30 — Online"
    )
    assert added(records_url, "reverse-qa", "fr").splitlines()[1] == (
        "- **mercredi 30 décembre** — 12h30 — En ligne — avec la CTO"
    )


def test_events_overview_gives_each_kind_its_next_dates(records_url):
    assert added(records_url, "events-overview", "fr") == (
        "Prochaines dates :\n"
        "- **Portes ouvertes** : jeudi 3 décembre, jeudi 7 janvier 2027, jeudi 4 février 2027\n"
        "- **Café équipe** : jeudi 26 novembre, mardi 1er décembre, jeudi 3 décembre\n"
        "- **Questions inversées** : mercredi 30 décembre, mercredi 27 janvier 2027, "
        "mercredi 24 février 2027"
    )
    assert added(records_url, "events-overview", "en") == (
        "Next dates:\n"
        "- **Portes ouvertes** (open house): Thursday 3 December, Thursday 7 January 2027, "
        "Thursday 4 February 2027\n"
        "- **Café équipe** (team coffee): Thursday 26 November, Tuesday 1 December, "
        "Thursday 3 December\n"
        "- **Questions inversées** (live Q&A): Wednesday 30 December, Wednesday 27 January 2027, "
        "Wednesday 24 February 2027"
    )


def test_cancelled_and_past_dates_are_skipped(records_url):
    with transaction(records_url) as session:
        december = list_events(session=session, kinds=("open_house",))[0]
        cancel_event(session=session, event_id=december.id, author="malik")
    lines = added(records_url, "open-house", "en").splitlines()
    assert lines[1].startswith("- **Thursday 7 January 2027**")
    assert len(lines) == 4  # still three dates
    assert (
        added(records_url, "events-overview", "en")
        .splitlines()[1]
        .startswith("- **Portes ouvertes** (open house): Thursday 7 January 2027, ")
    )
    _, later = live(records_url, "open-house", "fr", today=dt.date(2027, 5, 7))
    assert later.endswith("Aucune date n'est prévue pour le moment.")


def test_no_scheduled_date_is_said_politely(records_url):
    with transaction(records_url) as session:
        session.execute(delete(Event).where(Event.kind.in_(("open_house", "team_coffee"))))
    assert added(records_url, "open-house", "fr") == "Aucune date n'est prévue pour le moment."
    assert added(records_url, "open-house", "en") == "No date is scheduled right now."
    overview = added(records_url, "events-overview", "en").splitlines()
    assert overview[1] == "- **Portes ouvertes** (open house): no date scheduled right now"
    assert overview[2] == "- **Café équipe** (team coffee): no date scheduled right now"


def test_a_scheduled_hackathon_is_announced(records_url):
    article, text = live(records_url, "hackathon", "fr")
    assert text == article  # no dates yet: the article's "April and November" stands
    with transaction(records_url) as session:
        save_event(
            session=session,
            data={"kind": "hackathon", "date": "2027-04-08", "end_date": "2027-04-09"},
            author="malik",
        )
    assert added(records_url, "hackathon", "fr") == (
        "Dates prévues :\n- **du jeudi 8 avril au vendredi 9 avril 2027**"
    )
    assert added(records_url, "hackathon", "en") == (
        "Scheduled dates:\n- **Thursday 8 April to Friday 9 April 2027**"
    )
    assert added(records_url, "events-overview", "fr").splitlines()[-1] == (
        "- **Ardoise Hack** : du jeudi 8 avril au vendredi 9 avril 2027"
    )


def test_without_records_the_articles_are_shown_as_written(kb_url):
    for article_id in ("open-house", "events-overview", "open-positions", "job-sre"):
        for language in ("fr", "en"):
            article, text = live(kb_url, article_id, language)
            assert text == article


def test_other_articles_are_left_alone(records_url):
    article, text = live(records_url, "remote-work", "en")
    assert text == article


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_default_positions_read_as_the_knowledge_base_article(records_url, language):
    article, text = live(records_url, "open-positions", language)
    # the same words; the records' amounts keep their digits together (no-break spaces)
    assert text.replace("\u00a0", " ") == article.replace("\u00a0", " ")


def test_open_positions_follow_the_records(records_url):
    with transaction(records_url) as session:
        close_job(session=session, job_id="sre", author="malik")
    fr = live(records_url, "open-positions", "fr")[1].splitlines()
    assert fr[0] == "Cinq postes sont ouverts en ce moment :"
    assert "SRE" not in "\n".join(fr)
    assert (
        fr[-1]
        == "- **Customer Success Manager** — Paris — 40\u00a0000 à 48\u00a0000\u00a0€ + variable"
    )
    en = live(records_url, "open-positions", "en")[1].splitlines()
    assert en[0] == "Five positions are open right now:"
    assert (
        en[1] == "- **Senior Backend Engineer** — Lyon or remote in France — 58,000-72,000\u00a0EUR"
    )
    with transaction(records_url) as session:
        for job in list_jobs(session=session, status="open")[1:]:
            close_job(session=session, job_id=job.id, author="malik")
    assert live(records_url, "open-positions", "en")[1].splitlines()[0] == (
        "One position is open right now:"
    )
    with transaction(records_url) as session:
        close_job(session=session, job_id="senior-backend", author="malik")
    assert live(records_url, "open-positions", "fr")[1] == "Aucun poste n'est ouvert en ce moment."


def test_a_closed_position_says_so_and_points_to_the_open_ones(records_url):
    article, text = live(records_url, "job-sre", "en")
    assert text == article  # open: the article as written
    with transaction(records_url) as session:
        close_job(session=session, job_id="sre", author="malik")
    _, fr = live(records_url, "job-sre", "fr")
    assert fr.startswith(
        "Le poste de **SRE / Platform Engineer** n'est plus ouvert.\n\n"
        "Cinq postes sont ouverts en ce moment :\n"
        "- **Senior Backend Engineer** — Lyon ou télétravail en France — "
        "58\u00a0000 à 72\u00a0000\u00a0€\n"
    )
    _, en = live(records_url, "job-sre", "en")
    assert en.startswith(
        "The **SRE / Platform Engineer** position is no longer open.\n\n"
        "Five positions are open right now:\n"
    )
    article, text = live(records_url, "job-csm", "en")
    assert text == article


def test_a_position_without_article_changes_no_article(records_url):
    with transaction(records_url) as session:
        session.execute(delete(JobPosition).where(JobPosition.id == "csm"))
    article, text = live(records_url, "job-csm", "fr")
    assert text == article
