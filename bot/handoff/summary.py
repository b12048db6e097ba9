"""What a recruiter reads before joining: what was asked, answered, and what is missing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.priority_texts import PRIORITIES_SLOT, priority_labels
from bot.knowledge.models import Article, ArticleText

MAX_ITEMS = 10
# Messages about the conversation itself ("a human please", "yes"), not questions.
NOT_A_QUESTION = {"affirm", "deny", "request_human", "greet", "thank", "goodbye", "not_helpful"}


def summarize(
    *, session: Session, events: Iterable[Mapping[str, Any]], language: str, reason: str
) -> tuple[dict[str, Any], list[str]]:
    """The summary, and the conversation's topics for routing (most recent first)."""
    asked: list[str] = []
    answered: list[str] = []
    missing: list[str] = []
    question = None
    priorities: list[str] = []
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == PRIORITIES_SLOT:
            value = event.get("value")
            priorities = [p for p in value if isinstance(p, str)] if isinstance(value, list) else []
        if kind == "user":
            text = str(event.get("text") or "").strip()
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if text and not text.startswith("/") and intent not in NOT_A_QUESTION:
                question = text
                asked.append(text)
        elif kind == "bot":
            custom = (event.get("data") or {}).get("custom") or {}
            if custom.get("type") == "answer" and custom.get("article"):
                answered.append(str(custom["article"]))
            elif custom.get("type") in ("no_answer", "clarify") and question:
                missing.append(question)
    titles = dict(
        session.execute(
            select(ArticleText.article_id, ArticleText.title).where(
                ArticleText.article_id.in_(answered), ArticleText.language == language
            )
        ).all()
    )
    articles = {
        a.id: a for a in session.execute(select(Article).where(Article.id.in_(answered))).scalars()
    }
    hints: list[str] = []
    for article_id in reversed(answered):
        article = articles.get(article_id)
        if article is None:
            continue
        for hint in (article.topic, article.team):
            if hint and hint != "people" and hint not in hints:
                hints.append(hint)
    summary = {
        "reason": reason,
        "asked": asked[-MAX_ITEMS:],
        "answered": [titles.get(a, a) for a in dict.fromkeys(answered)][-MAX_ITEMS:],
        "missing": missing[-MAX_ITEMS:] or ([question] if question else []),
        # what the candidate said matters to them, in their language
        "priorities": priority_labels(priorities, language),
    }
    return summary, hints
