"""The registrations' e-mails as a real SMTP server (aiosmtpd) receives them, with their
calendar invitations parsed back, FR and EN; markup typed by anyone stays plain text."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

from bot.core.db import transaction
from bot.events.messages import compose, send_registration_email
from bot.events.registrations import cancel, confirm_offer, get_registration
from bot.events.terms import event_terms, open_dates, save_terms
from bot.meetings.links import link_secret, read_token
from bot.records.models import Event
from tests.events.conftest import (
    NOW,
    OFFICE,
    OPEN_HOUSE_START,
    REVERSE_QA_START,
    add_event,
    add_reverse_qa,
    body,
    calendars,
    mail_settings,
    subject,
)

PARIS = ZoneInfo("Europe/Paris")
HOSTILE = '<script>alert(1)</script><a href="https://evil.test">click</a>'


def send(settings, kind, public_id, **kw) -> bool:
    with transaction(settings.database_url) as session:
        registration = get_registration(session=session, public_id=public_id)
        event = session.get(Event, registration.event_id)
        terms = event_terms(session=session, event=event, office_timezone=OFFICE)
        session.expunge_all()
    return send_registration_email(
        kind, settings=settings, registration=registration, event=event, terms=terms, **kw
    )


def token_of(text: str, path: str) -> str:
    (token,) = re.findall(rf"https://assistant\.ardoise\.test{path}/(\S+)", text)
    return token


def test_the_open_house_confirmation_carries_the_place_and_the_invitation(
    tmp_path, events_url, registered, inbox
):
    settings = mail_settings(tmp_path, events_url)
    registration = registered(add_event(events_url), language="fr")
    assert send(settings, "confirmed", registration.public_id)
    mail = inbox.wait_for(lambda m: True)
    assert mail["To"] == "camille@example.org"
    assert subject(mail) == (
        "Inscription confirmée : Portes ouvertes, jeudi 3 décembre, 17:30 (heure de Paris)"
    )
    text = body(mail)
    assert "Où : Siège de Lyon, 12 rue de la Charité" in text
    token = token_of(text, "/events/registration")
    secret = link_secret(settings)
    assert read_token(secret=secret, token=token, purpose="registration", now=NOW) == (
        registration.public_id
    )
    (calendar,) = calendars(mail)
    (event,) = calendar.walk("VEVENT")
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == f"event-{registration.public_id}@ardoise-assistant"
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 3, 17, 30, tzinfo=PARIS)
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTEND") == dt.datetime(2026, 12, 3, 19, 30, tzinfo=PARIS)
    assert str(event["LOCATION"]) == "Siège de Lyon, 12 rue de la Charité"
    assert calendar.walk("VTIMEZONE")


def test_the_reverse_qa_confirmation_gives_the_video_link_and_the_questions_page(
    tmp_path, events_url, registered, inbox
):
    settings = mail_settings(tmp_path, events_url)
    event_id = add_reverse_qa(events_url)
    with transaction(events_url) as session:
        save_terms(
            session=session,
            event_id=event_id,
            video_url="https://meet.ardoise.test/qa",
            author="hr",
        )
    registration = registered(event_id, language="en")
    assert send(settings, "confirmed", registration.public_id)
    mail = inbox.wait_for(lambda m: True)
    text = body(mail)
    assert "Online, video link: https://meet.ardoise.test/qa" in text
    assert "upvote the other participants' (anonymous) questions" in text
    (calendar,) = calendars(mail)
    (event,) = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == "https://meet.ardoise.test/qa"
    assert event.decoded("DTSTART") == REVERSE_QA_START.replace(tzinfo=dt.timezone.utc)
    assert event.decoded("DTEND") - event.decoded("DTSTART") == dt.timedelta(minutes=45)


def test_waitlist_offer_and_cancellation_emails(tmp_path, events_url, registered, inbox):
    settings = mail_settings(tmp_path, events_url)
    event_id = add_event(events_url)
    with transaction(events_url) as session:
        save_terms(session=session, event_id=event_id, capacity=1, author="hr")
    first = registered(event_id, email="a@example.org", language="en")
    waiting = registered(event_id, email="b@example.org", language="en")
    assert send(settings, "waitlisted", waiting.public_id, position=1)
    assert "you are on the waitlist, number 1" in body(inbox.wait_for(lambda m: True))
    with transaction(events_url) as session:
        (offer,) = cancel(
            session=session, public_id=first.public_id, now=NOW, office_timezone=OFFICE
        ).offers
    inbox.messages.clear()
    assert send(settings, "cancelled", first.public_id)
    assert send(settings, "offered", offer.public_id)
    cancelled = inbox.wait_for(lambda m: m["To"] == "a@example.org")
    (calendar,) = calendars(cancelled)
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(calendar.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert int(calendar.walk("VEVENT")[0]["SEQUENCE"]) == 1
    offered = inbox.wait_for(lambda m: m["To"] == "b@example.org")
    assert calendars(offered) == []  # no invitation before the seat is taken
    text = body(offered)
    assert "held for you until Tuesday 1 December, 10:00 (Paris time)" in text
    token = token_of(text, "/events/offer")
    secret = link_secret(settings)
    public_id = read_token(secret=secret, token=token, purpose="seat_offer", now=NOW)
    with transaction(events_url) as session:
        assert confirm_offer(session=session, public_id=public_id, now=NOW).status == "confirmed"


def test_hr_cancelling_sends_an_apology_with_the_next_dates(tmp_path, events_url, registered):
    settings = mail_settings(tmp_path, events_url)
    event_id = add_event(events_url)
    add_event(events_url, date=dt.date(2027, 1, 7))
    registration = registered(event_id, language="fr")
    with transaction(events_url) as session:
        event = session.get(Event, event_id)
        terms = event_terms(session=session, event=event, office_timezone=OFFICE)
        dates = open_dates(
            session=session, kinds=("open_house",), now=NOW, office_timezone=OFFICE, but=event_id
        )
        email = compose(
            "event_cancelled",
            settings=settings,
            registration=session.merge(registration),
            event=event,
            terms=terms,
            next_dates=dates,
        )
    assert email.subject.startswith("Annulé : Portes ouvertes")
    assert "  - jeudi 7 janvier, 17:30 (heure de Paris) (25 places restantes)" in email.body
    assert "Toutes nos excuses" in email.body
    assert [a.params for a in email.attachments] == [(("method", "CANCEL"), ("charset", "utf-8"))]


def test_the_thank_you_asks_one_question_by_a_signed_link(tmp_path, events_url, registered):
    settings = mail_settings(tmp_path, events_url)
    registration = registered(add_event(events_url), language="en")
    with transaction(events_url) as session:
        event = session.get(Event, registration.event_id)
        terms = event_terms(session=session, event=event, office_timezone=OFFICE)
        email = compose(
            "thanks",
            settings=settings,
            registration=session.merge(registration),
            event=event,
            terms=terms,
        )
    assert "how was it, from 1 to 5?" in email.body
    assert "https://assistant.ardoise.test/en/#jobs" in email.body
    token = token_of(email.body, "/events/feedback")
    later = OPEN_HOUSE_START + dt.timedelta(days=29)
    assert read_token(
        secret=link_secret(settings), token=token, purpose="event_feedback", now=later
    )
    assert email.attachments == ()


def test_markup_typed_by_hr_or_a_candidate_stays_plain_text(
    tmp_path, events_url, registered, inbox
):
    settings = mail_settings(tmp_path, events_url)
    event_id = add_event(events_url, place_en=HOSTILE, note_en=HOSTILE)
    registration = registered(event_id, language="en", first_name="Zoé & co &amp;")
    assert send(settings, "confirmed", registration.public_id)
    mail = inbox.wait_for(lambda m: True)
    types = {part.get_content_type() for part in mail.walk()}
    assert "text/html" not in types
    text = body(mail)
    assert f"Where: {HOSTILE}" in text and "Hello Zoé & co &amp;," in text
    (calendar,) = calendars(mail)
    (event,) = calendar.walk("VEVENT")
    assert str(event["LOCATION"]) == HOSTILE
    assert HOSTILE in str(event["DESCRIPTION"])
