"""Reading an article as the HR editor sends it, with every problem tied to its field.

The browser sends an article as JSON, shaped like `ArticleDoc.to_dict()` plus
its `topic`. Parsing reuses the knowledge files' rules (documents.py), so what
the browser saves can always be exported to files and imported back; every
problem is reported against a field path ("fr.answer", "en.questions.3") so
the form can show it next to the input. Checks against the other articles
(an example question another article has, unknown related ids, a taken id)
are made here too.

A draft may be unfinished (empty texts, fewer example questions); publishing
needs everything (documents.py applies the same rule to the files).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.settings import LANGUAGES
from bot.knowledge.files import (
    ID_PATTERN,
    LINK_SCHEMES,
    MAX_QUESTION,
    TOPIC_PATTERN,
    ArticleDoc,
    article_from_dict,
    normalize_question,
)
from bot.knowledge.models import Article, ArticleText

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


_LANGUAGE_PART = re.compile(rf"^({'|'.join(LANGUAGES)}): (.*)$", re.S)


def error_at(field: str, message: str) -> dict[str, str]:
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
            return error_at("", message)
        matched = _LANGUAGE_PART.match(message)
        if not matched:
            head = message.split(" ", 1)[0]
            if head in ("links", "a"):  # "links must be a list", "a link needs a url..."
                return None
            if head in ("id", "team", "status", "tags", "related", "reviewed"):
                return error_at(head, message)
            return error_at("", message)
        language, message = matched.groups()
        if message.startswith("missing"):
            return error_at(language, message)
        head = message.split(" ", 1)[0]
        if head in ("title", "answer"):
            return error_at(f"{language}.{head}", message)
        if message.startswith("example question "):
            index = self._question_index(language, message)
            suffix = f".{index}" if index is not None else ""
            return error_at(f"{language}.questions{suffix}", message)
        return error_at(f"{language}.questions", message)

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
            errors.append(error_at(name, "must be a text"))
    team = data.get("team")
    if isinstance(team, str) and len(team.strip()) > MAX_TEAM:
        errors.append(error_at("team", f"at most {MAX_TEAM} characters"))
    tags = data.get("tags")
    if isinstance(tags, list):
        if len(tags) > MAX_TAGS:
            errors.append(error_at("tags", f"at most {MAX_TAGS} tags"))
        for index, tag in enumerate(tags):
            if not isinstance(tag, str):
                errors.append(error_at(f"tags.{index}", "must be a text"))
            elif len(tag.strip()) > MAX_TAG:
                errors.append(error_at(f"tags.{index}", f"at most {MAX_TAG} characters"))
    related = data.get("related")
    if isinstance(related, list):
        if len(related) > MAX_RELATED:
            errors.append(error_at("related", f"at most {MAX_RELATED} related articles"))
        for index, other in enumerate(related):
            if not isinstance(other, str):
                errors.append(error_at(f"related.{index}", "must be an article id"))
    for language in LANGUAGES:
        text = data.get(language)
        if not isinstance(text, dict):
            continue
        for name in ("title", "answer"):
            if text.get(name) is not None and not isinstance(text[name], str):
                errors.append(error_at(f"{language}.{name}", "must be a text"))
        questions = text.get("questions")
        if isinstance(questions, list):
            if len(questions) > MAX_QUESTIONS:
                errors.append(
                    error_at(f"{language}.questions", f"at most {MAX_QUESTIONS} example questions")
                )
            for index, question in enumerate(questions):
                if not isinstance(question, str):
                    errors.append(error_at(f"{language}.questions.{index}", "must be a text"))
    errors.extend(_check_links(data.get("links")))
    return errors


def _check_links(links: Any) -> list[dict[str, str]]:
    if links is None:
        return []
    if not isinstance(links, list):
        return [error_at("links", "must be a list")]
    errors = []
    if len(links) > MAX_LINKS:
        errors.append(error_at("links", f"at most {MAX_LINKS} links"))
    for index, link in enumerate(links):
        if not isinstance(link, dict):
            errors.append(error_at(f"links.{index}", "must be an object with url, fr and en"))
            continue
        url = link.get("url")
        if not isinstance(url, str) or not url.strip().startswith(LINK_SCHEMES):
            errors.append(
                error_at(f"links.{index}.url", "must start with https://, http:// or mailto:")
            )
        elif len(url.strip()) > MAX_URL or any(c.isspace() for c in url.strip()):
            errors.append(error_at(f"links.{index}.url", f"one address, at most {MAX_URL} long"))
        for language in LANGUAGES:
            label = link.get(language)
            if label is not None and not isinstance(label, str):
                errors.append(error_at(f"links.{index}.{language}", "must be a text"))
            elif isinstance(label, str) and len(label.strip()) > MAX_LINK_LABEL:
                errors.append(
                    error_at(f"links.{index}.{language}", f"at most {MAX_LINK_LABEL} characters")
                )
    return errors


def question_owners(session: Session, exclude: str | None) -> dict[str, str]:
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
        errors.append(error_at("id", f"an article with the id {article_id!r} already exists"))
    related = data.get("related")
    wanted = {other: index for index, other in reversed(_kept(related))}
    existing = set(
        session.execute(select(Article.id).where(Article.id.in_(list(wanted)))).scalars()
    )
    for other, index in wanted.items():
        if other == article_id:
            errors.append(error_at(f"related.{index}", "an article cannot be related to itself"))
        elif other not in existing:
            errors.append(error_at(f"related.{index}", f"article {other!r} does not exist"))
    owners = question_owners(session, exclude=article_id)
    for language in LANGUAGES:
        text = data.get(language)
        items = text.get("questions") if isinstance(text, dict) else None
        for index, question in _kept(items):
            owner = owners.get(normalize_question(question))
            if owner:
                errors.append(
                    error_at(
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
    return read_input(session, data, article_id=article_id, against_database=True)


def read_input(
    session: Session, data: Any, *, article_id: str | None, against_database: bool
) -> ArticleDoc:
    if not isinstance(data, dict):
        raise ArticleInvalid([error_at("", "the article must be a JSON object")])
    data = dict(data)
    errors = _check_types(data)
    typed = {e["field"] for e in errors}
    if article_id is not None and data.get("id") in (None, ""):
        data["id"] = article_id
    raw_id = data.get("id")
    if article_id is not None and raw_id != article_id:
        errors.append(error_at("id", "the id of an existing article cannot be changed"))
    elif raw_id in (None, ""):
        errors.append(error_at("id", "required"))
    elif isinstance(raw_id, str) and not ID_PATTERN.match(raw_id.strip()):
        errors.append(error_at("id", "lowercase letters, digits and dashes only, at most 64"))
    valid_id = (
        raw_id.strip() if isinstance(raw_id, str) and ID_PATTERN.match(raw_id.strip()) else None
    )
    if valid_id is None:
        data["id"] = "x"  # keep parsing, so that every other problem is reported too
    topic = data.get("topic")
    if topic in (None, ""):
        errors.append(error_at("topic", "required"))
    elif isinstance(topic, str) and not TOPIC_PATTERN.match(topic.strip()):
        errors.append(error_at("topic", "a short lowercase key such as 'remote'"))
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
        raise ArticleInvalid(errors or [error_at("", "the article could not be read")])
    return replace(doc, source="editor")
