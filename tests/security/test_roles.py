"""Roles: every staff route of the web server, read from its router, refuses anonymous
users, and the split between recruiters and HR holds on each one as the code defines it
(there is no third role: bot.staff.accounts.ROLES). A route mounted without an entry in
WHO_MAY below fails the suite until someone decides who may use it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.staff.accounts import ROLES
from tests.conftest import port
from tests.security import attacks
from tests.security.attacks import (
    PAGES,
    Route,
    Staff,
    WebStack,
    anonymous,
    changed_tables,
    digest,
    web_stack,
)
from tests.security.test_event_links import EVENT_LINK_ROUTES
from tests.security.test_meeting_links import LINK_ROUTES

pytestmark = [pytest.mark.e2e]

# Public routes authorised by a signed token in the address, not by a role: the coffee
# link pages and the registration link pages (no account; their abuse cases are in
# test_meeting_links.py and test_event_links.py).
STAFF_ROUTES = [r for r in attacks.STAFF_ROUTES if str(r) not in LINK_ROUTES | EVENT_LINK_ROUTES]

BOTH = frozenset({"recruiter", "hr"})
RECRUITER = frozenset({"recruiter"})
HR = frozenset({"hr"})

# Who may use each staff route: recruiters get 403 on anything of the HR workspace but
# its page and the dashboard; HR gets 403 on the whole recruiter console (candidates'
# contact details and live transcripts), but for who is signed in and signing out.
WHO_MAY: dict[str, frozenset[str]] = {
    "POST /console/logout": BOTH,
    "GET /console": RECRUITER,
    "GET /console/api/me": BOTH,
    "GET /console/api/queue": RECRUITER,
    "GET /console/api/search": RECRUITER,
    "GET /console/api/conversations/{conversation}": RECRUITER,
    "POST /console/api/conversations/{conversation}/notes": RECRUITER,
    "POST /console/api/handoffs/{handoff}/claim": RECRUITER,
    "POST /console/api/handoffs/{handoff}/messages": RECRUITER,
    # the quick replies of a conversation the recruiter holds (HR's canned replies filled in)
    "GET /console/api/handoffs/{handoff}/replies": RECRUITER,
    "GET /console/api/handoffs/{handoff}/articles/{article}": RECRUITER,
    "POST /console/api/handoffs/{handoff}/return": RECRUITER,
    "POST /console/api/handoffs/{handoff}/close": RECRUITER,
    # applications from the chat (issue 14): contact details and CVs
    "GET /console/api/applications": RECRUITER,
    "POST /console/api/applications/{application}/status": RECRUITER,
    "GET /console/api/applications/{application}/cv": RECRUITER,
    "GET /console/api/callbacks": RECRUITER,
    "POST /console/api/callbacks/{callback}": RECRUITER,
    # team coffees: issue 11 has recruiters and HR both follow them in the console
    "GET /console/api/coffees": BOTH,
    "POST /console/api/coffees/{booking}/attendance": BOTH,
    # open houses and reverse Q&As: issue 12 has recruiters and HR both follow them
    "GET /console/api/events": BOTH,
    "GET /console/api/events/{event}/registrations": BOTH,
    "GET /console/api/events/{event}/registrations.csv": BOTH,
    "POST /console/api/registrations/{registration}/attendance": BOTH,
    "GET /console/api/events/{event}/questions": BOTH,
    "POST /console/api/questions/{question}/answered": BOTH,
    "POST /console/api/questions/{question}/status": BOTH,
    "GET /console/ws": RECRUITER,
    "GET /console/hr": BOTH,
    "GET /console/api/hr/articles": HR,
    "POST /console/api/hr/articles": HR,
    "POST /console/api/hr/preview": HR,
    "GET /console/api/hr/articles/{article}": HR,
    "PUT /console/api/hr/articles/{article}": HR,
    "DELETE /console/api/hr/articles/{article}": HR,
    "GET /console/api/hr/articles/{article}/revisions": HR,
    "POST /console/api/hr/articles/{article}/revisions/{number}/restore": HR,
    "GET /console/api/hr/inbox": HR,
    "POST /console/api/hr/inbox/dismiss": HR,
    "POST /console/api/hr/inbox/add": HR,
    "GET /console/api/hr/recheck": HR,
    "POST /console/api/hr/recheck/{article}/confirm": HR,
    "GET /console/api/hr/events": HR,
    "POST /console/api/hr/events": HR,
    "PUT /console/api/hr/events/{record}": HR,
    "DELETE /console/api/hr/events/{record}": HR,
    "GET /console/api/hr/events/{record}/terms": HR,
    "PUT /console/api/hr/events/{record}/terms": HR,
    "POST /console/api/hr/events/{record}/cancel": HR,
    "POST /console/api/hr/questions/{question}/draft": HR,
    "GET /console/api/hr/jobs": HR,
    "POST /console/api/hr/jobs": HR,
    "PUT /console/api/hr/jobs/{record}": HR,
    "DELETE /console/api/hr/jobs/{record}": HR,
    "GET /console/api/hr/model": HR,
    "POST /console/api/hr/model/retrain": HR,
    "POST /console/api/hr/model/builds/{build}/confirm": HR,
    "POST /console/api/hr/model/builds/{build}/reject": HR,
    "GET /console/api/hr/analytics": BOTH,
    "GET /console/api/hr/analytics.csv": BOTH,
    "GET /console/api/hr/audit": HR,
    "GET /console/api/hr/ambassadors": HR,
    "POST /console/api/hr/ambassadors": HR,
    "PUT /console/api/hr/ambassadors/{ambassador}": HR,
    "DELETE /console/api/hr/ambassadors/{ambassador}": HR,
    "POST /console/api/hr/ambassadors/{ambassador}/pauses": HR,
    "DELETE /console/api/hr/ambassadors/{ambassador}/pauses/{pause}": HR,
    "GET /console/api/hr/replies": HR,
    "POST /console/api/hr/replies": HR,
    "PUT /console/api/hr/replies/{reply}": HR,
    "DELETE /console/api/hr/replies/{reply}": HR,
    # the talent community (issue 14): HR's counts and CSV (no address); the members a
    # position fits, with their addresses, and a message to them: recruiters and HR
    "GET /console/api/hr/community": HR,
    "GET /console/api/hr/community.csv": HR,
    "GET /console/api/community/matches": BOTH,
    "POST /console/api/community/messages": BOTH,
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    yield from web_stack(tmp_path_factory.mktemp("roles"), port(18480))


@pytest.fixture(scope="module")
def people(stack: WebStack) -> dict[str, Staff]:
    return {role: Staff(stack.url, stack.db_url, role) for role in ROLES}


@pytest.fixture(scope="module")
def role_refusal(stack: WebStack, people: dict[str, Staff]) -> dict:
    """The body of a refusal for the role, to tell it from the CSRF check's refusal."""
    answer = people["hr"].request(
        "POST", f"/console/api/handoffs/{stack.ids['handoff']}/claim", csrf=people["hr"].csrf
    )
    assert answer.status_code == 403
    return answer.json()


def test_every_staff_route_says_who_may_use_it():
    declared = set(WHO_MAY)
    mounted = {str(route) for route in STAFF_ROUTES}
    assert mounted - declared == set(), "new staff routes: add them to WHO_MAY"
    assert declared - mounted == set(), "routes gone: remove them from WHO_MAY"
    assert set().union(*WHO_MAY.values()) == set(ROLES)


BODY = {"status": "done", "text": "role check", "ids": [], "article_id": "remote-work"}


@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_anonymous_users_are_refused(stack: WebStack, route: Route):
    before = digest(stack.db_url)
    answer = anonymous(stack.url, route.method, stack.path(route), json=BODY)
    if route.path in PAGES:
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/console/login"
    else:
        assert answer.status_code == 401, (answer.status_code, answer.text[:300])
        assert "error" in answer.json()
    assert changed_tables(before, digest(stack.db_url)) == []


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", STAFF_ROUTES, ids=str)
def test_each_role_gets_exactly_its_routes(
    stack: WebStack, people: dict[str, Staff], role_refusal: dict, route: Route, role: str
):
    """A refused role gets 403 and changes nothing; an allowed role passes the role check
    (for a change, it then meets the CSRF check: a wrong token keeps it side-effect free)."""
    staff = people[role]
    allowed = role in WHO_MAY[str(route)]
    before = digest(stack.db_url)
    if route.changes_state:
        answer = staff.request(route.method, stack.path(route), csrf="not-the-token", json=BODY)
        assert answer.status_code == 403, (answer.status_code, answer.text[:300])
        refused_for_role = answer.json() == role_refusal
        assert refused_for_role is not allowed, (route, role, answer.json())
    else:
        answer = staff.request(route.method, stack.path(route))
        if allowed:
            assert answer.status_code not in (401, 403), (answer.status_code, answer.text[:300])
        else:
            assert answer.status_code == 403, (answer.status_code, answer.text[:300])
            if route.path not in PAGES:
                assert answer.json() == role_refusal
    if not (allowed and not route.changes_state):  # opening the console marks presence
        assert changed_tables(before, digest(stack.db_url)) == []


@pytest.mark.parametrize(
    "route",
    [r for r in STAFF_ROUTES if r.changes_state and WHO_MAY[str(r)] != BOTH],
    ids=str,
)
def test_the_wrong_role_is_refused_even_with_its_own_csrf_token(
    stack: WebStack, people: dict[str, Staff], role_refusal: dict, route: Route
):
    """The role check does not lean on the CSRF check: a valid token does not help."""
    (allowed,) = WHO_MAY[str(route)]
    intruder = people["hr" if allowed == "recruiter" else "recruiter"]
    before = digest(stack.db_url)
    answer = intruder.request(route.method, stack.path(route), csrf=intruder.csrf, json=BODY)
    assert (answer.status_code, answer.json()) == (403, role_refusal)
    assert changed_tables(before, digest(stack.db_url)) == []
