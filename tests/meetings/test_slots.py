"""Free slots: windows in office time, 30-minute steps, notice, horizon, cap, pauses, DST,
and how times read in French and English, in the office's and the candidate's zones."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import update

from bot.core.db import transaction
from bot.meetings.models import Ambassador, AmbassadorPause
from bot.meetings.rules import BadWindow, Window, parse_window
from bot.meetings.slots import (
    BadSlotId,
    describe_time,
    find_hosts,
    format_day,
    free_slots,
    parse_slot_id,
    slot_id,
    week_start,
)
from tests.meetings.conftest import NOW, OFFICE, RULES, add_ambassador, utc


def paris(slots) -> list[str]:
    """Slot starts as Paris wall-clock text."""
    return [s.start_in(OFFICE).strftime("%a %d %b %H:%M") for s in slots]


def slots_of(url: str, ambassador: str, now: dt.datetime = NOW, **filters):
    with transaction(url) as session:
        return free_slots(
            session=session,
            now=now,
            office_timezone=OFFICE,
            rules=RULES,
            ambassador_ids=[ambassador],
            **filters,
        )


def test_a_window_reads_as_weekday_and_office_times():
    assert parse_window("tuesday 10:00-12:00") == Window(1, dt.time(10), dt.time(12))
    assert str(parse_window("Thursday 9:30 - 11:00")) == "thursday 09:30-11:00"
    for bad in ("tuesday 12:00-10:00", "tue 10:00-12:00", "tuesday 25:00-26:00", "", "monday"):
        with pytest.raises(BadWindow):
            parse_window(bad)


def test_a_slot_id_names_the_host_and_the_utc_start_and_reads_back():
    assert slot_id("lea", utc("2026-12-01 09:00")) == "lea-20261201T0900"
    assert parse_slot_id("lea-20261201T0900") == ("lea", utc("2026-12-01 09:00"))
    assert parse_slot_id("jean-paul-20261201T0900") == ("jean-paul", utc("2026-12-01 09:00"))
    for bad in ("lea", "lea-20261301T0900", "LEA-20261201T0900", "lea-2026-12-01", None, 42):
        with pytest.raises(BadSlotId):
            parse_slot_id(bad)


def test_slots_follow_the_windows_in_30_minute_steps_over_14_days(meetings_url):
    slots = slots_of(meetings_url, "lea")
    assert paris(slots) == [
        "Tue 01 Dec 10:00",
        "Tue 01 Dec 10:30",
        "Tue 01 Dec 11:00",
        "Tue 01 Dec 11:30",
        "Thu 03 Dec 14:00",
        "Thu 03 Dec 14:30",
        "Thu 03 Dec 15:00",
        "Thu 03 Dec 15:30",
        "Thu 03 Dec 16:00",
        "Thu 03 Dec 16:30",
        "Tue 08 Dec 10:00",
        "Tue 08 Dec 10:30",
        "Tue 08 Dec 11:00",
        "Tue 08 Dec 11:30",
        "Thu 10 Dec 14:00",
        "Thu 10 Dec 14:30",
        "Thu 10 Dec 15:00",
        "Thu 10 Dec 15:30",
        "Thu 10 Dec 16:00",
        "Thu 10 Dec 16:30",
    ]
    assert slots[0].id == "lea-20261201T0900"
    assert slots[0].end_utc == utc("2026-12-01 09:30")
    assert slots[0].to_json(OFFICE) == {
        "id": "lea-20261201T0900",
        "start": "2026-12-01T10:00+01:00",
        "end": "2026-12-01T10:30+01:00",
        "host": "lea",
    }
    # a window starting on the half hour: 09:30-11:00 gives three coffees
    assert paris(slots_of(meetings_url, "julien"))[:3] == [
        "Thu 03 Dec 09:30",
        "Thu 03 Dec 10:00",
        "Thu 03 Dec 10:30",
    ]


def test_nothing_is_offered_less_than_24_hours_ahead(meetings_url):
    one_minute_later = NOW + dt.timedelta(minutes=1)
    assert paris(slots_of(meetings_url, "lea", one_minute_later))[0] == "Tue 01 Dec 10:30"
    assert paris(slots_of(meetings_url, "lea", NOW))[0] == "Tue 01 Dec 10:00"


def test_nothing_is_offered_more_than_14_days_ahead(meetings_url):
    # now + 14 days is Tuesday 15 December 10:00 Paris: that slot is the last one offered
    tuesday = utc("2026-12-01 09:00")
    assert paris(slots_of(meetings_url, "lea", tuesday))[-1] == "Tue 15 Dec 10:00"
    a_minute_earlier = tuesday - dt.timedelta(minutes=1)
    assert paris(slots_of(meetings_url, "lea", a_minute_earlier))[-1] == "Thu 10 Dec 16:30"


def test_a_booked_slot_is_no_longer_free(meetings_url, booked):
    booked("lea-20261201T0930")
    slots = paris(slots_of(meetings_url, "lea"))
    assert "Tue 01 Dec 10:30" not in slots
    assert slots[:3] == ["Tue 01 Dec 10:00", "Tue 01 Dec 11:00", "Tue 01 Dec 11:30"]


def test_a_week_that_reached_the_cap_offers_nothing_more(meetings_url, booked):
    booked("lea-20261201T0900", email="a@example.org")
    booked("lea-20261203T1300", email="b@example.org")  # cap 2: the week of 30 November is full
    slots = paris(slots_of(meetings_url, "lea"))
    assert slots[0] == "Tue 08 Dec 10:00"
    assert len(slots) == 10


def test_a_cancelled_booking_frees_its_slot_and_its_place_in_the_cap(meetings_url, booked):
    from bot.meetings.booking import cancel

    first = booked("lea-20261201T0900", email="a@example.org")
    booked("lea-20261203T1300", email="b@example.org")
    with transaction(meetings_url) as session:
        cancel(session=session, public_id=first.public_id, now=NOW)
    slots = paris(slots_of(meetings_url, "lea"))
    assert slots[0] == "Tue 01 Dec 10:00"
    assert "Thu 03 Dec 14:00" not in slots


def test_a_pause_removes_its_days_only(meetings_url):
    with transaction(meetings_url) as session:
        session.add(
            AmbassadorPause(
                ambassador_id="lea", first_day=dt.date(2026, 12, 3), last_day=dt.date(2026, 12, 8)
            )
        )
    days = {s[:10] for s in paris(slots_of(meetings_url, "lea"))}
    assert days == {"Tue 01 Dec", "Thu 10 Dec"}


def test_an_inactive_ambassador_has_no_slot(meetings_url):
    with transaction(meetings_url) as session:
        session.execute(update(Ambassador).where(Ambassador.id == "lea").values(active=False))
    assert slots_of(meetings_url, "lea") == []


def test_windows_stay_at_office_time_across_the_end_of_march(meetings_url):
    # Clocks go forward on Sunday 28 March 2027: Paris is UTC+1 before, UTC+2 after.
    slots = slots_of(meetings_url, "lea", utc("2027-03-22 08:00"))
    tuesdays = [s for s in slots if s.start_in(OFFICE).weekday() == 1]
    firsts = [s.start_utc for s in tuesdays if s.start_in(OFFICE).strftime("%H:%M") == "10:00"]
    assert firsts == [utc("2027-03-23 09:00"), utc("2027-03-30 08:00")]
    assert {s.start_in(OFFICE).strftime("%H:%M") for s in tuesdays} == {
        "10:00",
        "10:30",
        "11:00",
        "11:30",
    }
    assert week_start(utc("2027-03-28 22:30"), OFFICE) == dt.date(2027, 3, 29)  # Monday 00:30


def test_windows_stay_at_office_time_across_the_end_of_october(meetings_url):
    # Clocks go back on Sunday 31 October 2027: Paris is UTC+2 before, UTC+1 after.
    slots = slots_of(meetings_url, "lea", utc("2027-10-25 07:00"))
    firsts = [
        s.start_utc
        for s in slots
        if s.start_in(OFFICE).strftime("%a %H:%M") in ("Tue 10:00", "Thu 14:00")
    ]
    assert firsts == [
        utc("2027-10-26 08:00"),
        utc("2027-10-28 12:00"),
        utc("2027-11-02 09:00"),
        utc("2027-11-04 13:00"),
    ]


def test_a_window_over_the_changed_hour_skips_the_missing_one(meetings_url):
    add_ambassador(meetings_url, windows=["sunday 01:30-04:00"], cap=5)
    march = slots_of(meetings_url, "zoe", utc("2027-03-26 00:00"))
    assert [(s.start_in(OFFICE).strftime("%H:%M"), s.start_utc) for s in march][:3] == [
        ("01:30", utc("2027-03-28 00:30")),
        ("03:00", utc("2027-03-28 01:00")),  # 02:00 and 02:30 do not exist that night
        ("03:30", utc("2027-03-28 01:30")),
    ]
    october = slots_of(meetings_url, "zoe", utc("2027-10-29 00:00"))
    # wall-clock steps: 02:00 and 02:30 once (summer time), then 03:00 winter time
    assert [s.start_utc for s in october][:5] == [
        utc("2027-10-30 23:30"),
        utc("2027-10-31 00:00"),
        utc("2027-10-31 00:30"),
        utc("2027-10-31 02:00"),
        utc("2027-10-31 02:30"),
    ]


def test_the_day_is_written_out_in_french_and_english():
    start = utc("2026-12-03 13:00")
    assert format_day(start, "fr", OFFICE) == "jeudi 3 décembre, 14:00"
    assert format_day(start, "en", OFFICE) == "Thursday 3 December, 14:00"
    assert format_day(utc("2026-12-01 09:00"), "fr", OFFICE) == "mardi 1er décembre, 10:00"
    assert format_day(utc("2027-08-15 08:00"), "fr", OFFICE) == "dimanche 15 août, 10:00"


def test_times_are_also_given_in_the_candidates_own_zone():
    start = utc("2026-12-03 13:00")
    assert describe_time(start, "fr", OFFICE, "America/Montreal") == (
        "jeudi 3 décembre, 14:00 (heure de Paris), "
        "soit jeudi 3 décembre, 08:00 chez vous (America/Montreal)"
    )
    assert describe_time(utc("2026-12-03 16:00"), "en", OFFICE, "Asia/Tokyo") == (
        "Thursday 3 December, 17:00 (Paris time), "
        "that is Friday 4 December, 01:00 your time (Asia/Tokyo)"
    )
    # Montreal changes its clocks two weeks before Paris: five hours apart, not six
    assert describe_time(utc("2027-03-23 09:00"), "en", OFFICE, "America/Montreal") == (
        "Tuesday 23 March, 10:00 (Paris time), "
        "that is Tuesday 23 March, 05:00 your time (America/Montreal)"
    )
    office_only = "Thursday 3 December, 14:00 (Paris time)"
    assert describe_time(start, "en", OFFICE) == office_only
    assert describe_time(start, "en", OFFICE, "Europe/Brussels") == office_only
    assert describe_time(start, "en", OFFICE, "Mars/Olympus_Mons") == office_only
    assert describe_time(start, "en", OFFICE, "../../etc/passwd") == office_only


def test_hosts_are_chosen_by_team_topic_and_language(meetings_url):
    def hosts(**filters):
        with transaction(meetings_url) as session:
            found = find_hosts(
                session=session, now=NOW, office_timezone=OFFICE, rules=RULES, **filters
            )
            return [(h.ambassador.id, [s.id for s in h.slots]) for h in found], [
                h.to_json() for h in found
            ]

    found, shown = hosts(language="en", team="product_engineering")
    assert found == [
        ("nora", ["nora-20261201T1130", "nora-20261201T1200", "nora-20261203T1130"]),
        ("thomas", ["thomas-20261201T1300", "thomas-20261201T1330", "thomas-20261201T1400"]),
    ]
    assert shown[0] == {
        "id": "nora",
        "name": "Nora",
        "role": "Backend Engineer (former apprentice)",
        "team": "product_engineering",
    }
    assert [h for h, _ in hosts(language="en")[0]] == ["amina", "lea", "nora"]
    assert [h for h, _ in hosts(language="fr", topic="kubernetes")[0]] == ["lea"]
    assert [h for h, _ in hosts(language="en", topic="Remote work")[0]] == ["thomas"]
    assert [h for h, _ in hosts(language="fr", topic="Télétravail")[0]] == []
    assert hosts(language="en", team="mobile") == ([], [])  # Hugo speaks French only
    assert [h for h, _ in hosts(language="fr", team="mobile")[0]] == ["hugo"]
