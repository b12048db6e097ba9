"""CSRF: every state-changing route of the web server, read from its router, refuses a
request without the CSRF token, with a wrong one, or from another site, with a 403 and
without touching the database. A new route is covered as soon as it is mounted."""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest
import requests

from bot.staff.views import LOGIN_CSRF_COOKIE
from tests.conftest import port
from tests.security import attacks
from tests.security.attacks import (
    PASSWORD,
    Route,
    Staff,
    WebStack,
    changed_tables,
    digest,
    web_stack,
)
from tests.security.test_event_links import EVENT_LINK_ROUTES
from tests.security.test_meeting_links import LINK_ROUTES

pytestmark = [pytest.mark.e2e]

EVIL = "https://evil.example"
# The coffee link pages have no session to ride on: the signed token in the address
# authorises, and a POST from another site is refused by its Origin. Checked in
# test_meeting_links.py (test_a_form_posted_from_another_site_is_refused); the
# registration link pages likewise in test_event_links.py.
STATE_CHANGING = [
    r for r in attacks.STATE_CHANGING if str(r) not in LINK_ROUTES | EVENT_LINK_ROUTES
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    yield from web_stack(tmp_path_factory.mktemp("csrf"), port(18380))


@pytest.fixture(scope="module")
def people(stack: WebStack) -> dict[str, Staff]:
    return {role: Staff(stack.url, stack.db_url, role) for role in ("recruiter", "hr")}


def victim_for(route: Route, people: dict[str, Staff]) -> Staff:
    """An account whose role may use the route: only the CSRF check stands in the way."""
    return people["hr" if route.path.startswith("/console/api/hr/") else "recruiter"]


def forged_tokens(victim: Staff, other: Staff) -> dict[str, dict]:
    """How an attacker's request can carry (or not) the token: request keyword arguments."""
    return {
        "no-token": {"csrf": None},
        "empty-token": {"csrf": ""},
        "wrong-token": {"csrf": secrets.token_urlsafe(32)},
        "truncated-token": {"csrf": victim.csrf[:-1]},
        "other-session-token": {"csrf": other.csrf},
        "cross-site-form": {
            "csrf": None,
            "headers": {"Origin": EVIL, "Referer": f"{EVIL}/page"},
            "data": {"csrf": secrets.token_urlsafe(32), "status": "done", "text": "x"},
        },
    }


VARIANTS = (
    "no-token",
    "empty-token",
    "wrong-token",
    "truncated-token",
    "other-session-token",
    "cross-site-form",
)


def test_the_router_has_state_changing_staff_routes():
    """The enumeration found the routes (a broken enumeration would test nothing)."""
    paths = {str(route) for route in STATE_CHANGING}
    assert "POST /console/api/handoffs/{handoff}/claim" in paths
    assert "PUT /console/api/hr/articles/{article}" in paths
    assert "POST /console/logout" in paths
    assert "DELETE /console/api/hr/ambassadors/{ambassador}" in paths
    assert "DELETE /console/api/hr/ambassadors/{ambassador}/pauses/{pause}" in paths
    assert "POST /console/api/registrations/{registration}/attendance" in paths
    assert "POST /console/api/hr/events/{record}/cancel" in paths
    assert len(STATE_CHANGING) >= 20


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("route", STATE_CHANGING, ids=str)
def test_a_change_without_the_right_csrf_token_is_refused_and_changes_nothing(
    stack: WebStack, people: dict[str, Staff], route: Route, variant: str
):
    victim = victim_for(route, people)
    other = people["hr"] if victim is people["recruiter"] else people["recruiter"]
    attack = dict(forged_tokens(victim, other)[variant])
    if "data" not in attack:
        attack["json"] = {"status": "done", "text": "csrf", "ids": [1], "article_id": "x"}
    before = digest(stack.db_url)
    answer = victim.request(route.method, stack.path(route), **attack)
    assert answer.status_code == 403, (route, variant, answer.status_code, answer.text[:300])
    assert "error" in answer.json()
    assert changed_tables(before, digest(stack.db_url)) == []
    # the victim's session survived (a logout without the token would have ended it)
    assert victim.request("GET", "/console/api/me").status_code == 200


def test_the_right_token_passes_the_check(stack: WebStack, people: dict[str, Staff]):
    """The control: the same note with the victim's own token is accepted."""
    recruiter = people["recruiter"]
    before = digest(stack.db_url)
    answer = recruiter.request(
        "POST",
        "/console/api/conversations/victim-conversation/notes",
        csrf=recruiter.csrf,
        json={"text": "note légitime"},
    )
    assert answer.status_code in (200, 201), answer.text
    # and the digest sees a change when there is one
    assert changed_tables(before, digest(stack.db_url)) != []


def login_form(stack: WebStack) -> tuple[requests.Session, str]:
    browser = requests.Session()
    page = browser.get(f"{stack.url}/console/login", timeout=10)
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return browser, found.group(1)


@pytest.mark.parametrize("variant", ["no-form-token", "wrong-form-token", "token-without-cookie"])
def test_the_sign_in_form_needs_its_own_token(stack: WebStack, variant: str):
    """Login CSRF: a foreign site cannot sign a browser into an account of its choosing."""
    staff = Staff(stack.url, stack.db_url, "recruiter")  # a real account, right password
    browser, token = login_form(stack)
    form = {"login": staff.login, "password": PASSWORD}
    if variant == "wrong-form-token":
        form["csrf"] = secrets.token_urlsafe(32)
    elif variant == "token-without-cookie":
        form["csrf"] = token
        browser.cookies.clear()
    before = digest(stack.db_url)
    answer = browser.post(
        f"{stack.url}/console/login",
        data=form,
        headers={"Origin": EVIL},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 403, answer.status_code
    assert "ardoise_staff" not in answer.cookies
    assert changed_tables(before, digest(stack.db_url)) == []
    assert LOGIN_CSRF_COOKIE  # the form's token lives in this cookie


def test_the_live_socket_refuses_another_site(stack: WebStack, people: dict[str, Staff]):
    """Cross-site WebSocket hijacking: the console's socket checks the Origin."""
    answer = people["recruiter"].request(
        "GET",
        "/console/ws",
        headers={
            "Origin": EVIL,
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    assert answer.status_code == 403
