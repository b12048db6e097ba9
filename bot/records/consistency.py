"""Figures that change live in HR's records, not in articles: a job article's salary range
is stated from its position's record when the two disagree, and HR is warned.

The articles write a range as the records do ("58 000 à 72 000 €", "58,000-72,000 EUR",
see `salary_range` in bot/core/texts.py). `salary_in_article` puts the record's range in
place of the article's; `salary_mismatches` lists the articles that say another range."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.texts import text as worded
from bot.knowledge.models import ArticleText
from bot.records.models import JobPosition

# "58 000 à 72 000 €" (spaces, no-break or thin) and "58,000-72,000 EUR" (hyphen or dash).
RANGES = {
    "fr": re.compile(
        r"(\d{1,3}(?:[ \u00a0\u202f]\d{3})+) à (\d{1,3}(?:[ \u00a0\u202f]\d{3})+)[ \u00a0\u202f]€"
    ),
    "en": re.compile(r"(\d{1,3}(?:,\d{3})+)[-\u2013](\d{1,3}(?:,\d{3})+)[ \u00a0]EUR"),
}


def _amount(written: str) -> int:
    return int(re.sub(r"\D", "", written))


def stated_ranges(answer: str, language: str) -> list[tuple[int, int]]:
    """The salary ranges an answer writes, as numbers."""
    pattern = RANGES["fr" if language == "fr" else "en"]
    return [(_amount(m.group(1)), _amount(m.group(2))) for m in pattern.finditer(answer)]


def grouped(amount: int, language: str) -> str:
    """An amount with its thousands grouped: "58 000" (no-break space) / "58,000"."""
    return f"{amount:,}".replace(",", "\u00a0") if language == "fr" else f"{amount:,}"


def record_range(job: JobPosition, language: str) -> str:
    """The record's range as the articles write it (without the note on top)."""
    lang = "fr" if language == "fr" else "en"
    low, high = grouped(job.salary_min, lang), grouped(job.salary_max, lang)
    return worded("salary_range", lang, low=low, high=high)


def salary_in_article(answer: str, language: str, job: JobPosition) -> str:
    """The answer with every range it states that is not the record's replaced by it."""
    pattern = RANGES["fr" if language == "fr" else "en"]
    recorded = (job.salary_min, job.salary_max)

    def fixed(found: re.Match[str]) -> str:
        stated = (_amount(found.group(1)), _amount(found.group(2)))
        return found.group(0) if stated == recorded else record_range(job, language)

    return pattern.sub(fixed, answer)


@dataclass(frozen=True)
class Mismatch:
    """An article that states a salary range its position's record does not have."""

    article_id: str
    job_id: str
    language: str
    stated: tuple[int, int]
    recorded: tuple[int, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article_id,
            "job": self.job_id,
            "language": self.language,
            "stated": list(self.stated),
            "recorded": list(self.recorded),
        }


def salary_mismatches(*, session: Session) -> list[Mismatch]:
    """Every open position whose article states another range than its record."""
    jobs = session.execute(
        select(JobPosition).where(JobPosition.status == "open", JobPosition.article_id.isnot(None))
    ).scalars()
    by_article = {job.article_id: job for job in jobs}
    if not by_article:
        return []
    found = []
    for text in session.execute(
        select(ArticleText).where(ArticleText.article_id.in_(list(by_article)))
    ).scalars():
        job = by_article[text.article_id]
        recorded = (job.salary_min, job.salary_max)
        for stated in stated_ranges(text.answer, text.language):
            if stated != recorded:
                found.append(Mismatch(text.article_id, job.id, text.language, stated, recorded))
    return sorted(found, key=lambda m: (m.article_id, m.language))
