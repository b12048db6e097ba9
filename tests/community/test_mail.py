"""The community's e-mails through a local SMTP server: the double opt-in, the positions
that opened (one e-mail a week at most, in the member's language, with the one-click
unsubscribe), the renewal a month before the end, expiry, and a mail server that fails."""

from __future__ import annotations

import datetime as dt
import re
from email.message import Message

from sqlalchemy import select

from bot.community.mail import letter, send_confirmation, sweep
from bot.community.models import CommunityMember, CommunityNotice
from bot.community.service import confirm, note_opened_position, sign_up
from bot.core.db import transaction
from bot.meetings.links import link_secret, read_token
from bot.records.service import close_job, save_job
from tests.community.test_service import DATA_LYON, DESIGN_PARIS
from tests.conftest import make_settings, port

NOW = dt.datetime(2026, 12, 1, 9, 0)
LINK = re.compile(r"https://careers\.example\.org(/community/[a-z]+)/(\S+)")


def body(message: Message) -> str:
    (plain,) = [p for p in message.walk() if p.get_content_type() == "text/plain"]
    return plain.get_payload(decode=True).decode(plain.get_content_charset() or "utf-8")


def links(message: Message) -> dict[str, str]:
    return {path: token for path, token in LINK.findall(body(message))}


def join(settings, email: str, language: str = "fr", **wishes) -> str:
    with transaction(settings.database_url) as session:
        signed = sign_up(
            session=session,
            data={"email": email, "consent": True, **wishes},
            conversation_id="c",
            language=language,
            consent_text="ok",
            now=NOW,
        )
        confirm(session=session, public_id=signed.public_id, now=NOW)
        return signed.public_id


def open_position(settings, data: dict, at: dt.datetime) -> str:
    with transaction(settings.database_url) as session:
        job = save_job(session=session, data=data, author="hr")
        note_opened_position(session=session, job=job, now=at)
        return job.id


def test_the_confirmation_e_mail_carries_a_signed_link(mail_settings, mailbox):
    with transaction(mail_settings.database_url) as session:
        signed = sign_up(
            session=session,
            data={
                "email": "lea@example.org",
                "teams": ["data_ml"],
                "remote": True,
                "consent": True,
            },
            conversation_id="c",
            language="en",
            consent_text="ok",
            now=NOW,
        )
        written = letter(signed)
    assert send_confirmation(mail_settings, written, NOW)
    (sent,) = mailbox.messages
    assert sent["To"] == "lea@example.org" and sent["Subject"].startswith("Confirm your sign-up")
    assert "Data & ML ; fully remote" in body(sent)
    token = links(sent)["/community/confirm"]
    secret = link_secret(mail_settings)
    assert read_token(secret=secret, token=token, purpose="community_confirm", now=NOW) == (
        signed.public_id
    )


def test_positions_go_in_one_e_mail_a_week_at_most(mail_settings, mailbox):
    lea = join(mail_settings, "lea@example.org", teams=["data_ml"])
    join(mail_settings, "sam@example.org", "en")  # any position
    join(mail_settings, "noe@example.org", teams=["sales"])  # none of these
    open_position(mail_settings, DATA_LYON, NOW)
    swept = sweep(mail_settings, NOW + dt.timedelta(minutes=2))
    assert swept.announcements == 2
    by_address = {m["To"]: m for m in mailbox.messages}
    assert set(by_address) == {"lea@example.org", "sam@example.org"}
    french, english = by_address["lea@example.org"], by_address["sam@example.org"]
    assert "Ingénieure données (Data & ML, Lyon)" in body(french)
    assert english["Subject"] == "A position that fits you just opened at Ardoise Labs"
    assert "Data Engineer (Data & ML, Lyon)" in body(english)
    leave = links(french)["/community/leave"]
    assert french["List-Unsubscribe"] == f"<https://careers.example.org/community/leave/{leave}>"
    assert french["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    secret = link_secret(mail_settings)
    assert read_token(secret=secret, token=leave, purpose="community_leave", now=NOW) == lea
    assert sweep(mail_settings, NOW + dt.timedelta(minutes=4)).announcements == 0

    # Two days later another position opens: it waits for the week to be over.
    mailbox.messages.clear()
    two_days = NOW + dt.timedelta(days=2)
    open_position(mail_settings, {**DATA_LYON, "title_en": "Data Analyst"}, two_days)
    assert sweep(mail_settings, two_days + dt.timedelta(hours=1)).announcements == 0
    assert mailbox.messages == []
    week = NOW + dt.timedelta(days=7, minutes=3)
    assert sweep(mail_settings, week).announcements == 2
    assert {m["To"] for m in mailbox.messages} == {"lea@example.org", "sam@example.org"}
    assert all("Data Analyst" in body(m) or "Ingénieure" in body(m) for m in mailbox.messages)


def test_a_position_closed_before_the_e_mail_is_not_announced(mail_settings, mailbox):
    lea = join(mail_settings, "lea@example.org")
    job = open_position(mail_settings, DESIGN_PARIS, NOW)
    with transaction(mail_settings.database_url) as session:
        close_job(session=session, job_id=job, author="hr")
    assert sweep(mail_settings, NOW).announcements == 0
    assert mailbox.messages == []
    with transaction(mail_settings.database_url) as session:
        kept = session.execute(
            select(CommunityMember).where(CommunityMember.public_id == lea)
        ).scalar_one()
        assert kept.last_mailed_at is None  # nothing sent, nothing spent


def test_a_failing_mail_server_keeps_the_positions_for_the_next_sweep(
    tmp_path, mail_settings, mailbox
):
    join(mail_settings, "lea@example.org")
    open_position(mail_settings, DATA_LYON, NOW)
    down = make_settings(
        tmp_path,
        database_url=mail_settings.database_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(port(29526)),  # nobody listens
        PUBLIC_URL="https://careers.example.org",
    )
    assert sweep(down, NOW).announcements == 0
    with transaction(mail_settings.database_url) as session:
        waiting = session.execute(select(CommunityNotice)).scalar_one()
        assert waiting.sent_at is None
    assert sweep(mail_settings, NOW + dt.timedelta(minutes=2)).announcements == 1
    assert [m["To"] for m in mailbox.messages] == ["lea@example.org"]


def test_the_renewal_goes_a_month_before_the_end_and_expiry_removes(mail_settings, mailbox):
    lea = join(mail_settings, "lea@example.org")
    end = dt.datetime(2028, 12, 1, 9, 0)
    assert sweep(mail_settings, end - dt.timedelta(days=31)).renewals == 0
    assert sweep(mail_settings, end - dt.timedelta(days=29)).renewals == 1
    assert sweep(mail_settings, end - dt.timedelta(days=28)).renewals == 0  # once
    (sent,) = mailbox.messages
    assert "1 décembre 2028" in body(sent) or "1er décembre 2028" in body(sent)
    token = links(sent)["/community/renew"]
    secret = link_secret(mail_settings)
    before = end - dt.timedelta(days=1)
    assert read_token(secret=secret, token=token, purpose="community_renew", now=before) == lea
    assert sweep(mail_settings, end + dt.timedelta(seconds=1)).removed == 1
    with transaction(mail_settings.database_url) as session:
        assert session.execute(select(CommunityMember)).first() is None
