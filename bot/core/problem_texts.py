"""Every problem a validator can report, by code, in French (for HR) and English (for developers).

Validators (bot.knowledge, bot.records, bot.hr) raise a `Problem`: a stable code,
the values it names and the field it is about. `problem_text(problem, language)`
words it for a reader; `str(problem)` is the English wording, prefixed by where
it is in a file. The wordings, one entry per code with both languages, are the
catalogue problems.yml next to this module (its header explains the placeholders).
"""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CATALOGUE = Path(__file__).with_name("problems.yml")
_AND = {"fr": " et ", "en": " and "}
_IN = {"fr": "en ", "en": "in "}


def _load(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {key: data[key] for key in ("language_names", "words", "problems")}


_CATALOGUE = _load(CATALOGUE)
# {code: {"fr": wording, "en": wording, ["plural": value name]}}; a wording is a text,
# or {"one": text, "other": text} when the entry has "plural".
PROBLEMS: dict[str, dict[str, Any]] = _CATALOGUE["problems"]
LANGUAGE_NAMES: dict[str, dict[str, str]] = _CATALOGUE["language_names"]
WORDS: dict[str, dict[str, str]] = _CATALOGUE["words"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: `code` names its sentence in PROBLEMS.

    `field` is the input it is about ("fr.answer", "links.0.url", "salary_max";
    "" for the input as a whole); `where` locates it in a file ("offices.yml: #2:
    article 'parking': fr"), for developers only.
    """

    code: str
    values: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    field: str = ""
    where: str = ""

    def text(self, language: str) -> str:
        return problem_text(self, language)

    def __str__(self) -> str:
        message = problem_text(self, "en")
        return f"{self.where}: {message}" if self.where else message


class FieldErrors(ValueError):
    """Input a validator refuses: `errors` maps each field to its Problem (str() is English).
    Each service raises its own subclass (RecordError, AmbassadorError, …)."""

    def __init__(self, errors: Mapping[str, Problem]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {problem}" for field, problem in self.errors.items()))


def language_name(code: str, language: str) -> str:
    """The name of language `code` in `language`; an unknown code quoted in French (« de »)."""
    names = LANGUAGE_NAMES[language]
    if code in names:
        return names[code]
    return f"« {code} »" if language == "fr" else code


class _Formatter(string.Formatter):
    """str.format with the value formats the catalogue's header lists, in one language."""

    def __init__(self, language: str):
        self.language = language

    def format_field(self, value: Any, format_spec: str) -> str:
        language = self.language
        if format_spec == "q":
            return f"« {value} »" if language == "fr" and isinstance(value, str) else repr(value)
        if format_spec == ",":
            grouped = format(value, ",")
            # 1,000,000 reads as a decimal number in French
            return grouped.replace(",", " ") if language == "fr" else grouped
        if format_spec == "list":
            return ", ".join(str(item) for item in value)
        if format_spec == "and":
            return _AND[language].join(str(item) for item in value)
        if format_spec == "language":
            return language_name(str(value), language)
        if format_spec == "in_languages":
            return _AND[language].join(_IN[language] + language_name(c, language) for c in value)
        if format_spec == "word":
            return WORDS[language].get(str(value), str(value))
        return str(super().format_field(value, format_spec))


def _is_one(count: Any, language: str) -> bool:
    """Whether `count` (a number, or a list's length) takes the singular in `language`."""
    number = count if isinstance(count, int) else len(count)
    return number < 2 if language == "fr" else number == 1


def problem_text(problem: Problem, language: str) -> str:
    """The problem's sentence in `language` ("fr" or "en"; any other language reads English)."""
    entry = PROBLEMS[problem.code]
    language = language if language in ("fr", "en") else "en"
    wording = entry[language]
    if isinstance(wording, dict):
        one = _is_one(problem.values[entry["plural"]], language)
        wording = wording["one"] if one else wording["other"]
    return _Formatter(language).format(wording, **problem.values)


__all__ = [
    "CATALOGUE",
    "LANGUAGE_NAMES",
    "PROBLEMS",
    "WORDS",
    "Problem",
    "language_name",
    "problem_text",
]
