"""The talent community's routes under attack, on the real web server process with its
SMTP server (issue 14).

The e-mail link pages (confirm, renew, leave) have no account: the signed token in the
address is the only authorisation. Tampered, forged, re-purposed, expired, huge, NUL and
traversal tokens get a 404 page and change nothing; a form posted from another site is
refused, while a mail client's one-click unsubscribe (RFC 8058: no Origin) works.
The staff routes: a recruiter's message needs the CSRF token, goes out as plain text
whatever markup it holds, and crafted position ids are a clear 4xx. test_roles checks
who may use each staff route; test_xss shows the message in the console and journal.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import select

from bot.community.models import CommunityMember
from bot.community.service import confirm, sign_up
from bot.core.audit import AuditEntry
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.mail import one_line
from bot.core.settings import Settings, settings_from
from bot.meetings.links import Purpose, link_secret, make_token
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.conftest import port
from tests.e2e.conftest import start_or_fail
from tests.inbox_servers import Mailbox, start_smtp
from tests.security.attacks import (
    ROUTES,
    SQL,
    XSS,
    Staff,
    anonymous,
    changed_tables,
    digest,
)
from tests.security.test_event_links import b64, forged
from tests.security.test_traversal import TRAVERSALS, raw_get

pytestmark = [pytest.mark.e2e]

# Every route of the talent community: its link pages (PUBLIC in attacks.py) and the
# staff routes (WHO_MAY in test_roles.py).
COMMUNITY_ROUTES = frozenset(
    {
        "GET /community/confirm/{token}",
        "POST /community/confirm/{token}",
        "GET /community/renew/{token}",
        "POST /community/renew/{token}",
        "GET /community/leave/{token}",
        "POST /community/leave/{token}",
        "GET /console/api/hr/community",
        "GET /console/api/hr/community.csv",
        "GET /console/api/community/matches",
        "POST /console/api/community/messages",
    }
)
PURPOSES: tuple[Purpose, ...] = ("community_confirm", "community_renew", "community_leave")
PREFIX = {
    "community_confirm": "/community/confirm",
    "community_renew": "/community/renew",
    "community_leave": "/community/leave",
}
MATCHES = "/console/api/community/matches"
MESSAGES = "/console/api/community/messages"
EVIL = "https://evil.example"
SMTP = port(29527)
WEB = port(29580)
INLINE = re.compile(r"<script|\son[a-z]+\s*=|\sstyle\s*=", re.IGNORECASE)
BAD_LINK = "pas (ou plus) valable"


@dataclass
class CommunityStack:
    settings: Settings
    mailbox: Mailbox

    @property
    def url(self) -> str:
        return self.settings.web_url

    @property
    def db_url(self) -> str:
        return self.settings.database_url


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CommunityStack]:
    """The web server process (its sweeps included) with its SMTP server, the default
    positions on its database."""
    root: Path = tmp_path_factory.mktemp("community")
    url = f"sqlite:///{root / 'app.db'}"
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,
            "WEB_PORT": str(WEB),
            "RASA_PORT": str(port(18805)),
            "ACTION_PORT": str(port(18855)),
            "RASA_TOKEN": "security-token",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(SMTP),
            "NOTIFY_FROM": "assistant@ardoise.test",
        }
    )
    upgrade(url)
    with transaction(url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
    controller, mailbox = start_smtp(SMTP)
    services = Services(settings=settings, model=Path(), log_dir=root / "logs")
    services.start_web()
    start_or_fail(services)
    try:
        yield CommunityStack(settings, mailbox)
    finally:
        services.stop()
        controller.stop()


@pytest.fixture(scope="module")
def people(stack: CommunityStack) -> dict[str, Staff]:
    return {role: Staff(stack.url, stack.db_url, role) for role in ("recruiter", "hr")}


_numbers = count(1)


def join(stack: CommunityStack, *, confirmed: bool = True, **wishes: Any) -> str:
    """A new sign-up every position fits unless `wishes` say otherwise; its public id."""
    now = utcnow()
    with transaction(stack.db_url) as session:
        member = sign_up(
            session=session,
            data={"email": f"member-{next(_numbers)}@example.org", "consent": True, **wishes},
            conversation_id=f"conv-{secrets.token_hex(4)}",
            language="fr",
            consent_text="ok",
            now=now,
        )
        if confirmed:
            confirm(session=session, public_id=member.public_id, now=now)
        return member.public_id


def token_of(stack: CommunityStack, purpose: str, public_id: str, days: int = 3) -> str:
    return make_token(
        secret=link_secret(stack.settings),
        purpose=purpose,  # type: ignore[arg-type]
        public_id=public_id,
        expires=utcnow() + dt.timedelta(days=days),
    )


def exists(stack: CommunityStack, public_id: str) -> bool:
    with transaction(stack.db_url) as session:
        return (
            session.execute(
                select(CommunityMember.id).where(CommunityMember.public_id == public_id)
            ).first()
            is not None
        )


def bad_tokens(stack: CommunityStack, purpose: Purpose, victim: str, other: str) -> dict[str, str]:
    good = token_of(stack, purpose, victim)
    payload, signature = good.split(".")
    others = token_of(stack, purpose, other).split(".")[1]
    far = int((utcnow() + dt.timedelta(days=365)).timestamp())
    wrong = "community_leave" if purpose != "community_leave" else "community_confirm"
    return {
        "flipped-signature": f"{payload}.{signature[:-3]}{'A' if signature[-3] != 'A' else 'B'}"
        + signature[-2:],
        "flipped-payload": f"{'A' if payload[0] != 'A' else 'B'}{payload[1:]}.{signature}",
        "other-members-signature": f"{payload}.{others}",
        "unsigned": payload,
        "empty-signature": f"{payload}.",
        "extended-expiry": f"{b64(f'{purpose}:{far}:{victim}'.encode())}.{signature}",
        "another-secret": forged(f"{purpose}:{far}:{victim}", b"guessed-secret"),
        "no-secret": forged(f"{purpose}:{far}:{victim}", b""),
        "expired": token_of(stack, purpose, victim, days=-1),
        "other-purpose": token_of(stack, wrong, victim),
        "coffee-manage-token": token_of(stack, "manage", victim),
        "application-erase-token": token_of(stack, "application_erase", victim),
        "three-parts": f"{good}.{signature}",
        "not-base64": "!!!!.????",
        "sql": "' OR '1'='1.x",
        "long-611": "A" * 600 + "." + "B" * 10,
        "unicode": "caf\u00e9.\u2603",
    }


def subject_of(message: Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def body_of(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode(message.get_content_charset() or "utf-8").replace("\r\n", "\n")


def test_this_file_covers_every_community_route():
    mounted = {str(r) for r in ROUTES if "community" in r.path}
    assert mounted == COMMUNITY_ROUTES


# ---------------------------------------------------------------- the link pages


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("purpose", PURPOSES)
def test_a_bad_token_gets_a_404_page_and_changes_nothing(
    stack: CommunityStack, purpose: Purpose, method: str
):
    victim = join(stack, confirmed=purpose != "community_confirm")
    other = join(stack)
    stack.mailbox.messages.clear()
    before = digest(stack.db_url)
    for name, bad in bad_tokens(stack, purpose, victim, other).items():
        where = f"{stack.url}{PREFIX[purpose]}/{quote(bad, safe='')}"
        answer = requests.request(
            method, where, data="List-Unsubscribe=One-Click", allow_redirects=False, timeout=15
        )
        assert answer.status_code == 404, (name, answer.status_code, answer.text[:200])
        assert BAD_LINK in answer.text.replace("&#x27;", "'"), name
        assert victim not in answer.text and "Traceback" not in answer.text
        assert "@example.org" not in answer.text
    assert changed_tables(before, digest(stack.db_url)) == []
    assert stack.mailbox.messages == []


@pytest.mark.parametrize("size", [513, 8_000, 100_000])
def test_a_huge_token_is_refused_without_a_server_error(stack: CommunityStack, size: int):
    before = digest(stack.db_url)
    for prefix in PREFIX.values():
        for method in ("GET", "POST"):
            try:
                answer = requests.request(
                    method, f"{stack.url}{prefix}/{'A' * size}", allow_redirects=False, timeout=15
                )
            except requests.ConnectionError:
                continue  # the server may drop a request line that long: also a refusal
            assert 400 <= answer.status_code < 500, (size, prefix, method, answer.status_code)
    assert changed_tables(before, digest(stack.db_url)) == []
    assert requests.get(f"{stack.url}/healthz", timeout=10).status_code == 200


@pytest.mark.parametrize("payload", list(TRAVERSALS))
@pytest.mark.parametrize("prefix", list(PREFIX.values()))
def test_nul_and_traversal_in_the_token_get_nothing(
    stack: CommunityStack, prefix: str, payload: str
):
    before = digest(stack.db_url)
    status, body = raw_get(stack.url, f"{prefix}/{TRAVERSALS[payload]}".replace("//", "/", 2))
    assert status in (400, 404), (status, body[:200])
    assert "root:x:0:0" not in body and "def create_app" not in body
    status, body = raw_get(stack.url, f"{prefix}/abc%00def")
    assert status == 400
    assert changed_tables(before, digest(stack.db_url)) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL, "Referer": f"{EVIL}/page"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1.evil.example"},
        {"Sec-Fetch-Site": "cross-site"},
    ],
    ids=["evil-origin", "null-origin", "lookalike-origin", "sec-fetch-cross-site"],
)
def test_a_form_posted_from_another_site_is_refused(stack: CommunityStack, headers: dict[str, str]):
    pending = join(stack, confirmed=False)
    member = join(stack)
    before = digest(stack.db_url)
    for purpose, public_id in (
        ("community_confirm", pending),
        ("community_renew", member),
        ("community_leave", member),
    ):
        where = f"{stack.url}{PREFIX[purpose]}/{token_of(stack, purpose, public_id)}"
        answer = requests.post(
            where,
            data="List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded", **headers},
            allow_redirects=False,
            timeout=15,
        )
        assert answer.status_code == 403, (purpose, answer.status_code)
    assert changed_tables(before, digest(stack.db_url)) == []
    assert exists(stack, member)


def test_a_mail_clients_one_click_unsubscribe_works_without_an_origin(stack: CommunityStack):
    """RFC 8058: the client POSTs `List-Unsubscribe=One-Click` by itself, no Origin, no
    cookie; the signed token is enough, and only for the member it names."""
    member, bystander = join(stack), join(stack)
    answer = requests.post(
        f"{stack.url}/community/leave/{token_of(stack, 'community_leave', member)}",
        data="List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        allow_redirects=False,
        timeout=15,
    )
    assert answer.status_code == 200
    assert not exists(stack, member) and exists(stack, bystander)


def test_a_pending_sign_up_is_not_renewed_and_a_gone_one_not_confirmed(stack: CommunityStack):
    pending = join(stack, confirmed=False)
    before = digest(stack.db_url)
    answer = requests.post(
        f"{stack.url}/community/renew/{token_of(stack, 'community_renew', pending)}", timeout=15
    )
    assert answer.status_code == 200 and "existe pas ou plus" in answer.text.replace("&#x27;", "'")
    assert changed_tables(before, digest(stack.db_url)) == []
    left = join(stack, confirmed=False)
    requests.post(f"{stack.url}/community/leave/{token_of(stack, 'community_leave', left)}")
    answer = requests.post(
        f"{stack.url}/community/confirm/{token_of(stack, 'community_confirm', left)}", timeout=15
    )
    assert answer.status_code == 200 and not exists(stack, left)


def test_the_link_pages_hold_no_inline_script(stack: CommunityStack):
    member = join(stack)
    for purpose in PURPOSES:
        for where in (
            f"{stack.url}{PREFIX[purpose]}/{token_of(stack, purpose, member)}",
            f"{stack.url}{PREFIX[purpose]}/not-a-token",
        ):
            answer = requests.get(where, timeout=15)
            assert INLINE.findall(answer.text) == [], (where, INLINE.findall(answer.text))
            policy = answer.headers["Content-Security-Policy"]
            assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
            assert answer.headers["X-Frame-Options"] == "DENY"
            assert answer.headers["Cache-Control"] == "no-store"


# ---------------------------------------------------------------- the staff routes


def test_signed_out_visitors_and_recruiters_read_no_figures(
    stack: CommunityStack, people: dict[str, Staff]
):
    join(stack)
    for method, path in (
        ("GET", "/console/api/hr/community"),
        ("GET", "/console/api/hr/community.csv"),
        ("GET", f"{MATCHES}?job=sre"),
        ("POST", MESSAGES),
    ):
        answer = anonymous(
            stack.url, method, path, json={"job": "sre", "subject": "s", "text": "t"}
        )
        assert answer.status_code == 401 and "@example.org" not in answer.text
    for path in ("/console/api/hr/community", "/console/api/hr/community.csv"):
        answer = people["recruiter"].request("GET", path)
        assert answer.status_code == 403 and "@example.org" not in answer.text
    answer = people["hr"].request("GET", "/console/api/hr/community.csv")
    assert answer.status_code == 200 and "@" not in answer.text


VARIANTS = ("no-token", "empty-token", "wrong-token", "truncated-token", "other-session-token")


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("role", ["recruiter", "hr"])
def test_a_message_without_the_right_csrf_token_sends_nothing(
    stack: CommunityStack, people: dict[str, Staff], role: str, variant: str
):
    join(stack)  # someone the message would reach
    victim = people[role]
    other = people["hr" if role == "recruiter" else "recruiter"]
    token = {
        "no-token": None,
        "empty-token": "",
        "wrong-token": secrets.token_urlsafe(32),
        "truncated-token": victim.csrf[:-1],
        "other-session-token": other.csrf,
    }[variant]
    stack.mailbox.messages.clear()
    before = digest(stack.db_url)
    answer = victim.request(
        "POST",
        MESSAGES,
        csrf=token,
        json={"job": "sre", "subject": "Forged", "text": "Forged"},
    )
    assert answer.status_code == 403 and "error" in answer.json()
    cross = victim.request(
        "POST",
        MESSAGES,
        headers={"Origin": EVIL, "Referer": f"{EVIL}/page"},
        data={"job": "sre", "subject": "Forged", "text": "Forged"},
    )
    assert cross.status_code == 403
    assert changed_tables(before, digest(stack.db_url)) == []
    assert stack.mailbox.messages == []


CRAFTED_JOBS = {
    "empty": "",
    "unknown": "nope",
    "long": "x" * 2_000,
    "sql": SQL["quote-or-true"],
    "union": SQL["union-select"],
    "traversal": "../../../etc/passwd",
    "markup": XSS["script-tag"],
    "other-digits": "\u0661\u0662",
    "unicode": "sr\u00e9",
}


@pytest.mark.parametrize("job", list(CRAFTED_JOBS))
def test_a_crafted_position_id_is_a_clear_404(
    stack: CommunityStack, people: dict[str, Staff], job: str
):
    join(stack)
    recruiter = people["recruiter"]
    stack.mailbox.messages.clear()
    before = digest(stack.db_url)
    value = CRAFTED_JOBS[job]
    answer = recruiter.request("GET", MATCHES, params={"job": value})
    assert answer.status_code == 404 and "error" in answer.json()
    assert "@example.org" not in answer.text
    answer = recruiter.request(
        "POST", MESSAGES, csrf=recruiter.csrf, json={"job": value, "subject": "s", "text": "t"}
    )
    assert answer.status_code == 404 and "error" in answer.json()
    assert changed_tables(before, digest(stack.db_url)) == []
    assert stack.mailbox.messages == []


@pytest.mark.parametrize(
    "body",
    [
        {"job": ["sre"], "subject": "s", "text": "t"},
        {"job": {"id": "sre"}, "subject": "s", "text": "t"},
        {"job": 1e308, "subject": "s", "text": "t"},
        {"job": True, "subject": "s", "text": "t"},
        {"job": "sre", "subject": "s" * 100_000, "text": "t"},
        {"job": "sre", "subject": "s", "text": "t" * 100_000},
        {"job": "sre", "subject": {"$ne": ""}, "text": "t"},
        ["sre", "s", "t"],
        "sre",
        None,
    ],
    ids=str,
)
def test_a_crafted_message_is_a_clear_4xx(
    stack: CommunityStack, people: dict[str, Staff], body: Any
):
    join(stack)
    recruiter = people["recruiter"]
    stack.mailbox.messages.clear()
    before = digest(stack.db_url)
    answer = recruiter.request("POST", MESSAGES, csrf=recruiter.csrf, json=body)
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:200])
    assert "error" in answer.json()
    assert changed_tables(before, digest(stack.db_url)) == []
    assert stack.mailbox.messages == []


def test_a_huge_position_id_in_the_address_is_refused_without_a_server_error(
    stack: CommunityStack, people: dict[str, Staff]
):
    recruiter = people["recruiter"]
    for size in (8_000, 100_000):
        try:
            answer = recruiter.request("GET", f"{MATCHES}?job={'x' * size}")
        except requests.ConnectionError:
            continue  # the server may drop a request line that long: also a refusal
        assert 400 <= answer.status_code < 500, (size, answer.status_code)
    status, _ = raw_get(stack.url, f"{MATCHES}?job=sre%00", recruiter.cookie)
    assert status == 400
    assert requests.get(f"{stack.url}/healthz", timeout=10).status_code == 200


def test_hostile_markup_and_sql_in_a_message_go_out_as_plain_text(
    stack: CommunityStack, people: dict[str, Staff]
):
    """The e-mail has one text/plain part: markup in it is characters a mail client shows,
    and the subject stays one header line. The journal keeps the words as typed."""
    member = join(stack, teams=["design"])  # the only one a design position fits
    recruiter = people["recruiter"]
    # the others that fit the position are written to once first
    recruiter.request(
        "POST",
        MESSAGES,
        csrf=recruiter.csrf,
        json={"job": "product-designer", "subject": "Premier", "text": "Premier"},
    )
    for typed in [*XSS.values(), *SQL.values()]:
        with transaction(stack.db_url) as session:  # written to a week ago: due again
            found = session.execute(
                select(CommunityMember).where(CommunityMember.public_id == member)
            ).scalar_one()
            found.last_mailed_at = utcnow() - dt.timedelta(days=8)
        stack.mailbox.messages.clear()
        subject = f"{typed[:120]}\r\nBcc: evil@example.org"
        answer = recruiter.request(
            "POST",
            MESSAGES,
            csrf=recruiter.csrf,
            json={"job": "product-designer", "subject": subject, "text": typed},
        )
        assert answer.status_code == 200, answer.text
        assert answer.json()["sent"] == 1
        message = stack.mailbox.wait_for(lambda m: True)
        assert not message.is_multipart() and message.get_content_type() == "text/plain"
        assert subject_of(message) == one_line(subject.strip())
        assert message["Bcc"] is None and message["Cc"] is None
        body = body_of(message)
        assert body.startswith(typed.strip()) and "/community/leave/" in body
        assert len(stack.mailbox.messages) == 1
        with transaction(stack.db_url) as session:
            entry = session.execute(
                select(AuditEntry)
                .where(AuditEntry.action == "community.message")
                .order_by(AuditEntry.id.desc())
                .limit(1)
            ).scalar_one()
            assert entry.detail["text"] == typed.strip()
