"""Team coffees as staff see them (bot.meetings.coffees), on a real database: the
upcoming and past lists with paging, and the attendance marks with their rules and
their audit entries."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.core.audit import entries
from bot.core.db import transaction
from bot.meetings.booking import cancel, decline
from bot.meetings.coffees import (
    AUDIT_ACTION,
    BadAttendance,
    CoffeeNotFound,
    CoffeeNotHeld,
    CoffeeNotStarted,
    coffees,
    mark_attendance,
)
from tests.meetings.conftest import NOW, OFFICE

TUESDAY = "lea-20261201T0900"  # Tuesday 1 December, 10:00 in Paris
THURSDAY = "lea-20261203T1300"  # Thursday 3 December, 14:00 in Paris
NEXT_TUESDAY = "lea-20261208T0900"  # Tuesday 8 December, 10:00 in Paris
# Wednesday 2 December, noon UTC: Tuesday's coffee is past, the others are to come.
WEDNESDAY = dt.datetime(2026, 12, 2, 12, 0)
LATER = dt.datetime(2026, 12, 20, 12, 0)


@pytest.fixture
def three(booked) -> list[str]:
    """Three confirmed coffees, by three candidates; their public ids, soonest first."""
    return [
        booked(
            TUESDAY, email="ada@example.org", name="Ada Lovelace", note="<b>Kubernetes</b>"
        ).public_id,
        booked(THURSDAY, email="bob@example.org", name="Bob").public_id,
        booked(NEXT_TUESDAY, email="cy@example.org", name="Cy").public_id,
    ]


def listed(url: str, when: str, now: dt.datetime, **paging) -> tuple[list[str], int]:
    with transaction(url) as session:
        page = coffees(session=session, when=when, now=now, **paging)
        return [c.booking.public_id for c in page.coffees], page.total


def mark(url: str, public_id: str, attendance: object, *, now=LATER, actor="Camille Roux"):
    with transaction(url) as session:
        return mark_attendance(
            session=session, public_id=public_id, attendance=attendance, actor=actor, now=now
        ).booking


def test_upcoming_coffees_come_soonest_first_and_past_ones_latest_first(meetings_url, three):
    assert listed(meetings_url, "upcoming", NOW) == (three, 3)
    assert listed(meetings_url, "past", NOW) == ([], 0)
    assert listed(meetings_url, "upcoming", WEDNESDAY) == (three[1:], 2)
    assert listed(meetings_url, "past", WEDNESDAY) == (three[:1], 1)
    assert listed(meetings_url, "past", LATER) == (three[::-1], 3)


def test_a_page_of_coffees_says_how_many_there_are_in_all(meetings_url, three):
    assert listed(meetings_url, "upcoming", NOW, limit=2) == (three[:2], 3)
    assert listed(meetings_url, "upcoming", NOW, offset=2, limit=2) == (three[2:], 3)
    assert listed(meetings_url, "upcoming", NOW, offset=9) == ([], 3)
    with pytest.raises(ValueError):
        listed(meetings_url, "someday", NOW)


def test_cancelled_and_declined_coffees_are_listed_with_their_status(meetings_url, three):
    with transaction(meetings_url) as session:
        cancel(session=session, public_id=three[1], now=NOW)
        decline(session=session, public_id=three[2], now=NOW)
    with transaction(meetings_url) as session:
        page = coffees(session=session, when="upcoming", now=NOW)
        assert [c.booking.status for c in page.coffees] == ["confirmed", "cancelled", "declined"]


def test_staff_see_the_candidates_first_name_e_mail_note_and_the_office_time(meetings_url, three):
    with transaction(meetings_url) as session:
        first = coffees(session=session, when="upcoming", now=NOW).coffees[0]
        shown = first.to_json(office_timezone=OFFICE, language="fr", now=NOW)
    assert shown["candidate"] == "Ada"  # never the full name
    assert shown["email"] == "ada@example.org"
    assert shown["note"] == "<b>Kubernetes</b>"  # as typed: the console renders text
    assert shown["when"] == "mardi 1er décembre, 10:00 (heure de Paris)"
    assert shown["host"] == "Léa Moreau" and shown["host_role"] == "Staff Engineer"
    assert shown["status"] == "confirmed" and shown["attendance"] is None
    assert shown["markable"] is False  # still to come
    assert "conversation_id" not in shown and "Lovelace" not in str(shown)


def test_a_past_confirmed_coffee_is_marked_and_the_mark_is_audited(meetings_url, three):
    booking = mark(meetings_url, three[0], "attended", now=WEDNESDAY)
    assert booking.attendance == "attended"
    assert booking.attendance_by == "Camille Roux" and booking.attendance_at == WEDNESDAY
    with transaction(meetings_url) as session:
        (entry,) = [e for e in entries(session=session) if e.action == AUDIT_ACTION]
        assert entry.actor == "Camille Roux"
        assert entry.target == f"booking:{three[0]}"
        assert entry.detail == {"attendance": "attended", "previous": None}


def test_a_mark_can_be_changed_and_the_change_is_audited_with_the_mark_it_replaced(
    meetings_url, three
):
    mark(meetings_url, three[0], "attended", now=WEDNESDAY)
    booking = mark(meetings_url, three[0], "no_show", actor="Hélène RH")
    assert (booking.attendance, booking.attendance_by) == ("no_show", "Hélène RH")
    with transaction(meetings_url) as session:
        found = [e.detail for e in entries(session=session) if e.action == AUDIT_ACTION]
    assert found == [
        {"attendance": "no_show", "previous": "attended"},
        {"attendance": "attended", "previous": None},
    ]


def test_a_coffee_still_to_come_cannot_be_marked(meetings_url, three):
    with pytest.raises(CoffeeNotStarted) as refused:
        mark(meetings_url, three[1], "attended", now=WEDNESDAY)
    assert refused.value.code == "coffee_not_started"


def test_a_cancelled_or_declined_coffee_cannot_be_marked_even_once_past(meetings_url, three):
    with transaction(meetings_url) as session:
        cancel(session=session, public_id=three[1], now=NOW)
        decline(session=session, public_id=three[2], now=NOW)
    for public_id in three[1:]:
        with pytest.raises(CoffeeNotHeld) as refused:
            mark(meetings_url, public_id, "no_show")
        assert refused.value.code == "coffee_not_held"


@pytest.mark.parametrize("attendance", ["late", "", None, 1, ["attended"], "ATTENDED"])
def test_only_attended_or_no_show_is_a_mark(meetings_url, three, attendance):
    with pytest.raises(BadAttendance) as refused:
        mark(meetings_url, three[0], attendance)
    assert refused.value.code == "attendance_unknown"


@pytest.mark.parametrize("public_id", ["nope", "", "x" * 65, None, 7])
def test_an_unknown_coffee_is_said_so(meetings_url, three, public_id):
    with pytest.raises(CoffeeNotFound) as refused:
        mark(meetings_url, public_id, "attended")
    assert refused.value.code == "coffee_unknown"


def test_refused_marks_change_nothing_and_audit_nothing(meetings_url, three):
    for public_id, now in ((three[1], WEDNESDAY), ("nope", LATER)):
        with pytest.raises((CoffeeNotStarted, CoffeeNotFound)):
            mark(meetings_url, public_id, "attended", now=now)
    with transaction(meetings_url) as session:
        assert [e for e in entries(session=session) if e.action == AUDIT_ACTION] == []
        page = coffees(session=session, when="past", now=LATER)
        assert {c.booking.attendance for c in page.coffees} == {None}
