"""Registering, the waitlist, offers of freed seats, cancelling, and the races that must
never put more people in the seats than there are seats."""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable

import pytest
from sqlalchemy import select

from bot.core.db import transaction
from bot.events.models import Registration
from bot.events.registrations import (
    OFFER_WINDOW,
    AlreadyRegistered,
    BadRegistration,
    OfferExpired,
    RegistrationClosed,
    RegistrationError,
    RegistrationNotYours,
    RegistrationOver,
    cancel,
    cancel_event_registrations,
    confirm_offer,
    expire_offers,
    fill_seats,
    get_registration,
    list_registrations,
    mark_attendance,
    record_rating,
    upcoming_for,
    waitlist_position,
)
from bot.events.terms import TermsError, event_terms, open_dates, save_terms
from bot.records.models import Event
from tests.events.conftest import (
    NOW,
    OFFICE,
    OPEN_HOUSE_DEADLINE,
    OPEN_HOUSE_START,
    REVERSE_QA_START,
    add_event,
    add_reverse_qa,
    registrar,
)


def stored(url: str, public_id: str) -> Registration:
    with transaction(url) as session:
        return get_registration(session=session, public_id=public_id)


def set_capacity(url: str, event_id: int, capacity: int) -> None:
    with transaction(url) as session:
        save_terms(session=session, event_id=event_id, capacity=capacity, author="hr")


def statuses(url: str, event_id: int) -> list[tuple[str, str, int | None]]:
    """(e-mail, status, seat) of every registration, in arrival order."""
    with transaction(url) as session:
        return [
            (r.email, r.status, r.seat)
            for r in session.execute(
                select(Registration)
                .where(Registration.event_id == event_id)
                .order_by(Registration.id)
            ).scalars()
        ]


def do_cancel(url: str, public_id: str, now: dt.datetime = NOW, **kw):
    with transaction(url) as session:
        return cancel(session=session, public_id=public_id, now=now, office_timezone=OFFICE, **kw)


def test_the_logistics_give_the_open_house_and_reverse_qa_their_terms(events_url):
    house, panel = add_event(events_url), add_reverse_qa(events_url)
    hackathon = add_event(events_url, kind="hackathon", date=dt.date(2027, 4, 10), end_time=None)
    with transaction(events_url) as session:
        terms = event_terms(
            session=session, event=session.get(Event, house), office_timezone=OFFICE
        )
        assert (terms.capacity, terms.start_utc, terms.deadline_utc, terms.online) == (
            25,
            OPEN_HOUSE_START,
            OPEN_HOUSE_DEADLINE,
            False,
        )
        assert terms.end_utc == OPEN_HOUSE_START + dt.timedelta(hours=2)
        qa = event_terms(session=session, event=session.get(Event, panel), office_timezone=OFFICE)
        assert (qa.capacity, qa.start_utc, qa.end_utc, qa.deadline_utc, qa.online) == (
            150,
            REVERSE_QA_START,
            REVERSE_QA_START + dt.timedelta(minutes=45),
            REVERSE_QA_START,
            True,
        )
        hack = session.get(Event, hackathon)
        assert not event_terms(session=session, event=hack, office_timezone=OFFICE).registrable


def test_a_registration_is_confirmed_with_a_seat_and_its_details(events_url, registered):
    event_id = add_event(events_url)
    registration = registered(f"event-{event_id}", first_name="  Camille ", language="en")
    again = stored(events_url, registration.public_id)
    assert len(again.public_id) >= 20 and again.public_id != str(again.id)
    assert (again.status, again.seat, again.first_name, again.email_key) == (
        "confirmed",
        1,
        "Camille",
        "camille@example.org",
    )
    assert (again.language, again.conversation_id, again.confirmed_at) == ("en", "conv-1", NOW)
    assert again.consent_text.startswith("We keep your first name")


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"first_name": ""}, "name", "name_missing"),
        ({"first_name": "<b>Camille</b>"}, "name", "name_not_plain"),
        ({"first_name": "Cam\nille"}, "name", "name_not_plain"),
        ({"email": "camille@example"}, "email", "email_invalid"),
        ({"email": None}, "email", "email_invalid"),
        ({"consent": False}, "consent", "consent_missing"),
        ({"consent": "yes"}, "consent", "consent_missing"),
        ({"language": "de"}, "language", "language_unknown"),
        ({"conversation_id": ""}, "conversation_id", "conversation_missing"),
        ({"event_id": "event-999"}, "event", "event_unknown"),
        ({"event_id": "nope"}, "event", "event_unknown"),
        ({"event_id": True}, "event", "event_unknown"),
    ],
)
def test_bad_input_names_its_field_and_problem(events_url, registered, change, field, code):
    event_id = add_event(events_url)
    with pytest.raises(BadRegistration) as refused:
        registered(**{"event_id": event_id, **change})
    assert (refused.value.field, refused.value.code) == (field, code)


def test_registration_closes_at_the_deadline_the_day_before_at_noon(events_url, registered):
    event_id = add_event(events_url)
    just_before = OPEN_HOUSE_DEADLINE - dt.timedelta(seconds=1)
    assert registered(event_id, now=just_before).status == "confirmed"
    for now in (OPEN_HOUSE_DEADLINE, OPEN_HOUSE_DEADLINE + dt.timedelta(hours=3)):
        with pytest.raises(RegistrationClosed) as refused:
            registered(event_id, email="late@example.org", now=now)
        assert refused.value.code == "registration_closed"
    with pytest.raises(RegistrationClosed) as refused:
        registered(event_id, email="later@example.org", now=OPEN_HOUSE_START)
    assert refused.value.code == "event_past"


def test_a_cancelled_past_or_undated_kind_takes_no_registration(events_url, registered):
    cancelled = add_event(events_url, status="cancelled")
    past = add_event(events_url, date=dt.date(2026, 11, 5))
    hackathon = add_event(events_url, kind="hackathon", date=dt.date(2027, 4, 10))
    for event_id, code in (
        (cancelled, "event_cancelled"),
        (past, "event_past"),
        (hackathon, "not_registrable"),
    ):
        with pytest.raises(RegistrationClosed) as refused:
            registered(event_id)
        assert (refused.value.field, refused.value.code) == ("event", code)


def test_hr_can_override_seats_and_deadline(events_url, registered):
    event_id = add_event(events_url)
    with transaction(events_url) as session:
        save_terms(
            session=session,
            event_id=event_id,
            capacity=1,
            deadline_utc=NOW + dt.timedelta(hours=1),
            author="hr",
        )
    assert registered(event_id).status == "confirmed"
    assert registered(event_id, email="b@example.org").status == "waitlisted"
    with pytest.raises(RegistrationClosed):
        registered(event_id, email="c@example.org", now=NOW + dt.timedelta(hours=1))
    with transaction(events_url) as session, pytest.raises(TermsError) as refused:
        save_terms(session=session, event_id=event_id, capacity=0, author="hr")
    assert refused.value.code == "capacity_invalid"


def test_one_live_registration_per_email_and_date(events_url, registered):
    event_id = add_event(events_url)
    first = registered(event_id)
    with pytest.raises(AlreadyRegistered):
        registered(event_id, email="CAMILLE@example.org", conversation_id="conv-2")
    other_date = add_event(events_url, date=dt.date(2027, 1, 7))
    assert registered(other_date).status == "confirmed"
    do_cancel(events_url, first.public_id)
    assert registered(event_id).status == "confirmed"


def test_a_full_date_puts_people_on_the_waitlist_in_arrival_order(events_url, registered):
    event_id = add_event(events_url)
    set_capacity(events_url, event_id, 2)
    made = [registered(event_id, email=f"c{n}@example.org") for n in range(5)]
    assert [r.status for r in made] == ["confirmed"] * 2 + ["waitlisted"] * 3
    assert [r.seat for r in made] == [1, 2, None, None, None]
    with transaction(events_url) as session:
        positions = [
            waitlist_position(session=session, registration=session.merge(r)) for r in made
        ]
        dates = open_dates(session=session, kinds=("open_house",), now=NOW, office_timezone=OFFICE)
    assert positions == [None, None, 1, 2, 3]
    assert [(d.event.id, d.seats_left, d.waitlist) for d in dates] == [(event_id, 0, True)]


def test_a_cancellation_offers_the_seat_to_the_first_in_line_then_the_next(events_url, registered):
    event_id = add_event(events_url)
    set_capacity(events_url, event_id, 2)
    a, b, c, d, e = (registered(event_id, email=f"{x}@example.org") for x in "abcde")
    done = do_cancel(events_url, b.public_id)
    assert done.registration.status == "cancelled" and done.registration.seat is None
    assert [(r.email, r.status, r.seat) for r in done.offers] == [("c@example.org", "offered", 2)]
    assert done.offers[0].offer_expires_at == NOW + OFFER_WINDOW
    # the waitlisted leaving the line moves nobody; a confirmed one leaving offers to d
    do_cancel(events_url, e.public_id)
    assert [r.email for r in do_cancel(events_url, a.public_id).offers] == ["d@example.org"]
    assert statuses(events_url, event_id) == [
        ("a@example.org", "cancelled", None),
        ("b@example.org", "cancelled", None),
        ("c@example.org", "offered", 2),
        ("d@example.org", "offered", 1),
        ("e@example.org", "cancelled", None),
    ]
    with transaction(events_url) as session:
        taken = confirm_offer(session=session, public_id=c.public_id, now=NOW)
        assert (taken.status, taken.confirmed_at) == ("confirmed", NOW)
        again = confirm_offer(session=session, public_id=c.public_id, now=NOW)
        assert again.status == "confirmed"  # a second click changes nothing


def test_a_new_candidate_joins_the_line_while_anyone_is_waiting(events_url, registered):
    event_id = add_event(events_url)
    set_capacity(events_url, event_id, 1)
    first = registered(event_id, email="a@example.org")
    registered(event_id, email="b@example.org")
    with transaction(events_url) as session:
        # the seat is freed behind the service's back: b is in line, so c queues too
        session.execute(
            Registration.__table__.update()
            .where(Registration.id == first.id)
            .values(status="cancelled", seat=None)
        )
    assert registered(event_id, email="c@example.org").status == "waitlisted"
    with transaction(events_url) as session:
        sweep = expire_offers(session=session, now=NOW, office_timezone=OFFICE)
    assert [r.email for r in sweep.offered] == ["b@example.org"]


def test_an_offer_not_confirmed_in_time_expires_and_goes_to_the_next(events_url, registered):
    event_id = add_event(events_url)
    set_capacity(events_url, event_id, 1)
    a = registered(event_id, email="a@example.org")
    b = registered(event_id, email="b@example.org")
    registered(event_id, email="c@example.org")
    offered = do_cancel(events_url, a.public_id).offers[0]
    assert offered.public_id == b.public_id
    later = NOW + OFFER_WINDOW
    with transaction(events_url) as session:
        nothing = expire_offers(
            session=session, now=later - dt.timedelta(seconds=1), office_timezone=OFFICE
        )
        assert (nothing.expired, nothing.offered) == ([], [])
        sweep = expire_offers(session=session, now=later, office_timezone=OFFICE)
    assert [(r.email, r.status, r.ended_by) for r in sweep.expired] == [
        ("b@example.org", "expired", "offer")
    ]
    assert [(r.email, r.status, r.seat) for r in sweep.offered] == [("c@example.org", "offered", 1)]
    assert sweep.offered[0].offer_expires_at == later + OFFER_WINDOW
    with transaction(events_url) as session, pytest.raises(OfferExpired):
        confirm_offer(session=session, public_id=b.public_id, now=later)
    with transaction(events_url) as session:
        again = expire_offers(session=session, now=later, office_timezone=OFFICE)
    assert (again.expired, again.offered) == ([], [])


def test_an_offer_ends_at_the_deadline_and_none_is_made_after_it(events_url, registered):
    event_id = add_event(events_url)
    set_capacity(events_url, event_id, 1)
    a = registered(event_id, email="a@example.org")
    b = registered(event_id, email="b@example.org")
    registered(event_id, email="c@example.org")
    two_hours_before = OPEN_HOUSE_DEADLINE - dt.timedelta(hours=2)
    (offer,) = do_cancel(events_url, a.public_id, now=two_hours_before).offers
    assert offer.offer_expires_at == OPEN_HOUSE_DEADLINE  # not 24 h: the list is final then
    done = do_cancel(events_url, b.public_id, now=OPEN_HOUSE_DEADLINE)
    assert done.offers == []
    assert [s for _, s, _ in statuses(events_url, event_id)] == [
        "cancelled",
        "cancelled",
        "waitlisted",
    ]
    with transaction(events_url) as session:
        late = NOW + dt.timedelta(days=5)
        assert (
            fill_seats(session=session, event_id=event_id, now=late, office_timezone=OFFICE) == []
        )


def test_raising_the_capacity_offers_the_new_seats_in_order(events_url, registered):
    event_id = add_event(events_url)
    set_capacity(events_url, event_id, 1)
    for x in "abcd":
        registered(event_id, email=f"{x}@example.org")
    set_capacity(events_url, event_id, 3)
    with transaction(events_url) as session:
        offers = fill_seats(session=session, event_id=event_id, now=NOW, office_timezone=OFFICE)
        assert [(r.email, r.seat) for r in offers] == [("b@example.org", 2), ("c@example.org", 3)]
        with pytest.raises(TermsError) as refused:
            save_terms(session=session, event_id=event_id, capacity=2, author="hr")
        assert refused.value.code == "capacity_below_taken"


def test_only_the_registering_conversation_or_the_link_cancels_before_the_start(
    events_url, registered
):
    event_id = add_event(events_url)
    registration = registered(event_id)
    with pytest.raises(RegistrationNotYours):
        do_cancel(events_url, registration.public_id, conversation_id="conv-2")
    with pytest.raises(RegistrationOver):
        do_cancel(events_url, registration.public_id, now=OPEN_HOUSE_START)
    assert do_cancel(events_url, registration.public_id, conversation_id="conv-1")
    with pytest.raises(RegistrationOver):
        do_cancel(events_url, registration.public_id)


def test_hr_cancelling_the_date_ends_every_live_registration(events_url, registered):
    event_id = add_event(events_url)
    set_capacity(events_url, event_id, 1)
    a = registered(event_id, email="a@example.org")
    registered(event_id, email="b@example.org")
    do_cancel(events_url, a.public_id)  # b is offered the seat
    registered(event_id, email="c@example.org")
    with transaction(events_url) as session:
        ended = cancel_event_registrations(session=session, event_id=event_id, now=NOW)
    assert [(r.email, r.status, r.ended_by, r.sequence) for r in ended] == [
        ("b@example.org", "cancelled", "event", 1),
        ("c@example.org", "cancelled", "event", 1),
    ]


def test_upcoming_lists_check_in_and_rating(events_url, registered):
    soon, later = add_event(events_url), add_event(events_url, date=dt.date(2027, 1, 7))
    second = registered(later)
    first = registered(soon)
    with transaction(events_url) as session:
        found = upcoming_for(
            session=session, conversation_id="conv-1", now=NOW, office_timezone=OFFICE
        )
        assert [r.public_id for r, _ in found] == [first.public_id, second.public_id]
        after = OPEN_HOUSE_START + dt.timedelta(hours=3)
        found = upcoming_for(
            session=session, conversation_id="conv-1", now=after, office_timezone=OFFICE
        )
        assert [r.public_id for r, _ in found] == [second.public_id]
        ticked = mark_attendance(
            session=session,
            public_id=first.public_id,
            attendance="attended",
            by="camille",
            now=after,
        )
        assert (ticked.attendance, ticked.attendance_by) == ("attended", "camille")
        with pytest.raises(BadRegistration):
            mark_attendance(
                session=session, public_id=first.public_id, attendance="maybe", by="x", now=after
            )
        rated = record_rating(
            session=session,
            public_id=first.public_id,
            rating=5,
            comment=" <b>great</b> ",
            now=after,
        )
        assert (rated.rating, rated.rating_comment) == (5, "<b>great</b>")
        with pytest.raises(BadRegistration):
            record_rating(
                session=session, public_id=first.public_id, rating=6, comment=None, now=after
            )
        assert [r.public_id for r in list_registrations(session=session, event_id=soon)] == [
            first.public_id
        ]


# --- races ----------------------------------------------------------------------------


def race(act: Callable[[int], object], count: int) -> Counter:
    """`count` threads calling act(n) at the same instant; outcomes by name."""
    barrier = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(number: int) -> None:
        barrier.wait()
        try:
            result = act(number)
            outcome = getattr(result, "status", "done")
        except RegistrationError as error:
            outcome = type(error).__name__
        except Exception as error:  # noqa: BLE001 - reported by the assertion
            outcome = f"error: {error!r}"
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    return Counter(outcomes)


def last_seats_race(url: str) -> None:
    """25 seats, 20 taken: 40 candidates at once for the last 5."""
    event_id = add_event(url)
    register = registrar(url)
    for n in range(20):
        register(event_id, email=f"early{n}@example.org", conversation_id=f"early-{n}")
    outcomes = race(
        lambda n: register(event_id, email=f"c{n}@example.org", conversation_id=f"conv-{n}"), 40
    )
    assert outcomes == Counter({"confirmed": 5, "waitlisted": 35})
    rows = statuses(url, event_id)
    seats = sorted(seat for _, status, seat in rows if status == "confirmed")
    assert seats == list(range(1, 26))
    # the waitlist is in arrival order: positions 1..35 follow the rows' order
    with transaction(url) as session:
        waiting = list(
            session.execute(
                select(Registration)
                .where(Registration.event_id == event_id, Registration.status == "waitlisted")
                .order_by(Registration.id)
            ).scalars()
        )
        assert [waitlist_position(session=session, registration=r) for r in waiting] == list(
            range(1, 36)
        )
    # five cancellations at once: the first five in line are offered the seats, in order
    confirmed = [e for e, status, _ in rows if status == "confirmed"][:5]
    ids = {}
    with transaction(url) as session:
        for email in confirmed:
            ids[email] = session.execute(
                select(Registration.public_id).where(Registration.email == email)
            ).scalar_one()
    cancels = list(ids.values())
    outcomes = race(lambda n: do_cancel(url, cancels[n]), 5)
    assert outcomes == Counter({"done": 5})
    after = statuses(url, event_id)
    offered = [e for e, status, _ in after if status == "offered"]
    assert offered == [r.email for r in waiting[:5]]
    assert sum(1 for _, status, _ in after if status in ("confirmed", "offered")) == 25


def test_forty_candidates_racing_for_the_last_five_seats_on_sqlite(events_url):
    last_seats_race(events_url)


@pytest.mark.postgres
def test_forty_candidates_racing_for_the_last_five_seats_on_postgresql(events_pg_url):
    last_seats_race(events_pg_url)


def same_email_race(url: str) -> None:
    event_id = add_event(url)
    register = registrar(url)
    outcomes = race(lambda n: register(event_id, conversation_id=f"conv-{n}"), 10)
    assert outcomes == Counter({"confirmed": 1, "AlreadyRegistered": 9})


def test_one_email_racing_itself_gets_one_place_on_sqlite(events_url):
    same_email_race(events_url)


@pytest.mark.postgres
def test_one_email_racing_itself_gets_one_place_on_postgresql(events_pg_url):
    same_email_race(events_pg_url)
