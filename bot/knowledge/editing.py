"""The HR editor's side of the knowledge base: list, validate, save, restore, preview.

The browser sends an article as JSON, shaped like `ArticleDoc.to_dict()` plus
its `topic`. Parsing reuses the knowledge files' rules (documents.py), so what
the browser saves can always be exported to files and imported back; every
problem is reported against a field path ("fr.answer", "en.questions.3") so
the form can show it next to the input.

Drafts follow the same rules as published articles (both languages, a title,
an answer and at least MIN_QUESTIONS example questions each): the files are
the other half of the knowledge base, and `kb validate` / `kb import` accept
no incomplete article, so an incomplete draft saved here would make the next
`kb export` write files that cannot be imported. Drafts are simply never shown
to candidates nor used for training.

Saving goes through service.save_article, so every change is a Revision (who,
when, full snapshot); a published article's new text is live at once because
the assistant reads answers from the database when it answers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from bot.knowledge.documents import (
    ID_PATTERN,
    LINK_SCHEMES,
    MAX_QUESTION,
    MIN_QUESTIONS,
    TOPIC_PATTERN,
    ArticleDoc,
    article_from_dict,
    normalize_question,
)
from bot.knowledge.models import STATUSES, Article, ArticleText, Revision
from bot.knowledge.service import (
    ArticleNotFound,
    article_to_doc,
    delete_article,
    save_article,
)
from bot.settings import LANGUAGES

# An article not reviewed for about six months is flagged for HR.
STALE_AFTER = timedelta(days=183)
# Limits the file format does not state but the database columns or the form need.
MAX_TEAM = 64
MAX_TAG = 40
MAX_TAGS = 20
MAX_QUESTIONS = 200
MAX_LINKS = 10
MAX_URL = 500
MAX_LINK_LABEL = 200
MAX_RELATED = 20
DEFAULT_STATUS = "draft"


class ArticleInvalid(ValueError):
    """The editor's article cannot be saved; `errors` says what, field by field.

    Each error is {"field": "fr.answer", "message": "answer is empty"}; field
    paths are dotted, list items carry their index ("en.questions.3",
    "links.0.url"); "" means the article as a whole.
    """

    def __init__(self, errors: Iterable[Mapping[str, str]]):
        unique: list[dict[str, str]] = []
        for error in errors:
            item = {"field": error["field"], "message": error["message"]}
            if item not in unique:
                unique.append(item)
        self.errors = unique
        super().__init__("; ".join(f"{e['field'] or 'article'}: {e['message']}" for e in unique))


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
            what = "has no revision yet"
        else:
            what = (
                f"was {latest.action} by {latest.author} at {latest.created_at:%Y-%m-%d %H:%M} "
                f"(revision {latest.number})"
            )
        super().__init__(
            f"article {article_id!r} {what} since you opened revision {expected}; "
            "reload it and apply your changes again"
        )

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
        super().__init__(f"article {article_id!r} has no revision {number}")


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


def is_stale(reviewed_on: date | None, today: date) -> bool:
    """Never reviewed, or reviewed more than STALE_AFTER before today."""
    return reviewed_on is None or today - reviewed_on > STALE_AFTER


def _latest_revisions(session: Session, article_ids: Iterable[str] | None = None) -> dict:
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
        articles = [a for a in articles if is_stale(a.reviewed_on, today)]
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
                stale=is_stale(article.reviewed_on, today),
                last_author=revision.author if revision else None,
                last_revision=revision.number if revision else None,
            )
        )
    return summaries


# --- reading the editor's input ------------------------------------------------------------

_LANGUAGE_PART = re.compile(rf"^({'|'.join(LANGUAGES)}): (.*)$", re.S)


def _error(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _kept(items: Any) -> list[tuple[int, str]]:
    """(index in the editor's list, text) of the items documents.py keeps (non-blank texts)."""
    if not isinstance(items, list):
        return []
    return [(i, v.strip()) for i, v in enumerate(items) if isinstance(v, str) and v.strip()]


class _ProblemMapper:
    """Turns documents.py problems ("@: article 'x': fr: answer is empty") into field errors,
    with the editor's own list indexes for problems about one example question."""

    def __init__(self, data: Mapping[str, Any]):
        self._questions: dict[str, list[tuple[int, str]]] = {}
        for language in LANGUAGES:
            text = data.get(language)
            items = text.get("questions") if isinstance(text, dict) else None
            self._questions[language] = _kept(items)
        self._used: set[tuple[str, int]] = set()

    def __call__(self, problem: str) -> dict[str, str] | None:
        """None for problems this module reports itself (links)."""
        message = problem.split(": ", 1)[1] if problem.startswith("@: ") else problem
        if message.startswith("article "):
            message = message.split(": ", 1)[1]
        if message.startswith("an article must be"):
            return _error("", message)
        matched = _LANGUAGE_PART.match(message)
        if not matched:
            head = message.split(" ", 1)[0]
            if head in ("links", "a"):  # "links must be a list", "a link needs a url..."
                return None
            if head in ("id", "team", "status", "tags", "related", "reviewed"):
                return _error(head, message)
            return _error("", message)
        language, message = matched.groups()
        if message.startswith("missing"):
            return _error(language, message)
        head = message.split(" ", 1)[0]
        if head in ("title", "answer"):
            return _error(f"{language}.{head}", message)
        if message.startswith("example question "):
            index = self._question_index(language, message)
            suffix = f".{index}" if index is not None else ""
            return _error(f"{language}.questions{suffix}", message)
        return _error(f"{language}.questions", message)

    def _question_index(self, language: str, message: str) -> int | None:
        """The question a problem is about: the next long one, or the next repeated copy."""
        seen: set[str] = set()
        for index, text in self._questions[language]:
            key = normalize_question(text)
            if "longer than" in message:
                hit = len(text) > MAX_QUESTION
            else:
                hit = key in seen and repr(text) in message
            seen.add(key)
            if hit and (language, index) not in self._used:
                self._used.add((language, index))
                return index
        return None


def _check_types(data: Mapping[str, Any]) -> list[dict[str, str]]:
    """What documents.py would read leniently (a number as an empty title): say it plainly."""
    errors = []
    for name in ("id", "topic", "team", "status", "reviewed"):
        if data.get(name) is not None and not isinstance(data[name], str):
            errors.append(_error(name, "must be a text"))
    team = data.get("team")
    if isinstance(team, str) and len(team.strip()) > MAX_TEAM:
        errors.append(_error("team", f"at most {MAX_TEAM} characters"))
    tags = data.get("tags")
    if isinstance(tags, list):
        if len(tags) > MAX_TAGS:
            errors.append(_error("tags", f"at most {MAX_TAGS} tags"))
        for index, tag in enumerate(tags):
            if not isinstance(tag, str):
                errors.append(_error(f"tags.{index}", "must be a text"))
            elif len(tag.strip()) > MAX_TAG:
                errors.append(_error(f"tags.{index}", f"at most {MAX_TAG} characters"))
    related = data.get("related")
    if isinstance(related, list):
        if len(related) > MAX_RELATED:
            errors.append(_error("related", f"at most {MAX_RELATED} related articles"))
        for index, other in enumerate(related):
            if not isinstance(other, str):
                errors.append(_error(f"related.{index}", "must be an article id"))
    for language in LANGUAGES:
        text = data.get(language)
        if not isinstance(text, dict):
            continue
        for name in ("title", "answer"):
            if text.get(name) is not None and not isinstance(text[name], str):
                errors.append(_error(f"{language}.{name}", "must be a text"))
        questions = text.get("questions")
        if isinstance(questions, list):
            if len(questions) > MAX_QUESTIONS:
                errors.append(
                    _error(f"{language}.questions", f"at most {MAX_QUESTIONS} example questions")
                )
            for index, question in enumerate(questions):
                if not isinstance(question, str):
                    errors.append(_error(f"{language}.questions.{index}", "must be a text"))
    errors.extend(_check_links(data.get("links")))
    return errors


def _check_links(links: Any) -> list[dict[str, str]]:
    if links is None:
        return []
    if not isinstance(links, list):
        return [_error("links", "must be a list")]
    errors = []
    if len(links) > MAX_LINKS:
        errors.append(_error("links", f"at most {MAX_LINKS} links"))
    for index, link in enumerate(links):
        if not isinstance(link, dict):
            errors.append(_error(f"links.{index}", "must be an object with url, fr and en"))
            continue
        url = link.get("url")
        if not isinstance(url, str) or not url.strip().startswith(LINK_SCHEMES):
            errors.append(
                _error(f"links.{index}.url", "must start with https://, http:// or mailto:")
            )
        elif len(url.strip()) > MAX_URL or any(c.isspace() for c in url.strip()):
            errors.append(_error(f"links.{index}.url", f"one address, at most {MAX_URL} long"))
        for language in LANGUAGES:
            label = link.get(language)
            if label is not None and not isinstance(label, str):
                errors.append(_error(f"links.{index}.{language}", "must be a text"))
            elif isinstance(label, str) and len(label.strip()) > MAX_LINK_LABEL:
                errors.append(
                    _error(f"links.{index}.{language}", f"at most {MAX_LINK_LABEL} characters")
                )
    return errors


def _question_owners(session: Session, exclude: str | None) -> dict[str, str]:
    """{normalized example question: article id} over every other article, all languages."""
    rows = session.execute(
        select(ArticleText.article_id, ArticleText.questions).where(
            ArticleText.article_id != (exclude or "")
        )
    ).all()
    owners: dict[str, str] = {}
    for article_id, questions in rows:
        for question in questions:
            owners.setdefault(normalize_question(question), article_id)
    return owners


def _cross_checks(
    session: Session, data: Mapping[str, Any], article_id: str | None, *, creating: bool
) -> list[dict[str, str]]:
    """Checks against the other articles, on whatever parts of the input are readable
    (`article_id`: the input's id when valid); indexes are the editor's."""
    errors = []
    if creating and article_id and session.get(Article, article_id) is not None:
        errors.append(_error("id", f"an article with the id {article_id!r} already exists"))
    related = data.get("related")
    wanted = {other: index for index, other in reversed(_kept(related))}
    existing = set(
        session.execute(select(Article.id).where(Article.id.in_(list(wanted)))).scalars()
    )
    for other, index in wanted.items():
        if other == article_id:
            errors.append(_error(f"related.{index}", "an article cannot be related to itself"))
        elif other not in existing:
            errors.append(_error(f"related.{index}", f"article {other!r} does not exist"))
    owners = _question_owners(session, exclude=article_id)
    for language in LANGUAGES:
        text = data.get(language)
        items = text.get("questions") if isinstance(text, dict) else None
        for index, question in _kept(items):
            owner = owners.get(normalize_question(question))
            if owner:
                errors.append(
                    _error(
                        f"{language}.questions.{index}",
                        f"{question!r} is already an example question of article {owner!r}",
                    )
                )
    return errors


def read_article_input(session: Session, data: Any, *, article_id: str | None = None) -> ArticleDoc:
    """The editor's JSON as an ArticleDoc, or ArticleInvalid listing every problem.

    `article_id` is the article being edited (None to create one). Blank
    example questions, tags and related entries are ignored; list indexes in
    errors are the editor's. A missing status means "draft".
    """
    return _read_input(session, data, article_id=article_id, against_database=True)


def _read_input(
    session: Session, data: Any, *, article_id: str | None, against_database: bool
) -> ArticleDoc:
    if not isinstance(data, dict):
        raise ArticleInvalid([_error("", "the article must be a JSON object")])
    data = dict(data)
    errors = _check_types(data)
    typed = {e["field"] for e in errors}
    if article_id is not None and data.get("id") in (None, ""):
        data["id"] = article_id
    raw_id = data.get("id")
    if article_id is not None and raw_id != article_id:
        errors.append(_error("id", "the id of an existing article cannot be changed"))
    elif raw_id in (None, ""):
        errors.append(_error("id", "required"))
    elif isinstance(raw_id, str) and not ID_PATTERN.match(raw_id.strip()):
        errors.append(_error("id", "lowercase letters, digits and dashes only, at most 64"))
    valid_id = (
        raw_id.strip() if isinstance(raw_id, str) and ID_PATTERN.match(raw_id.strip()) else None
    )
    if valid_id is None:
        data["id"] = "x"  # keep parsing, so that every other problem is reported too
    topic = data.get("topic")
    if topic in (None, ""):
        errors.append(_error("topic", "required"))
    elif isinstance(topic, str) and not TOPIC_PATTERN.match(topic.strip()):
        errors.append(_error("topic", "a short lowercase key such as 'remote'"))
    if not isinstance(topic, str) or not TOPIC_PATTERN.match(topic.strip()):
        topic = "x"
    if data.get("status") in (None, ""):
        data["status"] = DEFAULT_STATUS
    problems: list[str] = []
    doc = article_from_dict(data, topic=topic.strip(), problems=problems, where="@")
    to_field = _ProblemMapper(data)
    for problem in problems:
        mapped = to_field(problem)
        # A field whose type is wrong was read as empty by documents.py: say it once.
        if mapped and not any(
            mapped["field"] == f or f.startswith(mapped["field"] + ".") for f in typed
        ):
            errors.append(mapped)
    if against_database:
        errors.extend(_cross_checks(session, data, valid_id, creating=article_id is None))
    if errors or doc is None:
        raise ArticleInvalid(errors or [_error("", "the article could not be read")])
    return replace(doc, source="editor")


# --- saving, history, restoring ------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    article_id: str
    action: str  # created | updated | restored | deleted | unchanged
    revision: int | None  # the article's latest revision number after the change
    status: str | None  # draft | published (None once deleted)

    def to_json(self) -> dict[str, Any]:
        return {
            "article_id": self.article_id,
            "action": self.action,
            "revision": self.revision,
            "status": self.status,
        }


def latest_revision(session: Session, article_id: str) -> Revision | None:
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
    latest = latest_revision(session, article_id)
    if latest is None or latest.number != expected:
        raise EditConflict(article_id, expected, latest)


def _result(session: Session, article_id: str, action: str) -> SaveResult:
    latest = latest_revision(session, article_id)
    article = session.get(Article, article_id)
    return SaveResult(
        article_id=article_id,
        action=action,
        revision=latest.number if latest else None,
        status=article.status if article else None,
    )


def save_from_editor(
    session: Session,
    data: Any,
    *,
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
    doc = read_article_input(session, data, article_id=article_id)
    action = save_article(session=session, doc=doc, author=author)
    return _result(session, doc.id, action)


def article_json(session: Session, article_id: str) -> dict[str, Any] | None:
    """What the editor opens, or None when there is no such article:
    {"article": <editor JSON: ArticleDoc.to_dict() + topic>, "revision": <latest number>}."""
    article = session.execute(
        select(Article).options(selectinload(Article.texts)).where(Article.id == article_id)
    ).scalar_one_or_none()
    if article is None:
        return None
    latest = latest_revision(session, article_id)
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


def read_revision(session: Session, article_id: str, number: int) -> dict[str, Any]:
    """A revision's full snapshot (editor JSON shape, with topic)."""
    row = session.execute(
        select(Revision).where(Revision.article_id == article_id, Revision.number == number)
    ).scalar_one_or_none()
    if row is None:
        raise RevisionNotFound(article_id, number)
    return dict(row.snapshot)


def restore_revision(
    session: Session,
    article_id: str,
    number: int,
    author: str,
    *,
    expected_revision: int | None = None,
) -> SaveResult:
    """Make a past revision the current article again, as a new revision ("restored").

    Restoring a revision of a deleted article re-creates it. The snapshot is
    validated against today's knowledge base (an example question may since
    belong to another article): ArticleInvalid then says what to fix.
    Unchanged when the article already reads like that revision.
    """
    snapshot = read_revision(session, article_id, number)
    current = _lock(session, article_id)
    _check_expected(session, article_id, expected_revision)
    doc = read_article_input(
        session, snapshot, article_id=article_id if current is not None else None
    )
    action = save_article(session=session, doc=doc, author=author)
    if action == "unchanged":
        return _result(session, article_id, action)
    latest = latest_revision(session, article_id)
    assert latest is not None
    latest.action = "restored"
    session.flush()
    return _result(session, article_id, "restored")


def delete_from_editor(
    session: Session, article_id: str, author: str, *, expected_revision: int | None = None
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
        raise ArticleInvalid(
            [
                _error(
                    "related",
                    f"articles {', '.join(referrers)} list this article as related; "
                    "remove it there first",
                )
            ]
        )
    delete_article(session=session, article_id=article_id, author=author)
    return _result(session, article_id, "deleted")


# --- preview and quick edits ----------------------------------------------------------------


def preview(doc: ArticleDoc, language: str, *, session: Session | None = None) -> dict[str, Any]:
    """What the chat shows for this article: {"text", "buttons", "hidden_related", "live"}.

    Same text and buttons as the assistant's answer (bot.answering). Related
    articles the chat would not show (drafts, missing) are listed in
    "hidden_related"; without a session every related article is hidden.
    """
    from bot.answering import _answer_text, article_button  # the chat's own formatting
    from bot.knowledge.service import titles

    text = doc.texts.get(language)
    if text is None:
        raise ArticleInvalid([_error(language, f"the article has no {language} text")])
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


def preview_input(session: Session, data: Any, language: str) -> dict[str, Any]:
    """`preview` of the editor's unsaved JSON (ArticleInvalid if a field is not valid;
    other articles are not consulted, so an unsaved copy previews too)."""
    doc = _read_input(session, data, article_id=None, against_database=False)
    return preview(doc, language, session=session)


def add_example_question(
    session: Session, article_id: str, language: str, question: Any, author: str
) -> SaveResult:
    """Add one example question to an article (the inbox's "add as example" button)."""
    if language not in LANGUAGES:
        raise ArticleInvalid([_error("language", f"must be one of {', '.join(LANGUAGES)}")])
    if not isinstance(question, str) or not question.strip():
        raise ArticleInvalid([_error("question", "the question is empty")])
    question = " ".join(question.split())
    if len(question) > MAX_QUESTION:
        raise ArticleInvalid([_error("question", f"at most {MAX_QUESTION} characters")])
    article = _lock(session, article_id)
    if article is None:
        raise ArticleNotFound(article_id)
    doc = article_to_doc(article)
    key = normalize_question(question)
    if not key:
        raise ArticleInvalid([_error("question", "the question has no words")])
    if any(normalize_question(q) == key for t in doc.texts.values() for q in t.questions):
        raise ArticleInvalid(
            [_error("question", f"{question!r} is already an example question of this article")]
        )
    owner = _question_owners(session, exclude=article_id).get(key)
    if owner:
        raise ArticleInvalid(
            [_error("question", f"{question!r} is already an example question of {owner!r}")]
        )
    text = doc.texts.get(language)
    if text is None:
        raise ArticleInvalid([_error("language", f"the article has no {language} text")])
    if len(text.questions) >= MAX_QUESTIONS:
        raise ArticleInvalid(
            [_error("question", f"the article already has {MAX_QUESTIONS} example questions")]
        )
    texts = {**doc.texts, language: replace(text, questions=(*text.questions, question))}
    action = save_article(session=session, doc=replace(doc, texts=texts), author=author)
    return _result(session, article_id, action)


__all__ = [
    "MIN_QUESTIONS",
    "STATUSES",
    "STALE_AFTER",
    "ArticleInvalid",
    "ArticleSummary",
    "EditConflict",
    "RevisionNotFound",
    "SaveResult",
    "add_example_question",
    "article_template",
    "delete_from_editor",
    "article_json",
    "is_stale",
    "latest_revision",
    "list_articles",
    "preview",
    "preview_input",
    "read_article_input",
    "read_revision",
    "restore_revision",
    "save_from_editor",
]
