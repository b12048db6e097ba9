"""Applications on a real database: what is taken, what is refused (field and code),
the console's list and statuses, retention and erasure with the CV files."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from bot.applications import files
from bot.applications.files import check_cv
from bot.applications.models import Application, CvFile
from bot.applications.service import (
    MAX_PER_DAY,
    ApplicationError,
    ApplicationNotFound,
    applications_of,
    erase_conversation_applications,
    list_applications,
    purge_old_applications,
    purge_unclaimed_cvs,
    set_status,
    take_application,
)
from bot.core.db import transaction
from bot.records.defaults import prepare_records
from bot.records.models import JobPosition
from bot.records.service import local_today
from tests.applications.cvs import pdf
from tests.conftest import make_settings

NOW = dt.datetime(2026, 12, 1, 9, 0)


@pytest.fixture
def url(kb_url):
    with transaction(kb_url) as session:
        prepare_records(session=session, today=local_today("Europe/Paris"))
    return kb_url


def open_jobs(url: str) -> list[str]:
    with transaction(url) as session:
        return list(
            session.execute(
                select(JobPosition.id).where(JobPosition.status == "open").order_by(JobPosition.id)
            ).scalars()
        )


def form(job: str, **changes) -> dict:
    return {
        "job": job,
        "first_name": "Léa",
        "last_name": "Martin",
        "email": "lea.martin@example.org",
        "url": "https://www.linkedin.com/in/lea-martin",
        "message": "Bonjour !\nJ'aime le <b>SRE</b>.",
        "consent": True,
        **changes,
    }


def take(url: str, data: dict, conversation: str = "c1", now: dt.datetime = NOW):
    with transaction(url) as session:
        taken = take_application(
            session=session,
            data=data,
            conversation_id=conversation,
            language="fr",
            consent_text="J'accepte…",
            now=now,
        )
        return taken.application.public_id, taken.job.title_fr, taken.cv


def refused(url: str, data: dict) -> tuple[str, str]:
    with pytest.raises(ApplicationError) as error:
        take(url, data)
    return error.value.field, error.value.code


def upload(url: str, settings) -> str:
    stored = files.store(settings, check_cv(pdf()))
    with transaction(url) as session:
        row = CvFile(
            token=f"tok-{stored[:8]}", stored_as=stored, kind="pdf", size=10, created_at=NOW
        )
        session.add(row)
    return f"tok-{stored[:8]}"


def test_an_application_is_taken_with_a_link_and_kept_as_typed(url):
    job = open_jobs(url)[0]
    public_id, title, cv = take(url, form(job))
    assert len(public_id) >= 20 and cv is None
    with transaction(url) as session:
        saved = session.execute(select(Application)).scalar_one()
        assert saved.public_id == public_id and saved.job_title == title
        assert saved.status == "new" and saved.email_key == "lea.martin@example.org"
        assert saved.message == "Bonjour !\nJ'aime le <b>SRE</b>."  # escaped where shown
        assert saved.consent_text == "J'accepte…" and saved.consented_at == NOW
        assert [a.public_id for a in applications_of(session=session, conversation_id="c1")] == [
            public_id
        ]


def test_a_cv_token_is_taken_once(url, tmp_path):
    settings = make_settings(tmp_path, database_url=url)
    token = upload(url, settings)
    first, second = open_jobs(url)[:2]
    _, _, cv = take(url, form(first, cv=token, url=""))
    assert cv is not None and cv.kind == "pdf"
    assert refused(url, form(second, cv=token, url="")) == ("cv", "cv_unknown")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"job": "nope"}, ("job", "job_unknown")),
        ({"job": ["x"]}, ("job", "job_unknown")),
        ({"first_name": ""}, ("first_name", "first_name_missing")),
        ({"first_name": "<script>"}, ("first_name", "first_name_invalid")),
        ({"last_name": None}, ("last_name", "last_name_missing")),
        ({"last_name": "x" * 81}, ("last_name", "last_name_invalid")),
        ({"email": "not an email"}, ("email", "email_invalid")),
        ({"url": "javascript:alert(1)"}, ("url", "url_invalid")),
        ({"url": "https://exa mple.org"}, ("url", "url_invalid")),
        ({"url": "https://" + "x" * 500 + ".org"}, ("url", "url_invalid")),
        ({"url": 42}, ("url", "url_invalid")),
        ({"url": "", "cv": None}, ("cv", "cv_or_url_missing")),
        ({"url": "", "cv": "forged-token"}, ("cv", "cv_unknown")),
        ({"message": "y" * 2001}, ("message", "message_invalid")),
        ({"message": "bidi \u202e"}, ("message", "message_invalid")),
        ({"consent": "yes"}, ("consent", "consent_missing")),
        ({"consent": False}, ("consent", "consent_missing")),
    ],
)
def test_each_refusal_names_its_field_and_nothing_is_saved(url, changes, expected):
    assert refused(url, {**form(open_jobs(url)[0]), **changes}) == expected
    with transaction(url) as session:
        assert session.execute(select(Application)).first() is None


def test_a_closed_position_takes_no_application(url):
    job = open_jobs(url)[0]
    with transaction(url) as session:
        session.execute(update(JobPosition).where(JobPosition.id == job).values(status="closed"))
    assert refused(url, form(job)) == ("job", "job_unknown")


def test_one_application_per_position_and_a_few_a_day_per_address(url):
    jobs = open_jobs(url)
    assert len(jobs) > MAX_PER_DAY
    take(url, form(jobs[0]))
    assert refused(url, form(jobs[0], email="LEA.MARTIN@example.org")) == (
        "email",
        "already_applied",
    )
    for job in jobs[1:MAX_PER_DAY]:
        take(url, form(job))
    assert refused(url, form(jobs[MAX_PER_DAY])) == ("email", "too_many_applications")
    later = NOW + dt.timedelta(days=1, minutes=1)
    take(url, form(jobs[MAX_PER_DAY]), now=later)


def test_the_console_lists_filters_and_moves_applications_on(url):
    first, second = open_jobs(url)[:2]
    a, _, _ = take(url, form(first))
    b, _, _ = take(url, form(second, email="sam@example.org"), now=NOW + dt.timedelta(hours=1))
    with transaction(url) as session:
        assert [x.public_id for x, _ in list_applications(session=session)] == [b, a]
        assert [x.public_id for x, _ in list_applications(session=session, job=first)] == [a]
        set_status(session=session, public_id=a, status="in_review", author="Inès", now=NOW)
    with transaction(url) as session:
        listed = list_applications(session=session, status="in_review")
        assert [(x.public_id, x.status_by) for x, _ in listed] == [(a, "Inès")]
        with pytest.raises(ValueError):
            set_status(session=session, public_id=a, status="hired", author="I", now=NOW)
        for unknown in ("x" * 20, "", None, 5):
            with pytest.raises(ApplicationNotFound):
                set_status(session=session, public_id=unknown, status="new", author="I", now=NOW)


def test_erasure_and_retention_take_the_cvs_with_them(url, tmp_path):
    settings = make_settings(tmp_path, database_url=url)
    first, second = open_jobs(url)[:2]
    token = upload(url, settings)
    take(url, form(first, cv=token), conversation="erase-me")
    take(url, form(second, email="sam@example.org"), conversation="keep-me")
    with transaction(url) as session:
        count, stored = erase_conversation_applications(session=session, conversation_id="erase-me")
    assert count == 1 and len(stored) == 1
    with transaction(url) as session:
        assert session.execute(select(CvFile)).first() is None
        left = session.execute(select(Application.conversation_id)).scalars().all()
        assert left == ["keep-me"]
        count, stored = purge_old_applications(session=session, cutoff=NOW + dt.timedelta(days=1))
        assert count == 1 and stored == []
    stale = upload(url, settings)
    with transaction(url) as session:
        assert purge_unclaimed_cvs(session=session, now=NOW + dt.timedelta(hours=23)) == []
        gone = purge_unclaimed_cvs(session=session, now=NOW + dt.timedelta(days=1, minutes=1))
    assert len(gone) == 1 and stale == f"tok-{gone[0][:8]}"
