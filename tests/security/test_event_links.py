"""The registration link pages (bot.events.views) under attack, on the real web server
process: no account, the signed token in the address is the only authorisation.
Tampered, forged, re-purposed, huge, NUL and traversal tokens get a 4xx page and change
nothing; forms posted from another site are refused; hostile markup and SQL in every
field stay inert text; simultaneous votes and cancellations act once; the pages carry
no inline script or style."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
import requests
from sqlalchemy import func, select

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import Settings, settings_from
from bot.events.messages import registration_link
from bot.events.models import PanelQuestion, PanelVote, Registration
from bot.events.registrations import register
from bot.events.terms import event_terms, save_terms
from bot.meetings.links import CONTEXT, Purpose, link_secret, make_token
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from bot.records.models import Event
from tests.conftest import port
from tests.e2e.conftest import start_or_fail
from tests.events.conftest import add_event
from tests.inbox_servers import Mailbox, start_smtp
from tests.security.attacks import ROUTES, SQL, XSS, changed_tables, digest
from tests.security.test_traversal import TRAVERSALS, raw_get

pytestmark = [pytest.mark.e2e]

# The registration pages a signed link token authorises (no account, no role, no CSRF
# cookie: a POST's Origin is checked instead). test_roles and test_csrf leave them to
# this file, as they leave the coffee pages to test_meeting_links.py.
EVENT_LINK_ROUTES = frozenset(
    {
        "GET /events/events.css",
        "GET /events/registration/{token}",
        "POST /events/registration/{token}/cancel",
        "POST /events/registration/{token}/questions",
        "POST /events/registration/{token}/vote",
        "GET /events/offer/{token}",
        "POST /events/offer/{token}",
        "POST /events/offer/{token}/decline",
        "GET /events/feedback/{token}",
        "POST /events/feedback/{token}",
    }
)
EVIL = "https://evil.example"
SMTP = port(29327)
WEB = port(29380)
INLINE = re.compile(r"<script|\son[a-z]+\s*=|\sstyle\s*=", re.IGNORECASE)
# Live markup only (inside a tag): escaped payloads may read "onerror=" as text.
LIVE = re.compile(r"<script|<[^>]*\son[a-z]+\s*=|<[^>]*\sstyle\s*=", re.IGNORECASE)
OFFICE = "Europe/Paris"
# Each target: the method, the link's purpose and what follows the token.
TARGETS: dict[str, tuple[str, Purpose, str]] = {
    "registration": ("GET", "registration", ""),
    "registration-cancel": ("POST", "registration", "/cancel"),
    "registration-questions": ("POST", "registration", "/questions"),
    "registration-vote": ("POST", "registration", "/vote"),
    "offer-get": ("GET", "seat_offer", ""),
    "offer-post": ("POST", "seat_offer", ""),
    "offer-decline": ("POST", "seat_offer", "/decline"),
    "feedback-get": ("GET", "event_feedback", ""),
    "feedback-post": ("POST", "event_feedback", ""),
}
PREFIX: dict[str, str] = {
    "registration": "/events/registration",
    "seat_offer": "/events/offer",
    "event_feedback": "/events/feedback",
}
FORM = {"question": "x", "rating": "5", "comment": "x"}


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
    """The web server process (both sweeps included) with its SMTP server."""
    root: Path = tmp_path_factory.mktemp("event-links")
    url = f"sqlite:///{root / 'app.db'}"
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,
            "WEB_PORT": str(WEB),
            "RASA_PORT": str(port(18505)),
            "ACTION_PORT": str(port(18555)),
            "RASA_TOKEN": "security-token",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(SMTP),
            "NOTIFY_FROM": "assistant@ardoise.test",
        }
    )
    upgrade(url)
    controller, mailbox = start_smtp(SMTP)
    services = Services(settings=settings, model=Path(), log_dir=root / "logs")
    services.start_web()
    start_or_fail(services)
    try:
        yield LinkStack(settings, mailbox)
    finally:
        services.stop()
        controller.stop()


_numbers = count(1)


def session_date(stack: LinkStack, *, capacity: int | None = None) -> int:
    """A reverse Q&A a week ahead (no reminder due while the tests run)."""
    day = (utcnow() + dt.timedelta(days=7 + next(_numbers) % 20)).date()
    event_id = add_event(
        stack.db_url,
        kind="reverse_qa",
        date=day,
        start_time=dt.time(12, 30),
        end_time=dt.time(13, 15),
        place_fr=None,
        place_en=None,
    )
    if capacity:
        with transaction(stack.db_url) as session:
            save_terms(session=session, event_id=event_id, capacity=capacity, author="hr")
    return event_id


def enrol(stack: LinkStack, event_id: int, **values: Any) -> Registration:
    number = next(_numbers)
    details: dict[str, Any] = {
        "conversation_id": f"conv-{number}",
        "first_name": "Camille",
        "email": f"candidate-{number}@example.org",
        "language": "fr",
        "consent": True,
        "now": utcnow(),
        "office_timezone": OFFICE,
        **values,
    }
    with transaction(stack.db_url) as session:
        return register(session=session, event_id=event_id, **details)


def link(stack: LinkStack, purpose: Purpose, registration: Registration) -> str:
    """The full address the e-mails carry, on this server."""
    with transaction(stack.db_url) as session:
        event = session.get(Event, registration.event_id)
        terms = event_terms(session=session, event=event, office_timezone=OFFICE)
        where = urlsplit(registration_link(stack.settings, purpose, registration, terms)).path
    return f"{stack.url}{where}"


def token_of(stack: LinkStack, purpose: str, registration: Registration) -> str:
    return make_token(
        secret=link_secret(stack.settings),
        purpose=purpose,  # type: ignore[arg-type]
        public_id=registration.public_id,
        expires=utcnow() + dt.timedelta(days=3),
    )


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forged(payload: str, secret: bytes) -> str:
    signature = hmac.new(secret, CONTEXT + payload.encode(), hashlib.sha256).digest()
    return f"{b64(payload.encode())}.{b64(signature)}"


def bad_tokens(stack: LinkStack, purpose: Purpose, victim: Registration, other: Registration):
    good = token_of(stack, purpose, victim)
    payload, signature = good.split(".")
    others = token_of(stack, purpose, other).split(".")[1]
    far = int((utcnow() + dt.timedelta(days=365)).timestamp())
    wrong = "registration" if purpose != "registration" else "seat_offer"
    return {
        "flipped-signature": f"{payload}.{signature[:-3]}{'A' if signature[-3] != 'A' else 'B'}"
        + signature[-2:],
        "flipped-payload": f"{'A' if payload[0] != 'A' else 'B'}{payload[1:]}.{signature}",
        "other-registrations-signature": f"{payload}.{others}",
        "unsigned": payload,
        "empty-signature": f"{payload}.",
        "extended-expiry": f"{b64(f'{purpose}:{far}:{victim.public_id}'.encode())}.{signature}",
        "another-secret": forged(f"{purpose}:{far}:{victim.public_id}", b"guessed-secret"),
        "no-secret": forged(f"{purpose}:{far}:{victim.public_id}", b""),
        "other-purpose": token_of(stack, wrong, victim),
        "coffee-manage-token": token_of(stack, "manage", victim),
        "three-parts": f"{good}.{signature}",
        "not-base64": "!!!!.????",
        "sql": "' OR '1'='1.x",
        "long-611": "A" * 600 + "." + "B" * 10,
        "unicode": "caf\u00e9.\u2603",
    }


def test_this_file_covers_every_event_link_route():
    mounted = {str(r) for r in ROUTES if r.path.startswith("/events/")}
    assert mounted == EVENT_LINK_ROUTES


@pytest.mark.parametrize("target", list(TARGETS))
def test_a_bad_token_gets_a_clear_4xx_and_changes_nothing(stack: LinkStack, target: str):
    event_id = session_date(stack)
    victim = enrol(stack, event_id)
    other = enrol(stack, event_id)
    method, purpose, suffix = TARGETS[target]
    stack.mailbox.messages.clear()
    before = digest(stack.db_url)
    for name, bad in bad_tokens(stack, purpose, victim, other).items():
        where = f"{stack.url}{PREFIX[purpose]}/{quote(bad, safe='')}{suffix}"
        answer = requests.request(method, where, data=FORM, allow_redirects=False, timeout=15)
        assert answer.status_code == 404, (name, answer.status_code, answer.text[:200])
        assert 'lang="fr"' in answer.text and 'lang="en"' in answer.text, name
        assert victim.public_id not in answer.text and "Traceback" not in answer.text
    assert changed_tables(before, digest(stack.db_url)) == []
    assert stack.mailbox.messages == []


@pytest.mark.parametrize("size", [513, 8_000, 100_000])
def test_a_huge_token_is_refused_without_a_server_error(stack: LinkStack, size: int):
    before = digest(stack.db_url)
    for method, where in (
        ("GET", "/events/registration/{}"),
        ("POST", "/events/registration/{}/vote"),
        ("POST", "/events/offer/{}"),
        ("POST", "/events/feedback/{}"),
    ):
        try:
            answer = requests.request(
                method, f"{stack.url}{where.format('A' * size)}", allow_redirects=False, timeout=15
            )
        except requests.ConnectionError:
            continue  # the server may drop a request line that long: also a refusal
        assert 400 <= answer.status_code < 500, (size, where, answer.status_code)
    assert changed_tables(before, digest(stack.db_url)) == []
    assert requests.get(f"{stack.url}/healthz", timeout=10).status_code == 200


@pytest.mark.parametrize("payload", list(TRAVERSALS))
@pytest.mark.parametrize("prefix", list(PREFIX.values()))
def test_nul_and_traversal_in_the_token_get_nothing(stack: LinkStack, prefix: str, payload: str):
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
def test_a_form_posted_from_another_site_is_refused(stack: LinkStack, headers: dict[str, str]):
    event_id = session_date(stack)
    victim = enrol(stack, event_id)
    asker = enrol(stack, event_id)
    requests.post(
        f"{link(stack, 'registration', asker)}/questions", data={"question": "Why?"}, timeout=15
    )
    question = latest_question(stack)
    stack.mailbox.messages.clear()
    before = digest(stack.db_url)
    manage = link(stack, "registration", victim)
    for where, form in (
        (f"{manage}/cancel", {}),
        (f"{manage}/questions", {"question": "forged"}),
        (f"{manage}/vote", {"question": question}),
        (f"{stack.url}/events/offer/{token_of(stack, 'seat_offer', victim)}", {}),
        (f"{stack.url}/events/offer/{token_of(stack, 'seat_offer', victim)}/decline", {}),
        (f"{stack.url}/events/feedback/{token_of(stack, 'event_feedback', victim)}", FORM),
    ):
        answer = requests.post(where, data=form, headers=headers, allow_redirects=False, timeout=15)
        assert answer.status_code == 403, (where, answer.status_code)
    assert changed_tables(before, digest(stack.db_url)) == []
    assert stack.mailbox.messages == []


def latest_question(stack: LinkStack) -> str:
    with transaction(stack.db_url) as session:
        return session.execute(
            select(PanelQuestion.public_id).order_by(PanelQuestion.id.desc()).limit(1)
        ).scalar_one()


def test_hostile_markup_and_sql_in_every_field_stay_inert_text(stack: LinkStack):
    event_id = session_date(stack)
    reader = enrol(stack, event_id, first_name="Zoé \"&amp;' onmouseover=alert(1)")
    payloads = {**XSS, **SQL}
    # MAX_QUESTIONS per registration: one registration per payload
    for payload in payloads.values():
        asker = enrol(stack, event_id)
        answer = requests.post(
            f"{link(stack, 'registration', asker)}/questions",
            data={"question": payload},
            allow_redirects=False,
            timeout=15,
        )
        assert answer.status_code == 303
        assert re.search(r"msg=(question_received|question_not_plain)", answer.headers["Location"])
    # votes naming a question by SQL or markup find nothing
    before = digest(stack.db_url)
    for payload in payloads.values():
        answer = requests.post(
            f"{link(stack, 'registration', reader)}/vote",
            data={"question": payload},
            allow_redirects=False,
            timeout=15,
        )
        assert answer.status_code == 303 and "msg=question_unknown" in answer.headers["Location"]
    assert changed_tables(before, digest(stack.db_url)) == []
    page = requests.get(link(stack, "registration", reader), timeout=15)
    assert page.status_code == 200
    assert LIVE.findall(page.text) == [], LIVE.findall(page.text)
    assert "&lt;script&gt;window.__xss=1" in page.text
    assert "&quot;&amp;amp;&#x27; onmouseover=alert(1)" in page.text  # the name, as text
    assert 'href="javascript' not in page.text.lower()
    with transaction(stack.db_url) as session:
        stored = set(session.execute(select(PanelQuestion.text)).scalars())
    assert XSS["script-tag"] in stored and SQL["drop-table"] in stored  # kept as typed
    # the ranking shows each stored question, escaped (votes are counted, names never)
    assert page.text.count('class="question') >= len(stored & set(payloads.values()))


def test_simultaneous_votes_from_one_registration_count_once(stack: LinkStack):
    event_id = session_date(stack)
    asker, voter = enrol(stack, event_id), enrol(stack, event_id)
    requests.post(
        f"{link(stack, 'registration', asker)}/questions", data={"question": "Why?"}, timeout=15
    )
    question = latest_question(stack)
    where = f"{link(stack, 'registration', voter)}/vote"
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(
                lambda _: requests.post(
                    where, data={"question": question}, allow_redirects=False, timeout=30
                ),
                range(8),
            )
        )
    locations = sorted(a.headers["Location"].split("msg=")[1] for a in answers)
    assert locations == ["already_voted#questions"] * 7 + ["voted#questions"]
    with transaction(stack.db_url) as session:
        votes = session.execute(
            select(func.count())
            .select_from(PanelVote)
            .join(PanelQuestion, PanelQuestion.id == PanelVote.question_id)
            .where(PanelQuestion.public_id == question)
        ).scalar_one()
    assert votes == 1


def test_simultaneous_cancels_act_once_and_offer_the_seat_once(stack: LinkStack):
    event_id = session_date(stack, capacity=1)
    seated = enrol(stack, event_id, email="seated@example.org")
    enrol(stack, event_id, email="waiting@example.org")
    stack.mailbox.messages.clear()
    where = f"{link(stack, 'registration', seated)}/cancel"
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(
            pool.map(lambda _: requests.post(where, allow_redirects=False, timeout=30), range(8))
        )
    locations = sorted(a.headers["Location"].split("msg=")[1] for a in answers)
    assert locations == ["cancelled"] + ["registration_closed"] * 7
    with transaction(stack.db_url) as session:
        statuses = {
            r.email: (r.status, r.sequence)
            for r in session.execute(
                select(Registration).where(Registration.event_id == event_id)
            ).scalars()
        }
    assert statuses == {
        "seated@example.org": ("cancelled", 1),
        "waiting@example.org": ("offered", 0),
    }
    for address in ("seated@example.org", "waiting@example.org"):
        assert sum(address in m["To"] for m in stack.mailbox.messages) == 1, address


def test_the_link_pages_hold_no_inline_script(stack: LinkStack):
    event_id = session_date(stack)
    camille = enrol(stack, event_id)
    for where in (
        link(stack, "registration", camille),
        link(stack, "event_feedback", camille),
        f"{stack.url}/events/offer/{token_of(stack, 'seat_offer', camille)}",
        f"{stack.url}/events/registration/not-a-token",
    ):
        answer = requests.get(where, timeout=15)
        assert INLINE.findall(answer.text) == [], (where, INLINE.findall(answer.text))
        policy = answer.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy
        assert "script-src" not in policy and "default-src 'none'" in policy
        assert answer.headers["X-Frame-Options"] == "DENY"
        assert answer.headers["Cache-Control"] == "no-store"
    css = requests.get(f"{stack.url}/events/events.css", timeout=15)
    assert css.status_code == 200 and css.headers["Content-Type"].startswith("text/css")
