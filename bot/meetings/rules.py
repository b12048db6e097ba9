"""What a team coffee is, as data: the logistics (duration, notice, horizon) and the
ambassadors' weekly windows ("tuesday 10:00-12:00"). Read by the defaults file's loader
and by the slot computation alike."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from bot.core.dates import WEEKDAYS

WINDOW_TEXT = re.compile(
    r"^\s*(" + "|".join(WEEKDAYS) + r")\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$",
    re.IGNORECASE,
)
AMBASSADOR_ID = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class BadWindow(ValueError):
    """A weekly window is not written "<weekday> HH:MM-HH:MM" with the end after the start."""


@dataclass(frozen=True)
class CoffeeRules:
    """The team-coffee logistics (data/meetings/ambassadors.yml, `coffee`)."""

    duration_minutes: int = 30
    min_notice_hours: int = 24
    horizon_days: int = 14
    upcoming_per_candidate: int = 1

    @property
    def duration(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.duration_minutes)

    @property
    def notice(self) -> dt.timedelta:
        return dt.timedelta(hours=self.min_notice_hours)

    @property
    def horizon(self) -> dt.timedelta:
        return dt.timedelta(days=self.horizon_days)


@dataclass(frozen=True)
class Window:
    """One weekly range of office wall-clock time (weekday 0 = Monday)."""

    weekday: int
    start: dt.time
    end: dt.time

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {self.start:%H:%M}-{self.end:%H:%M}"


@lru_cache(maxsize=1024)
def parse_window(text: str) -> Window:
    """ "tuesday 10:00-12:00" as a Window; BadWindow when it is not one."""
    match = WINDOW_TEXT.match(text) if isinstance(text, str) else None
    if match is None:
        raise BadWindow(f"{text!r} is not like 'tuesday 10:00-12:00'")
    day, start_h, start_m, end_h, end_m = match.groups()
    try:
        start = dt.time(int(start_h), int(start_m))
        end = dt.time(0, 0) if (end_h, end_m) == ("24", "00") else dt.time(int(end_h), int(end_m))
    except ValueError:
        raise BadWindow(f"{text!r} has an impossible time") from None
    if end != dt.time(0, 0) and end <= start:
        raise BadWindow(f"{text!r} ends before it starts")
    return Window(WEEKDAYS.index(day.lower()), start, end)
