"""Office hours: when recruiters can take over live ('mon-fri 09:00-18:00', Europe/Paris)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class OfficeHours:
    """Days and hours when recruiters can take over live, in one time zone."""

    days: frozenset[int]
    start: time
    end: time
    zone: ZoneInfo

    def is_open(self, now_utc: datetime) -> bool:
        local = now_utc.replace(tzinfo=ZoneInfo("UTC")).astimezone(self.zone)
        return local.weekday() in self.days and self.start <= local.time() < self.end


def parse_office_hours(text: str, zone: str) -> OfficeHours:
    """'mon-fri 09:00-18:00' (days as a range or comma list) in the IANA zone `zone`."""
    match = re.fullmatch(
        r"\s*([a-z]{3}(?:-[a-z]{3})?(?:,[a-z]{3}(?:-[a-z]{3})?)*)\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})\s*",
        text.lower(),
    )
    if not match:
        raise ValueError(f"office hours must look like 'mon-fri 09:00-18:00', got {text!r}")
    days: set[int] = set()
    for part in match.group(1).split(","):
        first, _, last = part.partition("-")
        if first not in DAYS or (last and last not in DAYS):
            raise ValueError(f"unknown day in office hours {text!r}")
        a, b = DAYS.index(first), DAYS.index(last or first)
        days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    try:
        start = time(int(match.group(2)), int(match.group(3)))
        # 24:00 is the end of the day
        end = (
            time.max
            if (match.group(4), match.group(5)) == ("24", "00")
            else time(int(match.group(4)), int(match.group(5)))
        )
    except ValueError:
        raise ValueError(f"impossible time in office hours {text!r}") from None
    if end <= start:
        raise ValueError(f"office hours must end after they start: {text!r}")
    try:
        return OfficeHours(frozenset(days), start, end, ZoneInfo(zone))
    except Exception as error:  # noqa: BLE001 - ZoneInfo raises several kinds
        raise ValueError(f"unknown time zone {zone!r}") from error
