"""Dates written out for people, in French and English: "jeudi 1er janvier" /
"Thursday 1 January". One place, so that an answer, an e-mail and a slot read alike."""

from __future__ import annotations

import datetime as dt

# The English weekday names our data files use ("tuesday 10:00-12:00", weekday: thursday).
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DAY_NAMES = {
    "fr": ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}
MONTH_NAMES = {
    "fr": (
        "janvier", "février", "mars", "avril", "mai", "juin",
        "juillet", "août", "septembre", "octobre", "novembre", "décembre",
    ),
    "en": (
        "January", "February", "March", "April", "May", "June",
        "July", "August", "September", "October", "November", "December",
    ),
}  # fmt: skip


def _day_and_month(day: dt.date, lang: str) -> str:
    """'1er janvier' / '1 January'."""
    number = "1er" if lang == "fr" and day.day == 1 else str(day.day)
    return f"{number} {MONTH_NAMES[lang][day.month - 1]}"


def day_in_words(day: dt.date, language: str) -> str:
    """'jeudi 1er janvier' / 'Thursday 1 January' (English for any other language)."""
    lang = "fr" if language == "fr" else "en"
    return f"{DAY_NAMES[lang][day.weekday()]} {_day_and_month(day, lang)}"


def date_in_words(day: dt.date, language: str) -> str:
    """'1er octobre 2026' / '1 October 2026' (English for any other language)."""
    lang = "fr" if language == "fr" else "en"
    return f"{_day_and_month(day, lang)} {day.year}"


def working_days_after(day: dt.date, count: int) -> dt.date:
    """The day `count` working days (Monday to Friday) after `day`; public holidays are
    not known here, so a promise made with it may be a day early around them."""
    found = day
    while count > 0:
        found += dt.timedelta(days=1)
        if found.weekday() < 5:
            count -= 1
    return found
