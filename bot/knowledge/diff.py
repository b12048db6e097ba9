"""What changed between two revisions of an article, field by field, for people to read.

Works on revision snapshots (`Revision.snapshot`: the article as in its file,
plus its topic). Texts get a word-level diff (and, for answers, unified diff
lines); example questions, tags, related articles and links are lists, so
they are reported as items added and removed, not as a text diff.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.settings import LANGUAGES
from bot.knowledge.models import Revision

# Scalar fields first, then lists, then each language's texts: the order a reader expects.
VALUE_FIELDS = ("topic", "team", "status", "reviewed")
LIST_FIELDS = ("tags", "related", "links")
TEXT_FIELDS = ("title", "answer")
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]")


def _get(snapshot: Mapping[str, Any] | None, path: str) -> Any:
    value: Any = snapshot
    for key in path.split("."):
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def word_ops(before: str, after: str) -> list[dict[str, str]]:
    """Word-level edit script: [{"op": "equal"|"delete"|"insert", "text": ...}, ...]."""
    old, new = _TOKEN.findall(before), _TOKEN.findall(after)
    ops: list[dict[str, str]] = []

    def push(op: str, tokens: Sequence[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if ops and ops[-1]["op"] == op:
            ops[-1]["text"] += text
        else:
            ops.append({"op": op, "text": text})

    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            push("equal", old[i1:i2])
        else:
            push("delete", old[i1:i2])
            push("insert", new[j1:j2])
    return ops


def _text_change(field: str, before: Any, after: Any) -> dict[str, Any] | None:
    old = before if isinstance(before, str) else ""
    new = after if isinstance(after, str) else ""
    if old == new and (before is None) == (after is None):
        return None
    change: dict[str, Any] = {
        "field": field,
        "kind": "text",
        "before": before,
        "after": after,
        "words": word_ops(old, new),
    }
    if field.endswith(".answer"):
        change["lines"] = list(
            difflib.unified_diff(
                old.splitlines(), new.splitlines(), "before", "after", lineterm="", n=1
            )
        )[2:]  # without the ---/+++ header
    change["summary"] = _summary(field, before, after, "edited")
    return change


def _counted(items: Sequence[Any]) -> dict[str, tuple[int, Any]]:
    keyed: dict[str, tuple[int, Any]] = {}
    for item in items:
        key = repr(item)
        count, _ = keyed.get(key, (0, item))
        keyed[key] = (count + 1, item)
    return keyed


def _list_change(field: str, before: Any, after: Any) -> dict[str, Any] | None:
    old = list(before) if isinstance(before, list) else []
    new = list(after) if isinstance(after, list) else []
    if old == new:
        return None
    old_keys, new_keys = _counted(old), _counted(new)
    added = [
        item
        for key, (count, item) in new_keys.items()
        for _ in range(count - old_keys.get(key, (0, None))[0])
    ]
    removed = [
        item
        for key, (count, item) in old_keys.items()
        for _ in range(count - new_keys.get(key, (0, None))[0])
    ]
    parts = [f"{len(added)} added"] if added else []
    parts += [f"{len(removed)} removed"] if removed else []
    return {
        "field": field,
        "kind": "list",
        "added": added,
        "removed": removed,
        "reordered": not added and not removed,
        "summary": f"{field}: " + (", ".join(parts) or "reordered"),
    }


def _summary(field: str, before: Any, after: Any, verb: str) -> str:
    if before is None:
        return f"{field}: added"
    if after is None:
        return f"{field}: removed"
    return f"{field}: {verb}"


def snapshot_diff(
    before: Mapping[str, Any] | None, after: Mapping[str, Any] | None
) -> list[dict[str, Any]]:
    """Field changes from `before` to `after` (None: nothing before, e.g. a first revision).

    Each change is a JSON-able dict with "field" (a dotted path such as
    "fr.answer"), "kind" ("value" | "text" | "list") and "summary"; values and
    texts carry "before"/"after", texts "words" (and "lines" for answers),
    lists "added"/"removed"/"reordered".
    """
    changes: list[dict[str, Any]] = []
    for field in VALUE_FIELDS:
        old, new = _get(before, field), _get(after, field)
        if old != new:
            changes.append(
                {
                    "field": field,
                    "kind": "value",
                    "before": old,
                    "after": new,
                    "summary": _summary(field, old, new, f"{old} → {new}"),
                }
            )
    for field in LIST_FIELDS:
        change = _list_change(field, _get(before, field), _get(after, field))
        if change:
            changes.append(change)
    languages = [*LANGUAGES]
    languages += sorted(
        {key for snap in (before, after) if snap for key in snap if isinstance(snap[key], dict)}
        - set(LANGUAGES)
    )
    for language in languages:
        for name in TEXT_FIELDS:
            field = f"{language}.{name}"
            text_change = _text_change(field, _get(before, field), _get(after, field))
            if text_change:
                changes.append(text_change)
        field = f"{language}.questions"
        change = _list_change(field, _get(before, field), _get(after, field))
        if change:
            changes.append(change)
    return changes


def revision_diffs(*, session: Session, article_id: str) -> list[dict[str, Any]]:
    """Every revision of an article (a deleted one too), newest first, each with its changes
    against the previous revision: the first adds everything, a deletion changes nothing.

    [{"number", "action", "author", "created_at", "changes": [...]}]; [] if none.
    """
    rows = session.execute(
        select(Revision).where(Revision.article_id == article_id).order_by(Revision.number)
    ).scalars()
    views: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for row in rows:
        changes = [] if row.action == "deleted" else snapshot_diff(previous, row.snapshot)
        views.append(
            {
                "number": row.number,
                "action": row.action,
                "author": row.author,
                "created_at": row.created_at.isoformat(),
                "changes": changes,
            }
        )
        previous = row.snapshot
    return views[::-1]
