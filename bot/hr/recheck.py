"""Articles to re-check: stale articles (not checked by HR for `REVIEW_MAX_DAYS`) that
candidates were answered with, by owner team, and HR's one click saying one is still true.

The assistant notes each such answer in the inbox (reason "stale", once per conversation
and article: bot.inbox.service.note_stale). Confirming an article is a revision that only
moves its review date to today; its notes are closed ("checked")."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from bot.core.audit import record as audit
from bot.hr.editing import SaveResult, mark_reviewed
from bot.inbox.models import InboxItem
from bot.knowledge.freshness import is_stale
from bot.knowledge.models import Article

STALE_REASON = "stale"
CHECKED = "checked"
SHOWN_QUESTIONS = 3


@dataclass(frozen=True)
class ToRecheck:
    """One stale article candidates were answered with: how often, lately, and how."""

    article_id: str
    team: str
    title: str
    reviewed_on: date | None
    answers: int
    last_answered: datetime
    questions: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "article": self.article_id,
            "team": self.team,
            "title": self.title,
            "reviewed": self.reviewed_on.isoformat() if self.reviewed_on else None,
            "answers": self.answers,
            "last_answered": self.last_answered.replace(tzinfo=timezone.utc).isoformat(),
            "questions": list(self.questions),
        }


def to_recheck(*, session: Session, today: date, review_max_days: int) -> list[ToRecheck]:
    """Stale articles answered since they went stale, by team, then the most answered."""
    notes = session.execute(
        select(InboxItem)
        .where(InboxItem.reason == STALE_REASON, InboxItem.status == "open")
        .order_by(InboxItem.created_at.desc())
    ).scalars()
    by_article: dict[str, list[InboxItem]] = {}
    for note in notes:
        if note.article_id:
            by_article.setdefault(note.article_id, []).append(note)
    if not by_article:
        return []
    articles = session.execute(
        select(Article).where(Article.id.in_(list(by_article))).options(selectinload(Article.texts))
    ).scalars()
    found = []
    for article in articles:
        if not is_stale(article.reviewed_on, today, review_max_days):
            continue  # checked in the editor since: nothing left to do
        mine = by_article[article.id]
        text = article.text("fr") or (article.texts[0] if article.texts else None)
        asked = [n.text for n in mine if n.text]
        found.append(
            ToRecheck(
                article_id=article.id,
                team=article.team,
                title=text.title if text else article.id,
                reviewed_on=article.reviewed_on,
                answers=len(mine),
                last_answered=mine[0].created_at,
                questions=tuple(dict.fromkeys(asked))[:SHOWN_QUESTIONS],
            )
        )
    return sorted(found, key=lambda r: (r.team, -r.answers, r.article_id))


def confirm_still_true(
    *, session: Session, article_id: str, today: date, author: str
) -> SaveResult:
    """HR checked the article and it is still true: a revision moving only its review
    date to `today` (bot.hr.editing.mark_reviewed), and its "to re-check" notes closed."""
    done = mark_reviewed(session=session, article_id=article_id, today=today, author=author)
    closed = session.execute(
        update(InboxItem)
        .where(
            InboxItem.reason == STALE_REASON,
            InboxItem.article_id == article_id,
            InboxItem.status == "open",
        )
        .values(status=CHECKED)
        .execution_options(synchronize_session=False)
    ).rowcount
    audit(
        session=session,
        actor=author,
        action="article.checked",
        target=article_id,
        detail={"reviewed": today.isoformat(), "notes_closed": closed},
    )
    return done
