"""What the attack suite shares: payloads, the routes read from the web app's router, a
running web server on a seeded database, fresh signed-in staff, and a database digest.

The payloads are the ones an audit tried against the running assistant and that held
up; the tests replay them against real servers so that a regression fails CI.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, insert, inspect, text

from bot.applications.service import take_application
from bot.community.service import confirm, sign_up
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import Settings, settings_from
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.handoff.callbacks import create_callback
from bot.handoff.canned import seed_replies
from bot.handoff.service import request_handoff
from bot.inbox.service import record_question
from bot.knowledge.files import load_directory
from bot.knowledge.service import import_docs
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from bot.staff.accounts import StaffUser, add_user
from tests.conftest import port
from tests.e2e.conftest import start_or_fail
from tests.handoff.coffee_data import add_coffee
from tests.handoff.event_data import seed_registration

PASSWORD = "a-long-security-password"

# ---------------------------------------------------------------- payloads

# Hostile markup: each would set window.__xss (or open a dialog) if it ever ran.
XSS = {
    "script-tag": "<script>window.__xss=1;alert('xss')</script>",
    "img-onerror": "<img src=x onerror=\"window.__xss=2;alert('xss')\">",
    "svg-onload": "<svg onload=\"window.__xss=3;alert('xss')\"></svg>",
    "javascript-link": "<a href=\"javascript:window.__xss=4;alert('xss')\">clic</a>",
    "attribute-breakout": "\"><img src=x onerror=\"window.__xss=5;alert('xss')\">'",
    "markdown-javascript-link": "[cliquez ici](javascript:window.__xss=6;alert('xss'))",
    "markdown-entity-link": "[clic](jav&#x61;script:window.__xss=7) **<b onmouseover=alert(7)>**",
    "iframe-srcdoc": "<iframe srcdoc=\"<script>parent.__xss=8;alert('xss')</script>\"></iframe>",
    "unicode-tricks": (
        "\uff1cscript\uff1ealert(9)\uff1c/script\uff1e \u202e<img src=x onerror=alert(9)>"
        " java\u200bscript:alert(9)"
    ),
    "template-injection": "{{constructor.constructor('window.__xss=10;alert(10)')()}} ${alert(10)}",
}

# SQL metacharacters, as a search text, a filter or a candidate's message.
SQL = {
    "quote-or-true": "' OR '1'='1",
    "drop-table": "'; DROP TABLE staff_user; --",
    "union-select": "x' UNION SELECT login, password_hash FROM staff_user --",
    "comment-and-wildcards": "%' -- _ % \\",
    "double-quote": '" OR 1=1 --',
    "stacked-update": "1; UPDATE staff_user SET role='hr'; --",
}

# ---------------------------------------------------------------- the web app's routes

# A value for every placeholder a staff route's path can have; a new placeholder must be
# added here (the suites then cover the new route).
PATH_VALUES = {
    "conversation": "victim-conversation",
    "handoff": "{handoff}",
    "callback": "{callback}",
    "article": "remote-work",
    "number": "1",
    "record": "{record}",
    "build": "1",
    "booking": "{booking}",
    "ambassador": "lea",
    "pause": "1",
    "event": "{event}",
    "registration": "{registration}",
    "question": "{question}",
    "reply": "{reply}",
    "application": "{application}",
}
PUBLIC = {
    ("GET", "/healthz"),
    # probes (tests/test_health.py): "alive", "ready" or why not, nothing else
    ("GET", "/alive"),
    ("GET", "/ready"),
    # the widget's starter questions (published titles only; tests/security/test_widget_starters.py)
    ("GET", "/widget/starters"),
    # a candidate's CV before the application message (tests/security/test_cv_uploads.py)
    ("POST", "/apply/cv"),
    # an application's erasure link: a signed token (tests/security/test_application_links.py)
    ("GET", "/applications/erase/{token}"),
    ("POST", "/applications/erase/{token}"),
    # the talent community's e-mail links: a signed token (tests/security/test_community.py)
    ("GET", "/community/confirm/{token}"),
    ("POST", "/community/confirm/{token}"),
    ("GET", "/community/renew/{token}"),
    ("POST", "/community/renew/{token}"),
    ("GET", "/community/leave/{token}"),
    ("POST", "/community/leave/{token}"),
    ("GET", "/console/static/{name}"),
    ("GET", "/console/login"),
    ("POST", "/console/login"),
    ("GET", "/{path}"),
}
PAGES = {"/console", "/console/hr"}


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as declared, with {placeholders}

    def __str__(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def changes_state(self) -> bool:
        return self.method not in ("GET", "HEAD", "OPTIONS")


def app_routes() -> list[Route]:
    """Every route of the web app, read from its router (HEAD duplicates left out)."""
    from bot.web.app import create_app

    settings = settings_from({"VAR_DIR": "/nonexistent/var", "DATABASE_URL": "sqlite://"})
    seen: list[Route] = []
    for route in create_app(settings).router.routes():
        declared = route.resource.canonical if route.resource else ""
        canonical = re.sub(r"\{(\w+)(:[^}]*)?\}", r"{\1}", declared)
        found = Route(route.method, canonical)
        if route.method != "HEAD" and found not in seen:
            seen.append(found)
    return seen


ROUTES = app_routes()
STAFF_ROUTES = [r for r in ROUTES if (r.method, r.path) not in PUBLIC]
STATE_CHANGING = [r for r in STAFF_ROUTES if r.changes_state]


# ---------------------------------------------------------------- a running web server


@dataclass
class WebStack:
    """The web server as a process, on a database seeded with one of everything."""

    settings: Settings
    services: Services
    ids: dict[str, str] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.settings.web_url

    @property
    def db_url(self) -> str:
        return self.settings.database_url

    def path(self, route: Route) -> str:
        """The route's path with real ids of the seeded database in it."""

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in PATH_VALUES:
                pytest.fail(f"{route}: add a value for {{{name}}} to PATH_VALUES")
            return PATH_VALUES[name].format(**self.ids)

        return re.sub(r"\{(\w+)\}", value, route.path)


def seed(url: str, settings: Settings) -> dict[str, str]:
    """One of each thing a staff route acts on; their ids."""
    with transaction(url) as session:
        import_docs(session=session, docs=load_directory(settings.knowledge_dir), author="tests")
        prepare_records(session=session, today=local_today(settings.office_timezone))
        recruiter = add_user(
            session=session,
            login="seed-recruiter",
            display_name="Seed Recruiter",
            role="recruiter",
            password=PASSWORD,
        )
        queued = request_handoff(
            session=session,
            conversation_id="victim-conversation",
            reason="request_human",
            language="fr",
            hints=[],
            summary={"asked": ["Mon visa ?"]},
            routes={},
            online=[recruiter],
        )
        callback = create_callback(
            session=session,
            conversation_id="victim-conversation",
            data={"name": "Sam", "email": "sam@example.org", "question": "Visa ?", "consent": True},
            language="fr",
            retention_days=30,
        )
        record_question(
            session=session,
            reason="no_answer",
            text="Puis-je venir avec mon chien ?",
            language="fr",
            conversation_id="victim-conversation",
        )
        record = session.execute(text("SELECT id FROM event ORDER BY id LIMIT 1")).scalar()
        seed_replies(session=session)
        applied = take_application(
            session=session,
            data={
                "job": session.execute(text("SELECT id FROM job_position LIMIT 1")).scalar(),
                "first_name": "Victim",
                "last_name": "Candidate",
                "email": "victim@example.org",
                "url": "https://example.org/victim",
                "consent": True,
            },
            conversation_id="victim-conversation",
            language="fr",
            consent_text="ok",
            now=utcnow(),
        )
        reply = session.execute(text("SELECT id FROM canned_reply ORDER BY id LIMIT 1")).scalar()
        # a talent-community member every position fits: a message slipping through would
        # mark it written to (and journal it)
        member = sign_up(
            session=session,
            data={"email": "victim-member@example.org", "consent": True},
            conversation_id="victim-conversation",
            language="fr",
            consent_text="ok",
            now=utcnow(),
        )
        confirm(session=session, public_id=member.public_id, now=utcnow())
        ids = {
            "application": applied.application.public_id,
            "reply": str(reply),
            "handoff": str(queued.handoff.id),
            "callback": str(callback.id),
            "record": str(record),
            "member": member.public_id,
        }
    # a past confirmed team coffee, that a mark slipping through would change
    ids["booking"] = add_coffee(url, hours_from_now=-24, conversation_id="victim-conversation")
    # a reverse Q&A with a registration and its question (issue 12's staff routes)
    ids.update(seed_registration(url))
    engine = tracker_engine(url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(EVENTS).values(
                sender_id="victim-conversation",
                type_name="user",
                data=json.dumps({"event": "user", "text": "Mon visa ?", "timestamp": 1.0}),
            )
        )
    engine.dispose()
    return ids


def web_stack(root: Path, web_port: int) -> Iterator[WebStack]:
    """Start the web server (nothing else) on a fresh seeded SQLite database under `root`."""
    url = f"sqlite:///{root / 'app.db'}"
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,
            "WEB_PORT": str(web_port),
            # nothing listens there: a change that slipped through would fail to reach Rasa,
            # but its database side effect would still show
            "RASA_PORT": str(port(18305)),
            "ACTION_PORT": str(port(18355)),
            "RASA_TOKEN": "security-token",
            "OFFICE_HOURS": "mon-sun 00:00-24:00",
            "CLAIM_TIMEOUT_SECONDS": "86400",
        }
    )
    upgrade(url)
    ids = seed(url, settings)
    services = Services(settings=settings, model=Path(), log_dir=root / "logs")
    services.start_web()
    start_or_fail(services)
    try:
        yield WebStack(settings, services, ids)
    finally:
        services.stop()


# ---------------------------------------------------------------- staff


class Staff:
    """A fresh account of one role, signed in through the real form (one good password:
    the sign-in throttling never counts a failure against it)."""

    def __init__(self, web_url: str, db_url: str, role: str) -> None:
        self.web_url = web_url
        self.role = role
        self.login = f"{role[:3]}-{uuid.uuid4().hex[:10]}"
        with transaction(db_url) as session:
            user = add_user(
                session=session,
                login=self.login,
                display_name=f"Attack {role}",
                role=role,
                password=PASSWORD,
            )
            self.user_id = user.id
        self.http = requests.Session()
        page = self.http.get(f"{web_url}/console/login", timeout=10)
        form = re.search(r'name="csrf" value="([^"]+)"', page.text)
        assert form, "the sign-in page carries no form token"
        signed = self.http.post(
            f"{web_url}/console/login",
            data={"csrf": form.group(1), "login": self.login, "password": PASSWORD},
            allow_redirects=False,
            timeout=10,
        )
        assert signed.status_code in (302, 303), (signed.status_code, signed.text[:300])
        cookie = self.http.cookies.get("ardoise_staff")
        assert cookie, "no session cookie after a good sign-in"
        self.cookie: str = cookie
        # each role lands on its own page (recruiters: the console, HR: the workspace)
        landing = self.http.get(f"{web_url}{signed.headers['Location']}", timeout=10)
        found = re.search(r'name="csrf" content="([^"]+)"', landing.text)
        assert found, "the landing page carries no CSRF token"
        self.csrf = found.group(1)

    def request(
        self,
        method: str,
        path: str,
        *,
        csrf: str | None = None,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """A request with this account's cookie; `csrf` is the header sent (None: none)."""
        sent = dict(headers or {})
        if csrf is not None:
            sent["X-CSRF-Token"] = csrf
        return requests.request(
            method,
            f"{self.web_url}{path}",
            cookies={"ardoise_staff": self.cookie},
            headers=sent,
            allow_redirects=False,
            timeout=15,
            **kwargs,
        )


def anonymous(web_url: str, method: str, path: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, f"{web_url}{path}", allow_redirects=False, timeout=15, **kwargs)


# ---------------------------------------------------------------- side effects


def digest(db_url: str) -> dict[str, str]:
    """A fingerprint of every table's rows, to prove a refused request changed nothing."""
    engine = create_engine(db_url, future=True)
    try:
        prints = {}
        with engine.connect() as connection:
            for table in sorted(inspect(connection).get_table_names()):
                rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
                lines = sorted(json.dumps(list(row), default=str) for row in rows)
                prints[table] = hashlib.sha256("\n".join(lines).encode()).hexdigest()
        return prints
    finally:
        engine.dispose()


def changed_tables(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(t for t in set(before) | set(after) if before.get(t) != after.get(t))


def staff_count(db_url: str) -> int:
    with transaction(db_url) as session:
        return len(session.query(StaffUser).all())
