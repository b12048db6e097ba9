"""The sweep's e-mails (offers that lapse, reminders, thank-you) go out once across two
sweeps; the hackathon list is told once and deleted; erasure and retention."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.core.db import transaction
from bot.events.alerts import alert_count, announce, keep_alert, should_announce
from bot.events.models import EventAlert, PanelQuestion, PanelVote, Registration
from bot.events.panel import link_article, session_questions, submit_question, vote
from bot.events.privacy import erase_conversation_registrations, purge_old_registrations
from bot.events.registrations import BadRegistration, cancel
from bot.events.reminders import send_due_notices
from bot.events.terms import save_terms
from bot.records.models import Event
from tests.events.conftest import (
    NOW,
    OFFICE,
    OPEN_HOUSE_START,
    add_event,
    add_reverse_qa,
    body,
    mail_settings,
    subject,
)


def test_reminders_and_thanks_go_out_once_across_sweeps(tmp_path, events_url, registered, inbox):
    settings = mail_settings(tmp_path, events_url)
    event_id = add_event(events_url)
    registered(event_id, language="en")
    registered(event_id, email="gone@example.org", conversation_id="c2", language="en")
    with transaction(events_url) as session:
        no_show = session.execute(
            select(Registration).where(Registration.email == "gone@example.org")
        ).scalar_one()
        no_show.attendance = "no_show"
    day_before = OPEN_HOUSE_START - dt.timedelta(hours=23)
    first = send_due_notices(settings, day_before)
    assert [(n.kind, n.sent) for n in first] == [("reminder_day", True)] * 2
    assert send_due_notices(settings, day_before) == []
    assert [subject(m)[:9] for m in inbox.messages] == ["Reminder:"] * 2
    hour_before = OPEN_HOUSE_START - dt.timedelta(minutes=50)
    assert len(send_due_notices(settings, hour_before)) == 2
    assert send_due_notices(settings, hour_before) == []
    after = OPEN_HOUSE_START + dt.timedelta(hours=5)
    (thanks,) = send_due_notices(settings, after)
    assert thanks.kind == "thanks" and send_due_notices(settings, after) == []
    mail = inbox.wait_for(lambda m: subject(m).startswith("Thank you"))
    assert mail["To"] == "camille@example.org"


def test_the_sweep_lapses_offers_and_emails_the_next_in_line(
    tmp_path, events_url, registered, inbox
):
    settings = mail_settings(tmp_path, events_url)
    event_id = add_event(events_url)
    with transaction(events_url) as session:
        save_terms(session=session, event_id=event_id, capacity=1, author="hr")
    first = registered(event_id, email="a@example.org", language="en")
    registered(event_id, email="b@example.org", language="en")
    registered(event_id, email="c@example.org", language="en")
    with transaction(events_url) as session:
        cancel(session=session, public_id=first.public_id, now=NOW, office_timezone=OFFICE)
    later = NOW + dt.timedelta(hours=24)
    done = send_due_notices(settings, later)
    assert sorted((n.kind, n.sent) for n in done) == [("offer_expired", True), ("offered", True)]
    assert send_due_notices(settings, later) == []
    assert inbox.wait_for(lambda m: m["To"] == "b@example.org")
    offer = inbox.wait_for(lambda m: m["To"] == "c@example.org")
    assert "A seat freed up" in subject(offer)


def test_the_hackathon_list_is_told_once_then_deleted(tmp_path, events_url, inbox):
    settings = mail_settings(tmp_path, events_url)
    with transaction(events_url) as session:
        with pytest.raises(BadRegistration):
            keep_alert(
                session=session,
                kind="hackathon",
                email="a@example.org",
                language="fr",
                consent=False,
                now=NOW,
            )
        keep_alert(
            session=session,
            kind="hackathon",
            email="a@example.org",
            language="fr",
            consent=True,
            now=NOW,
            conversation_id="c1",
        )
        keep_alert(
            session=session,
            kind="hackathon",
            email="A@example.org",
            language="en",
            consent=True,
            now=NOW,
        )
        keep_alert(
            session=session,
            kind="hackathon",
            email="b@example.org",
            language="en",
            consent=True,
            now=NOW,
        )
        assert alert_count(session=session, kind="hackathon") == 2
    event_id = add_event(
        events_url,
        kind="hackathon",
        date=dt.date(2027, 4, 10),
        end_date=dt.date(2027, 4, 11),
        start_time=dt.time(9, 0),
        end_time=dt.time(18, 0),
    )
    with transaction(events_url) as session:
        assert should_announce(session.get(Event, event_id), dt.date(2026, 11, 30))
    assert announce(settings, event_id=event_id, now=NOW).sent == 2
    assert announce(settings, event_id=event_id, now=NOW).sent == 0
    assert len(inbox.messages) == 2
    english = inbox.wait_for(lambda m: m["To"] == "A@example.org")
    assert "Ardoise Hack takes place on Saturday 10 April, 09:00 (Paris time)" in body(english)
    with transaction(events_url) as session:
        assert alert_count(session=session, kind="hackathon") == 0


def test_erasure_keeps_vote_counts_and_kept_questions_and_frees_the_seat(events_url, registered):
    event_id = add_reverse_qa(events_url)
    with transaction(events_url) as session:
        save_terms(session=session, event_id=event_id, capacity=2, author="hr")
    gone = registered(event_id, email="gone@example.org", conversation_id="erase-me")
    stays = registered(event_id, email="stays@example.org", conversation_id="stays")
    waiting = registered(event_id, email="w@example.org", conversation_id="w")
    with transaction(events_url) as session:
        kw = dict(session=session, now=NOW, office_timezone=OFFICE)
        theirs = submit_question(registration_id=gone.public_id, text="Kept one", **kw)
        dropped = submit_question(registration_id=gone.public_id, text="Dropped one", **kw)
        mine = submit_question(registration_id=stays.public_id, text="Mine", **kw)
        vote(registration_id=gone.public_id, question_id=mine.public_id, **kw)
        vote(registration_id=stays.public_id, question_id=theirs.public_id, **kw)
        link_article(session=session, question_id=theirs.public_id, article_id="faq-roadmap")
        keep_alert(
            session=session,
            kind="hackathon",
            email="gone@example.org",
            language="fr",
            consent=True,
            now=NOW,
            conversation_id="erase-me",
        )
    with transaction(events_url) as session:
        erased = erase_conversation_registrations(
            session=session, conversation_id="erase-me", now=NOW, office_timezone=OFFICE
        )
        assert (erased.registrations, erased.questions, erased.alerts) == (1, 1, 1)
        assert [r.public_id for r in erased.offers] == [waiting.public_id]
        views = {v.text: v for v in session_questions(session=session, event_id=event_id)}
        assert set(views) == {"Kept one", "Mine"} and "Dropped one" not in views
        assert views["Mine"].votes == 1 and views["Kept one"].votes == 1
        kept = session.execute(
            select(PanelQuestion).where(PanelQuestion.text == "Kept one")
        ).scalar_one()
        assert kept.registration_id is None
        assert (
            session.execute(
                select(func.count())
                .select_from(PanelVote)
                .where(PanelVote.registration_id.is_(None))
            ).scalar_one()
            == 1
        )
        assert (
            session.execute(
                select(Registration).where(Registration.email == "gone@example.org")
            ).first()
            is None
        )
        assert dropped.public_id not in {v.id for v in views.values()}


def test_retention_purges_registrations_of_events_long_past(events_url, registered):
    old = add_event(events_url, date=dt.date(2026, 12, 3))
    recent = add_event(events_url, date=dt.date(2027, 1, 7))
    registered(old)
    registered(recent)
    with transaction(events_url) as session:
        keep_alert(
            session=session,
            kind="hackathon",
            email="a@example.org",
            language="fr",
            consent=True,
            now=NOW,
        )
        cutoff = dt.datetime(2027, 1, 1)
        assert (
            purge_old_registrations(session=session, cutoff=cutoff) == 2
        )  # 1 registration + 1 alert
        assert session.execute(select(func.count()).select_from(Registration)).scalar_one() == 1
        assert session.execute(select(func.count()).select_from(EventAlert)).scalar_one() == 0
