"""The recruiters' notices of a coffee (bot.meetings.notices) for real: the e-mails go
to a local SMTP server, the chat line to a local webhook receiver standing in for Slack
or Teams; and the link pages (a candidate cancelling, an ambassador declining) send
both through the running web app."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import update

from bot.core.db import transaction
from bot.core.settings import Settings
from bot.meetings.messages import Alternative
from bot.meetings.models import Ambassador, Booking
from bot.meetings.notices import announce, webhook_text
from bot.web.app import create_app
from tests.conftest import WEBHOOK_PORT, make_settings
from tests.inbox_servers import Hooks, Mailbox
from tests.meetings.conftest import SMTP
from tests.meetings.test_pages import booking_for, later_slots, page, subject, to, token

NOTE = "Une question privée : <b>mon salaire</b> ?"
WRITTEN = dt.datetime(2026, 11, 30, 9, 0)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def lea() -> Ambassador:
    return Ambassador(
        id="lea",
        name="Léa Moreau",
        role="Staff Engineer",
        team="platform",
        languages=["fr", "en"],
        email="lea@ardoise.test",
    )


def coffee(**changes) -> Booking:
    values = dict(
        id=7,
        public_id="b-7Xk2q",
        ambassador_id="lea",
        # Thursday 3 December 2026, 14:00 in Paris (CET, UTC+1)
        start_utc=dt.datetime(2026, 12, 3, 13, 0),
        end_utc=dt.datetime(2026, 12, 3, 13, 30),
        status="confirmed",
        conversation_id="conv-1",
        candidate_name="Ada Lovelace",
        candidate_email="ada@example.org",
        note=NOTE,
        language="en",
        candidate_timezone=None,
        sequence=0,
        created_at=WRITTEN,
        updated_at=WRITTEN,
    )
    return Booking(**{**values, **changes})


def notice_settings(tmp_path, database_url: str | None = None, **env: str) -> Settings:
    values = {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": str(SMTP),
        "NOTIFY_FROM": "assistant@ardoise.test",
        "NOTIFY_EMAILS": "recruiting@ardoise.test",
        "NOTIFY_WEBHOOK_URL": f"http://127.0.0.1:{WEBHOOK_PORT}/hook",
        "DEFAULT_LANGUAGE": "fr",
        **env,
    }
    return make_settings(tmp_path, database_url, **values)


@pytest.fixture
def webhook(hooks: Hooks) -> Hooks:
    hooks.bodies.clear()
    hooks.status = 200
    return hooks


@pytest.fixture
def settings(tmp_path) -> Settings:
    return notice_settings(tmp_path)


def test_a_booking_e_mails_everyone_and_posts_one_line_to_the_recruiters_chat(
    settings, inbox: Mailbox, webhook: Hooks
):
    sent = announce("confirmed", settings=settings, booking=coffee(), ambassador=lea())
    assert sent == {"candidate": True, "ambassador": True, "recruiters": True, "webhook": True}
    (line,) = webhook.bodies
    assert set(line) == {"text"}  # what Slack and Teams incoming webhooks accept
    assert line["text"] == (
        "[Café équipe] Ada avec Léa, jeudi 3 décembre, 14:00 (heure de Paris) (réservé)"
    )
    (copy,) = to(inbox, "recruiting@ardoise.test")
    assert "Ada avec Léa" in subject(copy)


def test_the_chat_line_never_carries_the_e_mail_address_the_note_or_the_surname(
    settings, inbox: Mailbox, webhook: Hooks
):
    announce("confirmed", settings=settings, booking=coffee(), ambassador=lea())
    text = webhook.wait_for(lambda b: True)["text"]
    for private in ("ada@example.org", "salaire", "<b>", "Lovelace", "Moreau", "conv-1"):
        assert private not in text


@pytest.mark.parametrize(
    ("kind", "status"),
    [("moved", "déplacé"), ("cancelled", "annulé"), ("declined", "décliné par l'hôte")],
)
def test_a_move_a_cancellation_and_a_decline_each_post_their_status(
    settings, inbox: Mailbox, webhook: Hooks, kind, status
):
    extra = {}
    if kind == "moved":
        extra = {"previous_start_utc": dt.datetime(2026, 12, 1, 9, 0)}
    elif kind == "declined":
        extra = {"alternatives": [Alternative(dt.datetime(2026, 12, 8, 9, 0), "Hugo L", "PM")]}
    sent = announce(kind, settings=settings, booking=coffee(), ambassador=lea(), **extra)
    assert sent["webhook"] is True and sent["recruiters"] is True
    (line,) = webhook.bodies
    assert line["text"].endswith(f"({status})")
    assert "jeudi 3 décembre, 14:00 (heure de Paris)" in line["text"]


def test_the_line_speaks_the_deployments_default_language(tmp_path, inbox, webhook):
    english = notice_settings(tmp_path, DEFAULT_LANGUAGE="en")
    assert webhook_text("cancelled", settings=english, booking=coffee(), ambassador=lea()) == (
        "[Team coffee] Ada with Léa, Thursday 3 December, 14:00 (Paris time) (cancelled)"
    )


@pytest.mark.parametrize("kind", ["reminder_24h", "reminder_1h"])
def test_reminders_post_nothing_to_the_chat(settings, inbox: Mailbox, webhook: Hooks, kind):
    sent = announce(kind, settings=settings, booking=coffee(), ambassador=lea())
    assert "webhook" not in sent and sent["candidate"] is True
    assert webhook.bodies == []


def test_a_notice_for_the_ambassador_only_posts_nothing_to_the_chat(
    settings, inbox: Mailbox, webhook: Hooks
):
    """E.g. a privacy erasure telling only the ambassador: the recruiters hear nothing."""
    sent = announce(
        "cancelled", settings=settings, booking=coffee(), ambassador=lea(), roles=("ambassador",)
    )
    assert sent == {"ambassador": True}
    assert webhook.bodies == [] and to(inbox, "recruiting@ardoise.test") == []


def test_a_refusing_webhook_does_not_stop_the_e_mails(settings, inbox: Mailbox, webhook: Hooks):
    webhook.status = 500
    sent = announce("cancelled", settings=settings, booking=coffee(), ambassador=lea())
    assert sent["webhook"] is False and sent["candidate"] is sent["recruiters"] is True
    assert len(webhook.bodies) == 1  # it was called, and said no


def test_nothing_listening_anywhere_never_raises(tmp_path):
    dead = notice_settings(
        tmp_path,
        SMTP_PORT=str(free_port()),
        NOTIFY_WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/hook",
    )
    sent = announce("confirmed", settings=dead, booking=coffee(), ambassador=lea())
    assert sent == {"candidate": False, "ambassador": False, "recruiters": False, "webhook": False}


def test_no_webhook_configured_sends_the_e_mails_only(tmp_path, inbox: Mailbox):
    quiet = notice_settings(tmp_path, NOTIFY_WEBHOOK_URL="")
    sent = announce("confirmed", settings=quiet, booking=coffee(), ambassador=lea())
    assert sent["webhook"] is False and sent["recruiters"] is True


# ---------------------------------------------------------------- through the link pages


@pytest.fixture
async def web(tmp_path, meetings_url: str, inbox: Mailbox) -> AsyncIterator[aiohttp.ClientSession]:
    with transaction(meetings_url) as session:
        session.execute(update(Ambassador).values(email=Ambassador.id + "@ardoise.test"))
    server = TestServer(create_app(notice_settings(tmp_path, meetings_url)), host="127.0.0.1")
    await server.start_server()
    http = aiohttp.ClientSession(base_url=str(server.make_url("")))
    yield http
    await http.close()
    await server.close()


async def test_a_candidate_cancelling_from_the_link_tells_the_recruiters_chat(
    tmp_path, meetings_url, web, inbox: Mailbox, webhook: Hooks
):
    settings = notice_settings(tmp_path, meetings_url)
    booked = booking_for(settings, later_slots(settings, ambassador="lea")[0], name="Ada L")
    status, text, _ = await page(web, "POST", f"/meetings/manage/{token(settings, booked)}/cancel")
    assert status == 200 and "annulé" in text
    line = webhook.wait_for(lambda b: "(annulé)" in b["text"])
    assert line["text"].startswith("[Café équipe] Ada avec Léa, ")
    assert "camille@example.org" not in line["text"] and "astreinte" not in line["text"]
    inbox.wait_for(lambda m: "recruiting@ardoise.test" in m["To"])


async def test_an_ambassador_declining_from_the_link_tells_the_recruiters_chat(
    tmp_path, meetings_url, web, inbox: Mailbox, webhook: Hooks
):
    settings = notice_settings(tmp_path, meetings_url)
    booked = booking_for(settings, later_slots(settings, ambassador="lea")[0])
    status, _, _ = await page(
        web, "POST", f"/meetings/decline/{token(settings, booked, 'decline')}"
    )
    assert status == 200
    webhook.wait_for(lambda b: b["text"].endswith("(décliné par l'hôte)"))
    assert len(webhook.bodies) == 1
