"""The widget's starter questions: what candidates ask most, offered on an empty conversation.

The published articles the assistant answered most over the last 30 days (the
dashboard's "top articles", bot.hr.analytics), titled in the page's language,
topped up from a fixed list when there are too few answers yet.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.hr.analytics import most_answered
from bot.knowledge.service import titles

COUNT = 4
WINDOW = timedelta(days=30)
# Articles of data/knowledge a first-time candidate most often wants, when no data says so.
DEFAULT_ARTICLES = ("remote-work", "hiring-process", "salary-transparency", "teams-overview")
# Answers counted beyond the ones shown: a drafted or deleted article is skipped.
READ_AHEAD = 12


@dataclass(frozen=True)
class Starter:
    article: str
    title: str

    def to_json(self) -> dict[str, str]:
        return {"article": self.article, "title": self.title}


def starters(
    *, session: Session, tracker_session: Session, language: str, now: datetime
) -> list[Starter]:
    """Up to COUNT published articles with their `language` title, most answered first."""
    ranked = most_answered(
        tracker_session=tracker_session, since=now - WINDOW, until=now, limit=READ_AHEAD
    )
    ids = list(dict.fromkeys([r.name for r in ranked] + list(DEFAULT_ARTICLES)))
    named = titles(session=session, article_ids=ids, language=language)
    return [Starter(i, named[i]) for i in ids if i in named][:COUNT]
