"""Callback requests: validated, stored with the consent given, promised for the next work day."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from bot.core.db import transaction
from bot.core.office_hours import parse_office_hours
from bot.handoff.callbacks import (
    BadCallback,
    callbacks,
    create_callback,
    next_business_day,
    read_callback,
    set_status,
)

GOOD = {"name": "Ada", "email": "ada@example.org", "question": "Visa ?", "consent": True}


def test_a_good_request_reads_clean():
    assert read_callback({**GOOD, "name": "  Ada  "}) == ("Ada", "ada@example.org", "Visa ?")


@pytest.mark.parametrize(
    "change, field",
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b"}, "email"),
        ({"email": "<script>@x.org"}, "email"),
        ({"email": 42}, "email"),
        ({"question": "  "}, "question"),
        ({"question": "x" * 2001}, "question"),
        ({"consent": False}, "consent"),
        ({"consent": "yes"}, "consent"),
    ],
)
def test_each_problem_is_named(change, field):
    with pytest.raises(BadCallback) as raised:
        read_callback({**GOOD, **change})
    assert field in raised.value.errors


def test_not_an_object():
    with pytest.raises(BadCallback):
        read_callback(["Ada"])


def test_stored_with_the_consent_sentence_and_a_status(db_url):
    with transaction(db_url) as session:
        request = create_callback(
            session=session, conversation_id="c1", data=GOOD, language="en", retention_days=90
        )
        assert "90 days" in request.consent_text and request.consented_at is not None
        set_status(session=session, callback_id=request.id, status="in_progress")
        with pytest.raises(BadCallback):
            set_status(session=session, callback_id=request.id, status="lost")
        with pytest.raises(LookupError):
            set_status(session=session, callback_id=999, status="done")
        assert [(c.name, c.status) for c in callbacks(session=session)] == [("Ada", "in_progress")]


def test_the_next_business_day_in_paris():
    hours = parse_office_hours("mon-fri 09:00-18:00", "Europe/Paris")
    assert next_business_day(datetime(2026, 11, 26, 10, 0), hours) == date(2026, 11, 27)  # Thu
    assert next_business_day(datetime(2026, 11, 27, 10, 0), hours) == date(2026, 11, 30)  # Fri
    assert next_business_day(datetime(2026, 11, 27, 23, 30), hours) == date(
        2026, 11, 30
    )  # Sat in Paris
