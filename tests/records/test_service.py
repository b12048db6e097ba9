from __future__ import annotations

import datetime as dt

import pytest

from bot.core.audit import entries
from bot.core.db import transaction
from bot.records.models import Event
from bot.records.service import (
    RecordError,
    RecordNotFound,
    cancel_event,
    close_job,
    delete_event,
    delete_job,
    get_event,
    get_job,
    list_events,
    list_jobs,
    local_today,
    reopen_job,
    save_event,
    save_job,
)
from tests.records.conftest import TODAY

HOUSE = {
    "kind": "open_house",
    "date": "2027-01-07",
    "start_time": "17:30",
    "end_time": "19:30",
    "place_fr": "Siège de Lyon",
    "place_en": "Lyon headquarters",
}
JOB = {
    "title_fr": "Ingénieure données",
    "title_en": "Data Engineer",
    "team": "data_ml",
    "location_fr": "Lyon",
    "location_en": "Lyon",
    "salary_min": 50000,
    "salary_max": 62000,
}
HUGE = "x" * 10_240


def errors_of(raised: pytest.ExceptionInfo[RecordError]) -> dict[str, str]:
    """{field: English wording}; each problem names its own field too."""
    errors = raised.value.errors
    assert all(problem.field == field for field, problem in errors.items()), errors
    return {field: str(problem) for field, problem in errors.items()}


def test_an_event_is_created_shown_and_audited(db_url):
    with transaction(db_url) as session:
        event = save_event(session=session, data=HOUSE, author="malik")
        shown = event.to_json()
        assert shown["updated_at"].endswith("Z")
        assert shown | {"updated_at": None} == {
            "id": event.id,
            "kind": "open_house",
            "date": "2027-01-07",
            "end_date": None,
            "start_time": "17:30",
            "end_time": "19:30",
            "place_fr": "Siège de Lyon",
            "place_en": "Lyon headquarters",
            "note_fr": None,
            "note_en": None,
            "status": "scheduled",
            "updated_at": None,
            "updated_by": "malik",
        }
        (entry,) = entries(session=session)
        assert (entry.actor, entry.action, entry.target) == (
            "malik",
            "event.created",
            f"event:{event.id}",
        )
        assert entry.detail["record"]["date"] == "2027-01-07"


def test_an_update_changes_only_the_given_fields_and_says_what_changed(db_url):
    with transaction(db_url) as session:
        event = save_event(session=session, data=HOUSE, author="malik")
    with transaction(db_url) as session:
        # a form sends back what it got, with strings for the id and the seconds
        sent = {**event.to_json(), "id": str(event.id), "start_time": "18:00:00", "note_fr": ""}
        sent["note_en"] = None
        updated = save_event(session=session, data=sent, author="camille")
        assert (updated.start_time, updated.end_time) == (dt.time(18), dt.time(19, 30))
        assert updated.updated_by == "camille"
        partial = save_event(
            session=session,
            data={"id": event.id, "note_fr": "Édition spéciale Data", "note_en": "Data special"},
            author="camille",
        )
        assert partial.place_fr == "Siège de Lyon"
        assert partial.note_en == "Data special"
        # the same values again: nothing to record
        save_event(session=session, data={"id": event.id, "date": "2027-01-07"}, author="x")
        actions = [(e.action, e.actor, e.detail) for e in entries(session=session)]
        assert actions[:2] == [
            (
                "event.updated",
                "camille",
                {
                    "changes": {
                        "note_fr": [None, "Édition spéciale Data"],
                        "note_en": [None, "Data special"],
                    }
                },
            ),
            ("event.updated", "camille", {"changes": {"start_time": ["17:30", "18:00"]}}),
        ]
        assert len(actions) == 3


def test_white_space_is_tidied_and_one_day_events_have_no_end_date(db_url):
    with transaction(db_url) as session:
        event = save_event(
            session=session,
            data={
                **HOUSE,
                "end_date": HOUSE["date"],
                "place_fr": "  Siège\n de   Lyon ",
                "note_fr": "   ",
            },
            author="malik",
        )
        assert (event.place_fr, event.note_fr, event.end_date) == ("Siège de Lyon", None, None)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"kind": "is required", "date": "is required"}),
        (
            {"kind": "party", "date": "2027-13-01"},
            {
                "kind": "must be one of: open_house, team_coffee, reverse_qa, hackathon",
                "date": "2027-13-01 is not a day of the calendar",
            },
        ),
        ({**HOUSE, "date": "2027-02-30"}, {"date": "2027-02-30 is not a day of the calendar"}),
        ({**HOUSE, "date": "07/01/2027"}, {"date": "must be a date like 2026-12-03"}),
        ({**HOUSE, "date": 20270107}, {"date": "must be a date like 2026-12-03"}),
        ({**HOUSE, "date": "1999-12-31"}, {"date": "must be a date between 2000 and 2100"}),
        ({**HOUSE, "kind": None}, {"kind": "is required"}),
        (
            {**HOUSE, "kind": 3},
            {"kind": "must be one of: open_house, team_coffee, reverse_qa, hackathon"},
        ),
        ({**HOUSE, "start_time": "25:00"}, {"start_time": "25:00 is not a time of day"}),
        ({**HOUSE, "start_time": "5pm"}, {"start_time": "must be a time like 17:30"}),
        ({**HOUSE, "start_time": 1730}, {"start_time": "must be a time like 17:30"}),
        ({**HOUSE, "end_time": "17:00"}, {"end_time": "must be after the start time"}),
        ({**HOUSE, "end_time": "17:30"}, {"end_time": "must be after the start time"}),
        ({**HOUSE, "start_time": None}, {"end_time": "needs a start time"}),
        ({**HOUSE, "end_date": "2027-01-06"}, {"end_date": "must not be before the date"}),
        ({**HOUSE, "end_date": "2027-03-01"}, {"end_date": "an event lasts at most 31 days"}),
        ({**HOUSE, "status": "done"}, {"status": "must be one of: scheduled, cancelled"}),
        ({**HOUSE, "place_fr": 12}, {"place_fr": "must be a text"}),
        ({**HOUSE, "place_fr": ["Lyon"]}, {"place_fr": "must be a text"}),
        (
            {**HOUSE, "place_en": None},
            {"place_en": "is needed in English too (or leave both languages empty)"},
        ),
        (
            {**HOUSE, "note_fr": "Sur inscription"},
            {"note_en": "is needed in English too (or leave both languages empty)"},
        ),
        (
            {**HOUSE, "note_fr": HUGE, "note_en": "x"},
            {"note_fr": "must be at most 500 characters (got 10240)"},
        ),
        ({**HOUSE, "place_en": HUGE}, {"place_en": "must be at most 200 characters (got 10240)"}),
        (
            {**HOUSE, "note_fr": "<script>alert(1)</script>", "note_en": "<b>Register</b>"},
            {
                "note_fr": "must be plain text, without HTML markup",
                "note_en": "must be plain text, without HTML markup",
            },
        ),
        (
            {**HOUSE, "note_fr": "**Gratuit**", "note_en": "[Register](https://evil.example)"},
            {
                "note_fr": "must be plain text, without Markdown formatting",
                "note_en": "must be plain text, without Markdown formatting",
            },
        ),
        ({**HOUSE, "place_fr": "Lyon\x00"}, {"place_fr": "must not contain control characters"}),
        ({**HOUSE, "colour": "red"}, {"colour": "unknown field"}),
    ],
)
def test_bad_event_input_is_refused_with_every_problem(db_url, data, expected):
    with transaction(db_url) as session:
        with pytest.raises(RecordError) as raised:
            save_event(session=session, data=data, author="malik")
        assert errors_of(raised) == expected
        assert list_events(session=session) == []
        assert entries(session=session) == []


@pytest.mark.parametrize("data", [None, [], "open_house", 3])
def test_input_that_is_not_an_object_is_refused(db_url, data):
    with transaction(db_url) as session:
        with pytest.raises(RecordError) as raised:
            save_event(session=session, data=data, author="malik")
        assert errors_of(raised) == {"__all__": "expected a JSON object with the record's fields"}
        with pytest.raises(RecordError):
            save_job(session=session, data=data, author="malik")


def test_a_refused_update_leaves_the_event_as_it_was(db_url):
    with transaction(db_url) as session:
        event = save_event(session=session, data=HOUSE, author="malik")
    with transaction(db_url) as session:
        with pytest.raises(RecordError) as raised:
            save_event(
                session=session,
                data={"id": event.id, "end_time": "16:00", "place_fr": ""},
                author="x",
            )
        assert errors_of(raised) == {
            "end_time": "must be after the start time",
            "place_fr": "is needed in French too (or leave both languages empty)",
        }
        again = get_event(session=session, event_id=event.id)
        assert (again.end_time, again.place_fr) == (dt.time(19, 30), "Siège de Lyon")


def test_a_two_day_event_may_end_earlier_in_the_day_than_it_started(db_url):
    with transaction(db_url) as session:
        hack = save_event(
            session=session,
            data={
                "kind": "hackathon",
                "date": "2027-04-08",
                "end_date": "2027-04-09",
                "start_time": "09:00",
                "end_time": "08:00",
            },
            author="malik",
        )
        assert hack.to_json()["end_date"] == "2027-04-09"


@pytest.mark.parametrize("bad_id", [999, "999", "abc", None, True, -1, 1.5, {"id": 1}])
def test_unknown_event_ids_are_not_found(records_url, bad_id):
    with transaction(records_url) as session:
        with pytest.raises(RecordNotFound):
            get_event(session=session, event_id=bad_id)
        with pytest.raises(RecordNotFound):
            cancel_event(session=session, event_id=bad_id, author="x")
        with pytest.raises(RecordNotFound):
            delete_event(session=session, event_id=bad_id, author="x")
        if bad_id is not None:
            with pytest.raises(RecordNotFound):
                save_event(session=session, data={**HOUSE, "id": bad_id}, author="x")


def test_cancelling_and_deleting_are_audited(records_url):
    with transaction(records_url) as session:
        first = list_events(session=session, kinds=("open_house",))[0]
        cancel_event(session=session, event_id=first.id, author="malik")
        cancel_event(session=session, event_id=first.id, author="malik")  # already: no entry
        assert get_event(session=session, event_id=first.id).status == "cancelled"
        delete_event(session=session, event_id=str(first.id), author="camille")
        with pytest.raises(RecordNotFound):
            get_event(session=session, event_id=first.id)
        deleted, cancelled = entries(session=session)[:2]
        assert (cancelled.action, cancelled.detail) == (
            "event.cancelled",
            {"kind": "open_house", "date": "2026-12-03"},
        )
        assert (deleted.action, deleted.actor, deleted.target) == (
            "event.deleted",
            "camille",
            f"event:{first.id}",
        )
        assert deleted.detail["record"]["status"] == "cancelled"
        assert [e.action for e in entries(session=session)].count("event.cancelled") == 1


def test_listing_upcoming_events(records_url):
    with transaction(records_url) as session:
        save_event(
            session=session,
            data={"kind": "hackathon", "date": "2026-11-25", "end_date": "2026-11-26"},
            author="malik",
        )
        save_event(
            session=session,
            data={"kind": "reverse_qa", "date": "2026-11-25", "start_time": "12:30"},
            author="malik",
        )
        upcoming = list_events(session=session, upcoming_only=True, today=TODAY)
        assert [(e.kind, e.date.isoformat()) for e in upcoming[:3]] == [
            ("hackathon", "2026-11-25"),  # still on today
            ("team_coffee", "2026-11-26"),
            ("team_coffee", "2026-12-01"),
        ]
        assert len(list_events(session=session)) == 22
        cancel_event(session=session, event_id=upcoming[1].id, author="malik")
        scheduled = list_events(
            session=session, upcoming_only=True, today=TODAY, include_cancelled=False
        )
        assert upcoming[1] not in scheduled
        with pytest.raises(ValueError):
            list_events(session=session, upcoming_only=True)


def test_the_office_calendar_gives_today():
    assert isinstance(local_today("Europe/Paris"), dt.date)
    here, there = local_today("Pacific/Kiritimati"), local_today("Pacific/Pago_Pago")
    # UTC+14 and UTC-11 are 25 hours apart: always on different days, two apart for one hour
    assert (here - there).days in (1, 2)


def test_a_job_is_created_with_an_id_from_its_title(records_url):
    with transaction(records_url) as session:
        job = save_job(session=session, data={**JOB, "salary_min": "50000"}, author="malik")
        twin = save_job(session=session, data=JOB, author="malik")
        assert (job.id, twin.id) == ("data-engineer", "data-engineer-2")
        assert job.salary_min == 50000
        assert (job.status, job.sort_order, job.article_id) == ("open", 7, None)
        assert list_jobs(session=session)[-2:] == [job, twin]
        (entry,) = entries(session=session, target="job:data-engineer")
        assert entry.action == "job.created"
        assert entry.detail["record"]["title_en"] == "Data Engineer"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {},
            {
                name: "is required"
                for name in (
                    "title_fr",
                    "title_en",
                    "team",
                    "location_fr",
                    "location_en",
                    "salary_min",
                    "salary_max",
                )
            },
        ),
        ({**JOB, "salary_max": 40000}, {"salary_max": "must not be below the minimum salary"}),
        ({**JOB, "salary_min": "58k"}, {"salary_min": "must be a whole number"}),
        ({**JOB, "salary_min": True}, {"salary_min": "must be a whole number"}),
        ({**JOB, "salary_min": 50000.5}, {"salary_min": "must be a whole number"}),
        ({**JOB, "salary_max": 10**9}, {"salary_max": "must be between 1,000 and 1,000,000"}),
        (
            {**JOB, "team": "marketing"},
            {
                "team": "must be one of: platform, data_ml, product_engineering, mobile, "
                "design, customer_success, sales, people"
            },
        ),
        ({**JOB, "title_en": HUGE}, {"title_en": "must be at most 120 characters (got 10240)"}),
        (
            {**JOB, "title_fr": "<img src=x onerror=alert(1)>"},
            {"title_fr": "must be plain text, without HTML markup"},
        ),
        (
            {**JOB, "article_id": "job-nope"},
            {"article_id": "no knowledge-base article has the id job-nope"},
        ),
        (
            {**JOB, "article_id": "Bad Id!"},
            {"article_id": "must be a knowledge-base article id like job-senior-backend"},
        ),
        ({**JOB, "status": "filled"}, {"status": "must be one of: open, closed"}),
        (
            {**JOB, "salary_note_en": "plus bonus"},
            {"salary_note_fr": "is needed in French too (or leave both languages empty)"},
        ),
        ({**JOB, "sort_order": -1}, {"sort_order": "must be between 0 and 10,000"}),
    ],
)
def test_bad_job_input_is_refused(records_url, data, expected):
    with transaction(records_url) as session:
        with pytest.raises(RecordError) as raised:
            save_job(session=session, data=data, author="malik")
        assert errors_of(raised) == expected
        assert len(list_jobs(session=session)) == 6


def test_a_job_links_an_existing_article(records_url):
    with transaction(records_url) as session:
        job = save_job(session=session, data={**JOB, "article_id": "team-data-ml"}, author="malik")
        assert job.article_id == "team-data-ml"


def test_job_updates_closing_and_reopening_are_audited(records_url):
    with transaction(records_url) as session:
        job = save_job(
            session=session,
            data={"id": "sre", "salary_max": "72000", "sort_order": None},
            author="malik",
        )
        assert (job.salary_min, job.salary_max, job.sort_order) == (55000, 72000, 2)
        close_job(session=session, job_id="sre", author="camille")
        close_job(session=session, job_id="sre", author="camille")
        assert [j.id for j in list_jobs(session=session, status="closed")] == ["sre"]
        reopen_job(session=session, job_id="sre", author="camille")
        assert get_job(session=session, job_id="sre").status == "open"
        delete_job(session=session, job_id="sre", author="camille")
        assert [(e.action, e.actor) for e in entries(session=session, target="job:sre")] == [
            ("job.deleted", "camille"),
            ("job.reopened", "camille"),
            ("job.closed", "camille"),
            ("job.updated", "malik"),
        ]
        updated = entries(session=session, target="job:sre")[-1]
        assert updated.detail == {"changes": {"salary_max": [70000, 72000]}}


@pytest.mark.parametrize("bad_id", ["nope", "", None, 3, ["sre"]])
def test_unknown_job_ids_are_not_found(records_url, bad_id):
    with transaction(records_url) as session:
        with pytest.raises(RecordNotFound):
            get_job(session=session, job_id=bad_id)
        with pytest.raises(RecordNotFound):
            close_job(session=session, job_id=bad_id, author="x")
        with pytest.raises(RecordNotFound):
            delete_job(session=session, job_id=bad_id, author="x")
        if bad_id not in ("", None):
            with pytest.raises(RecordNotFound):
                save_job(session=session, data={**JOB, "id": bad_id}, author="x")


def test_events_table_keeps_local_times(records_url):
    with transaction(records_url) as session:
        event = session.get(Event, list_events(session=session)[0].id)
        assert event is not None and event.start_time is None  # a team-coffee day
