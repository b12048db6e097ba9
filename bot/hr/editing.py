"""The HR editor's side of the knowledge base: list, validate, save, restore, preview.

The browser sends an article as JSON, shaped like `ArticleDoc.to_dict()` plus
its `topic`. Parsing reuses the knowledge files' rules (documents.py), so what
the browser saves can always be exported to files and imported back; every
problem is reported against a field path ("fr.answer", "en.questions.3") so
the form can show it next to the input.

A draft may be saved unfinished (empty texts, few example questions);
publishing needs everything. Drafts are never shown to candidates nor used
for training. Reading the editor's input is in editor_input.py.

Saving goes through service.save_article, so every change is a Revision (who,
when, full snapshot); a published article's new text is live at once because
the assistant reads answers from the database when it answers.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.core.problem_texts import Problem
from bot.core.settings import LANGUAGES
from bot.hr.article_input import (
    DEFAULT_STATUS,
    MAX_QUESTIONS,
    ArticleInvalid,
    error_at,
    gate_question_copied,
    question_owners,
    read_article_input,
    read_input,
)
from bot.knowledge.files import (
    MAX_QUESTION,
    MIN_QUESTIONS,
    ArticleDoc,
    normalize_question,
)
from bot.knowledge.freshness import DEFAULT_REVIEW_MAX_DAYS, is_stale
from bot.knowledge.models import STATUSES, Article, Revision
from bot.knowledge.service import (
    ArticleNotFound,
    article_to_doc,
    delete_article,
    save_article,
)

# What an edit did to an article.
EditAction = Literal["created", "updated", "restored", "deleted", "unchanged"]
# An article not reviewed for about six months is flagged for HR.


class EditConflict(Exception):
    """Someone saved (or deleted) the article since the editor opened it."""

    def __init__(self, article_id: str, expected: int | None, latest: Revision | None):
        self.article_id = article_id
        self.expected = expected
        self.latest_number = latest.number if latest else None
        self.author = latest.author if latest else None
        self.action = latest.action if latest else None
        self.at = latest.created_at if latest else None
        if latest is None:
            self.problem = Problem("conflict_no_revision", {"id": article_id, "expected": expected})
        else:
            self.problem = Problem(
                "conflict_edited",
                {
                    "id": article_id,
                    "expected": expected,
                    "action": latest.action,
                    "author": latest.author,
                    "day": f"{latest.created_at:%Y-%m-%d}",
                    "time": f"{latest.created_at:%H:%M}",
                    "number": latest.number,
                },
            )
        super().__init__(str(self.problem))

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "expected_revision": self.expected,
            "latest_revision": self.latest_number,
            "author": self.author,
            "action": self.action,
            "at": self.at.isoformat() if self.at else None,
            "message": str(self),
        }


class RevisionNotFound(LookupError):
    def __init__(self, article_id: str, number: int):
        self.article_id, self.number = article_id, number
        self.problem = Problem("revision_not_found", {"id": article_id, "number": number})
        super().__init__(str(self.problem))


# --- listing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ArticleSummary:
    """One row of the HR article list."""

    id: str
    topic: str
    team: str
    status: str
    tags: tuple[str, ...]
    reviewed_on: date | None
    updated_at: datetime
    titles: dict[str, str]
    languages: tuple[str, ...]
    missing_languages: tuple[str, ...]
    question_counts: dict[str, int]
    stale: bool
    last_author: str | None
    last_revision: int | None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "topic": self.topic,
            "team": self.team,
            "status": self.status,
            "tags": list(self.tags),
            "reviewed_on": self.reviewed_on.isoformat() if self.reviewed_on else None,
            "updated_at": self.updated_at.isoformat(),
            "titles": dict(self.titles),
            "languages": list(self.languages),
            "missing_languages": list(self.missing_languages),
            "question_counts": dict(self.question_counts),
            "stale": self.stale,
            "last_author": self.last_author,
            "last_revision": self.last_revision,
        }


def _latest_revisions(
    session: Session, article_ids: Iterable[str] | None = None
) -> dict[str, Revision]:
    latest = select(Revision.article_id, func.max(Revision.number).label("number")).group_by(
        Revision.article_id
    )
    if article_ids is not None:
        latest = latest.where(Revision.article_id.in_(list(article_ids)))
    sub = latest.subquery()
    rows = session.execute(
        select(Revision).join(
            sub, (Revision.article_id == sub.c.article_id) & (Revision.number == sub.c.number)
        )
    ).scalars()
    return {r.article_id: r for r in rows}


def _matches(article: Article, words: list[str], language: str | None) -> bool:
    texts = [t for t in article.texts if language is None or t.language == language]
    haystack = normalize_question(
        " ".join(
            [
                article.id.replace("-", " "),
                article.id,
                *article.tags,
                *(part for t in texts for part in (t.title, t.answer, *t.questions)),
            ]
        )
    )
    return all(word in haystack for word in words)


def list_articles(
    *,
    session: Session,
    query: str | None = None,
    topic: str | None = None,
    language: str | None = None,
    status: str | None = None,
    stale_only: bool = False,
    today: date | None = None,
    review_max_days: int = DEFAULT_REVIEW_MAX_DAYS,
) -> list[ArticleSummary]:
    """Articles by topic then id, filtered.

    `query`: every word must appear (case and accents ignored) in the id, tags,
    titles, answers or example questions. `language`: only articles written in
    that language, and the query looks at that language's texts only.
    """
    today = today or date.today()
    statement = select(Article).options(selectinload(Article.texts))
    if topic:
        statement = statement.where(Article.topic == topic)
    if status:
        statement = statement.where(Article.status == status)
    words = normalize_question(query or "").split()
    articles = [
        a
        for a in session.execute(statement.order_by(Article.topic, Article.id)).scalars()
        if (language is None or a.text(language) is not None) and _matches(a, words, language)
    ]
    if stale_only:
        articles = [a for a in articles if is_stale(a.reviewed_on, today, review_max_days)]
    latest = _latest_revisions(session, [a.id for a in articles]) if articles else {}
    summaries = []
    for article in articles:
        present = tuple(t.language for t in article.texts)
        revision = latest.get(article.id)
        summaries.append(
            ArticleSummary(
                id=article.id,
                topic=article.topic,
                team=article.team,
                status=article.status,
                tags=tuple(article.tags),
                reviewed_on=article.reviewed_on,
                updated_at=article.updated_at,
                titles={t.language: t.title for t in article.texts},
                languages=present,
                missing_languages=tuple(lang for lang in LANGUAGES if lang not in present),
                question_counts={t.language: len(t.questions) for t in article.texts},
                stale=is_stale(article.reviewed_on, today, review_max_days),
                last_author=revision.author if revision else None,
                last_revision=revision.number if revision else None,
            )
        )
    return summaries


# --- saving, history, restoring ------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    article_id: str
    action: EditAction
    revision: int | None  # the article's latest revision number after the change
    status: str | None  # draft | published (None once deleted)

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "action": self.action,
            "revision": self.revision,
            "status": self.status,
        }


def latest_revision(*, session: Session, article_id: str) -> Revision | None:
    return session.execute(
        select(Revision)
        .where(Revision.article_id == article_id)
        .order_by(Revision.number.desc())
        .limit(1)
    ).scalar_one_or_none()


def _lock(session: Session, article_id: str) -> Article | None:
    """The article row, locked until commit where the database can (PostgreSQL)."""
    return session.execute(
        select(Article).where(Article.id == article_id).with_for_update()
    ).scalar_one_or_none()


def _check_expected(session: Session, article_id: str, expected: int | None) -> None:
    if expected is None:
        return
    latest = latest_revision(session=session, article_id=article_id)
    if latest is None or latest.number != expected:
        raise EditConflict(article_id, expected, latest)


def _result(session: Session, article_id: str, action: EditAction) -> SaveResult:
    latest = latest_revision(session=session, article_id=article_id)
    article = session.get(Article, article_id)
    return SaveResult(
        article_id=article_id,
        action=action,
        revision=latest.number if latest else None,
        status=article.status if article else None,
    )


def save_from_editor(
    *,
    session: Session,
    data: Any,
    article_id: str | None,
    author: str,
    expected_revision: int | None,
) -> SaveResult:
    """Create (`article_id` None) or update an article from the editor.

    `expected_revision` is the revision number the editor opened; when someone
    saved or deleted the article since, EditConflict says who and when, and
    nothing is written. None skips the check (scripts, or creating).
    """
    if article_id is not None:
        _lock(session, article_id)
        _check_expected(session, article_id, expected_revision)
        if session.get(Article, article_id) is None:
            raise ArticleNotFound(article_id)
    doc = read_article_input(session=session, data=data, article_id=article_id)
    action = save_article(session=session, doc=doc, author=author)
    return _result(session, doc.id, action)


def article_json(*, session: Session, article_id: str) -> dict[str, Any] | None:
    """What the editor opens, or None when there is no such article:
    {"article": <editor JSON: ArticleDoc.to_dict() + topic>, "revision": <latest number>}."""
    article = session.execute(
        select(Article).options(selectinload(Article.texts)).where(Article.id == article_id)
    ).scalar_one_or_none()
    if article is None:
        return None
    latest = latest_revision(session=session, article_id=article_id)
    doc = article_to_doc(article)
    return {
        "article": {"topic": doc.topic, **doc.to_dict()},
        "revision": latest.number if latest else None,
    }


def article_template(
    questions: Mapping[str, Iterable[str]] | None = None, *, topic: str = ""
) -> dict[str, Any]:
    """A new article for the editor (a draft), pre-filled with example questions."""
    questions = questions or {}
    template: dict[str, Any] = {
        "id": "",
        "topic": topic,
        "team": "",
        "tags": [],
        "status": DEFAULT_STATUS,
        "related": [],
        "links": [],
    }
    for language in LANGUAGES:
        template[language] = {
            "title": "",
            "answer": "",
            "questions": list(dict.fromkeys(q.strip() for q in questions.get(language, ()))),
        }
    return template


def read_revision(*, session: Session, article_id: str, number: int) -> dict[str, Any]:
    """A revision's full snapshot (editor JSON shape, with topic)."""
    row = session.execute(
        select(Revision).where(Revision.article_id == article_id, Revision.number == number)
    ).scalar_one_or_none()
    if row is None:
        raise RevisionNotFound(article_id, number)
    return dict(row.snapshot)


def restore_revision(
    *,
    session: Session,
    article_id: str,
    number: int,
    author: str,
    expected_revision: int | None = None,
) -> SaveResult:
    """Make a past revision the current article again, as a new revision ("restored").

    Restoring a revision of a deleted article re-creates it. The snapshot is
    validated against today's knowledge base (an example question may since
    belong to another article): ArticleInvalid then says what to fix.
    Unchanged when the article already reads like that revision.
    """
    snapshot = read_revision(session=session, article_id=article_id, number=number)
    current = _lock(session, article_id)
    _check_expected(session, article_id, expected_revision)
    doc = read_article_input(
        session=session,
        data=snapshot,
        article_id=article_id if current is not None else None,
    )
    action = save_article(session=session, doc=doc, author=author)
    if action == "unchanged":
        return _result(session, article_id, action)
    latest = latest_revision(session=session, article_id=article_id)
    assert latest is not None
    latest.action = "restored"
    session.flush()
    return _result(session, article_id, "restored")


def delete_from_editor(
    *, session: Session, article_id: str, author: str, expected_revision: int | None = None
) -> SaveResult:
    """Delete an article (its revisions stay, so it can be restored).

    Refused while other articles list it as related: the files would no longer
    validate (`related` must name existing articles).
    """
    if _lock(session, article_id) is None:
        raise ArticleNotFound(article_id)
    _check_expected(session, article_id, expected_revision)
    referrers = sorted(
        a.id
        for a in session.execute(select(Article).where(Article.id != article_id)).scalars()
        if article_id in (a.related or [])
    )
    if referrers:
        raise ArticleInvalid([error_at("related", "still_related", ids=referrers)])
    delete_article(session=session, article_id=article_id, author=author)
    return _result(session, article_id, "deleted")


# --- preview and quick edits ----------------------------------------------------------------


def preview(doc: ArticleDoc, language: str, *, session: Session | None = None) -> dict[str, Any]:
    """What the chat shows for this article: {"text", "buttons", "hidden_related", "live"}.

    Same text and buttons as the assistant's answer (bot.candidate.answering). Related
    articles the chat would not show (drafts, missing) are listed in
    "hidden_related"; without a session every related article is hidden.
    """
    from bot.candidate.answering import _answer_text, article_button  # the chat's own formatting
    from bot.knowledge.service import titles

    text = doc.texts.get(language)
    if text is None:
        raise ArticleInvalid([error_at(language, "no_text_in_language", language=language)])
    links = tuple((link.label(language), link.url) for link in doc.links)
    names = titles(session=session, article_ids=doc.related, language=language) if session else {}
    return {
        "language": language,
        "title": text.title,
        "text": _answer_text(text.answer, links),
        "buttons": [article_button(a, names[a]) for a in doc.related if a in names],
        "hidden_related": [a for a in doc.related if a not in names],
        "live": doc.status == "published",
    }


def preview_input(*, session: Session, data: Any, language: str) -> dict[str, Any]:
    """`preview` of the editor's unsaved JSON (ArticleInvalid if a field is not valid;
    other articles are not consulted, so an unsaved copy previews too)."""
    doc = read_input(session=session, data=data, article_id=None, against_database=False)
    return preview(doc, language, session=session)


def mark_reviewed(*, session: Session, article_id: str, today: date, author: str) -> SaveResult:
    """HR checked the article and it is still true: a revision that moves only its
    review date to `today`."""
    article = _lock(session, article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    doc = replace(article_to_doc(article), reviewed=today)
    return _result(session, article_id, save_article(session=session, doc=doc, author=author))


def add_example_question(
    *, session: Session, article_id: str, language: str, question: Any, author: str
) -> SaveResult:
    """Add one example question to an article (the inbox's "add as example" button)."""
    if language not in LANGUAGES:
        raise ArticleInvalid([error_at("language", "not_one_of", options=list(LANGUAGES))])
    if not isinstance(question, str) or not question.strip():
        raise ArticleInvalid([error_at("question", "question_empty")])
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION:
        raise ArticleInvalid([error_at("question", "too_many_characters", maximum=MAX_QUESTION)])
    article = _lock(session, article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    doc = article_to_doc(article)
    key = normalize_question(question)
    if not key:
        raise ArticleInvalid([error_at("question", "question_without_words")])
    if any(normalize_question(q) == key for t in doc.texts.values() for q in t.questions):
        raise ArticleInvalid([error_at("question", "question_already_here", question=question)])
    owner = question_owners(session=session, exclude=article_id).get(key)
    if owner:
        raise ArticleInvalid(
            [error_at("question", "question_of_other_article", question=question, owner=owner)]
        )
    gate = gate_question_copied(question)
    if gate:
        raise ArticleInvalid(
            [error_at("question", "question_in_gate", question=question, gate=gate)]
        )
    text = doc.texts.get(language)
    if text is None:
        raise ArticleInvalid([error_at("language", "no_text_in_language", language=language)])
    if len(text.questions) >= MAX_QUESTIONS:
        raise ArticleInvalid(
            [error_at("question", "article_full_of_questions", maximum=MAX_QUESTIONS)]
        )
    texts = {**doc.texts, language: replace(text, questions=(*text.questions, question))}
    action = save_article(session=session, doc=replace(doc, texts=texts), author=author)
    return _result(session, article_id, action)


__all__ = [
    "MIN_QUESTIONS",
    "STATUSES",
    "ArticleInvalid",
    "ArticleSummary",
    "EditConflict",
    "RevisionNotFound",
    "SaveResult",
    "add_example_question",
    "article_template",
    "delete_from_editor",
    "article_json",
    "latest_revision",
    "list_articles",
    "mark_reviewed",
    "preview",
    "preview_input",
    "read_article_input",
    "read_revision",
    "restore_revision",
    "save_from_editor",
]
