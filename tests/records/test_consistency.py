"""A job article's salary range comes from its position's record when the two disagree,
and HR is told which article says what (bot/records/consistency.py)."""

from __future__ import annotations

from sqlalchemy import select

from bot.core.db import transaction
from bot.knowledge.models import ArticleText
from bot.records.answers import live_answer
from bot.records.consistency import salary_mismatches, stated_ranges
from bot.records.models import JobPosition
from tests.records.conftest import TODAY


def answer(url: str, article_id: str, language: str) -> str:
    with transaction(url) as session:
        text = session.execute(
            select(ArticleText).where(
                ArticleText.article_id == article_id, ArticleText.language == language
            )
        ).scalar_one()
        return live_answer(
            session=session,
            article_id=article_id,
            language=language,
            today=TODAY,
            answer=text.answer,
        )


def test_the_default_articles_state_their_records_ranges(records_url):
    with transaction(records_url) as session:
        assert salary_mismatches(session=session) == []
        jobs = session.execute(select(JobPosition)).scalars().all()
        texts = session.execute(select(ArticleText)).scalars().all()
    stated = {
        (t.article_id, t.language): stated_ranges(t.answer, t.language)
        for t in texts
        if t.article_id.startswith("job-")
    }
    for job in jobs:  # each job article, in both languages, says its range once
        for language in ("fr", "en"):
            assert stated[(job.article_id, language)] == [(job.salary_min, job.salary_max)]


def test_a_changed_record_is_what_the_assistant_says_and_hr_is_warned(records_url):
    with transaction(records_url) as session:
        sre = session.get(JobPosition, "sre")
        sre.salary_min, sre.salary_max = 57_000, 73_000
    fr, en = answer(records_url, "job-sre", "fr"), answer(records_url, "job-sre", "en")
    assert "**57\u00a0000 à 73\u00a0000\u00a0€**" in fr and "55 000" not in fr
    assert "**57,000-73,000\u00a0EUR**" in en and "55,000" not in en
    with transaction(records_url) as session:
        found = [m.to_json() for m in salary_mismatches(session=session)]
    assert found == [
        {"article": "job-sre", "job": "sre", "language": lang, "stated": [55000, 70000],
         "recorded": [57000, 73000]}
        for lang in ("en", "fr")
    ]  # fmt: skip


def test_a_closed_position_is_not_checked_and_its_article_says_it_is_closed(records_url):
    with transaction(records_url) as session:
        sre = session.get(JobPosition, "sre")
        sre.salary_min, sre.status = 57_000, "closed"
        assert salary_mismatches(session=session) == []
    assert "55 000 à 70 000 €" not in answer(records_url, "job-sre", "fr")
