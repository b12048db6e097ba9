"""The validators' problems as the workspace returns them: in French, HR's language.

Validators raise problems with a code (bot.core.problem_texts); these helpers
word them in the shapes of the workspace's JSON errors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from bot.core.problem_texts import Problem, problem_text

LANGUAGE = "fr"


def french(reported: Problem | BaseException) -> str:
    """A problem, or an exception carrying one (`error.problem`, e.g. EditConflict), in French.

    An exception without a problem keeps its own text (a programming error, for the log).
    """
    if isinstance(reported, Problem):
        return problem_text(reported, LANGUAGE)
    problem = getattr(reported, "problem", None)
    if isinstance(problem, Problem):
        return problem_text(problem, LANGUAGE)
    return str(reported)


def french_problems(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    """A list of problems as [{"field", "message"}] in French."""
    return [{"field": p.field, "message": problem_text(p, LANGUAGE)} for p in problems]


def french_errors(errors: Mapping[str, Problem]) -> dict[str, str]:
    """RecordError.errors as {field: French message}."""
    return {field: problem_text(problem, LANGUAGE) for field, problem in errors.items()}
