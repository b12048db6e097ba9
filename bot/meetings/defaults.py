"""The ambassadors and coffee rules that ship with the assistant (data/meetings/ambassadors.yml).

`prepare_ambassadors` runs at every start beside the records' defaults: it fills
an empty `ambassador` table, and never touches it again (HR keeps it from then on).
The `coffee` rules (duration, notice, horizon, one upcoming coffee per candidate)
are read from the same file whenever slots are computed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.core import audit
from bot.core.clock import utcnow
from bot.core.settings import PROJECT_ROOT
from bot.meetings.models import Ambassador
from bot.meetings.rules import AMBASSADOR_ID, BadWindow, CoffeeRules, parse_window

DEFAULTS_FILE = PROJECT_ROOT / "data" / "meetings" / "ambassadors.yml"
DEFAULTS_AUTHOR = "default ambassadors"
LANGUAGE_CODE = re.compile(r"^[a-z]{2}$")
EMAIL = re.compile(r"^[^@\s<>\"']{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.)+[A-Za-z]{2,63}$")
MAX_CAP = 50


class DefaultsFileError(ValueError):
    """The ambassadors file cannot be used; the message names every problem."""


@dataclass(frozen=True)
class AmbassadorDefaults:
    coffee: CoffeeRules
    ambassadors: tuple[dict[str, Any], ...]  # Ambassador column values


def _text(item: Mapping[str, Any], key: str, where: str, problems: list[str]) -> str:
    value = item.get(key)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"{where}: {key} must be a text")
        return ""
    return " ".join(value.split())


def _texts(item: Mapping[str, Any], key: str, where: str, problems: list[str]) -> list[str]:
    value = item.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: {key} must be a list of texts")
        return []
    return [" ".join(v.split()) for v in value]


def _ambassador(item: Any, where: str, problems: list[str]) -> dict[str, Any]:
    if not isinstance(item, Mapping):
        problems.append(f"{where}: an ambassador must be a mapping")
        return {}
    ident = item.get("id")
    if not isinstance(ident, str) or not AMBASSADOR_ID.match(ident):
        problems.append(f"{where}: id must be lower-case letters, digits, - or _")
    languages = _texts(item, "languages", where, problems)
    if not all(LANGUAGE_CODE.match(code) for code in languages):
        problems.append(f"{where}: languages must be two-letter codes")
    windows = _texts(item, "windows", where, problems)
    for window in windows:
        try:
            parse_window(window)
        except BadWindow as error:
            problems.append(f"{where}: {error}")
    cap = item.get("cap")
    if not isinstance(cap, int) or isinstance(cap, bool) or not 1 <= cap <= MAX_CAP:
        problems.append(f"{where}: cap must be a number from 1 to {MAX_CAP}")
    raw_bio = item.get("bio")
    bio: Mapping[str, Any] = raw_bio if isinstance(raw_bio, Mapping) else {}
    email = item.get("email")
    if email is not None and (not isinstance(email, str) or not EMAIL.match(email)):
        problems.append(f"{where}: email must be an e-mail address or null")
    return {
        "id": ident,
        "name": _text(item, "name", where, problems),
        "role": _text(item, "role", where, problems),
        "team": _text(item, "team", where, problems),
        "languages": languages,
        "topics": _texts(item, "topics", where, problems),
        "windows": windows,
        "cap": cap,
        "bio_fr": _text(bio, "fr", f"{where}: bio", problems),
        "bio_en": _text(bio, "en", f"{where}: bio", problems),
        "consent": _text(item, "consent", where, problems),
        "email": email,
    }


def _coffee(raw: Any, where: str, problems: list[str]) -> CoffeeRules:
    if not isinstance(raw, Mapping):
        problems.append(f"{where}: coffee must hold the coffee rules")
        return CoffeeRules()
    limits = {
        "duration_minutes": (5, 240),
        "min_notice_hours": (0, 24 * 14),
        "horizon_days": (1, 90),
        "upcoming_per_candidate": (1, 1),  # the unique index holds one; more needs a new design
    }
    values: dict[str, int] = {}
    for key, (low, high) in limits.items():
        value = raw.get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            problems.append(f"{where}: coffee {key} must be a number from {low} to {high}")
        else:
            values[key] = value
    return CoffeeRules(**values)


def load_defaults(path: Path = DEFAULTS_FILE) -> AmbassadorDefaults:
    """Read and check the file; DefaultsFileError lists every problem."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise DefaultsFileError(f"{path}: {error}") from None
    problems: list[str] = []
    coffee = _coffee(raw.get("coffee"), path.name, problems)
    ambassadors = [
        _ambassador(item, f"{path.name}, ambassador {n}", problems)
        for n, item in enumerate(raw.get("ambassadors") or [], start=1)
    ]
    ids = [a.get("id") for a in ambassadors]
    if len(set(ids)) != len(ids):
        problems.append(f"{path.name}: two ambassadors have the same id")
    if problems:
        raise DefaultsFileError("\n".join(problems))
    return AmbassadorDefaults(coffee=coffee, ambassadors=tuple(ambassadors))


@lru_cache(maxsize=4)
def load_coffee_rules(path: Path = DEFAULTS_FILE) -> CoffeeRules:
    """The coffee rules of the file, read once per process."""
    return load_defaults(path).coffee


def seed_ambassadors(
    *, session: Session, defaults: AmbassadorDefaults, author: str = DEFAULTS_AUTHOR
) -> int:
    """Add the default ambassadors when the table is empty; how many were added (0 if not)."""
    if session.execute(select(func.count()).select_from(Ambassador)).scalar_one():
        return 0
    now = utcnow()
    for values in defaults.ambassadors:
        session.add(Ambassador(**values, active=True, created_at=now, updated_at=now))
    session.flush()
    if defaults.ambassadors:
        audit.record(
            session=session,
            actor=author,
            action="ambassadors.seeded",
            target="ambassadors",
            detail={"ambassadors": [a["id"] for a in defaults.ambassadors]},
        )
    return len(defaults.ambassadors)


def prepare_ambassadors(*, session: Session, defaults: AmbassadorDefaults | None = None) -> int:
    """At start: the default ambassadors into an empty table (idempotent)."""
    return seed_ambassadors(session=session, defaults=defaults or load_defaults())
