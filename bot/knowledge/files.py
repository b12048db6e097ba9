"""Knowledge-base articles as plain values, and the HR-editable files that hold them.

One YAML file per topic, French and English side by side (see
data/knowledge/README.md). Parsing collects every problem, each naming its
file and article, so HR can fix a whole file in one go.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from bot.core.problem_texts import Problem
from bot.core.settings import LANGUAGES
from bot.knowledge.models import STATUSES

MIN_QUESTIONS = 10
MAX_TITLE = 200
MAX_ANSWER = 2000
MAX_QUESTION = 300
ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
TOPIC_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
LINK_SCHEMES = ("https://", "http://", "mailto:")
# Anything that looks like an HTML tag: answers use light Markdown only.
HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>")


class KnowledgeFileError(ValueError):
    """The knowledge files (or one article) are not valid; `problems` says each issue
    (str() of each is the English sentence naming its file and article)."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


def problem(where: str, at: str, code: str, **values: Any) -> Problem:
    """A problem of the article or file at `where`, about the article's field `at`."""
    return Problem(code=code, values=values, field=at, where=where)


@dataclass(frozen=True)
class LocalizedText:
    title: str
    answer: str
    questions: tuple[str, ...]


@dataclass(frozen=True)
class Link:
    url: str
    labels: tuple[tuple[str, str], ...]  # (language, label)

    def label(self, language: str) -> str:
        return dict(self.labels).get(language) or self.url


@dataclass(frozen=True)
class ArticleDoc:
    """An article as HR writes it, independent of storage."""

    id: str
    topic: str
    team: str
    texts: Mapping[str, LocalizedText]
    status: str = "published"
    tags: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    reviewed: date | None = None
    source: str = field(default="", compare=False)

    def to_dict(self) -> dict[str, Any]:
        """The article as it is written in a file (and kept in revisions)."""
        data: dict[str, Any] = {"id": self.id, "team": self.team, "tags": list(self.tags)}
        data["status"] = self.status
        if self.reviewed:
            data["reviewed"] = self.reviewed.isoformat()
        data["related"] = list(self.related)
        if self.links:
            data["links"] = [{"url": link.url, **dict(link.labels)} for link in self.links]
        for language in LANGUAGES:
            text = self.texts[language]
            data[language] = {
                "title": text.title,
                "answer": text.answer,
                "questions": list(text.questions),
            }
        return data


def normalize_question(text: str) -> str:
    """The form used to spot the same question twice: case, accents, spaces, punctuation."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    words = re.findall(r"[\w']+", letters)
    return " ".join(words)


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _kept_texts(
    value: Any, what: str, problems: list[Problem], where: str, at: str
) -> list[tuple[int, str]]:
    """(index in the list as written, stripped text) of a list's non-blank texts."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(problem(where, at, "not_a_text_list", what=what))
        return []
    return [(index, v.strip()) for index, v in enumerate(value) if v.strip()]


def _string_list(value: Any, what: str, problems: list[Problem], where: str) -> tuple[str, ...]:
    return tuple(text for _, text in _kept_texts(value, what, problems, where, what))


def _parse_date(value: Any, problems: list[Problem], where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        problems.append(
            problem(where, "reviewed", "reviewed_not_a_date", example="2026-01-31", value=value)
        )
        return None


def _parse_links(value: Any, problems: list[Problem], where: str) -> tuple[Link, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.append(problem(where, "links", "links_not_a_list"))
        return ()
    links = []
    for index, item in enumerate(value):
        url = _text(item.get("url")) if isinstance(item, dict) else ""
        if not url.startswith(LINK_SCHEMES):
            problems.append(problem(where, f"links.{index}.url", "link_without_url"))
            continue
        labels = tuple((lang, _text(item.get(lang))) for lang in LANGUAGES if _text(item.get(lang)))
        links.append(Link(url=url, labels=labels))
    return tuple(links)


def _parse_text(
    value: Any, language: str, problems: list[Problem], where: str, draft: bool = False
) -> LocalizedText | None:
    """One language's text. A draft may be unfinished (empty texts, few examples);
    publishing needs everything. Question problems name the question's index as written."""
    where = f"{where}: {language}"
    if draft and value is None:
        return LocalizedText(title="", answer="", questions=())
    if not isinstance(value, dict):
        problems.append(problem(where, language, "text_missing", languages=list(LANGUAGES)))
        return None
    title, answer = _text(value.get("title")), _text(value.get("answer"))
    if not title and not draft:
        problems.append(problem(where, f"{language}.title", "title_empty"))
    elif len(title) > MAX_TITLE:
        problems.append(problem(where, f"{language}.title", "title_too_long", maximum=MAX_TITLE))
    at = f"{language}.answer"
    if not answer and not draft:
        problems.append(problem(where, at, "answer_empty"))
    elif len(answer) > MAX_ANSWER:
        problems.append(problem(where, at, "answer_too_long", maximum=MAX_ANSWER))
    elif HTML_TAG.search(answer):
        problems.append(problem(where, at, "answer_has_html"))
    at = f"{language}.questions"
    kept = _kept_texts(value.get("questions"), "questions", problems, where, at)
    if len(kept) < MIN_QUESTIONS and not draft:
        problems.append(
            problem(where, at, "too_few_questions", count=len(kept), minimum=MIN_QUESTIONS)
        )
    for index, question in kept:
        if len(question) > MAX_QUESTION:
            problems.append(
                problem(where, f"{at}.{index}", "question_too_long", maximum=MAX_QUESTION)
            )
    seen: set[str] = set()
    for index, question in kept:
        key = normalize_question(question)
        if key in seen:
            problems.append(
                problem(where, f"{at}.{index}", "question_listed_twice", question=question)
            )
        seen.add(key)
    questions = tuple(question for _, question in kept)
    return LocalizedText(title=title, answer=answer, questions=questions)


def article_from_dict(
    data: Any, *, topic: str, problems: list[Problem], where: str
) -> ArticleDoc | None:
    """Parse one article mapping; append problems instead of raising."""
    if not isinstance(data, dict):
        problems.append(problem(where, "", "article_not_a_mapping"))
        return None
    article_id = _text(data.get("id"))
    if not ID_PATTERN.match(article_id):
        problems.append(problem(where, "id", "bad_article_id", id=article_id))
        return None
    where = f"{where}: article {article_id!r}"
    before = len(problems)
    team = _text(data.get("team"))
    if not team:
        problems.append(problem(where, "team", "team_empty"))
    status = _text(data.get("status")) or "published"
    if status not in STATUSES:
        problems.append(problem(where, "status", "unknown_status", options=list(STATUSES)))
    draft = status == "draft"
    texts = {
        lang: _parse_text(data.get(lang), lang, problems, where, draft=draft) for lang in LANGUAGES
    }
    doc = ArticleDoc(
        id=article_id,
        topic=topic,
        team=team,
        status=status,
        tags=_string_list(data.get("tags"), "tags", problems, where),
        related=_string_list(data.get("related"), "related", problems, where),
        links=_parse_links(data.get("links"), problems, where),
        reviewed=_parse_date(data.get("reviewed"), problems, where),
        texts={lang: text for lang, text in texts.items() if text},
        source=where.split(":")[0],
    )
    return doc if len(problems) == before else None


def parse_file(path: Path, problems: list[Problem]) -> list[ArticleDoc]:
    """Read one topic file; append its problems (each naming the file) to `problems`."""
    where = str(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        problems.append(problem(where, "", "file_unreadable", error=str(error)))
        return []
    except yaml.YAMLError as error:
        problems.append(problem(where, "", "invalid_yaml", error=str(error).replace("\n", " ")))
        return []
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        problems.append(problem(where, "", "not_a_topic_file"))
        return []
    topic = _text(data.get("topic"))
    if not TOPIC_PATTERN.match(topic):
        problems.append(problem(where, "topic", "bad_topic", topic=topic))
        return []
    docs = []
    for index, item in enumerate(data["articles"], start=1):
        doc = article_from_dict(item, topic=topic, problems=problems, where=f"{where}: #{index}")
        if doc:
            docs.append(doc)
    return docs


def check_collection(docs: Iterable[ArticleDoc]) -> list[Problem]:
    """Problems that only show across articles: duplicate ids, unknown related, shared questions."""
    problems: list[Problem] = []
    by_id: dict[str, ArticleDoc] = {}
    owner: dict[str, str] = {}
    docs = list(docs)
    for doc in docs:
        if doc.id in by_id:
            problems.append(
                problem(
                    doc.source, "id", "duplicate_article_id", id=doc.id, source=by_id[doc.id].source
                )
            )
            continue
        by_id[doc.id] = doc
    for doc in by_id.values():
        where = f"{doc.source}: article {doc.id!r}"
        for index, other in enumerate(doc.related):
            if other not in by_id:
                problems.append(problem(where, f"related.{index}", "related_missing", other=other))
            elif other == doc.id:
                problems.append(problem(where, f"related.{index}", "related_names_itself"))
        for language, text in doc.texts.items():
            for index, question in enumerate(text.questions):
                key = normalize_question(question)
                first = owner.setdefault(key, doc.id)
                if first != doc.id:
                    problems.append(
                        problem(
                            where,
                            f"{language}.questions.{index}",
                            "question_shared",
                            language=language,
                            question=question,
                            owner=first,
                        )
                    )
    return problems


def load_directory(directory: Path) -> list[ArticleDoc]:
    """All articles of a knowledge folder, or KnowledgeFileError listing every problem."""
    problems: list[Problem] = []
    files = sorted(directory.glob("*.yml")) + sorted(directory.glob("*.yaml"))
    if not files:
        raise KnowledgeFileError([problem(str(directory), "", "no_knowledge_files")])
    docs = [doc for path in files for doc in parse_file(path, problems)]
    problems.extend(check_collection(docs))
    if problems:
        raise KnowledgeFileError(problems)
    return docs


class _Dumper(yaml.SafeDumper):
    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        # Indent list items under their key, as people write YAML by hand.
        super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    if len(value) > 80:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=">")
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_Dumper.add_representer(str, _represent_str)


def dump_topic(topic: str, docs: Sequence[ArticleDoc]) -> str:
    """The text of one topic file, in a stable order (git-friendly)."""
    articles = []
    for doc in sorted(docs, key=lambda d: d.id):
        data = doc.to_dict()
        if doc.reviewed:
            data["reviewed"] = doc.reviewed  # written as a plain date, not a quoted string
        articles.append(data)
    body = {"topic": topic, "articles": articles}
    header = (
        f"# Knowledge base, topic '{topic}'. French and English side by side;\n"
        "# the format is described in README.md in this folder.\n"
    )
    return header + yaml.dump(
        body, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=100, indent=2
    )


def write_directory(directory: Path, docs: Sequence[ArticleDoc]) -> list[Path]:
    """Write one file per topic; files of topics that no longer exist are removed."""
    directory.mkdir(parents=True, exist_ok=True)
    by_topic: dict[str, list[ArticleDoc]] = {}
    for doc in docs:
        by_topic.setdefault(doc.topic, []).append(doc)
    written = []
    for topic, topic_docs in sorted(by_topic.items()):
        path = directory / f"{topic}.yml"
        path.write_text(dump_topic(topic, topic_docs), encoding="utf-8")
        written.append(path)
    for stale in set(directory.glob("*.yml")) - set(written):
        stale.unlink()
    return written
