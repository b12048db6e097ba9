from __future__ import annotations

from datetime import datetime, timedelta, timezone

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import func, select, text

from bot.core.db import session_factory, transaction
from bot.inbox.models import InboxItem
from bot.inbox.service import record_question
from bot.ops.privacy import erase_conversation, purge_expired


async def store_conversation(url: str, sender: str, when: datetime) -> None:
    """A conversation written by Rasa's own SQL tracker store."""
    store = SQLTrackerStore(domain=Domain.empty(), host=url)
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered("my name is Alex, alex@example.org", timestamp=when.timestamp()))
    await store.save(tracker)
    store.engine.dispose()


def count(url: str, sql: str) -> int:
    with session_factory(url)() as session:
        return session.execute(text(sql)).scalar_one()


async def test_purge_deletes_only_what_is_past_retention(settings):
    now = datetime.now(timezone.utc)
    old, recent = now - timedelta(days=settings.retention_days + 1), now - timedelta(days=1)
    await store_conversation(settings.tracker_store_url, "old", old)
    await store_conversation(settings.tracker_store_url, "recent", recent)
    with transaction(settings.database_url) as session:
        for conversation, when in (("old", old), ("recent", recent)):
            item = record_question(
                session=session,
                conversation_id=conversation,
                text="q",
                language="en",
                reason="no_answer",
            )
            item.created_at = when.replace(tzinfo=None)
    removed = purge_expired(settings=settings, now=now)
    assert (removed.events, removed.inbox_items) == (1, 1)
    assert (
        count(settings.tracker_store_url, "SELECT count(*) FROM events WHERE sender_id = 'recent'")
        == 1
    )
    assert (
        count(settings.tracker_store_url, "SELECT count(*) FROM events WHERE sender_id = 'old'")
        == 0
    )
    with transaction(settings.database_url) as session:
        assert session.execute(select(InboxItem.conversation_id)).scalars().all() == ["recent"]


async def test_erase_removes_one_conversation_entirely(settings):
    now = datetime.now(timezone.utc)
    await store_conversation(settings.tracker_store_url, "alex", now)
    await store_conversation(settings.tracker_store_url, "sam", now)
    with transaction(settings.database_url) as session:
        record_question(
            session=session, conversation_id="alex", text="q", language="fr", reason="clarify"
        )
    removed = erase_conversation(settings=settings, conversation_id="alex")
    assert (removed.events, removed.inbox_items) == (1, 1)
    assert count(settings.tracker_store_url, "SELECT count(*) FROM events") == 1
    with transaction(settings.database_url) as session:
        assert session.execute(select(func.count()).select_from(InboxItem)).scalar_one() == 0


def test_nothing_to_purge_before_rasa_ever_ran(settings):
    assert purge_expired(settings=settings).events == 0


def test_erasure_removes_coffees_and_tells_the_host_of_an_upcoming_one(tmp_path, db_url):
    """A candidate's erasure deletes their bookings (contact details and note with them);
    the host of the upcoming coffee gets a METHOD:CANCEL so the calendar entry goes too."""
    import icalendar
    from sqlalchemy import update

    from bot.core.clock import utcnow
    from bot.meetings.booking import book
    from bot.meetings.models import Ambassador, Booking
    from bot.meetings.slots import free_slots
    from tests.conftest import make_settings, port
    from tests.inbox_servers import start_smtp
    from tests.meetings.conftest import OFFICE, seed

    seed(db_url)
    settings = make_settings(
        tmp_path,
        db_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(port(29225)),
        NOTIFY_FROM="assistant@ardoise.test",
    )
    now = utcnow()
    with transaction(db_url) as session:
        session.execute(update(Ambassador).values(email="lea@ardoise.test").filter_by(id="lea"))
        slot = free_slots(session=session, now=now, office_timezone=OFFICE, ambassador_ids=["lea"])
        booking = book(
            session=session,
            slot_id=slot[0].id,
            conversation_id="to-erase",
            name="Alex",
            email="alex@example.org",
            note="my secret note",
            language="en",
            consent=True,
            now=now,
            office_timezone=OFFICE,
        )
        uid = booking.public_id
    controller, box = start_smtp(port(29225))
    try:
        removed = erase_conversation(settings=settings, conversation_id="to-erase")
        mail = box.wait_for(lambda m: m["To"] == "lea@ardoise.test")
    finally:
        controller.stop()
    assert removed.bookings == 1
    with session_factory(db_url)() as session:
        assert session.execute(select(func.count()).select_from(Booking)).scalar_one() == 0
    (invite,) = [p for p in mail.walk() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(invite.get_payload(decode=True))
    assert str(calendar["METHOD"]) == "CANCEL"
    (event,) = calendar.walk("VEVENT")
    assert uid in str(event["UID"]) and int(event["SEQUENCE"]) == 1
    assert [m["To"] for m in box.messages] == ["lea@ardoise.test"]  # not the candidate


def test_purge_removes_coffees_that_ended_past_retention(tmp_path, db_url):
    from sqlalchemy import update

    from bot.core.clock import utcnow
    from bot.meetings.booking import book
    from bot.meetings.models import Booking
    from bot.meetings.slots import free_slots
    from tests.conftest import make_settings
    from tests.meetings.conftest import OFFICE, seed

    seed(db_url)
    settings = make_settings(tmp_path, db_url)
    now = utcnow()
    with transaction(db_url) as session:
        slots = free_slots(session=session, now=now, office_timezone=OFFICE)
        ids = [
            book(
                session=session,
                slot_id=slot.id,
                conversation_id=f"c{n}",
                name="Alex",
                email=f"alex{n}@example.org",
                language="fr",
                consent=True,
                now=now,
                office_timezone=OFFICE,
            ).id
            for n, slot in enumerate(slots[:2])
        ]
        # the first coffee took place just over the retention period ago
        old = now - timedelta(days=settings.retention_days + 1)
        session.execute(
            update(Booking)
            .where(Booking.id == ids[0])
            .values(start_utc=old, end_utc=old + timedelta(minutes=30))
        )
    assert purge_expired(settings=settings).bookings == 1
    with session_factory(db_url)() as session:
        assert session.execute(select(Booking.id)).scalars().all() == [ids[1]]


def test_erasure_removes_registrations_questions_and_alerts_and_offers_the_seat(tmp_path, db_url):
    """An erased candidate's seat goes to the first in line (their offer e-mail); their
    question for the leaders, their vote's link to them and their hackathon alert go."""
    from bot.core.clock import utcnow
    from bot.events import alerts, panel
    from bot.events.models import EventAlert, PanelQuestion, PanelVote, Registration
    from bot.events.registrations import register
    from bot.events.terms import open_dates, save_terms
    from bot.records.defaults import prepare_records
    from bot.records.service import local_today
    from tests.conftest import make_settings, port
    from tests.inbox_servers import start_smtp

    settings = make_settings(
        tmp_path,
        db_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(port(29235)),
        NOTIFY_FROM="assistant@ardoise.test",
    )
    office, now = settings.office_timezone, utcnow()
    with transaction(db_url) as session:
        prepare_records(session=session, today=local_today(office))
        event = open_dates(session=session, kinds=("reverse_qa",), now=now, office_timezone=office)[
            0
        ].event
        save_terms(session=session, event_id=event.id, capacity=1, author="tests")
        seat, waiting = (
            register(
                session=session,
                event_id=event.id,
                conversation_id=who,
                first_name="Alex",
                email=f"{who}@example.org",
                language="en",
                consent=True,
                now=now,
                office_timezone=office,
            )
            for who in ("to-erase", "next-in-line")
        )
        question = panel.submit_question(
            session=session,
            registration_id=seat.public_id,
            text="my secret question",
            now=now,
            office_timezone=office,
        )
        alerts.keep_alert(
            session=session,
            kind="hackathon",
            email="to-erase@example.org",
            language="en",
            consent=True,
            now=now,
            conversation_id="to-erase",
        )
        waiting_id, question_id = waiting.id, question.id
    controller, box = start_smtp(port(29235))
    try:
        removed = erase_conversation(settings=settings, conversation_id="to-erase")
        box.wait_for(lambda m: m["To"] == "next-in-line@example.org")
    finally:
        controller.stop()
    assert removed.registrations == 3  # the registration, the question, the alert
    with session_factory(db_url)() as session:
        people = session.execute(select(Registration.conversation_id)).scalars().all()
        assert people == ["next-in-line"]
        assert session.get(Registration, waiting_id).status == "offered"
        assert session.get(PanelQuestion, question_id) is None
        assert session.execute(select(func.count()).select_from(EventAlert)).scalar_one() == 0
        assert session.execute(select(func.count()).select_from(PanelVote)).scalar_one() == 0


def _apply(settings, job: str, conversation: str, *, when: datetime, cv: bool) -> str | None:
    """An application (with an uploaded CV when `cv`); the CV's stored name."""
    from bot.applications import files
    from bot.applications.models import CvFile
    from bot.applications.service import take_application
    from tests.applications.cvs import pdf

    stored = files.store(settings, files.check_cv(pdf())) if cv else None
    with transaction(settings.database_url) as session:
        if stored:
            session.add(
                CvFile(token=f"t-{stored}", stored_as=stored, kind="pdf", size=1, created_at=when)
            )
            session.flush()
        take_application(
            session=session,
            data={
                "job": job,
                "first_name": "Alex",
                "last_name": "Doe",
                "email": f"{conversation}@example.org",
                "cv": f"t-{stored}" if stored else None,
                "url": None if stored else "https://example.org/alex",
                "consent": True,
            },
            conversation_id=conversation,
            language="fr",
            consent_text="ok",
            now=when,
        )
    return stored


def test_applications_and_their_cvs_are_erased_and_purged(settings):
    """Issue 14: an erasure takes a conversation's applications and CV files; retention
    takes those past APPLICATION_RETENTION_DAYS, and uploads no application took."""
    from bot.applications import files
    from bot.applications.models import Application, CvFile
    from bot.records.defaults import prepare_records
    from bot.records.service import local_today

    with transaction(settings.database_url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
    now = datetime.now(timezone.utc)
    naive = now.replace(tzinfo=None)
    erased = _apply(settings, "sre", "alex", when=naive, cv=True)
    kept = _apply(settings, "csm", "sam", when=naive, cv=True)
    old = naive - timedelta(days=settings.application_retention_days + 1)
    _apply(settings, "sre", "old", when=old, cv=False)
    removed = erase_conversation(settings=settings, conversation_id="alex")
    assert removed.applications == 1
    assert files.stored_path(settings, erased) is None
    assert files.stored_path(settings, kept) is not None
    stale = files.store(settings, _pdf())
    with transaction(settings.database_url) as session:
        session.add(
            CvFile(
                token="stale",
                stored_as=stale,
                kind="pdf",
                size=1,
                created_at=naive - timedelta(days=2),
            )
        )
    removed = purge_expired(settings=settings, now=now)
    assert removed.applications == 1
    assert files.stored_path(settings, stale) is None
    with transaction(settings.database_url) as session:
        assert session.execute(select(Application.conversation_id)).scalars().all() == ["sam"]
        assert session.execute(select(CvFile.stored_as)).scalars().all() == [kept]


def _pdf():
    from bot.applications.files import check_cv
    from tests.applications.cvs import pdf

    return check_cv(pdf())


def test_talent_community_sign_ups_are_erased_and_purged(settings):
    """Issue 14: an erasure takes the sign-ups made from a conversation; the purge takes
    memberships past their end and sign-ups never confirmed within a week."""
    from bot.community.models import CommunityMember
    from bot.community.service import confirm, sign_up

    now = datetime.now(timezone.utc)
    naive = now.replace(tzinfo=None)

    def join(conversation: str, when: datetime, confirmed: bool = True) -> None:
        with transaction(settings.database_url) as session:
            signed = sign_up(
                session=session,
                data={"email": f"{conversation}@example.org", "consent": True},
                conversation_id=conversation,
                language="fr",
                consent_text="ok",
                now=when,
            )
            if confirmed:
                confirm(session=session, public_id=signed.public_id, now=when)

    join("alex", naive)
    join("sam", naive)
    join("ended", naive - timedelta(days=800))  # 24 months are over
    join("never", naive - timedelta(days=8), confirmed=False)
    join("waiting", naive - timedelta(days=2), confirmed=False)
    assert erase_conversation(settings=settings, conversation_id="alex").community == 1
    removed = purge_expired(settings=settings, now=now)
    assert removed.community == 2
    assert "2 talent-community sign-ups" in str(removed)
    with transaction(settings.database_url) as session:
        left = session.execute(select(CommunityMember.conversation_id)).scalars().all()
        assert sorted(left) == ["sam", "waiting"]
