"""The talent community's routes over a real socket, a real database and a real SMTP
server: HR's counts and CSV (no address in them), a recruiter's view of the members a
position fits and a message to them (plain text, each with its unsubscribe link, once a
week at most, in the journal), and the e-mails' link pages (GET shows, POST acts; bad
tokens, other sites and the RFC 8058 one-click unsubscribe)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from email.header import decode_header, make_header
from email.message import Message
from html import unescape
from typing import Any
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.community.mail import link
from bot.community.models import CommunityMember
from bot.community.service import confirm, sign_up
from bot.core.audit import AuditEntry
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.meetings.links import Purpose
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from bot.staff.accounts import add_user
from bot.web.app import create_app
from tests.conftest import make_settings, port
from tests.inbox_servers import Mailbox, start_smtp
from tests.web.test_workspace import PASSWORD, Staff

SMTP = port(29029)
MATCHES = "/console/api/community/matches"
MESSAGES = "/console/api/community/messages"
EVIL = "https://evil.example"
# "sre": platform, Lyon or Paris, hybrid (data/records/defaults.yml).
MEMBERS = {
    "lea@example.org": {"teams": ["platform"], "locations": ["Lyon"], "languages": ["fr"]},
    "sam@example.org": {},  # any position
    "zoe@example.org": {"teams": ["design"], "level": "senior"},
    "max@example.org": {"teams": ["platform"], "remote": True},  # sre is not fully remote
}


def join(settings, email: str, wishes: dict[str, Any], *, confirmed: bool = True) -> str:
    """A sign-up (confirmed unless said otherwise); its public id."""
    now = utcnow()
    with transaction(settings.database_url) as session:
        member = sign_up(
            session=session,
            data={"email": email, "consent": True, **wishes},
            conversation_id=f"conv-{email}",
            language="fr",
            consent_text="J'accepte d'être prévenu·e des postes qui me correspondent.",
            now=now,
        )
        if confirmed:
            confirm(session=session, public_id=member.public_id, now=now)
        return member.public_id


def member(settings, public_id: str) -> CommunityMember | None:
    with transaction(settings.database_url) as session:
        found = session.execute(
            select(CommunityMember).where(CommunityMember.public_id == public_id)
        ).scalar_one_or_none()
        if found is not None:
            session.expunge(found)
        return found


def page_path(settings, purpose: Purpose, public_id: str, days: int = 3) -> str:
    """The path of a link page as the e-mails write it."""
    return urlsplit(link(settings, purpose, public_id, utcnow() + dt.timedelta(days=days))).path


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    controller, box = start_smtp(SMTP)
    yield box
    controller.stop()


@pytest.fixture
async def web(tmp_path, db_url, mailbox):
    mailbox.messages.clear()
    settings = make_settings(
        tmp_path,
        database_url=db_url,
        RASA_PORT="15998",
        WEB_PORT="8124",
        RASA_TOKEN="t",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(SMTP),
        NOTIFY_FROM="assistant@ardoise.test",
    )
    with transaction(db_url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
        add_user(session=session, login="hana", display_name="Hana", role="hr", password=PASSWORD)
        add_user(
            session=session,
            login="camille",
            display_name="Camille",
            role="recruiter",
            password=PASSWORD,
        )
    ids = {email: join(settings, email, wishes) for email, wishes in MEMBERS.items()}
    ids["pending"] = join(settings, "pending@example.org", {}, confirmed=False)
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url(""))
    people = {"hr": Staff(base), "recruiter": Staff(base), "nobody": Staff(base)}
    await people["hr"].sign_in("hana")
    await people["recruiter"].sign_in("camille")
    yield people, settings, ids
    for person in people.values():
        await person.http.close()
    await server.close()


async def call(
    person: Staff, method: str, path: str, body: Any = None, csrf: bool = True
) -> tuple[int, Any]:
    """A console route outside the workspace's prefix; JSON or text back."""
    headers = {"X-CSRF-Token": person.csrf} if csrf else {}
    async with person.http.request(method, path, json=body, headers=headers) as answer:
        kind = answer.headers.get("Content-Type", "")
        return answer.status, await answer.json() if "json" in kind else await answer.text()


def text_of(message: Message) -> str:
    """The plain-text body, decoded."""
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8").replace("\r\n", "\n")


def subject_of(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


# ---------------------------------------------------------------- HR's figures


async def test_hr_reads_the_counts_and_the_csv_without_any_address(web):
    people, _, _ = web
    hr = people["hr"]
    status, counts = await hr.call("GET", "/community")
    assert status == 200
    assert counts["members"] == 4 and counts["pending"] == 1
    assert counts["expiring_soon"] == 0 and counts["announced"] == 0
    assert counts["teams"] == {"platform": 2, "design": 1, "any": 1}
    assert counts["locations"] == {"Lyon": 1, "any": 3}
    assert counts["remote"] == 1
    assert counts["levels"] == {"senior": 1, "any": 3}
    assert counts["languages"] == {"fr": 1, "any": 3}
    assert "@" not in repr(counts)

    async with hr.http.get("/console/api/hr/community.csv") as answer:
        assert answer.status == 200
        assert answer.content_type == "text/csv"
        assert answer.headers["Content-Disposition"].startswith('attachment; filename="communaute-')
        body = await answer.text()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0] == [
        "teams",
        "locations",
        "remote",
        "level",
        "languages",
        "language",
        "joined",
        "expires",
    ]
    assert len(rows) == 5  # the four members; the pending sign-up is not one
    assert ["platform", "Lyon", "no", "", "fr", "fr"] == rows[1][:6]
    assert "@" not in body and "example.org" not in body


async def test_recruiters_and_signed_out_visitors_get_none_of_hrs_figures(web):
    people, _, _ = web
    for path in ("/community", "/community.csv"):
        assert (await people["recruiter"].call("GET", path))[0] == 403
        assert (await people["nobody"].call("GET", path))[0] == 401
    for method, path in (("GET", f"{MATCHES}?job=sre"), ("POST", MESSAGES)):
        status, _ = await call(people["nobody"], method, path, {"job": "sre"})
        assert status == 401


# ---------------------------------------------------------------- a position's members


async def test_a_recruiter_sees_the_members_a_position_fits(web):
    people, _, ids = web
    status, data = await call(people["recruiter"], "GET", f"{MATCHES}?job=sre")
    assert status == 200
    assert (data["job"], data["title"]) == ("sre", "SRE / Platform Engineer")
    shown = {m["email"]: m for m in data["members"]}
    assert set(shown) == {"lea@example.org", "sam@example.org"}
    lea = shown["lea@example.org"]
    assert lea["id"] == ids["lea@example.org"]
    assert (lea["teams"], lea["locations"], lea["remote"], lea["languages"]) == (
        ["platform"],
        ["Lyon"],
        False,
        ["fr"],
    )
    assert lea["joined_at"].endswith("Z") and lea["expires_at"] > lea["joined_at"]
    assert lea["last_mailed_at"] is None
    # HR may look too; the designer position fits Zoé and Sam
    status, design = await call(people["hr"], "GET", f"{MATCHES}?job=product-designer")
    assert status == 200
    assert {m["email"] for m in design["members"]} == {"zoe@example.org", "sam@example.org"}


@pytest.mark.parametrize("job", ["", "nope", "x" * 5000, "sre' OR '1'='1", "<script>"])
async def test_an_unknown_position_is_a_404_in_json(web, job):
    people, _, _ = web
    status, data = await call(people["recruiter"], "GET", f"{MATCHES}?job={job}")
    assert status == 404 and "error" in data


async def test_a_message_reaches_the_members_once_a_week_with_its_unsubscribe_link(web, mailbox):
    people, settings, ids = web
    recruiter = people["recruiter"]
    subject, text = "Un poste SRE à Lyon", "Bonjour,\n\nLe poste <b>SRE</b> vient d'ouvrir."
    status, sent = await call(
        recruiter, "POST", MESSAGES, {"job": "sre", "subject": subject, "text": text}
    )
    assert status == 200, sent
    assert (sent["sent"], sent["reached"], sent["waiting"], sent["next_possible"]) == (
        2,
        2,
        0,
        None,
    )

    for address in ("lea@example.org", "sam@example.org"):
        message = mailbox.wait_for(lambda m, a=address: m["To"] == a)
        assert subject_of(message) == subject
        assert message.get_content_type() == "text/plain"  # never markup
        unsubscribe = re.fullmatch(
            r"<(https?://\S+/community/leave/\S+)>", message["List-Unsubscribe"]
        )
        assert unsubscribe, message["List-Unsubscribe"]
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        body = text_of(message)
        assert body.startswith(text) and unsubscribe.group(1) in body
    assert len(mailbox.messages) == 2

    with transaction(settings.database_url) as session:
        (entry,) = session.execute(
            select(AuditEntry).where(AuditEntry.action == "community.message")
        ).scalars()
        assert (entry.actor, entry.target) == ("Camille", "sre")
        assert entry.detail == {"subject": subject, "text": text.strip(), "sent": 2, "waiting": 0}
    assert member(settings, ids["lea@example.org"]).last_mailed_at is not None  # type: ignore[union-attr]

    # within the week: nobody gets a second one, and the console is told when it can be
    status, again = await call(
        recruiter, "POST", MESSAGES, {"job": "sre", "subject": "Encore", "text": "Re"}
    )
    assert status == 200
    assert (again["sent"], again["reached"], again["waiting"]) == (0, 0, 2)
    later = dt.datetime.fromisoformat(again["next_possible"].removesuffix("Z"))
    assert dt.timedelta(days=6, hours=23) < later - utcnow() <= dt.timedelta(days=7)
    assert len(mailbox.messages) == 2
    # the list shows when each was written to
    _, data = await call(recruiter, "GET", f"{MATCHES}?job=sre")
    assert all(m["last_mailed_at"] for m in data["members"])


async def test_the_unsubscribe_link_of_a_message_works_in_one_click(web, mailbox):
    people, settings, ids = web
    body = {"job": "product-designer", "subject": "Design", "text": "Bonjour"}
    assert (await call(people["recruiter"], "POST", MESSAGES, body))[0] == 200
    message = mailbox.wait_for(lambda m: m["To"] == "zoe@example.org")
    url = message["List-Unsubscribe"].strip("<>")
    # what a mail client sends by itself (RFC 8058): no Origin, no cookie
    async with people["nobody"].http.post(
        urlsplit(url).path,
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    ) as answer:
        assert answer.status == 200
    assert member(settings, ids["zoe@example.org"]) is None


@pytest.mark.parametrize(
    "body",
    [
        {"job": "sre", "subject": "", "text": "Bonjour"},
        {"job": "sre", "subject": "   ", "text": "Bonjour"},
        {"job": "sre", "subject": "x" * 151, "text": "Bonjour"},
        {"job": "sre", "subject": "Objet", "text": ""},
        {"job": "sre", "subject": "Objet", "text": "x" * 5001},
        {"job": "sre", "subject": ["Objet"], "text": "Bonjour"},
        {"job": "sre", "subject": "Objet", "text": {"x": 1}},
        {"job": "sre", "subject": None, "text": None},
    ],
)
async def test_an_empty_or_too_long_message_is_a_422_and_sends_nothing(web, mailbox, body):
    people, settings, _ = web
    status, data = await call(people["recruiter"], "POST", MESSAGES, body)
    assert status == 422 and "error" in data
    assert mailbox.messages == []
    with transaction(settings.database_url) as session:
        assert (
            session.execute(
                select(AuditEntry).where(AuditEntry.action == "community.message")
            ).first()
            is None
        )


async def test_the_longest_message_allowed_goes(web, mailbox):
    people, _, _ = web
    body = {"job": "sre", "subject": "s" * 150, "text": "t" * 5000}
    status, sent = await call(people["recruiter"], "POST", MESSAGES, body)
    assert (status, sent["sent"]) == (200, 2)


@pytest.mark.parametrize("job", [None, "", "nope", "x" * 5000, 12])
async def test_a_message_for_an_unknown_position_is_a_404(web, mailbox, job):
    people, _, _ = web
    body = {"job": job, "subject": "Objet", "text": "Bonjour"}
    status, data = await call(people["recruiter"], "POST", MESSAGES, body)
    assert status == 404 and "error" in data
    assert mailbox.messages == []


async def test_a_message_needs_the_csrf_token(web, mailbox):
    people, _, _ = web
    body = {"job": "sre", "subject": "Objet", "text": "Bonjour"}
    status, _ = await call(people["recruiter"], "POST", MESSAGES, body, csrf=False)
    assert status == 403
    assert mailbox.messages == []


async def test_a_line_break_in_the_subject_adds_no_header_and_no_recipient(web, mailbox):
    people, _, _ = web
    body = {"job": "sre", "subject": "Bonjour\r\nBcc: evil@example.org", "text": "Bonjour"}
    status, sent = await call(people["recruiter"], "POST", MESSAGES, body)
    assert (status, sent["sent"]) == (200, 2)
    message = mailbox.wait_for(lambda m: m["To"] == "lea@example.org")
    assert subject_of(message) == "Bonjour Bcc: evil@example.org" and message["Bcc"] is None
    assert sorted(m["To"] for m in mailbox.messages) == ["lea@example.org", "sam@example.org"]


# ---------------------------------------------------------------- the e-mails' link pages


async def test_the_confirmation_link_shows_then_confirms(web):
    people, settings, _ = web
    pending = join(settings, "new@example.org", {"teams": ["platform"]}, confirmed=False)
    path = page_path(settings, "community_confirm", pending)
    http = people["nobody"].http
    async with http.get(path) as page:
        body = await page.text()
        assert page.status == 200 and page.headers["Cache-Control"] == "no-store"
        assert "new@example.org" in body and '<form method="post"' in body
    assert member(settings, pending).confirmed_at is None  # type: ignore[union-attr]  # a GET changes nothing
    async with http.post(path) as done:
        assert done.status == 200 and "bienvenue" in await done.text()
    confirmed = member(settings, pending)
    assert confirmed is not None and confirmed.confirmed_at is not None and confirmed.expires_at


async def test_the_renewal_link_shows_then_extends_the_membership(web):
    people, settings, ids = web
    public_id = ids["sam@example.org"]
    with transaction(settings.database_url) as session:
        found = session.execute(
            select(CommunityMember).where(CommunityMember.public_id == public_id)
        ).scalar_one()
        found.expires_at = utcnow() + dt.timedelta(days=10)
    path = page_path(settings, "community_renew", public_id)
    http = people["nobody"].http
    async with http.get(path) as page:
        assert page.status == 200 and "sam@example.org" in await page.text()
    assert member(settings, public_id).expires_at < utcnow() + dt.timedelta(days=11)  # type: ignore[union-attr]
    async with http.post(path) as done:
        assert done.status == 200 and "désormais jusqu'au" in unescape(await done.text())
    assert member(settings, public_id).expires_at > utcnow() + dt.timedelta(days=700)  # type: ignore[union-attr]


async def test_the_leave_link_shows_then_deletes_every_sign_up_of_the_address(web):
    people, settings, ids = web
    public_id = ids["lea@example.org"]
    other = join(settings, "LEA@example.org", {}, confirmed=False)
    path = page_path(settings, "community_leave", public_id)
    http = people["nobody"].http
    async with http.get(path) as page:
        assert page.status == 200 and 'class="danger"' in await page.text()
    assert member(settings, public_id) is not None
    async with http.post(path, headers={"Sec-Fetch-Site": "same-origin"}) as done:
        assert done.status == 200 and "tout effacé" in await done.text()
    assert member(settings, public_id) is None and member(settings, other) is None
    async with http.post(path) as twice:
        assert twice.status == 200 and "n'existe pas ou plus" in unescape(await twice.text())


@pytest.mark.parametrize("purpose", ["community_confirm", "community_renew", "community_leave"])
async def test_bad_tokens_get_a_404_page_and_change_nothing(web, purpose):
    people, settings, ids = web
    public_id = ids["max@example.org"]
    good = page_path(settings, purpose, public_id).rsplit("/", 1)[1]
    wrong = "community_leave" if purpose != "community_leave" else "community_renew"
    prefix = page_path(settings, purpose, public_id).rsplit("/", 1)[0]
    expired = page_path(settings, purpose, public_id, days=-1).rsplit("/", 1)[1]
    other_purpose = page_path(settings, wrong, public_id).rsplit("/", 1)[1]  # type: ignore[arg-type]
    http = people["nobody"].http
    for bad in (
        good[:-3] + ("AAA" if not good.endswith("AAA") else "BBB"),
        expired,
        other_purpose,
        "x",
        "a.b",
    ):
        for method in ("GET", "POST"):
            async with http.request(method, f"{prefix}/{bad}") as answer:
                assert answer.status == 404, (method, bad)
                assert "pas (ou plus) valable" in await answer.text()
    before = member(settings, public_id)
    assert before is not None and before.expires_at is not None


@pytest.mark.parametrize("purpose", ["community_confirm", "community_renew", "community_leave"])
@pytest.mark.parametrize(
    "headers",
    [{"Origin": EVIL}, {"Origin": "null"}, {"Sec-Fetch-Site": "cross-site"}],
    ids=["origin", "null-origin", "sec-fetch-site"],
)
async def test_a_post_from_another_site_is_refused(web, purpose, headers):
    people, settings, ids = web
    pending = join(settings, "late@example.org", {}, confirmed=False)
    public_id = pending if purpose == "community_confirm" else ids["max@example.org"]
    before = member(settings, public_id)
    async with people["nobody"].http.post(
        page_path(settings, purpose, public_id), headers=headers
    ) as answer:
        assert answer.status == 403
    after = member(settings, public_id)
    assert after is not None and before is not None
    assert (after.confirmed_at, after.expires_at) == (before.confirmed_at, before.expires_at)
