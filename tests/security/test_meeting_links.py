"""The coffee link pages (bot.meetings.views) under attack, on the real web server process:
no account, the signed token in the address is the only authorisation. Tampered,
forged, re-purposed, huge, NUL and traversal tokens get a 4xx page and change nothing;
a form posted from another site is refused; repeated and simultaneous POSTs act once
and send one set of e-mails; the pages carry no inline script or style."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
from sqlalchemy import select, update

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import Settings, settings_from
from bot.meetings.booking import book
from bot.meetings.defaults import load_defaults, seed_ambassadors
from bot.meetings.links import CONTEXT, link_secret, make_token
from bot.meetings.models import Ambassador, Booking
from bot.meetings.slots import free_slots
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from tests.conftest import port
from tests.e2e.conftest import start_or_fail
from tests.inbox_servers import Mailbox, start_smtp
from tests.security.attacks import ROUTES, XSS, changed_tables, digest
from tests.security.test_traversal import TRAVERSALS, raw_get

pytestmark = [pytest.mark.e2e]

# The public routes a signed link token authorises (no account, no role, no CSRF cookie:
# a POST's Origin is checked instead). test_roles and test_csrf leave them to this file.
LINK_ROUTES = frozenset(
    {
        "GET /meetings/meetings.css",
        "GET /meetings/manage/{token}",
        "POST /meetings/manage/{token}/cancel",
        "POST /meetings/manage/{token}/move",
        "GET /meetings/decline/{token}",
        "POST /meetings/decline/{token}",
    }
)
EVIL = "https://evil.example"
SMTP = port(29127)
WEB = port(29180)
INLINE = re.compile(r"<script|\son[a-z]+\s*=|\sstyle\s*=", re.IGNORECASE)


@dataclass
class LinkStack:
    settings: Settings
    mailbox: Mailbox

    @property
    def url(self) -> str:
        return self.settings.web_url

    @property
    def db_url(self) -> str:
        return self.settings.database_url


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LinkStack]:
    """The web server process (reminder sweep included) with its SMTP server."""
    root: Path = tmp_path_factory.mktemp("links")
    url = f"sqlite:///{root / 'app.db'}"
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,
            "WEB_PORT": str(WEB),
            "RASA_PORT": str(port(18305)),
            "ACTION_PORT": str(port(18355)),
            "RASA_TOKEN": "security-token",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(SMTP),
            "NOTIFY_FROM": "assistant@ardoise.test",
        }
    )
    upgrade(url)
    with transaction(url) as session:
        seed_ambassadors(session=session, defaults=load_defaults())
        session.execute(update(Ambassador).values(email=Ambassador.id + "@ardoise.test"))
    controller, mailbox = start_smtp(SMTP)
    services = Services(settings=settings, model=Path(), log_dir=root / "logs")
    services.start_web()
    start_or_fail(services)
    try:
        yield LinkStack(settings, mailbox)
    finally:
        services.stop()
        controller.stop()


_taken: set[str] = set()


def coffee(stack: LinkStack, email: str) -> Booking:
    """A confirmed coffee more than 30 hours ahead (no reminder due while the tests run)."""
    now = utcnow()
    with transaction(stack.db_url) as session:
        slots = free_slots(session=session, now=now, office_timezone="Europe/Paris", language="fr")
        slot = next(
            s.id for s in slots if s.start_utc > now + dt.timedelta(hours=30) and s.id not in _taken
        )
        _taken.add(slot)
        return book(
            session=session,
            slot_id=slot,
            conversation_id=f"conv-{email}",
            name="Camille",
            email=email,
            note=XSS["script-tag"],
            language="fr",
            consent=True,
            now=now,
            office_timezone="Europe/Paris",
        )


def token(stack: LinkStack, booking: Booking, purpose: str = "manage") -> str:
    return make_token(
        secret=link_secret(stack.settings),
        purpose=purpose,  # type: ignore[arg-type]
        public_id=booking.public_id,
        expires=booking.start_utc,
    )


def status_of(stack: LinkStack, public_id: str) -> tuple[str, int]:
    with transaction(stack.db_url) as session:
        found = session.execute(select(Booking).where(Booking.public_id == public_id)).scalar_one()
        return found.status, found.sequence


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(payload: str, secret: bytes) -> str:
    """A token in the right format signed with `secret`."""
    signature = hmac.new(secret, CONTEXT + payload.encode(), hashlib.sha256).digest()
    return f"{b64(payload.encode())}.{b64(signature)}"


def test_this_file_covers_every_link_route():
    mounted = {str(r) for r in ROUTES if r.path.startswith("/meetings/")}
    assert mounted == LINK_ROUTES


def bad_tokens(stack: LinkStack, victim: Booking, other: Booking) -> dict[str, str]:
    good = token(stack, victim)
    payload, signature = good.split(".")
    far = int((victim.start_utc + dt.timedelta(days=365)).timestamp())
    return {
        "flipped-signature": f"{payload}.{signature[:-3]}{'A' if signature[-3] != 'A' else 'B'}"
        + signature[-2:],
        "flipped-payload": f"{'A' if payload[0] != 'A' else 'B'}{payload[1:]}.{signature}",
        "other-bookings-signature": f"{payload}.{token(stack, other).split('.')[1]}",
        "unsigned": payload,
        "empty-signature": f"{payload}.",
        "extended-expiry": f"{b64(f'manage:{far}:{victim.public_id}'.encode())}.{signature}",
        "another-secret": forged(f"manage:{far}:{victim.public_id}", b"guessed-secret"),
        "no-secret": forged(f"manage:{far}:{victim.public_id}", b""),
        "decline-token": token(stack, victim, "decline"),
        "three-parts": f"{good}.{signature}",
        "not-base64": "!!!!.????",
        "sql": "' OR '1'='1.x",
        "long-611": "A" * 600 + "." + "B" * 10,
        "unicode": "caf\u00e9.\u2603",
    }


@pytest.mark.parametrize(
    "target", ["manage", "manage-cancel", "manage-move", "decline-get", "decline-post"]
)
def test_a_bad_token_gets_a_clear_4xx_and_changes_nothing(stack: LinkStack, target: str):
    victim = coffee(stack, f"victim-{target}@example.org")
    other = coffee(stack, f"other-{target}@example.org")
    stack.mailbox.messages.clear()
    before = digest(stack.db_url)
    for name, bad in bad_tokens(stack, victim, other).items():
        if target.startswith("decline") and name == "decline-token":
            continue  # the right purpose there: not an attack
        bad = quote(bad, safe="")  # one path segment, as a mail client would link it
        method, path = {
            "manage": ("GET", f"/meetings/manage/{bad}"),
            "manage-cancel": ("POST", f"/meetings/manage/{bad}/cancel"),
            "manage-move": ("POST", f"/meetings/manage/{bad}/move"),
            "decline-get": ("GET", f"/meetings/decline/{bad}"),
            "decline-post": ("POST", f"/meetings/decline/{bad}"),
        }[target]
        answer = requests.request(
            method, f"{stack.url}{path}", data={"slot": "x"}, allow_redirects=False, timeout=15
        )
        assert answer.status_code == 404, (name, answer.status_code, answer.text[:200])
        assert 'lang="fr"' in answer.text and 'lang="en"' in answer.text, name
        assert victim.public_id not in answer.text
    assert changed_tables(before, digest(stack.db_url)) == []
    assert stack.mailbox.messages == []


@pytest.mark.parametrize("size", [513, 8_000, 100_000])
def test_a_huge_token_is_refused_without_a_server_error(stack: LinkStack, size: int):
    before = digest(stack.db_url)
    for method, suffix in (("GET", ""), ("POST", "/cancel")):
        try:
            answer = requests.request(
                method,
                f"{stack.url}/meetings/manage/{'A' * size}{suffix}",
                allow_redirects=False,
                timeout=15,
            )
        except requests.ConnectionError:
            continue  # the server may drop a request line that long: also a refusal
        assert 400 <= answer.status_code < 500, (size, answer.status_code)
    assert changed_tables(before, digest(stack.db_url)) == []
    # the server is still there
    assert requests.get(f"{stack.url}/healthz", timeout=10).status_code == 200


@pytest.mark.parametrize("payload", list(TRAVERSALS))
@pytest.mark.parametrize("prefix", ["/meetings/manage/", "/meetings/decline/"])
def test_nul_and_traversal_in_the_token_get_nothing(stack: LinkStack, prefix: str, payload: str):
    before = digest(stack.db_url)
    status, body = raw_get(stack.url, f"{prefix}{TRAVERSALS[payload]}".replace("//", "/", 2))
    assert status in (400, 404), (status, body[:200])
    assert "root:x:0:0" not in body and "def create_app" not in body
    status, body = raw_get(stack.url, f"{prefix}abc%00def")
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
def test_a_form_posted_from_another_site_is_refused(stack: LinkStack, headers: dict[str, str]):
    victim = coffee(stack, f"csrf-{len(_taken)}@example.org")
    stack.mailbox.messages.clear()
    before = digest(stack.db_url)
    manage = f"{stack.url}/meetings/manage/{token(stack, victim)}"
    for path in (
        f"{manage}/cancel",
        f"{manage}/move",
        f"{stack.url}/meetings/decline/{token(stack, victim, 'decline')}",
    ):
        answer = requests.post(
            path, data={"slot": "x"}, headers=headers, allow_redirects=False, timeout=15
        )
        assert answer.status_code == 403, (path, answer.status_code)
    assert changed_tables(before, digest(stack.db_url)) == []
    assert stack.mailbox.messages == []


def test_simultaneous_cancels_act_once_and_send_one_set_of_emails(stack: LinkStack):
    victim = coffee(stack, "twice@example.org")
    stack.mailbox.messages.clear()
    path = f"{stack.url}/meetings/manage/{token(stack, victim)}/cancel"
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda _: requests.post(path, timeout=30), range(8)))
    assert sorted(a.status_code for a in answers) == [200] + [410] * 7
    assert status_of(stack, victim.public_id) == ("cancelled", 1)
    to_candidate = [m for m in stack.mailbox.messages if "twice@example.org" in m["To"]]
    assert len(to_candidate) == 1
    # and again, later: still once
    assert requests.post(path, timeout=15).status_code == 410
    assert status_of(stack, victim.public_id) == ("cancelled", 1)


def test_repeated_declines_and_moves_act_once(stack: LinkStack):
    victim = coffee(stack, "repeat@example.org")
    manage = f"{stack.url}/meetings/manage/{token(stack, victim)}"
    page = requests.get(manage, timeout=15).text
    target = re.findall(r'name="slot" value="([^"]+)"', page)[0]
    first = requests.post(f"{manage}/move", data={"slot": target}, timeout=15)
    again = requests.post(f"{manage}/move", data={"slot": target}, timeout=15)
    assert (first.status_code, again.status_code) == (200, 409)
    assert status_of(stack, victim.public_id) == ("confirmed", 1)
    # the moved coffee's links: the old token names the booking, still valid until the
    # old start; the decline acts once
    decline = f"{stack.url}/meetings/decline/{token(stack, victim, 'decline')}"
    answers = [requests.post(decline, timeout=15).status_code for _ in range(3)]
    assert answers == [200, 409, 409]
    assert status_of(stack, victim.public_id) == ("declined", 2)


def test_the_link_pages_hold_no_inline_script_and_show_the_note_as_text(stack: LinkStack):
    victim = coffee(stack, "inline@example.org")
    for path in (
        f"/meetings/manage/{token(stack, victim)}",
        f"/meetings/decline/{token(stack, victim, 'decline')}",
        "/meetings/manage/not-a-token",
    ):
        answer = requests.get(f"{stack.url}{path}", timeout=15)
        assert INLINE.findall(answer.text) == [], (path, INLINE.findall(answer.text))
        policy = answer.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["Cache-Control"] == "no-store"
    page = requests.get(f"{stack.url}/meetings/manage/{token(stack, victim)}", timeout=15).text
    assert "&lt;script&gt;" in page
    css = requests.get(f"{stack.url}/meetings/meetings.css", timeout=15)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
