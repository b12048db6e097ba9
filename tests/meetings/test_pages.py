"""The pages behind the links of the coffee e-mails, over a real web server (the app of
bot.web.app), a real SQLite database and a real SMTP server (aiosmtpd): opening a page
changes nothing, cancel/move/decline act once and send their invitations, bad tokens get
a clear FR+EN page, markup stays text, other sites cannot post, and the reminder sweep
runs inside the app."""

from __future__ import annotations

import asyncio
import datetime as dt
import html
import re
import time
from collections.abc import AsyncIterator
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from icalendar import Calendar
from sqlalchemy import select, update

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import Settings
from bot.meetings.booking import book
from bot.meetings.links import link_secret, make_token
from bot.meetings.models import Ambassador, Booking
from bot.meetings.slots import free_slots, slot_id
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.inbox_servers import Mailbox
from tests.meetings.conftest import SMTP, add_ambassador

OFFICE = "Europe/Paris"
HOSTILE_NOTE = '<script>window.__xss=1</script><img src=x onerror=alert(1)> & "quoted"'


@pytest.fixture
def settings(tmp_path, meetings_url: str) -> Settings:
    with transaction(meetings_url) as session:
        session.execute(update(Ambassador).values(email=Ambassador.id + "@ardoise.test"))
    return make_settings(
        tmp_path,
        meetings_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(SMTP),
        NOTIFY_FROM="assistant@ardoise.test",
    )


@pytest.fixture
async def server(settings: Settings, inbox: Mailbox) -> AsyncIterator[TestServer]:
    """The web server's app, as `bot web` runs it (reminder sweep included)."""
    started = TestServer(create_app(settings), host="127.0.0.1")
    await started.start_server()
    yield started
    await started.close()


@pytest.fixture
async def web(server: TestServer) -> AsyncIterator[aiohttp.ClientSession]:
    http = aiohttp.ClientSession(base_url=str(server.make_url("")))
    yield http
    await http.close()


def later_slots(settings: Settings, *, ambassador: str | None = None) -> list[str]:
    """Free slot ids at least 30 hours ahead (no reminder falls due during a test)."""
    now = utcnow()
    with transaction(settings.database_url) as session:
        slots = free_slots(
            session=session,
            now=now,
            office_timezone=OFFICE,
            language="fr",
            ambassador_ids=[ambassador] if ambassador else None,
        )
    return [s.id for s in slots if s.start_utc > now + dt.timedelta(hours=30)]


def booking_for(settings: Settings, slot: str, **details: Any) -> Booking:
    values: dict[str, Any] = {
        "conversation_id": "conv-pages",
        "name": "Camille",
        "email": "camille@example.org",
        "note": "Comment se passe l'astreinte ?",
        "language": "fr",
        "consent": True,
        "consent_text": "J'accepte.",
        **details,
    }
    with transaction(settings.database_url) as session:
        return book(session=session, slot_id=slot, now=utcnow(), office_timezone=OFFICE, **values)


def token(settings: Settings, coffee: Booking, purpose: str = "manage", **change: Any) -> str:
    return make_token(
        secret=link_secret(settings),
        purpose=change.get("purpose", purpose),  # type: ignore[arg-type]
        public_id=change.get("public_id", coffee.public_id),
        expires=change.get("expires", coffee.start_utc),
    )


def row(settings: Settings, public_id: str) -> dict[str, Any]:
    with transaction(settings.database_url) as session:
        found = session.execute(select(Booking).where(Booking.public_id == public_id)).scalar_one()
        return {**found.to_json(), "sequence": found.sequence, "seat": found.seat}


def all_rows(settings: Settings) -> list[dict[str, Any]]:
    with transaction(settings.database_url) as session:
        return [
            b.to_json() for b in session.execute(select(Booking).order_by(Booking.id)).scalars()
        ]


def subject(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body(message: Message) -> str:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return part.get_payload(decode=True).decode("utf-8").replace("\r\n", "\n")


def event(message: Message) -> tuple[str, Any]:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    calendar = Calendar.from_ical(part.get_payload(decode=True))
    (found,) = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), found


def to(box: Mailbox, address: str) -> list[Message]:
    return [m for m in box.messages if address in m["To"]]


async def raw_page(http: aiohttp.ClientSession, method: str, path: str, **kwargs: Any):
    async with http.request(method, path, allow_redirects=False, **kwargs) as answer:
        return answer.status, await answer.text(), answer.headers


async def page(http: aiohttp.ClientSession, method: str, path: str, **kwargs: Any):
    """Status, the page's text as read (entities decoded), headers."""
    status, text, headers = await raw_page(http, method, path, **kwargs)
    return status, html.unescape(text), headers


# ---------------------------------------------------------------- the manage page


async def test_opening_the_manage_page_shows_the_coffee_and_changes_nothing(web, settings, inbox):
    coffee = booking_for(settings, later_slots(settings, ambassador="lea")[0])
    before = all_rows(settings)
    status, text, headers = await page(web, "GET", f"/meetings/manage/{token(settings, coffee)}")
    assert status == 200
    assert '<html lang="fr"' in text
    assert "Léa" in text and "Moreau" not in text  # the host's first name only
    assert "Plateforme" in text and "confirmé" in text
    assert re.search(r"(lundi|mardi|mercredi|jeudi|vendredi) \d+(er)? \w+, \d\d:\d\d", text)
    assert "/cancel" in text and 'name="slot"' in text
    assert text.count('name="slot"') <= 9
    assert "no-store" in headers["Cache-Control"]
    assert "form-action 'self'" in headers["Content-Security-Policy"]
    # a HEAD, a second GET and the English page: still nothing changed, nothing sent
    await page(web, "HEAD", f"/meetings/manage/{token(settings, coffee)}")
    status, english, _ = await page(
        web, "GET", f"/meetings/manage/{token(settings, coffee)}?lang=en"
    )
    assert status == 200 and '<html lang="en"' in english and "Platform team" in english
    assert all_rows(settings) == before
    assert inbox.messages == []


async def test_the_same_hosts_slots_come_first(web, settings):
    coffee = booking_for(settings, later_slots(settings, ambassador="lea")[0])
    _, text, _ = await page(web, "GET", f"/meetings/manage/{token(settings, coffee)}")
    offered = re.findall(r'name="slot" value="([^"]+)"', text)
    assert offered and offered[0].startswith("lea-")
    hosts = [s.rsplit("-", 1)[0] for s in offered]
    assert hosts == sorted(hosts, key=lambda h: h != "lea")  # Léa's, then the others
    assert slot_id(coffee.ambassador_id, coffee.start_utc) not in offered


async def test_cancel_works_once_and_the_ambassador_gets_a_cancel_invitation(web, settings, inbox):
    coffee = booking_for(settings, later_slots(settings, ambassador="lea")[0])
    link = f"/meetings/manage/{token(settings, coffee)}"
    status, text, _ = await page(web, "POST", f"{link}/cancel")
    assert status == 200 and "annulé" in text
    assert row(settings, coffee.public_id)["status"] == "cancelled"
    (to_lea,) = to(inbox, "lea@ardoise.test")
    method, invitation = event(to_lea)
    assert method == "CANCEL"
    assert invitation.decoded("SEQUENCE") == 1
    (to_candidate,) = to(inbox, "camille@example.org")
    assert event(to_candidate)[0] == "CANCEL"
    sent = len(inbox.messages)
    # a second time: says so, changes nothing, sends nothing
    status, text, _ = await page(web, "POST", f"{link}/cancel")
    assert status == 410 and "a été annulé" in text
    assert row(settings, coffee.public_id)["sequence"] == 1
    status, text, _ = await page(web, "GET", link)
    assert status == 410 and "a été annulé" in text
    assert len(inbox.messages) == sent


async def test_moving_raises_the_sequence_and_sends_a_request(web, settings, inbox):
    first, second = later_slots(settings, ambassador="lea")[:2]
    coffee = booking_for(settings, first)
    status, text, _ = await page(
        web,
        "POST",
        f"/meetings/manage/{token(settings, coffee)}/move?lang=en",
        data={"slot": second},
    )
    assert status == 200 and "has moved" in text
    moved = row(settings, coffee.public_id)
    assert moved["sequence"] == 1 and moved["status"] == "confirmed"
    assert slot_id("lea", dt.datetime.fromisoformat(moved["start"][:-1])) == second
    (to_candidate,) = to(inbox, "camille@example.org")
    method, invitation = event(to_candidate)
    assert method == "REQUEST" and invitation.decoded("SEQUENCE") == 1
    assert "déplacé" in subject(to_candidate)  # the e-mail speaks the booking's language
    (to_lea,) = to(inbox, "lea@ardoise.test")
    assert event(to_lea)[0] == "REQUEST"


async def test_moving_to_another_host_cancels_with_the_former_one(web, settings, inbox):
    coffee = booking_for(settings, later_slots(settings, ambassador="lea")[0])
    elsewhere = later_slots(settings, ambassador="thomas")[0]
    status, _, _ = await page(
        web, "POST", f"/meetings/manage/{token(settings, coffee)}/move", data={"slot": elsewhere}
    )
    assert status == 200
    assert event(to(inbox, "lea@ardoise.test")[0])[0] == "CANCEL"
    assert event(to(inbox, "thomas@ardoise.test")[0])[0] == "REQUEST"


async def test_a_slot_taken_in_between_is_said_and_fresh_slots_shown(web, settings, inbox):
    mine, wanted = later_slots(settings, ambassador="lea")[:2]
    coffee = booking_for(settings, mine)
    booking_for(settings, wanted, conversation_id="other", email="other@example.org")
    status, text, _ = await page(
        web, "POST", f"/meetings/manage/{token(settings, coffee)}/move", data={"slot": wanted}
    )
    assert status == 409 and "vient d'être pris" in text
    offered = re.findall(r'name="slot" value="([^"]+)"', text)
    assert offered and wanted not in offered
    assert row(settings, coffee.public_id)["sequence"] == 0
    assert inbox.messages == []


async def test_a_made_up_slot_is_refused_with_fresh_slots(web, settings, inbox):
    coffee = booking_for(settings, later_slots(settings, ambassador="lea")[0])
    for slot in ("nope", "lea-20000101T0900", "", "x" * 5000):
        status, text, _ = await page(
            web, "POST", f"/meetings/manage/{token(settings, coffee)}/move", data={"slot": slot}
        )
        assert status == 409 and "n'est plus proposé" in text, slot
    assert row(settings, coffee.public_id)["sequence"] == 0
    assert inbox.messages == []


# ---------------------------------------------------------------- the decline page


async def test_declining_sends_the_apology_with_other_slots(web, settings, inbox):
    coffee = booking_for(settings, later_slots(settings, ambassador="lea")[0])
    link = f"/meetings/decline/{token(settings, coffee, 'decline')}"
    status, text, _ = await page(web, "GET", link)
    assert status == 200 and "Décliner ce café" in text and "Camille" in text
    assert row(settings, coffee.public_id)["status"] == "confirmed"
    assert inbox.messages == []
    status, text, _ = await page(web, "POST", link)
    assert status == 200 and "décliné" in text
    assert row(settings, coffee.public_id)["status"] == "declined"
    (apology,) = to(inbox, "camille@example.org")
    assert event(apology)[0] == "CANCEL"
    words = body(apology)
    assert "Voici d'autres créneaux libres" in words
    assert "avec Léa" not in words  # the host who declined is not offered again
    assert event(to(inbox, "lea@ardoise.test")[0])[0] == "CANCEL"
    # declining twice: said, nothing sent
    sent = len(inbox.messages)
    status, text, _ = await page(web, "POST", link)
    assert status == 409 and "déjà été décliné" in text
    assert len(inbox.messages) == sent

    # the apology's link lets the candidate pick one of the new slots
    path = re.search(r"https?://[^/\s]+(/meetings/manage/\S+)", words).group(1)
    status, text, _ = await page(web, "GET", path)
    assert status == 200 and "Choisir un nouveau créneau" in text
    offered = re.findall(r'name="slot" value="([^"]+)"', text)
    assert offered and not any(s.startswith("lea-") for s in offered)
    inbox.messages.clear()
    status, text, _ = await page(web, "POST", f"{path}/move", data={"slot": offered[0]})
    assert status == 200 and "C'est réservé" in text
    (confirmation,) = to(inbox, "camille@example.org")
    method, invitation = event(confirmation)
    assert method == "REQUEST" and invitation.decoded("SEQUENCE") == 0
    with transaction(settings.database_url) as session:
        new = session.execute(
            select(Booking).where(
                Booking.status == "confirmed", Booking.conversation_id == "conv-pages"
            )
        ).scalar_one()
        assert new.public_id != coffee.public_id
        assert (new.candidate_email, new.note) == ("camille@example.org", coffee.note)
        assert new.consent_text == "J'accepte."
    # a second pick from the same link: one upcoming coffee at a time
    status, text, _ = await page(web, "POST", f"{path}/move", data={"slot": offered[1]})
    assert status == 409 and "déjà un café à venir" in text


# ---------------------------------------------------------------- tokens


async def test_bad_tokens_get_a_clear_page_in_both_languages(web, settings, inbox):
    coffee = booking_for(settings, later_slots(settings, ambassador="lea")[0])
    good = token(settings, coffee)
    expired = token(settings, coffee, expires=utcnow() - dt.timedelta(minutes=1))
    tampered = good[:-2] + ("A" if good[-2] != "A" else "B") + good[-1]
    cases = {
        "tampered": (f"/meetings/manage/{tampered}", 404),
        "garbage": ("/meetings/manage/not-a-token", 404),
        "expired": (f"/meetings/manage/{expired}", 410),
        "wrong-purpose": (f"/meetings/manage/{token(settings, coffee, 'decline')}", 404),
        "manage-as-decline": (f"/meetings/decline/{good}", 404),
        "unknown-booking": (
            f"/meetings/manage/{token(settings, coffee, public_id='nobody-has-this')}",
            404,
        ),
    }
    before = all_rows(settings)
    for name, (path, expected) in cases.items():
        for method, suffix in (("GET", ""), ("POST", "/cancel"), ("POST", "/move")):
            if path.startswith("/meetings/decline") and suffix:
                method, suffix = "POST", ""
            status, text, headers = await page(web, method, path + suffix, data={"slot": "x"})
            assert status == expected, (name, method, suffix, status, text[:200])
            assert 'lang="fr"' in text and 'lang="en"' in text, name
            assert "Content-Security-Policy" in headers
    assert all_rows(settings) == before
    assert inbox.messages == []


# ---------------------------------------------------------------- hostile input


async def test_hostile_markup_in_the_name_and_note_is_shown_as_text(web, settings):
    coffee = booking_for(
        settings,
        later_slots(settings, ambassador="lea")[0],
        name="Zoé \"&amp;' onmouseover=alert(1)",
        note=HOSTILE_NOTE,
    )
    for path in (
        f"/meetings/manage/{token(settings, coffee)}",
        f"/meetings/decline/{token(settings, coffee, 'decline')}",
    ):
        _, text, _ = await raw_page(web, "GET", path)
        assert "<script>window" not in text and "<img src=x" not in text
        assert "onmouseover=alert" not in text or "&quot;" in text
        assert not re.search(r"<[^>]*\son[a-z]+\s*=", text)  # no live event handler
    _, text, _ = await raw_page(web, "GET", f"/meetings/manage/{token(settings, coffee)}")
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in text
    assert "&amp;amp;" in text  # the name's "&amp;" as typed, not an entity


async def test_a_post_from_another_site_is_refused(web, server, settings, inbox):
    coffee = booking_for(settings, later_slots(settings, ambassador="lea")[0])
    link = f"/meetings/manage/{token(settings, coffee)}"
    decline = f"/meetings/decline/{token(settings, coffee, 'decline')}"
    attacks = [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
    ]
    for headers in attacks:
        for path in (f"{link}/cancel", f"{link}/move", decline):
            status, text, _ = await page(web, "POST", path, headers=headers, data={"slot": "x"})
            assert status == 403, (headers, path, status)
            assert 'lang="en"' in text
    assert row(settings, coffee.public_id)["status"] == "confirmed"
    assert inbox.messages == []
    # the server's own origin passes
    own = str(server.make_url("")).rstrip("/")
    status, _, _ = await page(web, "POST", f"{link}/cancel", headers={"Origin": own})
    assert status == 200
    assert row(settings, coffee.public_id)["status"] == "cancelled"


# ---------------------------------------------------------------- reminders


async def wait_for_mail(box: Mailbox, predicate, timeout: float = 20.0) -> Message:
    """Poll the mailbox without blocking the event loop the app runs on."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for message in list(box.messages):
            if predicate(message):
                return message
        await asyncio.sleep(0.1)
    raise AssertionError(f"no such e-mail; got {[subject(m) for m in box.messages]}")


async def test_the_app_sends_the_one_hour_reminder_by_itself(settings, inbox):
    # an ambassador free at any half hour, and a coffee 30 to 60 minutes from now
    every_day = [f"{d} 00:00-24:00" for d in ("monday", "tuesday", "wednesday", "thursday")]
    every_day += [f"{d} 00:00-24:00" for d in ("friday", "saturday", "sunday")]
    add_ambassador(settings.database_url, windows=every_day, cap=50, email="zoe@ardoise.test")
    now = utcnow()
    start = now.replace(minute=0 if now.minute < 30 else 30, second=0, microsecond=0)
    start += dt.timedelta(minutes=60)
    with transaction(settings.database_url) as session:
        coffee = book(
            session=session,
            slot_id=slot_id("zoe", start),
            conversation_id="conv-soon",
            name="Camille",
            email="camille@example.org",
            language="en",
            consent=True,
            now=start - dt.timedelta(hours=30),
            office_timezone=OFFICE,
        )
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    try:
        reminder = await wait_for_mail(
            inbox, lambda m: "camille@example.org" in m["To"] and "starts soon" in subject(m)
        )
        assert event(reminder)[0] == "REQUEST"
        await wait_for_mail(inbox, lambda m: "zoe@ardoise.test" in m["To"])
    finally:
        await server.close()
    assert row(settings, coffee.public_id)["status"] == "confirmed"
    with transaction(settings.database_url) as session:
        assert session.get(Booking, coffee.id).reminded_1h_at is not None
