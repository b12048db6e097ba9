from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import delete, select

from bot.core.audit import entries
from bot.core.db import transaction
from bot.records.defaults import (
    DefaultsFileError,
    EventRule,
    fill_job_facets,
    load_defaults,
    nth_weekday,
    prepare_records,
    seed_defaults,
    top_up_events,
)
from bot.records.models import Event, JobPosition
from bot.records.service import list_events, list_jobs, save_event
from tests.records.conftest import TODAY

THURSDAY, WEDNESDAY = 3, 2


def test_first_thursday_and_last_wednesday_of_every_month():
    for year in (2026, 2027, 2028):  # 2028 is a leap year
        for month in range(1, 13):
            days = [dt.date(year, month, 1) + dt.timedelta(days=n) for n in range(31)]
            days = [d for d in days if d.month == month]
            thursdays = [d for d in days if d.weekday() == THURSDAY]
            wednesdays = [d for d in days if d.weekday() == WEDNESDAY]
            assert nth_weekday(year, month, THURSDAY, "first") == thursdays[0]
            assert nth_weekday(year, month, THURSDAY, "second") == thursdays[1]
            assert nth_weekday(year, month, WEDNESDAY, "last") == wednesdays[-1]


def test_known_dates():
    assert nth_weekday(2026, 10, THURSDAY, "first") == dt.date(2026, 10, 1)  # the 1st itself
    assert nth_weekday(2027, 1, THURSDAY, "first") == dt.date(2027, 1, 7)
    assert nth_weekday(2026, 12, WEDNESDAY, "last") == dt.date(2026, 12, 30)
    assert nth_weekday(2027, 3, WEDNESDAY, "last") == dt.date(2027, 3, 31)  # the last day
    assert nth_weekday(2028, 2, WEDNESDAY, "last") == dt.date(2028, 2, 23)


def monthly(week: str, weekday: int) -> EventRule:
    return EventRule(kind="open_house", repeat="monthly", weekdays=(weekday,), week=week)


def test_monthly_rule_crosses_the_year_end():
    rule = monthly("first", THURSDAY)
    assert rule.dates(start=dt.date(2026, 12, 3))[:2] == [dt.date(2026, 12, 3), dt.date(2027, 1, 7)]
    after = rule.dates(start=dt.date(2026, 12, 4))
    assert after == [
        dt.date(2027, 1, 7),
        dt.date(2027, 2, 4),
        dt.date(2027, 3, 4),
        dt.date(2027, 4, 1),
        dt.date(2027, 5, 6),
        dt.date(2027, 6, 3),
    ]
    last = monthly("last", WEDNESDAY)
    assert last.dates(start=dt.date(2026, 12, 31))[0] == dt.date(2027, 1, 27)
    assert last.dates(start=dt.date(2026, 12, 30))[0] == dt.date(2026, 12, 30)


def test_weekly_rule_keeps_its_weekdays_for_its_weeks():
    rule = EventRule(kind="team_coffee", repeat="weekly", weekdays=(1, 3), weeks=2)
    assert rule.dates(start=dt.date(2026, 12, 28)) == [
        dt.date(2026, 12, 29),
        dt.date(2026, 12, 31),
        dt.date(2027, 1, 5),
        dt.date(2027, 1, 7),
    ]


def test_shipped_defaults_hold_only_the_company_facts(default_docs):
    defaults = load_defaults()
    rules = {rule.kind: rule for rule in defaults.events}
    assert set(rules) == {"open_house", "reverse_qa", "team_coffee"}  # no dates for the hackathon
    house, live, coffee = rules["open_house"], rules["reverse_qa"], rules["team_coffee"]
    assert (house.repeat, house.week, house.weekdays) == ("monthly", "first", (THURSDAY,))
    assert (house.details["start_time"], house.details["end_time"]) == ("17:30", "19:30")
    assert (live.repeat, live.week, live.weekdays) == ("monthly", "last", (WEDNESDAY,))
    assert (live.details["start_time"], live.details["end_time"]) == ("12:30", None)
    assert (coffee.repeat, coffee.weekdays) == ("weekly", (1, THURSDAY))
    assert coffee.details["start_time"] is None  # the company file gives no time
    assert all(rule.details.get("note_fr") is None for rule in defaults.events)
    articles = {doc.id for doc in default_docs}
    assert [job["id"] for job in defaults.jobs] == [
        "senior-backend",
        "sre",
        "data-scientist",
        "product-designer",
        "mobile-kotlin",
        "csm",
    ]
    assert all(job["article_id"] == f"job-{job['id']}" for job in defaults.jobs)
    assert all(job["article_id"] in articles for job in defaults.jobs)


def test_a_broken_defaults_file_names_every_problem(tmp_path: Path):
    path = tmp_path / "defaults.yml"
    path.write_text(
        """
events:
  - {kind: open_house, repeat: monthly, week: first, weekday: thursdai, occurrences: 6,
     start_time: "25:00", place: {fr: Lyon}}
  - {kind: party, repeat: weekly}
  - {kind: team_coffee, repeat: yearly}
jobs:
  - {id: sre, title: {fr: SRE, en: SRE}, team: platform, location: {fr: Lyon, en: Lyon},
     salary: {min: 70000, max: 55000}}
  - {title: {fr: X, en: X}}
"""
    )
    with pytest.raises(DefaultsFileError) as raised:
        load_defaults(path)
    message = str(raised.value)
    for expected in (
        "event 1: weekday must be one of",
        "event 1: start_time 25:00 is not a time of day",
        "event 1: place_en is needed in English too",
        "event 2: kind must be one of",
        "event 3: repeat must be monthly or weekly",
        "job 1: salary_max must not be below the minimum salary",
        "job 2: a job needs an id",
    ):
        assert expected in message


def test_seeding_fills_empty_tables_once(db_url):
    defaults = load_defaults()
    with transaction(db_url) as session:
        report = seed_defaults(session=session, today=TODAY, defaults=defaults)
        assert report.jobs == 6
        assert report.events == {"open_house": 6, "reverse_qa": 6, "team_coffee": 8}
    with transaction(db_url) as session:
        again = seed_defaults(session=session, today=TODAY, defaults=defaults)
        assert not again.changed
        assert len(list_jobs(session=session)) == 6
        assert len(list_events(session=session)) == 20
        seeded = [e for e in entries(session=session) if e.action == "records.seeded"]
        assert len(seeded) == 1
        assert seeded[0].actor == "default records"


def test_seeded_occurrences_are_the_company_calendar(db_url):
    with transaction(db_url) as session:
        seed_defaults(session=session, today=TODAY, defaults=load_defaults())
        events = list_events(session=session)
        houses = [e for e in events if e.kind == "open_house"]
        assert [e.date for e in houses] == [
            dt.date(2026, 12, 3),
            dt.date(2027, 1, 7),
            dt.date(2027, 2, 4),
            dt.date(2027, 3, 4),
            dt.date(2027, 4, 1),
            dt.date(2027, 5, 6),
        ]
        assert houses[0].to_json() | {"id": 0, "updated_at": None} == {
            "id": 0,
            "kind": "open_house",
            "date": "2026-12-03",
            "end_date": None,
            "start_time": "17:30",
            "end_time": "19:30",
            "place_fr": "Siège de Lyon (Part-Dieu)",
            "place_en": "Lyon headquarters (Part-Dieu)",
            "note_fr": None,
            "note_en": None,
            "status": "scheduled",
            "updated_at": None,
            "updated_by": "default records",
        }
        lives = [e for e in events if e.kind == "reverse_qa"]
        assert [e.date for e in lives][:3] == [
            dt.date(2026, 12, 30),  # November's last Wednesday (the 25th) is past
            dt.date(2027, 1, 27),
            dt.date(2027, 2, 24),
        ]
        assert {(e.start_time, e.end_time) for e in lives} == {(dt.time(12, 30), None)}
        coffees = [e for e in events if e.kind == "team_coffee"]
        assert coffees[0].date == TODAY  # a Thursday
        assert coffees[-1].date == dt.date(2026, 12, 22)
        assert {e.date.weekday() for e in coffees} == {1, 3}
        assert {(e.start_time, e.end_time) for e in coffees} == {(None, None)}
        jobs = list_jobs(session=session)
        assert [j.id for j in jobs][:2] == ["senior-backend", "sre"]
        assert jobs[-1].to_json() | {"updated_at": None} == {
            "id": "csm",
            "title_fr": "Customer Success Manager",
            "title_en": "Customer Success Manager",
            "team": "customer_success",
            "location_fr": "Paris",
            "location_en": "Paris",
            "salary_min": 40000,
            "salary_max": 48000,
            "salary_note_fr": "+ variable",
            "salary_note_en": "plus variable",
            "status": "open",
            "article_id": "job-csm",
            "sort_order": 6,
            "cities": ["Paris"],
            "remote": "hybrid",
            "level": None,  # not stated in the company file
            "contract": None,
            "languages": [],
            "updated_at": None,
            "updated_by": "default records",
        }


def test_only_the_empty_table_is_seeded(records_url):
    with transaction(records_url) as session:
        session.execute(delete(JobPosition))
        session.execute(delete(Event).where(Event.kind == "team_coffee"))
    with transaction(records_url) as session:
        report = seed_defaults(session=session, today=TODAY, defaults=load_defaults())
        assert (report.jobs, report.events) == (6, {})


def test_top_up_extends_the_calendar_without_bringing_back_deleted_dates(records_url):
    defaults = load_defaults()
    with transaction(records_url) as session:
        houses = list_events(session=session, kinds=("open_house",))
        session.delete(houses[1])  # HR removed January's open house
        # HR moved the last open house to 18:00-20:00: later ones follow
        save_event(
            session=session,
            data={"id": houses[-1].id, "start_time": "18:00", "end_time": "20:00"},
            author="malik",
        )
    later = dt.date(2027, 1, 10)
    with transaction(records_url) as session:
        report = top_up_events(session=session, today=later, defaults=defaults)
        assert report.events == {"open_house": 2, "reverse_qa": 1, "team_coffee": 8}
        houses = list_events(session=session, kinds=("open_house",))
        assert dt.date(2027, 1, 7) not in [e.date for e in houses]
        assert [(e.date, e.start_time) for e in houses[-2:]] == [
            (dt.date(2027, 6, 3), dt.time(18)),
            (dt.date(2027, 7, 1), dt.time(18)),
        ]
        assert houses[-1].updated_by == "default records"
        coffees = list_events(
            session=session, kinds=("team_coffee",), upcoming_only=True, today=later
        )
        assert coffees[-1].date == dt.date(2027, 2, 4)
        assert any(e.action == "events.topped_up" for e in entries(session=session))
    with transaction(records_url) as session:
        assert not top_up_events(session=session, today=later, defaults=defaults).changed


def test_prepare_records_at_start_is_idempotent(db_url):
    with transaction(db_url) as session:
        first = prepare_records(session=session, today=TODAY)
        assert first.jobs == 6 and sum(first.events.values()) == 20
    with transaction(db_url) as session:
        assert not prepare_records(session=session, today=TODAY).changed
        count = len(session.execute(select(Event.id)).all())
        assert count == 20


def test_positions_recorded_before_their_facets_get_the_files_once(records_url):
    with transaction(records_url) as session:
        for job in list_jobs(session=session):
            job.cities, job.remote, job.level = [], None, None
        hr_choice = session.get(JobPosition, "sre")
        hr_choice.remote = "on_site"  # HR's own choice is kept
    with transaction(records_url) as session:
        filled = fill_job_facets(session=session, defaults=load_defaults())
        again = fill_job_facets(session=session, defaults=load_defaults())
        backend = session.get(JobPosition, "senior-backend")
        sre = session.get(JobPosition, "sre")
    assert "senior-backend" in filled and "sre" not in filled and again == []
    assert (backend.cities, backend.remote, backend.level) == (["Lyon"], "full_remote", "senior")
    assert (sre.cities, sre.remote) == ([], "on_site")
