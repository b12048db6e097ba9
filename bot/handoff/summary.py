"""What a recruiter reads before joining: what was asked, answered, and what is missing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.job_texts import JOB_TEAM_WORDS
from bot.core.priority_texts import PRIORITIES_SLOT, priority_labels
from bot.knowledge.models import Article, ArticleText
from bot.meetings.chat import HUMAN_WORDS
from bot.meetings.slots import fold, has_phrase

MAX_ITEMS = 10
# Messages about the conversation itself ("a human please", "yes"), not questions.
NOT_A_QUESTION = {"affirm", "deny", "request_human", "greet", "thank", "goodbye", "not_helpful"}
# Asking for a person in words, whatever the model read ("je voudrais parler à quelqu'un
# des RH", "can a recruiter call me back?"): the handoff's request, not a question.
PEOPLE = (*HUMAN_WORDS, "quelqu'un", "quelqu un", "someone", "somebody", "une personne")
CONTACT_VERBS = (
    "parler",
    "discuter",
    "echanger",
    "joindre",
    "contacter",
    "rappeler",
    "rappelle",
    "rappelez",
    "appeler",
    "appelle",
    "talk",
    "speak",
    "chat",
    "call",
    "contact",
    "reach",
)


def asks_for_a_person(text: str) -> bool:
    """Whether a message asks to talk with a person (a verb of contact and a person)."""
    words = fold(text)
    return any(has_phrase(words, verb) for verb in CONTACT_VERBS) and any(
        has_phrase(words, person) for person in PEOPLE
    )


def is_question(text: str, intent: str | None) -> bool:
    """Whether a candidate's message is a question of the conversation: typed (not a
    button's command), not about the conversation itself, not asking for a person."""
    return bool(
        text
        and not text.startswith("/")
        and intent not in NOT_A_QUESTION
        and not asks_for_a_person(text)
    )


def teams_named(text: str) -> list[str]:
    """The teams a message names by their trades ("SRE" is Platform's), in lexicon order."""
    words = fold(text)
    return [t for t, names in JOB_TEAM_WORDS.items() if any(has_phrase(words, n) for n in names)]


def summarize(
    *, session: Session, events: Iterable[Mapping[str, Any]], language: str, reason: str
) -> tuple[dict[str, Any], list[str]]:
    """The summary, and the conversation's topics for routing (most recent first)."""
    asked: list[str] = []
    answered: list[str] = []
    missing: list[str] = []
    question = None
    priorities: list[str] = []
    named: list[str] = []  # teams the candidate's questions name, most recent last
    for event in events:
        kind = event.get("event")
        if kind == "slot" and event.get("name") == PRIORITIES_SLOT:
            value = event.get("value")
            priorities = [p for p in value if isinstance(p, str)] if isinstance(value, list) else []
        if kind == "user":
            text = str(event.get("text") or "").strip()
            intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if is_question(text, intent):
                question = text
                asked.append(text)
                named.extend(teams_named(text))
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
    # Most telling first: the teams the candidate named (a question about the SRE job is
    # Platform's), then each answered article's team before its topic ("teams", "jobs").
    hints: list[str] = []
    for team in reversed(named):
        if team not in hints:
            hints.append(team)
    for article_id in reversed(answered):
        article = articles.get(article_id)
        if article is None:
            continue
        for hint in (article.team, article.topic):
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
