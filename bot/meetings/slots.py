"""Free coffee slots: ambassadors' weekly windows, in 30-minute steps, minus what is taken.

Windows are wall-clock times in the office's time zone ("tuesday 10:00-12:00" is
10:00 in Paris in winter and in summer); slots are computed per office-calendar
day and converted to naive UTC, so daylight-saving changes fall out of zoneinfo.
A slot is free when its ambassador is active and not paused that day, has no
confirmed booking overlapping it, has not reached the weekly cap (ISO week,
office time), and it starts between now + notice (24 h) and now + horizon (14 days).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.dates import day_in_words
from bot.meetings.defaults import load_coffee_rules
from bot.meetings.models import Ambassador, AmbassadorPause, Booking
from bot.meetings.rules import BadWindow, CoffeeRules, parse_window

logger = logging.getLogger(__name__)
UTC = dt.timezone.utc
SLOT_ID = re.compile(r"^([a-z0-9][a-z0-9_-]{0,63})-(\d{8}T\d{4})$")
SLOT_TIME_FORMAT = "%Y%m%dT%H%M"
HOSTS_SHOWN = 3
# Slot ids outside these years are refused (year 9999 would overflow a time zone shift).
FIRST_YEAR, LAST_YEAR = 2000, 2999


class BadSlotId(ValueError):
    """A text is not a slot id ("<ambassador>-<UTC start yyyymmddThhmm>")."""


def zone(name: str | None) -> ZoneInfo | None:
    """The IANA time zone of that name, or None when it is empty or unknown."""
    if not name or not isinstance(name, str) or len(name) > 64:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def slot_id(ambassador_id: str, start_utc: dt.datetime) -> str:
    """The stable id of a slot: "lea-20261203T1300" (start in UTC)."""
    return f"{ambassador_id}-{start_utc:{SLOT_TIME_FORMAT}}"


def parse_slot_id(text: object) -> tuple[str, dt.datetime]:
    """(ambassador id, naive UTC start) of a slot id; BadSlotId when it is not one."""
    match = SLOT_ID.match(text) if isinstance(text, str) else None
    if match is None:
        raise BadSlotId(f"{text!r} is not a slot id")
    try:
        start = dt.datetime.strptime(match.group(2), SLOT_TIME_FORMAT)
    except ValueError:
        raise BadSlotId(f"{text!r} has an impossible date") from None
    if not FIRST_YEAR <= start.year <= LAST_YEAR:
        raise BadSlotId(f"{text!r} is out of any calendar we keep")
    return match.group(1), start


@dataclass(frozen=True)
class Slot:
    """A free (or once free) 30-minute coffee with one ambassador; times naive UTC."""

    ambassador_id: str
    start_utc: dt.datetime
    end_utc: dt.datetime

    @property
    def id(self) -> str:
        return slot_id(self.ambassador_id, self.start_utc)

    def start_in(self, timezone: str) -> dt.datetime:
        return self.start_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))

    def end_in(self, timezone: str) -> dt.datetime:
        return self.end_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))

    def to_json(self, office_timezone: str) -> dict[str, str]:
        """As the reply contract's `meeting_offer` lists it: ISO 8601 with the office's offset."""
        return {
            "id": self.id,
            "start": self.start_in(office_timezone).isoformat(timespec="minutes"),
            "end": self.end_in(office_timezone).isoformat(timespec="minutes"),
            "host": self.ambassador_id,
        }


def to_utc(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime | None:
    """Office wall-clock time as naive UTC; None when it does not exist that day
    (the hour skipped when clocks go forward)."""
    local = dt.datetime.combine(day, time, tzinfo=tz)
    utc = local.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None
    return utc.replace(tzinfo=None)


def week_start(start_utc: dt.datetime, office_timezone: str) -> dt.date:
    """The Monday of the ISO week (office calendar) the start falls in: the cap's week."""
    local = start_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(office_timezone)).date()
    return local - dt.timedelta(days=local.weekday())


def day_starts(
    windows: Iterable[str], day: dt.date, office_timezone: str, rules: CoffeeRules
) -> list[dt.datetime]:
    """Every slot start (naive UTC) the windows give on one office-calendar day, in order."""
    tz = ZoneInfo(office_timezone)
    starts: set[dt.datetime] = set()
    step = rules.duration
    for text in windows:
        try:
            window = parse_window(text)
        except BadWindow:  # HR's input is checked; a bad row must not stop every offer
            logger.warning("ignoring an ambassador window that cannot be read: %r", text)
            continue
        if window.weekday != day.weekday():
            continue
        begin = dt.datetime.combine(day, window.start)
        finish = dt.datetime.combine(
            day + dt.timedelta(days=1) if window.end == dt.time(0, 0) else day, window.end
        )
        moment = begin
        while moment + step <= finish:
            utc = to_utc(moment.date(), moment.time(), tz)
            if utc is not None:
                starts.add(utc)
            moment += step
    return sorted(starts)


def is_window_start(
    windows: Iterable[str], start_utc: dt.datetime, office_timezone: str, rules: CoffeeRules
) -> bool:
    """Whether a UTC start is one of the 30-minute steps of the ambassador's windows."""
    local_day = start_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(office_timezone)).date()
    return start_utc in day_starts(windows, local_day, office_timezone, rules)


def fold(text: str) -> str:
    """Lower case without accents, for matching what candidates type."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _whole(phrase: str) -> str:
    """`phrase` as a pattern matching it whole (not inside a longer word or hyphenation)."""
    return rf"(?<![\w-]){re.escape(phrase)}(?![\w-])"


def has_phrase(words: str, phrase: str) -> bool:
    """Whether folded `words` hold `phrase` whole (not inside a longer word or hyphenation)."""
    return re.search(_whole(phrase), words) is not None


def phrase_spans(words: str, phrase: str) -> list[tuple[int, int]]:
    """Where folded `words` hold `phrase` whole: (start, end) of each place."""
    return [m.span() for m in re.finditer(_whole(phrase), words)]


def fits(
    ambassador: Ambassador,
    *,
    team: str | None = None,
    topic: str | None = None,
    language: str | None = None,
) -> bool:
    """Whether an ambassador suits the request: same team, speaks the language, and one
    of their topics contains what was asked (or the other way round), accents ignored."""
    if team and ambassador.team != team:
        return False
    if language and language not in (ambassador.languages or []):
        return False
    if topic:
        wanted = fold(topic)
        if not wanted:
            return True
        return any(
            wanted in fold(str(item)) or fold(str(item)) in wanted
            for item in ambassador.topics or []
        )
    return True


def _busy(
    session: Session, ids: Sequence[str], first_week: dt.date, last_week: dt.date
) -> tuple[dict[str, list[tuple[dt.datetime, dt.datetime]]], dict[tuple[str, dt.date], int]]:
    """Confirmed bookings of these ambassadors in these weeks: their times, and counts per week."""
    rows = session.execute(
        select(Booking.ambassador_id, Booking.start_utc, Booking.end_utc, Booking.week_start).where(
            Booking.ambassador_id.in_(ids),
            Booking.status == "confirmed",
            Booking.week_start >= first_week,
            Booking.week_start <= last_week,
        )
    ).all()
    taken: dict[str, list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    per_week: dict[tuple[str, dt.date], int] = defaultdict(int)
    for ambassador_id, start, end, week in rows:
        taken[ambassador_id].append((start, end))
        per_week[(ambassador_id, week)] += 1
    return taken, per_week


def _paused_days(
    session: Session, ids: Sequence[str], first: dt.date, last: dt.date
) -> dict[str, list[tuple[dt.date, dt.date]]]:
    rows = session.execute(
        select(AmbassadorPause.ambassador_id, AmbassadorPause.first_day, AmbassadorPause.last_day)
        .where(AmbassadorPause.ambassador_id.in_(ids))
        .where(AmbassadorPause.first_day <= last, AmbassadorPause.last_day >= first)
    ).all()
    paused: dict[str, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for ambassador_id, first_day, last_day in rows:
        paused[ambassador_id].append((first_day, last_day))
    return paused


def free_slots(
    *,
    session: Session,
    now: dt.datetime,
    office_timezone: str,
    rules: CoffeeRules | None = None,
    team: str | None = None,
    topic: str | None = None,
    language: str | None = None,
    ambassador_ids: Sequence[str] | None = None,
) -> list[Slot]:
    """Every free slot from now + notice to now + horizon (`now` naive UTC), earliest first."""
    rules = rules or coffee_rules()
    query = select(Ambassador).where(Ambassador.active.is_(True))
    if ambassador_ids is not None:
        query = query.where(Ambassador.id.in_(list(ambassador_ids)))
    ambassadors = [
        a
        for a in session.execute(query.order_by(Ambassador.id)).scalars()
        if fits(a, team=team, topic=topic, language=language)
    ]
    if not ambassadors:
        return []
    tz = ZoneInfo(office_timezone)
    earliest, latest = now + rules.notice, now + rules.horizon
    first_day = earliest.replace(tzinfo=UTC).astimezone(tz).date()
    last_day = latest.replace(tzinfo=UTC).astimezone(tz).date()
    first_week = first_day - dt.timedelta(days=first_day.weekday())
    last_week = last_day - dt.timedelta(days=last_day.weekday())
    ids = [a.id for a in ambassadors]
    taken, per_week = _busy(session, ids, first_week, last_week)
    paused = _paused_days(session, ids, first_day, last_day)
    found: list[Slot] = []
    duration = rules.duration
    for ambassador in ambassadors:
        ident, windows, cap = ambassador.id, list(ambassador.windows or []), ambassador.cap
        pauses = paused.get(ident, [])
        busy = taken.get(ident, [])
        day = first_day
        while day <= last_day:
            week = day - dt.timedelta(days=day.weekday())
            full = per_week.get((ident, week), 0) >= cap
            if not full and not any(a <= day <= b for a, b in pauses):
                for start in day_starts(windows, day, office_timezone, rules):
                    end = start + duration
                    if start < earliest or start > latest:
                        continue
                    if any(s < end and start < e for s, e in busy):
                        continue
                    found.append(Slot(ident, start, end))
            day += dt.timedelta(days=1)
    found.sort(key=lambda slot: (slot.start_utc, slot.ambassador_id))
    return found


@dataclass(frozen=True)
class Host:
    """An ambassador who fits a request, with their next free slots."""

    ambassador: Ambassador
    slots: tuple[Slot, ...]

    def to_json(self) -> dict[str, str]:
        """What candidates may see (their consent): first name, role, team."""
        a = self.ambassador
        return {"id": a.id, "name": a.first_name, "role": a.role, "team": a.team}


def find_hosts(
    *,
    session: Session,
    now: dt.datetime,
    office_timezone: str,
    language: str | None,
    team: str | None = None,
    topic: str | None = None,
    rules: CoffeeRules | None = None,
    limit: int = HOSTS_SHOWN,
    slots_per_host: int = 3,
) -> list[Host]:
    """Up to `limit` fitting ambassadors who have a free slot, soonest first, each with
    their next `slots_per_host` slots."""
    slots = free_slots(
        session=session,
        now=now,
        office_timezone=office_timezone,
        rules=rules,
        team=team,
        topic=topic,
        language=language,
    )
    by_host: dict[str, list[Slot]] = {}
    for slot in slots:  # earliest first, so hosts come in the order of their next slot
        by_host.setdefault(slot.ambassador_id, []).append(slot)
    chosen = list(by_host)[:limit]
    if not chosen:
        return []
    ambassadors = {
        a.id: a
        for a in session.execute(select(Ambassador).where(Ambassador.id.in_(chosen))).scalars()
    }
    return [Host(ambassadors[i], tuple(by_host[i][:slots_per_host])) for i in chosen]


def format_day(moment_utc: dt.datetime, language: str, timezone: str) -> str:
    """ "jeudi 3 décembre, 14:00" / "Thursday 3 December, 14:00" in that time zone."""
    local = moment_utc.replace(tzinfo=UTC).astimezone(ZoneInfo(timezone))
    return f"{day_in_words(local.date(), language)}, {local:%H:%M}"


def _city(timezone: str) -> str:
    return timezone.rsplit("/", 1)[-1].replace("_", " ")


def describe_time(
    start_utc: dt.datetime,
    language: str,
    office_timezone: str,
    candidate_timezone: str | None = None,
) -> str:
    """The start in office time, and in the candidate's zone when it reads differently:
    "jeudi 3 décembre, 14:00 (heure de Paris), soit jeudi 3 décembre, 08:00 chez vous
    (America/Montreal)"."""
    office = format_day(start_utc, language, office_timezone)
    city = _city(office_timezone)
    if language == "fr":
        text = f"{office} (heure de {city})"
    else:
        text = f"{office} ({city} time)"
    if candidate_timezone is None or zone(candidate_timezone) is None:
        return text
    theirs = format_day(start_utc, language, candidate_timezone)
    if theirs == office:
        return text
    if language == "fr":
        return f"{text}, soit {theirs} chez vous ({candidate_timezone})"
    return f"{text}, that is {theirs} your time ({candidate_timezone})"


def coffee_rules() -> CoffeeRules:
    """The logistics from data/meetings/ambassadors.yml (read once per process)."""
    return load_coffee_rules()
