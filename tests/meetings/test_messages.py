"""Calendar invitations parsed back with icalendar, and the e-mails as a real SMTP
server (aiosmtpd) receives them, in French and English."""

from __future__ import annotations

import base64
import datetime as dt
import logging
import socket
from email.header import decode_header, make_header
from email.message import Message
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from bot.core.mail import Attachment, send_mail
from bot.core.settings import Settings
from bot.meetings.invitations import invitation
from bot.meetings.links import link_secret, read_token
from bot.meetings.messages import (
    Alternative,
    alternatives_from,
    ambassador_language,
    compose,
    format_when,
    send_booking_emails,
)
from bot.meetings.models import Ambassador, Booking
from bot.meetings.slots import Slot
from tests.conftest import make_settings
from tests.meetings.conftest import SMTP

PARIS = ZoneInfo("Europe/Paris")
UTC = dt.timezone.utc
WRITTEN = dt.datetime(2026, 11, 30, 9, 15)  # when the booking row was last written (UTC)


def lea(**changes) -> Ambassador:
    values = dict(
        id="lea",
        name="Léa Moreau",
        role="Staff Engineer",
        team="platform",
        languages=["fr", "en"],
        email="lea@ardoise.test",
    )
    return Ambassador(**{**values, **changes})


def booking(**changes) -> Booking:
    values = dict(
        id=7,
        public_id="b-7Xk2q",
        ambassador_id="lea",
        # Thursday 3 December 2026, 14:00 in Paris (CET, UTC+1)
        start_utc=dt.datetime(2026, 12, 3, 13, 0),
        end_utc=dt.datetime(2026, 12, 3, 13, 30),
        status="confirmed",
        conversation_id="conv-1",
        candidate_name="Ada",
        candidate_email="ada@example.org",
        note="",
        language="fr",
        candidate_timezone=None,
        sequence=0,
        created_at=WRITTEN,
        updated_at=WRITTEN,
    )
    return Booking(**{**values, **changes})


@pytest.fixture
def settings(tmp_path) -> Settings:
    return make_settings(
        tmp_path,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(SMTP),
        NOTIFY_FROM="assistant@ardoise.test",
        NOTIFY_EMAILS="recruiting@ardoise.test",
        PUBLIC_URL="https://assistant.ardoise.test",
    )


def parse(ics: bytes):
    calendar = Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def body(message: Message) -> str:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return part.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")


def subject(message: Message) -> str:
    """The Subject as people read it (the test mailbox keeps it MIME-encoded)."""
    return str(make_header(decode_header(message["Subject"])))


def calendar_part(message: Message) -> Message:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return part


# --- the invitation -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start_utc", "local"),
    [
        # winter (CET, UTC+1)
        (dt.datetime(2026, 12, 3, 13, 0), dt.datetime(2026, 12, 3, 14, 0)),
        # summer (CEST, UTC+2)
        (dt.datetime(2027, 6, 3, 12, 0), dt.datetime(2027, 6, 3, 14, 0)),
        # the Tuesday after clocks go forward (Sunday 28 March 2027)
        (dt.datetime(2027, 3, 30, 8, 0), dt.datetime(2027, 3, 30, 10, 0)),
        # the Tuesday after clocks go back (Sunday 31 October 2027)
        (dt.datetime(2027, 11, 2, 9, 0), dt.datetime(2027, 11, 2, 10, 0)),
    ],
)
def test_a_booking_invitation_is_a_request_at_the_right_time_in_office_time(start_utc, local):
    coffee = booking(start_utc=start_utc, end_utc=start_utc + dt.timedelta(minutes=30), sequence=2)
    ics = invitation(
        booking=coffee,
        ambassador=lea(),
        method="REQUEST",
        office_timezone="Europe/Paris",
        organizer_email="assistant@ardoise.test",
    )
    calendar, event = parse(ics)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert str(event["UID"]) == "b-7Xk2q@ardoise-assistant"
    assert event.decoded("SEQUENCE") == 2
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start == local.replace(tzinfo=PARIS) and end == start + dt.timedelta(minutes=30)
    assert start.astimezone(UTC).replace(tzinfo=None) == start_utc
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Paris"
    # the VTIMEZONE alone gives the same instant (what a client without tz database does)
    assert b"DTSTART;TZID=Europe/Paris:" + local.strftime("%Y%m%dT%H%M%S").encode() in ics
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["SUMMARY"]) == "Café équipe avec Léa (Ardoise Labs)"
    assert str(event["ORGANIZER"]) == "mailto:assistant@ardoise.test"
    attendees = {str(a): a.params for a in event.attendees}
    assert set(attendees) == {"mailto:lea@ardoise.test", "mailto:ada@example.org"}
    assert attendees["mailto:lea@ardoise.test"]["ROLE"] == "CHAIR"
    assert attendees["mailto:lea@ardoise.test"]["CN"] == "Léa Moreau"
    assert attendees["mailto:ada@example.org"]["ROLE"] == "REQ-PARTICIPANT"
    assert ics.endswith(b"END:VCALENDAR\r\n")


def test_a_cancellation_cancels_the_same_event_with_its_sequence():
    coffee = booking(status="cancelled", sequence=3, language="en")
    calendar, event = parse(
        invitation(
            booking=coffee,
            ambassador=lea(),
            method="CANCEL",
            office_timezone="Europe/Paris",
            organizer_email="assistant@ardoise.test",
        )
    )
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(event["UID"]) == "b-7Xk2q@ardoise-assistant"
    assert event.decoded("SEQUENCE") == 3
    assert str(event["STATUS"]) == "CANCELLED"
    assert str(event["SUMMARY"]) == "Cancelled: Team coffee with Léa (Ardoise Labs)"
    assert len(event.attendees) == 2  # a CANCEL names whom it cancels for


def test_the_video_link_is_the_configured_one_and_never_made_up():
    kwargs = dict(
        ambassador=lea(),
        method="REQUEST",
        office_timezone="Europe/Paris",
        organizer_email="assistant@ardoise.test",
    )
    _, event = parse(invitation(booking=booking(), **kwargs))
    assert "URL" not in event
    assert str(event["LOCATION"]) == "Visio (lien envoyé par Léa)"
    assert "Le lien de la visio vous sera envoyé par Léa avant le café." in str(
        event["DESCRIPTION"]
    )
    _, event = parse(
        invitation(
            booking=booking(language="en"), video_url="https://meet.example.org/ardoise", **kwargs
        )
    )
    assert str(event["URL"]) == "https://meet.example.org/ardoise"
    assert str(event["LOCATION"]) == "https://meet.example.org/ardoise"
    assert "Video link: https://meet.example.org/ardoise" in str(event["DESCRIPTION"])


def test_hostile_text_in_names_and_notes_stays_text_in_the_invitation():
    coffee = booking(
        candidate_name='Ada "x"\r\nATTENDEE:mailto:all@example.org',
        note="<script>alert(1)</script>\nEND:VEVENT\nBEGIN:VEVENT",
    )
    ics = invitation(
        booking=coffee,
        ambassador=lea(),
        method="REQUEST",
        office_timezone="Europe/Paris",
        organizer_email="assistant@ardoise.test",
    )
    calendar, event = parse(ics)  # still exactly one event
    assert {str(a) for a in event.attendees} == {
        "mailto:lea@ardoise.test",
        "mailto:ada@example.org",
    }
    assert "<script>alert(1)</script>\nEND:VEVENT\nBEGIN:VEVENT" in str(event["DESCRIPTION"])
    assert ics.split(b"\r\n").count(b"BEGIN:VEVENT") == 1  # the note's is escaped text
    candidate = next(a for a in event.attendees if str(a) == "mailto:ada@example.org")
    assert candidate.params["CN"] == "Ada 'x' ATTENDEE:mailto:all@example.org"


# --- the words ------------------------------------------------------------------------


def test_times_are_written_out_in_french_and_english():
    start = dt.datetime(2026, 12, 3, 13, 0)
    assert format_when(start, timezone="Europe/Paris", language="fr") == (
        "jeudi 3 décembre, 14:00 (heure de Paris)"
    )
    assert format_when(start, timezone="Europe/Paris", language="en") == (
        "Thursday 3 December, 14:00 (Paris time)"
    )
    assert format_when(dt.datetime(2027, 4, 1, 8, 0), timezone="Europe/Paris", language="fr") == (
        "jeudi 1er avril, 10:00 (heure de Paris)"
    )
    assert format_when(start, timezone="America/New_York", language="fr") == (
        "jeudi 3 décembre, 08:00 (heure de New York)"
    )


def test_the_ambassador_reads_their_first_language_among_french_and_english():
    assert ambassador_language(lea()) == "fr"
    assert ambassador_language(lea(languages=["en", "pt"])) == "en"
    assert ambassador_language(lea(languages=["pt", "fr"])) == "fr"
    assert ambassador_language(lea(languages=["pt"])) == "en"


def test_the_candidate_zone_is_shown_only_when_its_clock_differs(settings):
    def candidate_body(zone):
        (mail, *_) = compose(
            "confirmed",
            settings=settings,
            booking=booking(language="en", candidate_timezone=zone),
            ambassador=lea(),
        )
        return mail.body

    assert "that is Thursday 3 December, 08:00 (New York time) for you" in candidate_body(
        "America/New_York"
    )
    # Brussels and Paris share their clock; an unknown zone is ignored, not guessed
    for zone in ("Europe/Brussels", "Europe/Paris", "Mars/Olympus_Mons", None):
        assert ") for you\n" not in candidate_body(zone)


# --- the e-mails, through a real SMTP server -----------------------------------------


def test_a_booking_confirms_to_the_candidate_in_french_with_the_invitation(settings, inbox):
    sent = send_booking_emails(
        "confirmed",
        settings=settings,
        booking=booking(note="Le travail d'astreinte ?"),
        ambassador=lea(),
    )
    assert sent == {"candidate": True, "ambassador": True, "recruiters": True}

    mail = inbox.wait_for(lambda m: m["To"] == "ada@example.org")
    assert (
        subject(mail)
        == "Votre café avec Léa est confirmé : jeudi 3 décembre, 14:00 (heure de Paris)"
    )
    assert mail["From"] == "assistant@ardoise.test"
    text = body(mail)
    assert text.startswith("Bonjour Ada,\n\nVotre café équipe est réservé.\n\n")
    assert (
        "Quand : jeudi 3 décembre, 14:00 (heure de Paris)\n"
        "Avec : Léa, Staff Engineer, équipe Plateforme\n"
        "Durée : 30 minutes, en visio\n"
        "Lien de la visio : Léa vous l'enverra par e-mail avant le café.\n"
    ) in text
    assert "Et ensuite ? C'est un échange informel, pas un entretien" in text
    prefix = "Annulez ou déplacez votre café ici :\nhttps://assistant.ardoise.test/meetings/manage/"
    assert prefix in text
    token = text.split(prefix)[1].split()[0]
    found = read_token(secret=link_secret(settings), token=token, purpose="manage", now=WRITTEN)
    assert found == "b-7Xk2q"
    # the link names the booking by its public id (not the database id 7) and ends at its start
    payload = base64.urlsafe_b64decode(token.split(".")[0] + "==").decode()
    assert payload == "manage:1796302800:b-7Xk2q"  # 2026-12-03 13:00 UTC

    part = calendar_part(mail)
    assert part.get_param("method") == "REQUEST"
    assert part.get_filename() == "invite.ics"
    calendar, event = parse(part.get_payload(decode=True))
    assert str(calendar["METHOD"]) == "REQUEST" and event.decoded("SEQUENCE") == 0
    assert f"Annuler ou déplacer : {prefix.split()[-1]}{token}" in str(event["DESCRIPTION"])
    # the host's and the recruiters' invitations do not carry the candidate's link
    for address in ("lea@ardoise.test", "recruiting@ardoise.test"):
        other = calendar_part(inbox.wait_for(lambda m, a=address: m["To"] == a))
        _, theirs = parse(other.get_payload(decode=True))
        assert "/meetings/manage/" not in str(theirs["DESCRIPTION"])
        assert str(theirs["UID"]) == str(event["UID"])


def test_the_ambassador_gets_the_candidate_and_note_and_a_decline_link(settings, inbox):
    send_booking_emails(
        "confirmed",
        settings=settings,
        booking=booking(language="en", note="On-call?\nAnd Kubernetes."),
        ambassador=lea(),
    )
    mail = inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test")
    assert subject(mail) == "Nouveau café avec Ada : jeudi 3 décembre, 14:00 (heure de Paris)"
    text = body(mail)
    assert "Ada a réservé un café équipe avec vous." in text
    assert "Langue de l'échange : anglais" in text
    assert "Sujets proposés par Ada :\n> On-call?\n> And Kubernetes.\n" in text
    assert "envoyez le vôtre à Ada (ada@example.org) avant le café." in text
    prefix = "d'autres créneaux) :\nhttps://assistant.ardoise.test/meetings/decline/"
    token = text.split(prefix)[1].split()[0]
    assert read_token(secret=link_secret(settings), token=token, purpose="decline", now=WRITTEN)
    assert calendar_part(mail).get_param("method") == "REQUEST"

    copy = inbox.wait_for(lambda m: m["To"] == "recruiting@ardoise.test")
    assert subject(copy) == (
        "[Café équipe] Ada avec Léa, jeudi 3 décembre, 14:00 (heure de Paris) (réservé)"
    )
    assert "Candidat·e : Ada <ada@example.org> (anglais)" in body(copy)
    assert "Référence : b-7Xk2q, conversation conv-1" in body(copy)


def test_an_english_candidate_in_another_zone_reads_both_times(settings, inbox):
    send_booking_emails(
        "confirmed",
        settings=settings,
        booking=booking(language="en", candidate_timezone="America/Montreal"),
        ambassador=lea(languages=["en", "pt"]),
    )
    mail = inbox.wait_for(lambda m: m["To"] == "ada@example.org")
    assert (
        subject(mail)
        == "Your coffee with Léa is confirmed: Thursday 3 December, 14:00 (Paris time)"
    )
    assert (
        "When: Thursday 3 December, 14:00 (Paris time)\n"
        "      that is Thursday 3 December, 08:00 (Montreal time) for you\n"
        "With: Léa, Staff Engineer, Platform team\n"
    ) in body(mail)
    host = inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test")
    assert subject(host) == "New coffee with Ada: Thursday 3 December, 14:00 (Paris time)"


def test_hostile_markup_stays_inert_in_every_e_mail(settings, inbox):
    note = '<img src=x onerror="alert(1)"><a href="http://evil.example">Decline here</a>'
    send_booking_emails(
        "confirmed",
        settings=settings,
        booking=booking(candidate_name="Ada\r\nBcc: all@example.org", note=note),
        ambassador=lea(),
    )
    for address in ("ada@example.org", "lea@ardoise.test", "recruiting@ardoise.test"):
        mail = inbox.wait_for(lambda m, a=address: m["To"] == a)
        assert mail["Bcc"] is None
        types = {part.get_content_type() for part in mail.walk()}
        assert types == {"multipart/mixed", "text/plain", "text/calendar"}  # no HTML part
    host = body(inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test"))
    # the note is quoted, as typed, never as a link of ours
    assert f"\n> {note}\n" in host
    # the name's first word only names the candidate to others (and no line break)
    assert subject(inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test")) == (
        "Nouveau café avec Ada : jeudi 3 décembre, 14:00 (heure de Paris)"
    )


def test_a_move_sends_the_updated_invitation(settings, inbox):
    moved = booking(
        start_utc=dt.datetime(2026, 12, 8, 9, 0),
        end_utc=dt.datetime(2026, 12, 8, 9, 30),
        sequence=1,
    )
    send_booking_emails(
        "moved",
        settings=settings,
        booking=moved,
        ambassador=lea(),
        previous_start_utc=dt.datetime(2026, 12, 3, 13, 0),
    )
    mail = inbox.wait_for(lambda m: m["To"] == "ada@example.org")
    assert (
        subject(mail)
        == "Votre café avec Léa est déplacé : mardi 8 décembre, 10:00 (heure de Paris)"
    )
    assert "(Il était prévu jeudi 3 décembre, 14:00 (heure de Paris).)" in body(mail)
    _, event = parse(calendar_part(mail).get_payload(decode=True))
    assert event.decoded("SEQUENCE") == 1 and str(event["UID"]) == "b-7Xk2q@ardoise-assistant"
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 8, 10, 0, tzinfo=PARIS)
    assert "Café avec Ada déplacé" in subject(
        inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test")
    )


def test_a_move_to_another_host_cancels_for_the_former_one(settings, inbox):
    thomas = lea(
        id="thomas", name="Thomas Nguyen", role="Engineering Manager", team="product_engineering",
        email="thomas@ardoise.test", languages=["en", "fr"],
    )  # fmt: skip
    moved = booking(
        ambassador_id="thomas",
        start_utc=dt.datetime(2026, 12, 8, 9, 0),
        end_utc=dt.datetime(2026, 12, 8, 9, 30),
        sequence=1,
    )
    sent = send_booking_emails(
        "moved",
        settings=settings,
        booking=moved,
        ambassador=thomas,
        previous_start_utc=dt.datetime(2026, 12, 3, 13, 0),
        previous_ambassador=lea(),
    )
    assert sent == {
        "candidate": True,
        "ambassador": True,
        "former_ambassador": True,
        "recruiters": True,
    }
    new_host = inbox.wait_for(lambda m: m["To"] == "thomas@ardoise.test")
    assert subject(new_host) == "New coffee with Ada: Tuesday 8 December, 10:00 (Paris time)"
    assert calendar_part(new_host).get_param("method") == "REQUEST"
    former = inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test")
    assert subject(former) == "Café avec Ada annulé"
    assert "Le café avec Ada prévu jeudi 3 décembre, 14:00 (heure de Paris) est annulé." in body(
        former
    )
    part = calendar_part(former)
    assert part.get_param("method") == "CANCEL"
    _, event = parse(part.get_payload(decode=True))
    assert str(event["UID"]) == "b-7Xk2q@ardoise-assistant" and event.decoded("SEQUENCE") == 1
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 3, 14, 0, tzinfo=PARIS)
    assert "mailto:lea@ardoise.test" in {str(a) for a in event.attendees}


def test_free_slots_become_the_apology_s_lines():
    start = dt.datetime(2026, 12, 8, 9, 0)
    slots = [Slot("lea", start, start + dt.timedelta(minutes=30)), Slot("gone", start, start)]
    assert alternatives_from(slots, {"lea": lea()}) == [
        Alternative(start, "Léa Moreau", "Staff Engineer")
    ]


def test_a_cancellation_sends_a_cancel_to_everyone(settings, inbox):
    cancelled = booking(status="cancelled", sequence=1, language="en")
    sent = send_booking_emails("cancelled", settings=settings, booking=cancelled, ambassador=lea())
    assert sent == {"candidate": True, "ambassador": True, "recruiters": True}
    mail = inbox.wait_for(lambda m: m["To"] == "ada@example.org")
    assert subject(mail) == "Your coffee with Léa is cancelled"
    assert "/meetings/" not in body(mail)  # nothing left to manage
    for address in ("ada@example.org", "lea@ardoise.test", "recruiting@ardoise.test"):
        part = calendar_part(inbox.wait_for(lambda m, a=address: m["To"] == a))
        assert part.get_param("method") == "CANCEL"
        assert str(parse(part.get_payload(decode=True))[0]["METHOD"]) == "CANCEL"
    host = inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test")
    assert subject(host) == "Café avec Ada annulé"


def test_an_erasure_can_tell_the_ambassador_only(settings, inbox):
    sent = send_booking_emails(
        "cancelled",
        settings=settings,
        booking=booking(status="cancelled", sequence=1),
        ambassador=lea(),
        roles=("ambassador",),
    )
    assert sent == {"ambassador": True}
    inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test")
    assert [m["To"] for m in inbox.messages] == ["lea@ardoise.test"]


def test_a_decline_apologises_with_new_slots_and_a_link_to_pick_one(settings, inbox):
    alternatives = [
        Alternative(dt.datetime(2026, 12, 8, 9, 0), "Thomas Nguyen", "Engineering Manager"),
        Alternative(dt.datetime(2026, 12, 10, 13, 0), "Léa Moreau", "Staff Engineer"),
    ]
    send_booking_emails(
        "declined",
        settings=settings,
        booking=booking(status="declined", sequence=1, language="en"),
        ambassador=lea(),
        alternatives=alternatives,
    )
    mail = inbox.wait_for(lambda m: m["To"] == "ada@example.org")
    assert subject(mail) == "Your coffee with Léa: our apologies"
    text = body(mail)
    assert "Léa can no longer make your coffee planned for Thursday 3 December, 14:00" in text
    assert (
        "Here are other free slots:\n"
        "  - Tuesday 8 December, 10:00 (Paris time), with Thomas (Engineering Manager)\n"
        "  - Thursday 10 December, 14:00 (Paris time), with Léa (Staff Engineer)\n"
    ) in text
    prefix = "To book one of them:\nhttps://assistant.ardoise.test/meetings/manage/"
    token = text.split(prefix)[1].split()[0]
    # the link outlives the declined coffee: it works until the last slot offered
    after_the_declined_one = dt.datetime(2026, 12, 9, 0, 0)
    assert read_token(
        secret=link_secret(settings), token=token, purpose="manage", now=after_the_declined_one
    )
    assert calendar_part(mail).get_param("method") == "CANCEL"
    host = inbox.wait_for(lambda m: m["To"] == "lea@ardoise.test")
    assert subject(host) == "Vous avez décliné le café avec Ada"


def test_reminders_go_to_the_candidate_and_the_ambassador_only(settings, inbox):
    sent = send_booking_emails(
        "reminder_24h", settings=settings, booking=booking(), ambassador=lea()
    )
    assert sent == {"candidate": True, "ambassador": True}
    mail = inbox.wait_for(lambda m: m["To"] == "ada@example.org")
    assert subject(mail) == "Rappel : votre café avec Léa, jeudi 3 décembre, 14:00 (heure de Paris)"
    emails = compose(
        "reminder_1h", settings=settings, booking=booking(language="en"), ambassador=lea()
    )
    assert [(e.role, e.subject) for e in emails] == [
        ("candidate", "Your coffee with Léa starts soon"),
        ("ambassador", "Votre café avec Ada commence bientôt"),
    ]


def test_an_ambassador_without_an_address_gets_no_e_mail(settings):
    emails = compose("confirmed", settings=settings, booking=booking(), ambassador=lea(email=None))
    assert [e.role for e in emails] == ["candidate", "recruiters"]
    _, event = parse(emails[0].attachments[0].content)
    assert {str(a) for a in event.attendees} == {"mailto:ada@example.org"}


# --- the SMTP sender ------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_mail_server_that_is_down_is_logged_without_the_people(tmp_path, caplog):
    settings = make_settings(tmp_path, SMTP_HOST="127.0.0.1", SMTP_PORT=str(free_port()))
    with caplog.at_level(logging.WARNING, logger="bot.core.mail"):
        assert (
            send_mail(settings, to=["ada@example.org"], subject="Ada's coffee", body="Ada's note")
            is False
        )
    assert "could not send an e-mail to 1 recipient(s)" in caplog.text
    assert "ada" not in caplog.text.lower()


def test_nothing_is_sent_without_a_server_or_a_recipient(tmp_path, settings):
    assert send_mail(make_settings(tmp_path), to=["a@b.test"], subject="s", body="b") is False
    assert send_mail(settings, to=[], subject="s", body="b") is False


def test_an_attachment_keeps_its_type_and_parameters(settings, inbox):
    attachment = Attachment(
        "invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text", "calendar",
        (("method", "CANCEL"), ("charset", "utf-8")),
    )  # fmt: skip
    assert attachment.content_type == "text/calendar; method=CANCEL; charset=utf-8"
    assert send_mail(
        settings, to=["x@ardoise.test"], subject="s", body="b", attachments=[attachment]
    )
    part = calendar_part(inbox.wait_for(lambda m: m["To"] == "x@ardoise.test"))
    assert part.get_param("method") == "CANCEL"
    assert part.get_payload(decode=True) == b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
