"""Checking what the HR workspace sends (browser JSON) before it becomes a record.

Input is untrusted: anything can be missing, of the wrong type, huge or full of
markup. Every problem is collected, keyed by field, so a form can show them all
at once. Creating needs every required field; updating changes only the fields
given (an explicit null or "" clears an optional field).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from bot.core.problem_texts import FieldErrors, Problem
from bot.knowledge.files import HTML_TAG, ID_PATTERN
from bot.records.models import (
    EVENT_KINDS,
    EVENT_STATUSES,
    JOB_CONTRACTS,
    JOB_LANGUAGES,
    JOB_LEVELS,
    JOB_REMOTE,
    JOB_STATUSES,
    TEAMS,
)

# The key of problems about the input as a whole rather than one field.
WHOLE_INPUT = "__all__"
# Fields the API shows but nobody sets: accepted and ignored, so a form can send
# back what it received.
READ_ONLY = ("updated_at", "updated_by")
MAX_EVENT_DAYS = 31
FIRST_YEAR, LAST_YEAR = 2000, 2100
MIN_SALARY, MAX_SALARY = 1_000, 1_000_000
MAX_SORT_ORDER = 10_000
DATE_TEXT = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TIME_TEXT = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?$")
# Markdown that the chat would render: **bold**, [label](url), images.
MARKDOWN = re.compile(r"\*\*|!?\[[^\]]*\]\([^)]*\)")


class RecordError(FieldErrors):
    """Input a record cannot take; `errors` maps each field to what is wrong with it
    (a Problem, worded by bot.core.problem_texts; str() is English)."""


class FieldProblem(ValueError):
    """One field's value cannot be used; `problem` says why (its field is set by the caller)."""

    def __init__(self, code: str, **values: Any):
        self.problem = Problem(code=code, values=values)
        super().__init__(str(self.problem))


def _at(field: str, code: str, **values: Any) -> Problem:
    return Problem(code=code, values=values, field=field)


def plain_text(max_length: int) -> Callable[[Any], str | None]:
    """One line of plain text: whitespace collapsed, no HTML, no Markdown, no control codes."""

    def parse(value: Any) -> str | None:
        if not isinstance(value, str):
            raise FieldProblem("not_a_text")
        text = " ".join(value.split())
        if not text:
            return None
        if len(text) > max_length:
            raise FieldProblem("text_too_long", maximum=max_length, length=len(text))
        if any(unicodedata.category(c) in ("Cc", "Cs") for c in text):
            raise FieldProblem("control_characters")
        if HTML_TAG.search(text):
            raise FieldProblem("html_markup")
        if MARKDOWN.search(text):
            raise FieldProblem("markdown_formatting")
        return text

    return parse


def one_of(options: tuple[str, ...]) -> Callable[[Any], str | None]:
    def parse(value: Any) -> str | None:
        if value == "":
            return None
        if not isinstance(value, str) or value not in options:
            raise FieldProblem("not_one_of", options=list(options))
        return value

    return parse


def short_list(item: Callable[[Any], str | None], maximum: int) -> Callable[[Any], list[str]]:
    """A few values, as a list or a comma-separated text ("Lyon, Paris"); each checked
    by `item`; blanks and repeats dropped; empty: []."""

    def parse(value: Any) -> list[str]:
        if isinstance(value, str):
            value = value.split(",")
        if not isinstance(value, list) or len(value) > maximum:
            raise FieldProblem("not_a_short_list", maximum=maximum)
        found: list[str] = []
        for raw in value:
            checked = item(raw)
            if checked and checked not in found:
                found.append(checked)
        return found

    return parse


def calendar_date(value: Any) -> dt.date | None:
    """A day written 2026-12-03 (what <input type="date"> sends)."""
    if value == "":
        return None
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        day = value
    elif isinstance(value, str) and DATE_TEXT.match(value.strip()):
        try:
            day = dt.date.fromisoformat(value.strip())
        except ValueError:
            raise FieldProblem("not_a_calendar_day", value=value.strip()) from None
    else:
        raise FieldProblem("not_a_date", example="2026-12-03")
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise FieldProblem("date_out_of_range", first=FIRST_YEAR, last=LAST_YEAR)
    return day


def clock_time(value: Any) -> dt.time | None:
    """A local time written 17:30 (or 17:30:00, what some browsers send)."""
    if value == "":
        return None
    if isinstance(value, dt.time):
        return value.replace(second=0, microsecond=0, tzinfo=None)
    match = TIME_TEXT.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise FieldProblem("not_a_time", example="17:30")
    hour, minute, second = (int(part or 0) for part in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        raise FieldProblem("not_a_time_of_day", value=value.strip())
    return dt.time(hour, minute)


def whole_number(low: int, high: int) -> Callable[[Any], int | None]:
    def parse(value: Any) -> int | None:
        if value == "":
            return None
        if isinstance(value, bool):
            raise FieldProblem("not_a_whole_number")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, str) and re.fullmatch(r"\s*\d{1,9}\s*", value):
            value = int(value)
        if not isinstance(value, int):
            raise FieldProblem("not_a_whole_number")
        if not low <= value <= high:
            raise FieldProblem("number_out_of_range", low=low, high=high)
        return value

    return parse


def article_reference(value: Any) -> str | None:
    if value == "":
        return None
    if not isinstance(value, str) or not ID_PATTERN.match(value.strip()):
        raise FieldProblem("not_an_article_reference", example="job-senior-backend")
    return value.strip()


@dataclass(frozen=True)
class Field:
    name: str
    parse: Callable[[Any], Any]
    required: bool = False
    default: Any = None


EVENT_FIELDS = (
    Field("kind", one_of(EVENT_KINDS), required=True),
    Field("date", calendar_date, required=True),
    Field("end_date", calendar_date),
    Field("start_time", clock_time),
    Field("end_time", clock_time),
    Field("place_fr", plain_text(200)),
    Field("place_en", plain_text(200)),
    Field("note_fr", plain_text(500)),
    Field("note_en", plain_text(500)),
    Field("status", one_of(EVENT_STATUSES), required=True, default="scheduled"),
)
JOB_FIELDS = (
    Field("title_fr", plain_text(120), required=True),
    Field("title_en", plain_text(120), required=True),
    Field("team", one_of(TEAMS), required=True),
    Field("location_fr", plain_text(120), required=True),
    Field("location_en", plain_text(120), required=True),
    Field("salary_min", whole_number(MIN_SALARY, MAX_SALARY), required=True),
    Field("salary_max", whole_number(MIN_SALARY, MAX_SALARY), required=True),
    Field("salary_note_fr", plain_text(120)),
    Field("salary_note_en", plain_text(120)),
    Field("status", one_of(JOB_STATUSES), required=True, default="open"),
    Field("article_id", article_reference),
    Field("sort_order", whole_number(0, MAX_SORT_ORDER)),
    Field("cities", short_list(plain_text(40), 10), default=()),
    Field("remote", one_of(JOB_REMOTE)),
    Field("level", one_of(JOB_LEVELS)),
    Field("contract", one_of(JOB_CONTRACTS)),
    Field("languages", short_list(one_of(JOB_LANGUAGES), 2), default=()),
)


def _read(
    data: Any, fields: tuple[Field, ...], current: Mapping[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Problem]]:
    """The values after the change (current ones where the input is silent), and the problems."""
    if not isinstance(data, Mapping):
        return {}, {WHOLE_INPUT: _at(WHOLE_INPUT, "record_not_an_object")}
    errors: dict[str, Problem] = {}
    known = {f.name for f in fields} | {"id", *READ_ONLY}
    for key in data:
        if key not in known:
            name = str(key)[:64]
            errors[name] = _at(name, "unknown_field")
    values: dict[str, Any] = {}
    for spec in fields:
        if spec.name not in data:
            if current is not None:
                values[spec.name] = current.get(spec.name)
                continue
            if spec.default is not None or not spec.required:
                values[spec.name] = spec.default
                continue
            errors[spec.name] = _at(spec.name, "is_required")
            continue
        raw = data[spec.name]
        try:
            value = spec.parse(raw) if raw is not None else None
        except FieldProblem as problem:
            errors[spec.name] = replace(problem.problem, field=spec.name)
            continue
        if value is None and spec.required:
            errors[spec.name] = _at(spec.name, "is_required")
            continue
        values[spec.name] = value
    return values, errors


def _both_languages(values: Mapping[str, Any], errors: dict[str, Problem], stem: str) -> None:
    """A text shown to candidates must exist in French and English, or in neither."""
    for name, other, language in (
        (f"{stem}_fr", f"{stem}_en", "fr"),
        (f"{stem}_en", f"{stem}_fr", "en"),
    ):
        if values.get(other) and not values.get(name) and name not in errors:
            errors[name] = _at(name, "needed_in_both_languages", language=language)


def event_values(data: Any, *, current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """An event's column values after applying `data`; raises RecordError."""
    values, errors = _read(data, EVENT_FIELDS, current)
    if WHOLE_INPUT in errors:
        raise RecordError(errors)
    start, end = values.get("date"), values.get("end_date")
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        if end < start:
            errors["end_date"] = _at("end_date", "end_before_start")
        elif (end - start).days >= MAX_EVENT_DAYS:
            errors["end_date"] = _at("end_date", "event_too_long", maximum=MAX_EVENT_DAYS)
        elif end == start:
            values["end_date"] = None  # a one-day event has no end date
    begins, ends = values.get("start_time"), values.get("end_time")
    if ends is not None and begins is None and "start_time" not in errors:
        errors["end_time"] = _at("end_time", "needs_start_time")
    single_day = not isinstance(end, dt.date) or end == start
    if begins is not None and ends is not None and single_day and ends <= begins:
        errors["end_time"] = _at("end_time", "end_not_after_start")
    for stem in ("place", "note"):
        _both_languages(values, errors, stem)
    if errors:
        raise RecordError(errors)
    return values


def job_values(
    data: Any,
    *,
    current: Mapping[str, Any] | None = None,
    article_exists: Callable[[str], bool] = lambda _: True,
) -> dict[str, Any]:
    """A job position's column values after applying `data`; raises RecordError."""
    values, errors = _read(data, JOB_FIELDS, current)
    if WHOLE_INPUT in errors:
        raise RecordError(errors)
    for name in ("cities", "languages"):
        values[name] = list(values.get(name) or [])
    low, high = values.get("salary_min"), values.get("salary_max")
    if isinstance(low, int) and isinstance(high, int) and high < low:
        errors["salary_max"] = _at("salary_max", "salary_below_minimum")
    _both_languages(values, errors, "salary_note")
    article = values.get("article_id")
    changed_article = current is None or article != current.get("article_id")
    if article and changed_article and "article_id" not in errors and not article_exists(article):
        errors["article_id"] = _at("article_id", "unknown_article_reference", id=article)
    if errors:
        raise RecordError(errors)
    return values


def record_id(value: Any) -> int | None:
    """An event id as the browser sends it (a number, or digits in a string); None if not one."""
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,18}\s*", value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def slug(text: str) -> str:
    """A job id made from its English title: lowercase ASCII words joined by dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    return "-".join(words)[:56].strip("-") or "job"
