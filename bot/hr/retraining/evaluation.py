"""Measuring the assistant on held-out questions it was never trained on.

Each question is read by the model and settled by the same `decide` the
assistant uses; the report gives accuracy per language and per kind:
in-scope questions must get the right article, unknown and off-topic ones
must get no article at all (neither an answer nor a "did you mean"). A build
is checked the same way, beside the serving model, before it may go live.

The build check measures on the gate (`GATE_FILE`, data the product ships);
the tests measure on sets of their own (tests/heldout/). HR cannot add a
near-copy of a gate question as an example (bot.hr.article_input).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from bot.candidate.answering import QUESTION_INTENTS, decide
from bot.core.settings import PROJECT_ROOT, Settings
from bot.hr.retraining.builds import KnownAccuracy
from bot.knowledge.search import ArticleIndex

GATE_FILE = PROJECT_ROOT / "data" / "heldout" / "gate.yml"
KINDS = ("in_scope", "unknown", "off_topic")


@dataclass(frozen=True)
class HeldOutQuestion:
    text: str
    language: str
    kind: str
    article: str | None = None
    # A request the assistant acts on rather than answers ("a coffee with the data
    # team?" -> meet_team): right when the model reads that intent.
    intent: str | None = None


@dataclass(frozen=True)
class Outcome:
    question: HeldOutQuestion
    intent: str
    decision: str  # answer | clarify | no_answer | other
    article: str | None
    confidence: float

    @property
    def correct(self) -> bool:
        if self.question.intent is not None:
            return self.intent == self.question.intent
        if self.question.kind == "in_scope":
            return self.decision == "answer" and self.article == self.question.article
        return self.decision not in ("answer", "clarify")


def load_questions(path: Path = GATE_FILE) -> list[HeldOutQuestion]:
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        HeldOutQuestion(
            text=item["text"],
            language=item["lang"],
            kind=item["kind"],
            article=item.get("article"),
            intent=item.get("intent"),
        )
        for item in items
    ]


def outcome_of(
    question: HeldOutQuestion,
    parse: Mapping[str, Any],
    *,
    answer_threshold: float,
    clarify_threshold: float,
    index: ArticleIndex | None = None,
) -> Outcome:
    intent = (parse.get("intent") or {}).get("name") or ""
    if intent not in QUESTION_INTENTS:
        return Outcome(question, intent, "other", None, 0.0)
    decision = decide(
        parse,
        answer_threshold=answer_threshold,
        clarify_threshold=clarify_threshold,
        search_best=index.best(question.text) if index else None,
    )
    best = decision.candidates[0] if decision.candidates else None
    return Outcome(
        question,
        intent,
        decision.kind,
        best.article_id if best else None,
        decision.confidence,
    )


async def evaluate(
    parse: Callable[[str], Awaitable[Mapping[str, Any]]],
    questions: list[HeldOutQuestion],
    *,
    answer_threshold: float,
    clarify_threshold: float,
    index: ArticleIndex | None = None,
) -> list[Outcome]:
    """Read each question with the model, then decide as the assistant does."""
    return [
        outcome_of(
            q,
            await parse(q.text),
            answer_threshold=answer_threshold,
            clarify_threshold=clarify_threshold,
            index=index,
        )
        for q in questions
    ]


def accuracy(
    outcomes: list[Outcome], *, language: str | None = None, kinds: tuple[str, ...] = KINDS
) -> float:
    chosen = [
        o for o in outcomes if o.question.kind in kinds and language in (None, o.question.language)
    ]
    return sum(o.correct for o in chosen) / len(chosen) if chosen else 0.0


def report(outcomes: list[Outcome]) -> str:
    """A plain-text table, then every miss, for people to read."""
    lines = ["held-out questions: accuracy per language and kind", ""]
    lines.append(f"{'language':10}{'kind':12}{'questions':>10}{'correct':>9}{'accuracy':>10}")
    for language in ("fr", "en"):
        for kind in KINDS:
            chosen = [
                o for o in outcomes if o.question.language == language and o.question.kind == kind
            ]
            if chosen:
                right = sum(o.correct for o in chosen)
                lines.append(
                    f"{language:10}{kind:12}{len(chosen):>10}{right:>9}{right / len(chosen):>10.1%}"
                )
    clarified = sum(
        1 for o in outcomes if o.question.kind == "in_scope" and o.decision == "clarify"
    )
    lines += [
        "",
        f"in-scope questions answered by a 'did you mean' instead: {clarified}",
        "",
        "misses:",
    ]
    for o in outcomes:
        if not o.correct:
            expected = o.question.intent or o.question.article or "no article"
            got = f"{o.decision} {o.article or ''} ({o.confidence:.2f})".strip()
            lines.append(
                f"  [{o.question.language} {o.question.kind}] {o.question.text!r}: "
                f"expected {expected}, got {o.intent} -> {got}"
            )
    return "\n".join(lines)


# ------------------------------------------------------------------- checking a build


@dataclass(frozen=True)
class CheckResult:
    """A new model's held-out accuracy beside the serving model's (None: nothing to compare)."""

    accuracy_new: float
    accuracy_serving: float | None
    details: dict[str, Any]

    @property
    def dropped(self) -> bool:
        return self.accuracy_serving is not None and self.accuracy_new < self.accuracy_serving


def model_accuracy(
    model_file: Path, *, settings: Settings, index: ArticleIndex
) -> tuple[float, dict[str, float]]:
    """How the model does on the held-out questions, deciding as the assistant does."""
    import asyncio
    import logging

    import structlog
    from rasa.core.agent import Agent

    # Rasa logs every parse at debug level: keep the build's log readable.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.INFO))
    agent = Agent.load(str(model_file))
    outcomes = asyncio.run(
        evaluate(
            agent.parse_message,
            load_questions(),
            answer_threshold=settings.answer_threshold,
            clarify_threshold=settings.clarify_threshold,
            index=index,
        )
    )
    parts = {
        f"{language} {kind}": round(accuracy(outcomes, language=language, kinds=(kind,)), 4)
        for language in ("fr", "en")
        for kind in KINDS
    }
    return round(accuracy(outcomes), 4), parts


def check(
    new_model: Path,
    *,
    settings: Settings,
    index: ArticleIndex,
    serving_model: str | None,
    serving_known: KnownAccuracy | None,
) -> CheckResult:
    """The new model's held-out accuracy beside the serving model's: as measured when
    it was built, else measured now if its file is here."""
    accuracy_new, parts_new = model_accuracy(new_model, settings=settings, index=index)
    details: dict[str, Any] = {"new": parts_new}
    accuracy_serving = None
    if serving_model:
        if serving_known is not None:
            accuracy_serving = serving_known.accuracy
            details["serving"] = serving_known.details
        serving_file = settings.models_dir / serving_model
        if accuracy_serving is None and serving_file.is_file():
            accuracy_serving, details["serving"] = model_accuracy(
                serving_file, settings=settings, index=index
            )
    return CheckResult(accuracy_new, accuracy_serving, details)
