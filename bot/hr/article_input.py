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

from collections.abc import Iterable, Mapping
from dataclasses import replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.problem_texts import Problem
from bot.core.settings import LANGUAGES
from bot.hr.retraining.evaluation import GATE_FILE, load_questions
from bot.knowledge.files import (
    ID_PATTERN,
    LINK_SCHEMES,
    TOPIC_PATTERN,
    ArticleDoc,
    article_from_dict,
    normalize_question,
)
from bot.knowledge.models import Article, ArticleText
from bot.knowledge.similarity import NearDuplicateIndex

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

    Each error is a Problem: `field` is a dotted path, list items carry their
    index ("en.questions.3", "links.0.url"), "" means the article as a whole;
    its code and values word it (bot.core.problem_texts). str() is English.
    """

    def __init__(self, errors: Iterable[Problem]):
        unique: list[Problem] = []
        for error in errors:
            if error not in unique:
                unique.append(error)
        self.errors = unique
        super().__init__("; ".join(f"{e.field or 'article'}: {e}" for e in unique))


def error_at(field: str, code: str, **values: Any) -> Problem:
    """The problem `code` (with its values) about the editor's `field`."""
    return Problem(code=code, values=values, field=field)


def _kept(items: Any) -> list[tuple[int, str]]:
    """(index in the editor's list, text) of the items documents.py keeps (non-blank texts)."""
    if not isinstance(items, list):
        return []
    return [(i, v.strip()) for i, v in enumerate(items) if isinstance(v, str) and v.strip()]


def _check_types(data: Mapping[str, Any]) -> list[Problem]:
    """What documents.py would read leniently (a number as an empty title): say it plainly."""
    errors = []
    for name in ("id", "topic", "team", "status", "reviewed"):
        if data.get(name) is not None and not isinstance(data[name], str):
            errors.append(error_at(name, "not_a_text"))
    team = data.get("team")
    if isinstance(team, str) and len(team.strip()) > MAX_TEAM:
        errors.append(error_at("team", "too_many_characters", maximum=MAX_TEAM))
    tags = data.get("tags")
    if isinstance(tags, list):
        if len(tags) > MAX_TAGS:
            errors.append(error_at("tags", "too_many_tags", maximum=MAX_TAGS))
        for index, tag in enumerate(tags):
            if not isinstance(tag, str):
                errors.append(error_at(f"tags.{index}", "not_a_text"))
            elif len(tag.strip()) > MAX_TAG:
                errors.append(error_at(f"tags.{index}", "too_many_characters", maximum=MAX_TAG))
    related = data.get("related")
    if isinstance(related, list):
        if len(related) > MAX_RELATED:
            errors.append(error_at("related", "too_many_related", maximum=MAX_RELATED))
        for index, other in enumerate(related):
            if not isinstance(other, str):
                errors.append(error_at(f"related.{index}", "not_an_article_id"))
    for language in LANGUAGES:
        text = data.get(language)
        if not isinstance(text, dict):
            continue
        for name in ("title", "answer"):
            if text.get(name) is not None and not isinstance(text[name], str):
                errors.append(error_at(f"{language}.{name}", "not_a_text"))
        questions = text.get("questions")
        if isinstance(questions, list):
            if len(questions) > MAX_QUESTIONS:
                errors.append(
                    error_at(f"{language}.questions", "too_many_questions", maximum=MAX_QUESTIONS)
                )
            for index, question in enumerate(questions):
                if not isinstance(question, str):
                    errors.append(error_at(f"{language}.questions.{index}", "not_a_text"))
    errors.extend(_check_links(data.get("links")))
    return errors


def _check_links(links: Any) -> list[Problem]:
    if links is None:
        return []
    if not isinstance(links, list):
        return [error_at("links", "not_a_list")]
    errors = []
    if len(links) > MAX_LINKS:
        errors.append(error_at("links", "too_many_links", maximum=MAX_LINKS))
    for index, link in enumerate(links):
        if not isinstance(link, dict):
            errors.append(error_at(f"links.{index}", "link_not_an_object"))
            continue
        url = link.get("url")
        if not isinstance(url, str) or not url.strip().startswith(LINK_SCHEMES):
            errors.append(error_at(f"links.{index}.url", "url_bad_start"))
        elif len(url.strip()) > MAX_URL or any(c.isspace() for c in url.strip()):
            errors.append(error_at(f"links.{index}.url", "url_not_one_address", maximum=MAX_URL))
        for language in LANGUAGES:
            label = link.get(language)
            if label is not None and not isinstance(label, str):
                errors.append(error_at(f"links.{index}.{language}", "not_a_text"))
            elif isinstance(label, str) and len(label.strip()) > MAX_LINK_LABEL:
                errors.append(
                    error_at(
                        f"links.{index}.{language}", "too_many_characters", maximum=MAX_LINK_LABEL
                    )
                )
    return errors


def question_owners(*, session: Session, exclude: str | None) -> dict[str, str]:
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
) -> list[Problem]:
    """Checks against the other articles, on whatever parts of the input are readable
    (`article_id`: the input's id when valid); indexes are the editor's."""
    errors = []
    if creating and article_id and session.get(Article, article_id) is not None:
        errors.append(error_at("id", "article_id_taken", id=article_id))
    related = data.get("related")
    wanted = {other: index for index, other in reversed(_kept(related))}
    existing = set(
        session.execute(select(Article.id).where(Article.id.in_(list(wanted)))).scalars()
    )
    for other, index in wanted.items():
        if other == article_id:
            errors.append(error_at(f"related.{index}", "related_to_itself"))
        elif other not in existing:
            errors.append(error_at(f"related.{index}", "article_missing", other=other))
    owners = question_owners(session=session, exclude=article_id)
    for language in LANGUAGES:
        text = data.get(language)
        items = text.get("questions") if isinstance(text, dict) else None
        for index, question in _kept(items):
            where = f"{language}.questions.{index}"
            owner = owners.get(normalize_question(question))
            if owner:
                errors.append(
                    error_at(where, "question_of_other_article", question=question, owner=owner)
                )
            gate = gate_question_copied(question)
            if gate:
                errors.append(error_at(where, "question_in_gate", question=question, gate=gate))
    return errors


@lru_cache(maxsize=4)
def _gate_index(path: Path, modified: float) -> NearDuplicateIndex:
    return NearDuplicateIndex(q.text for q in load_questions(path))


def gate_question_copied(question: str, gate: Path = GATE_FILE) -> str | None:
    """The question of the retraining gate that `question` nearly copies, if any.

    Such a question may not become an example: the gate would then measure what
    the model memorised, not what it understood.
    """
    if not gate.exists():
        return None
    found = _gate_index(gate, gate.stat().st_mtime).closest(question)
    return found.of if found else None


def read_article_input(*, session: Session, data: Any, article_id: str | None = None) -> ArticleDoc:
    """The editor's JSON as an ArticleDoc, or ArticleInvalid listing every problem.

    `article_id` is the article being edited (None to create one). Blank
    example questions, tags and related entries are ignored; list indexes in
    errors are the editor's. A missing status means "draft".
    """
    return read_input(session=session, data=data, article_id=article_id, against_database=True)


def read_input(
    *, session: Session, data: Any, article_id: str | None, against_database: bool
) -> ArticleDoc:
    if not isinstance(data, dict):
        raise ArticleInvalid([error_at("", "article_not_an_object")])
    data = dict(data)
    errors = _check_types(data)
    typed = {e.field for e in errors}
    if article_id is not None and data.get("id") in (None, ""):
        data["id"] = article_id
    raw_id = data.get("id")
    if article_id is not None and raw_id != article_id:
        errors.append(error_at("id", "id_cannot_change"))
    elif raw_id in (None, ""):
        errors.append(error_at("id", "required"))
    elif isinstance(raw_id, str) and not ID_PATTERN.match(raw_id.strip()):
        errors.append(error_at("id", "bad_id_format", maximum=64))
    valid_id = (
        raw_id.strip() if isinstance(raw_id, str) and ID_PATTERN.match(raw_id.strip()) else None
    )
    if valid_id is None:
        data["id"] = "x"  # keep parsing, so that every other problem is reported too
    topic = data.get("topic")
    if topic in (None, ""):
        errors.append(error_at("topic", "required"))
    elif isinstance(topic, str) and not TOPIC_PATTERN.match(topic.strip()):
        errors.append(error_at("topic", "bad_topic_format", example="remote"))
    if not isinstance(topic, str) or not TOPIC_PATTERN.match(topic.strip()):
        topic = "x"
    if data.get("status") in (None, ""):
        data["status"] = DEFAULT_STATUS
    problems: list[Problem] = []
    doc = article_from_dict(data, topic=topic.strip(), problems=problems, where="editor")
    for problem in problems:
        if problem.field.split(".")[0] == "links":  # _check_links says it field by field
            continue
        # A field whose type is wrong was read as empty by documents.py: say it once.
        if not any(problem.field == f or f.startswith(problem.field + ".") for f in typed):
            errors.append(replace(problem, where=""))
    if against_database:
        errors.extend(_cross_checks(session, data, valid_id, creating=article_id is None))
    if errors or doc is None:
        raise ArticleInvalid(errors or [error_at("", "article_unreadable")])
    return replace(doc, source="editor")
