"""Booking, cancelling, moving and declining coffees, and the races that must not break rules."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import func, select, update

from bot.core.db import transaction
from bot.meetings.booking import (
    AlreadyBooked,
    BadBooking,
    BookingClosed,
    BookingError,
    BookingNotFound,
    BookingNotYours,
    CapReached,
    SlotTaken,
    cancel,
    decline,
    erase_conversation_bookings,
    get_booking,
    move,
    purge_old_bookings,
    upcoming_for,
)
from bot.meetings.models import Ambassador, AmbassadorPause, Booking
from tests.meetings.conftest import NOW, OFFICE, RULES, add_ambassador, booker, utc

LEA_TUESDAY = "lea-20261201T0900"  # Tuesday 1 December 10:00 Paris


def stored(url: str, public_id: str) -> Booking:
    with transaction(url) as session:
        return get_booking(session=session, public_id=public_id)


def test_a_booking_is_confirmed_with_its_details(meetings_url, booked):
    booking = booked(
        LEA_TUESDAY,
        name="  Camille  ",
        email=" Camille.Roux@Example.org ",
        note="What is on-call like?\r\nAnd the SRE path?",
        language="en",
        candidate_timezone="America/Montreal",
        consent_text="We keep your first name and e-mail until the coffee, then 180 days.",
    )
    again = stored(meetings_url, booking.public_id)
    assert len(booking.public_id) >= 20 and booking.public_id != str(booking.id)
    assert (again.ambassador_id, again.start_utc, again.end_utc) == (
        "lea",
        utc("2026-12-01 09:00"),
        utc("2026-12-01 09:30"),
    )
    assert (again.status, again.sequence, again.seat, again.week_start) == (
        "confirmed",
        0,
        1,
        dt.date(2026, 11, 30),
    )
    assert (again.candidate_name, again.candidate_email, again.upcoming_email) == (
        "Camille",
        "Camille.Roux@Example.org",
        "camille.roux@example.org",
    )
    assert again.note == "What is on-call like?\nAnd the SRE path?"
    assert (again.language, again.candidate_timezone, again.conversation_id) == (
        "en",
        "America/Montreal",
        "conv-1",
    )
    assert again.consent_text.startswith("We keep your first name")
    assert (again.created_at, again.cancelled_at, again.reminded_24h_at) == (NOW, None, None)


def test_markup_in_the_note_is_kept_as_typed_text(meetings_url, booked):
    hostile = '<script>alert(1)</script><img src=x onerror="x()"> **bold**'
    assert stored(meetings_url, booked(LEA_TUESDAY, note=hostile).public_id).note == hostile


def test_an_unknown_candidate_time_zone_is_ignored(meetings_url, booked):
    booking = booked(LEA_TUESDAY, candidate_timezone="Nowhere/Atlantis")
    assert stored(meetings_url, booking.public_id).candidate_timezone is None


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"name": ""}, "name", "name_missing"),
        ({"name": None}, "name", "name_missing"),
        ({"name": "Camille\nRoux"}, "name", "name_not_plain"),
        ({"name": "Cam\x07ille"}, "name", "name_not_plain"),
        ({"name": "Cam\u202eille"}, "name", "name_not_plain"),
        ({"name": "<b>Camille</b>"}, "name", "name_not_plain"),
        ({"name": "C" * 81}, "name", "name_too_long"),
        ({"email": "camille"}, "email", "email_invalid"),
        ({"email": "camille@example"}, "email", "email_invalid"),
        ({"email": "<camille@example.org>"}, "email", "email_invalid"),
        ({"email": None}, "email", "email_invalid"),
        ({"note": "x" * 501}, "note", "note_too_long"),
        ({"note": "hi\x00there"}, "note", "note_not_plain"),
        ({"note": 42}, "note", "note_not_plain"),
        ({"consent": False}, "consent", "consent_missing"),
        ({"consent": "true"}, "consent", "consent_missing"),
        ({"consent": None}, "consent", "consent_missing"),
        ({"language": "de"}, "language", "language_unknown"),
        ({"conversation_id": ""}, "conversation_id", "conversation_missing"),
        ({"slot": "nope"}, "slot", "slot_unknown"),
        ({"slot": "zoe-20261201T0900"}, "slot", "slot_unknown"),  # no such ambassador
        ({"slot": "lea-20261201T0915"}, "slot", "slot_unknown"),  # not a 30-minute step
        ({"slot": "lea-20261202T0900"}, "slot", "slot_unknown"),  # a Wednesday
        ({"slot": "lea-20261201T1100"}, "slot", "slot_unknown"),  # after her window
        ({"slot": "lea-20261124T0900"}, "slot", "slot_past"),
        ({"slot": LEA_TUESDAY, "now": NOW + dt.timedelta(minutes=1)}, "slot", "slot_too_soon"),
        ({"slot": "lea-20261215T0900"}, "slot", "slot_too_far"),
    ],
)
def test_bad_input_names_its_field_and_problem(meetings_url, change, field, code):
    values = {"slot": LEA_TUESDAY, **change}
    with pytest.raises(BadBooking) as raised:
        booker(meetings_url)(values.pop("slot"), **values)
    assert (raised.value.field, raised.value.code) == (field, code)
    with transaction(meetings_url) as session:
        assert session.execute(select(func.count()).select_from(Booking)).scalar_one() == 0


def test_an_inactive_or_paused_host_cannot_be_booked(meetings_url, booked):
    with transaction(meetings_url) as session:
        session.add(
            AmbassadorPause(
                ambassador_id="lea", first_day=dt.date(2026, 12, 1), last_day=dt.date(2026, 12, 1)
            )
        )
    with pytest.raises(BadBooking) as raised:
        booked(LEA_TUESDAY)
    assert raised.value.code == "host_paused"
    with transaction(meetings_url) as session:
        session.execute(update(Ambassador).where(Ambassador.id == "lea").values(active=False))
    with pytest.raises(BadBooking) as raised:
        booked("lea-20261203T1300")
    assert raised.value.code == "host_inactive"


def test_a_taken_slot_is_refused(booked):
    booked(LEA_TUESDAY, email="a@example.org")
    with pytest.raises(SlotTaken) as raised:
        booked(LEA_TUESDAY, email="b@example.org", conversation_id="conv-2")
    assert (raised.value.field, raised.value.code) == ("slot", "slot_taken")


def test_the_weekly_cap_is_never_exceeded(booked):
    booked("lea-20261201T0900", email="a@example.org")
    booked("lea-20261203T1300", email="b@example.org")
    with pytest.raises(CapReached) as raised:
        booked("lea-20261203T1400", email="c@example.org")
    assert raised.value.code == "cap_reached"
    assert booked("lea-20261208T0900", email="c@example.org").seat == 1  # the next week


def test_a_candidate_has_one_upcoming_coffee_at_a_time(meetings_url, booked):
    first = booked(LEA_TUESDAY, email="camille@example.org")
    with pytest.raises(AlreadyBooked) as raised:
        booked("thomas-20261201T1300", email="CAMILLE@example.ORG", conversation_id="conv-2")
    assert (raised.value.field, raised.value.code) == ("email", "already_booked")
    with transaction(meetings_url) as session:
        cancel(session=session, public_id=first.public_id, now=NOW)
    booked("thomas-20261201T1300", email="Camille@example.org")


def test_a_past_coffee_does_not_count_as_upcoming(meetings_url, booked):
    booked(LEA_TUESDAY)
    later = utc("2026-12-02 09:00")  # the coffee took place yesterday
    second = booked("lea-20261208T0900", now=later)
    assert stored(meetings_url, second.public_id).upcoming_email == "camille@example.org"


def test_the_candidate_cancels_from_the_conversation_that_booked(meetings_url, booked):
    booking = booked(LEA_TUESDAY)
    with transaction(meetings_url) as session:
        with pytest.raises(BookingNotYours) as raised:
            cancel(session=session, public_id=booking.public_id, now=NOW, conversation_id="other")
        assert (raised.value.field, raised.value.code) == ("booking", "booking_not_yours")
        with pytest.raises(BookingNotFound):
            cancel(session=session, public_id="no-such-booking", now=NOW)
        done = cancel(
            session=session, public_id=booking.public_id, now=NOW, conversation_id="conv-1"
        )
        assert (done.status, done.sequence, done.cancelled_at, done.upcoming_email) == (
            "cancelled",
            1,
            NOW,
            None,
        )
        with pytest.raises(BookingClosed):
            cancel(session=session, public_id=booking.public_id, now=NOW)
    booked(LEA_TUESDAY, email="other@example.org")  # the slot is free again


def test_a_coffee_that_has_started_cannot_be_cancelled(meetings_url, booked):
    booking = booked(LEA_TUESDAY)
    with transaction(meetings_url) as session, pytest.raises(BookingClosed):
        cancel(session=session, public_id=booking.public_id, now=utc("2026-12-01 09:00"))


def test_a_move_keeps_the_booking_and_raises_its_sequence(meetings_url, booked):
    booking = booked(LEA_TUESDAY)
    with transaction(meetings_url) as session:
        session.execute(update(Booking).where(Booking.id == booking.id).values(reminded_24h_at=NOW))
        moved = move(
            session=session,
            public_id=booking.public_id,
            new_slot_id="lea-20261208T0930",
            now=NOW,
            office_timezone=OFFICE,
            conversation_id="conv-1",
            rules=RULES,
        )
        assert (moved.public_id, moved.start_utc, moved.end_utc, moved.week_start) == (
            booking.public_id,
            utc("2026-12-08 09:30"),
            utc("2026-12-08 10:00"),
            dt.date(2026, 12, 7),
        )
        assert (moved.sequence, moved.status, moved.reminded_24h_at) == (1, "confirmed", None)
    booked(LEA_TUESDAY, email="other@example.org")  # the old slot is free again


def test_a_move_is_refused_onto_a_taken_slot_or_a_full_week(meetings_url, booked):
    booking = booked("lea-20261208T0900")
    booked("lea-20261201T0900", email="a@example.org")
    booked("lea-20261203T1300", email="b@example.org")

    def move_to(slot, conversation="conv-1"):
        with transaction(meetings_url) as session:
            return move(
                session=session,
                public_id=booking.public_id,
                new_slot_id=slot,
                now=NOW,
                office_timezone=OFFICE,
                conversation_id=conversation,
                rules=RULES,
            )

    with pytest.raises(SlotTaken):
        move_to("lea-20261201T0900")
    with pytest.raises(CapReached):
        move_to("lea-20261203T1400")
    with pytest.raises(BadBooking) as raised:
        move_to("lea-20261208T0900")
    assert raised.value.code == "slot_unchanged"
    with pytest.raises(BookingNotYours):
        move_to("lea-20261208T0930", conversation="conv-2")
    assert move_to("lea-20261208T0930").seat == 1  # the same week keeps its seat
    assert move_to("thomas-20261201T1300").ambassador_id == "thomas"  # another host
    assert stored(meetings_url, booking.public_id).sequence == 2


def test_the_ambassador_declines(meetings_url, booked):
    booking = booked(LEA_TUESDAY)
    with transaction(meetings_url) as session:
        done = decline(session=session, public_id=booking.public_id, now=NOW)
        assert (done.status, done.sequence, done.cancelled_at) == ("declined", 1, NOW)
        with pytest.raises(BookingClosed):
            decline(session=session, public_id=booking.public_id, now=NOW)
    booked(LEA_TUESDAY)  # slot and candidate both free again


def test_upcoming_coffees_are_those_of_the_conversation_still_to_come(meetings_url, booked):
    mine = booked(LEA_TUESDAY)
    booked("thomas-20261201T1300", email="x@example.org", conversation_id="conv-2")
    with transaction(meetings_url) as session:
        assert [
            b.public_id for b in upcoming_for(session=session, conversation_id="conv-1", now=NOW)
        ] == [mine.public_id]
        assert upcoming_for(session=session, conversation_id="conv-1", now=mine.start_utc) == []


def test_erasure_removes_a_conversations_bookings_and_lists_the_upcoming_ones(meetings_url, booked):
    past = booked(LEA_TUESDAY)
    later = utc("2026-12-02 09:00")
    upcoming = booked("lea-20261208T0900", now=later)
    booked("thomas-20261201T1300", email="x@example.org", conversation_id="conv-2")
    with transaction(meetings_url) as session:
        erased = erase_conversation_bookings(session=session, conversation_id="conv-1", now=later)
        assert erased.removed == 2
        assert [(c.public_id, c.ambassador_id, c.sequence) for c, _ in erased.upcoming] == [
            (upcoming.public_id, "lea", 1)
        ]
        with pytest.raises(BookingNotFound):
            get_booking(session=session, public_id=past.public_id)
        left = session.execute(select(Booking.conversation_id)).scalars().all()
        assert left == ["conv-2"]


def test_retention_deletes_bookings_whose_coffee_ended_before_the_cutoff(meetings_url, booked):
    booked(LEA_TUESDAY)
    booked("thomas-20261201T1300", email="x@example.org")
    with transaction(meetings_url) as session:
        assert purge_old_bookings(session=session, cutoff=utc("2026-12-01 09:31")) == 1
        assert purge_old_bookings(session=session, cutoff=utc("2026-12-01 09:31")) == 0
        assert session.execute(select(Booking.ambassador_id)).scalars().all() == ["thomas"]


def race(book: Callable[[int], object], count: int = 20) -> Counter:
    """`count` threads calling book(n) at the same instant; outcomes by name."""
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(number: int) -> None:
        barrier.wait()
        try:
            book(number)
            outcome = "confirmed"
        except BookingError as error:
            outcome = type(error).__name__
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcome = f"error: {error!r}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(outcomes)


def confirmed(url: str) -> int:
    with transaction(url) as session:
        return session.execute(
            select(func.count()).select_from(Booking).where(Booking.status == "confirmed")
        ).scalar_one()


def same_slot_race(url: str) -> None:
    book = booker(url)
    outcomes = race(
        lambda n: book(LEA_TUESDAY, email=f"c{n}@example.org", conversation_id=f"conv-{n}")
    )
    assert outcomes == Counter({"confirmed": 1, "SlotTaken": 19})
    assert confirmed(url) == 1


def cap_race(url: str) -> None:
    add_ambassador(url)  # Zoé: Tuesdays and Thursdays 09:00-17:00 Paris, cap 2
    book = booker(url)
    starts = [utc("2026-12-03 08:00") + dt.timedelta(minutes=30 * n) for n in range(16)]
    starts += [utc("2026-12-01 09:00") + dt.timedelta(minutes=30 * n) for n in range(4)]
    outcomes = race(
        lambda n: book(
            f"zoe-{starts[n]:%Y%m%dT%H%M}", email=f"c{n}@example.org", conversation_id=f"c{n}"
        )
    )
    assert outcomes == Counter({"confirmed": 2, "CapReached": 18})
    assert confirmed(url) == 2


def test_twenty_candidates_racing_for_one_slot_on_sqlite(meetings_url):
    same_slot_race(meetings_url)


def test_twenty_candidates_racing_for_a_capped_week_on_sqlite(meetings_url):
    cap_race(meetings_url)


@pytest.mark.postgres
def test_twenty_candidates_racing_for_one_slot_on_postgresql(meetings_pg_url):
    same_slot_race(meetings_pg_url)


@pytest.mark.postgres
def test_twenty_candidates_racing_for_a_capped_week_on_postgresql(meetings_pg_url):
    cap_race(meetings_pg_url)
