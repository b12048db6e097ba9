"""Knowledge-base operations: save with revisions, import/export, and reading answers."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.core.clock import utcnow
from bot.core.problem_texts import Problem
from bot.core.settings import LANGUAGES
from bot.knowledge.files import (
    ArticleDoc,
    KnowledgeFileError,
    Link,
    LocalizedText,
    article_from_dict,
    check_collection,
)
from bot.knowledge.models import Article, ArticleText, Revision

# What saving an article did.
Saved = Literal["created", "updated", "unchanged"]


class ArticleNotFound(LookupError):
    """No article has this id (or it is not published, when that was asked)."""

    def __init__(self, article_id: str):
        self.article_id = article_id
        self.problem = Problem("article_not_found", {"id": article_id})
        super().__init__(str(self.problem))


@dataclass(frozen=True)
class Suggestion:
    article_id: str
    title: str


@dataclass(frozen=True)
class PublishedAnswer:
    """What the assistant says for one article, in one language, right now."""

    article_id: str
    language: str
    title: str
    answer: str
    related: tuple[Suggestion, ...]
    links: tuple[tuple[str, str], ...]  # (label, url)
    team: str = ""  # the owner team
    reviewed_on: date | None = None  # when HR last checked it


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    only_in_database: list[str] = field(default_factory=list)


def _load(session: Session, article_id: str) -> Article | None:
    return session.execute(
        select(Article).options(selectinload(Article.texts)).where(Article.id == article_id)
    ).scalar_one_or_none()


def article_to_doc(article: Article) -> ArticleDoc:
    texts = {
        t.language: LocalizedText(title=t.title, answer=t.answer, questions=tuple(t.questions))
        for t in article.texts
    }
    links = tuple(
        Link(
            url=item["url"],
            labels=tuple((lang, item[lang]) for lang in LANGUAGES if item.get(lang)),
        )
        for item in article.links
    )
    return ArticleDoc(
        id=article.id,
        topic=article.topic,
        team=article.team,
        status=article.status,
        tags=tuple(article.tags),
        related=tuple(article.related),
        links=links,
        reviewed=article.reviewed_on,
        texts=texts,
    )


def _snapshot(doc: ArticleDoc) -> dict:
    return {"topic": doc.topic, **doc.to_dict()}


def doc_from_snapshot(snapshot: dict) -> ArticleDoc:
    problems: list[Problem] = []
    doc = article_from_dict(snapshot, topic=snapshot["topic"], problems=problems, where="revision")
    if doc is None:
        raise KnowledgeFileError(problems)
    return doc


def _record(session: Session, article_id: str, action: str, doc: ArticleDoc, author: str) -> None:
    last = session.execute(
        select(func.max(Revision.number)).where(Revision.article_id == article_id)
    ).scalar()
    session.add(
        Revision(
            article_id=article_id,
            number=(last or 0) + 1,
            author=author,
            action=action,
            snapshot=_snapshot(doc),
            created_at=utcnow(),
        )
    )


def save_article(*, session: Session, doc: ArticleDoc, author: str) -> Saved:
    """Create or update one article; returns created, updated or unchanged.

    Every real change leaves a revision naming its author.
    """
    article = _load(session, doc.id)
    if article is not None and article_to_doc(article) == doc:
        return "unchanged"
    action: Saved = "created" if article is None else "updated"
    if article is None:
        article = Article(id=doc.id)
        session.add(article)
    article.topic = doc.topic
    article.team = doc.team
    article.status = doc.status
    article.tags = list(doc.tags)
    article.related = list(doc.related)
    article.links = [{"url": link.url, **dict(link.labels)} for link in doc.links]
    article.reviewed_on = doc.reviewed
    article.updated_at = utcnow()
    existing = {t.language: t for t in article.texts}
    for language, text in doc.texts.items():
        row = existing.get(language)
        if row is None:
            row = ArticleText(language=language)
            article.texts.append(row)
        row.title, row.answer, row.questions = text.title, text.answer, list(text.questions)
    _record(session, doc.id, action, doc, author)
    session.flush()
    return action


def delete_article(*, session: Session, article_id: str, author: str) -> None:
    article = _load(session, article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    _record(session, article_id, "deleted", article_to_doc(article), author)
    session.delete(article)
    session.flush()


def all_docs(*, session: Session) -> list[ArticleDoc]:
    articles = session.execute(
        select(Article).options(selectinload(Article.texts)).order_by(Article.topic, Article.id)
    ).scalars()
    return [article_to_doc(a) for a in articles]


def import_docs(
    *, session: Session, docs: Sequence[ArticleDoc], author: str, prune: bool = False
) -> ImportReport:
    """Apply file contents to the database; with `prune`, delete what the files no longer have."""
    problems = check_collection(docs)
    if problems:
        raise KnowledgeFileError(problems)
    report = ImportReport()
    for doc in docs:
        getattr(report, save_article(session=session, doc=doc, author=author)).append(doc.id)
    wanted = {doc.id for doc in docs}
    existing = session.execute(select(Article.id)).scalars().all()
    for article_id in sorted(set(existing) - wanted):
        if prune:
            delete_article(session=session, article_id=article_id, author=author)
            report.deleted.append(article_id)
        else:
            report.only_in_database.append(article_id)
    return report


def article_count(*, session: Session) -> int:
    return session.execute(select(func.count()).select_from(Article)).scalar_one()


def revisions(*, session: Session, article_id: str) -> list[Revision]:
    return list(
        session.execute(
            select(Revision).where(Revision.article_id == article_id).order_by(Revision.number)
        ).scalars()
    )


def published_answer(*, session: Session, article_id: str, language: str) -> PublishedAnswer:
    """The current text of a published article, read at the moment of answering."""
    article = _load(session, article_id)
    if article is None or article.status != "published":
        raise ArticleNotFound(article_id)
    text = article.text(language) or article.text(LANGUAGES[0])
    if text is None:
        raise ArticleNotFound(article_id)
    names = titles(session=session, article_ids=article.related, language=text.language)
    related = [Suggestion(a, names[a]) for a in article.related if a in names]
    links = tuple((link.get(text.language) or link["url"], link["url"]) for link in article.links)
    return PublishedAnswer(
        article_id=article.id,
        language=text.language,
        title=text.title,
        answer=text.answer,
        related=tuple(related),
        links=links,
        team=article.team,
        reviewed_on=article.reviewed_on,
    )


def titles(*, session: Session, article_ids: Iterable[str], language: str) -> dict[str, str]:
    """Titles of published articles in one language, for buttons."""
    ids = list(article_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(ArticleText.article_id, ArticleText.title)
        .join(Article)
        .where(
            ArticleText.article_id.in_(ids),
            ArticleText.language == language,
            Article.status == "published",
        )
    ).all()
    return dict(rows)


def staff_titles(
    *, session: Session, article_ids: Iterable[str], language: str = "fr"
) -> dict[str, str]:
    """Titles for staff pages, whatever the articles' status: in `language` when the
    article has it, else in another language; deleted articles are left out."""
    ids = set(article_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(ArticleText.article_id, ArticleText.language, ArticleText.title).where(
            ArticleText.article_id.in_(ids)
        )
    ).all()
    found: dict[str, str] = {}
    for article_id, _language, text in sorted(rows, key=lambda r: r[1] != language):
        if text:
            found.setdefault(article_id, text)
    return found


@dataclass(frozen=True)
class TrainingExample:
    article_id: str
    language: str
    text: str


def training_examples(*, session: Session) -> list[TrainingExample]:
    """Example questions of published articles: what the model learns from."""
    rows = session.execute(
        select(ArticleText.article_id, ArticleText.language, ArticleText.questions)
        .join(Article)
        .where(Article.status == "published")
        .order_by(ArticleText.article_id, ArticleText.language)
    ).all()
    return [
        TrainingExample(article_id, language, question)
        for article_id, language, questions in rows
        for question in questions
    ]
