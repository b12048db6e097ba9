"""Traversal and injection: paths that climb out of their folder (../, encoded, NUL,
absolute) on the model reload route and on every web route taking a name or an id;
SQL metacharacters in every search and filter parameter and in candidates' messages,
with the data intact afterwards."""

from __future__ import annotations

import http.client
import json
import tarfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
import requests
from sqlalchemy import select

from bot.core.db import transaction
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.staff.accounts import StaffUser
from tests.conftest import Assistant, port
from tests.e2e.socket_client import Candidate
from tests.security.attacks import (
    SQL,
    Staff,
    WebStack,
    changed_tables,
    digest,
    staff_count,
    web_stack,
)

pytestmark = [pytest.mark.e2e]

# What a file outside the served folders would give away.
LEAKS = ("root:x:0:0", "def create_app", "RASA_TOKEN", "scrypt$", "-----BEGIN")

TRAVERSALS = {
    "dot-dot": "../../../../etc/passwd",
    "dot-dot-source": "../../../bot/web/app.py",
    "encoded-slash": "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "encoded-dots": "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "double-encoded": "..%252f..%252f..%252fetc%252fpasswd",
    "overlong-utf8": "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "backslashes": "..\\..\\..\\bot\\core\\settings.py",
    "nul-byte": "console.js%00.png",
    "absolute": "/etc/passwd",
    "doubled-dots": "....//....//....//etc/passwd",
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    yield from web_stack(tmp_path_factory.mktemp("traversal"), port(18880))


@pytest.fixture(scope="module")
def people(stack: WebStack) -> dict[str, Staff]:
    return {role: Staff(stack.url, stack.db_url, role) for role in ("recruiter", "hr")}


def raw_get(base: str, path: str, cookie: str | None = None) -> tuple[int, str]:
    """A GET with the path sent exactly as written (no client-side dot removal)."""
    where = urlsplit(base)
    connection = http.client.HTTPConnection(where.hostname or "127.0.0.1", where.port, timeout=15)
    try:
        connection.putrequest("GET", path, skip_accept_encoding=True)
        if cookie:
            connection.putheader("Cookie", f"ardoise_staff={cookie}")
        connection.endheaders()
        answer = connection.getresponse()
        return answer.status, answer.read().decode("utf-8", "replace")
    finally:
        connection.close()


# Routes taking a file name or an id in their path, with who may call them.
PATH_ROUTES = {
    "site-page": ("/{}", None),
    "site-image": ("/site/{}", None),
    "console-static": ("/console/static/{}", None),
    "article": ("/console/api/hr/articles/{}", "hr"),
    "article-revisions": ("/console/api/hr/articles/{}/revisions", "hr"),
    "transcript": ("/console/api/conversations/{}", "recruiter"),
    "coffee-link": ("/meetings/manage/{}", None),
    "coffee-decline-link": ("/meetings/decline/{}", None),
}


@pytest.mark.parametrize("payload", list(TRAVERSALS))
@pytest.mark.parametrize("route", list(PATH_ROUTES))
def test_a_path_that_climbs_out_gets_nothing(
    stack: WebStack, people: dict[str, Staff], route: str, payload: str
):
    template, role = PATH_ROUTES[route]
    raw = TRAVERSALS[payload]
    if route in ("article", "article-revisions", "transcript", "coffee-link"):
        raw = quote(raw, safe="%")  # an id is one path segment
    cookie = people[role].cookie if role else None
    before = digest(stack.db_url)
    status, body = raw_get(stack.url, template.format(raw).replace("//", "/", 1), cookie)
    assert status < 500, (status, body[:300])
    assert not any(leak in body for leak in LEAKS), body[:300]
    if route == "transcript" and status == 200:
        # an id that names no conversation: an empty transcript, nobody else's
        assert "Mon visa" not in body
    elif route != "site-page" or status != 200:
        assert status in (400, 403, 404), (status, body[:300])
    assert changed_tables(before, digest(stack.db_url)) == []


@pytest.mark.parametrize("payload", list(TRAVERSALS))
def test_a_coffee_id_that_climbs_out_marks_nothing(
    stack: WebStack, people: dict[str, Staff], payload: str
):
    """The attendance route (a POST) takes a booking's public id as one path segment."""
    staff = people["recruiter"]
    segment = quote(TRAVERSALS[payload], safe="%")
    before = digest(stack.db_url)
    answer = staff.request(
        "POST",
        f"/console/api/coffees/{segment}/attendance",
        csrf=staff.csrf,
        json={"attendance": "attended"},
    )
    assert answer.status_code in (400, 404), (answer.status_code, answer.text[:300])
    assert not any(leak in answer.text for leak in LEAKS)
    assert changed_tables(before, digest(stack.db_url)) == []


@pytest.mark.parametrize("payload", list(TRAVERSALS))
def test_an_ambassador_or_pause_id_that_climbs_out_changes_nothing(
    stack: WebStack, people: dict[str, Staff], payload: str
):
    """The ambassadors' routes take an ambassador id and a pause id as path segments."""
    staff = people["hr"]
    segment = quote(TRAVERSALS[payload], safe="%")
    days = {"first_day": "2030-01-01", "last_day": "2030-01-02"}
    before = digest(stack.db_url)
    for method, path, body in (
        ("PUT", f"/console/api/hr/ambassadors/{segment}", {"cap": 3}),
        ("DELETE", f"/console/api/hr/ambassadors/{segment}", {"upcoming": "cancel"}),
        ("POST", f"/console/api/hr/ambassadors/{segment}/pauses", days),
        ("DELETE", f"/console/api/hr/ambassadors/lea/pauses/{segment}", None),
    ):
        answer = staff.request(method, path, csrf=staff.csrf, json=body)
        assert answer.status_code in (400, 404), (path, answer.status_code, answer.text[:300])
        assert not any(leak in answer.text for leak in LEAKS)
    assert changed_tables(before, digest(stack.db_url)) == []


# ---------------------------------------------------------------- SQL in search and filters

SEARCH_PARAMETERS = {
    "conversations.q": ("/console/api/search", "q", "recruiter"),
    "conversations.language": ("/console/api/search", "language", "recruiter"),
    "conversations.status": ("/console/api/search", "status", "recruiter"),
    "conversations.from": ("/console/api/search", "from", "recruiter"),
    "articles.q": ("/console/api/hr/articles", "q", "hr"),
    "articles.topic": ("/console/api/hr/articles", "topic", "hr"),
    "articles.status": ("/console/api/hr/articles", "status", "hr"),
    "inbox.reason": ("/console/api/hr/inbox", "reason", "hr"),
    "inbox.language": ("/console/api/hr/inbox", "language", "hr"),
    "analytics.to": ("/console/api/hr/analytics", "to", "hr"),
    "coffees.when": ("/console/api/coffees", "when", "recruiter"),
    "coffees.offset": ("/console/api/coffees", "offset", "hr"),
    "coffees.limit": ("/console/api/coffees", "limit", "recruiter"),
}


@pytest.mark.parametrize("payload", list(SQL))
@pytest.mark.parametrize("parameter", list(SEARCH_PARAMETERS))
def test_sql_in_a_search_or_filter_is_only_text(
    stack: WebStack, people: dict[str, Staff], parameter: str, payload: str
):
    path, name, role = SEARCH_PARAMETERS[parameter]
    staff = people[role]
    users = staff_count(stack.db_url)
    before = digest(stack.db_url)
    answer = staff.request("GET", path, params={name: SQL[payload]})
    assert answer.status_code in (200, 400, 404, 422), (answer.status_code, answer.text[:300])
    assert not any(leak in answer.text for leak in LEAKS)
    assert "seed-recruiter" not in answer.text
    assert changed_tables(before, digest(stack.db_url)) == []
    assert staff_count(stack.db_url) == users
    with transaction(stack.db_url) as session:
        roles = {u.login: u.role for u in session.query(StaffUser).all()}
    assert roles[staff.login] == role and roles["seed-recruiter"] == "recruiter"


# ---------------------------------------------------------------- the model reload route


def reload(assistant: Assistant, model_file: object) -> requests.Response:
    return requests.post(
        f"{assistant.url}/webhooks/model_reload/load",
        headers={"Authorization": f"Bearer {assistant.settings.rasa_token}"},
        data=json.dumps({"model_file": model_file}),
        timeout=60,
    )


@pytest.fixture(scope="module")
def outside_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A well-formed model archive outside the models folder: never to be loaded."""
    path = tmp_path_factory.mktemp("outside") / "evil.tar.gz"
    with tarfile.open(path, "w:gz"):
        pass
    return path


def reload_payloads(models: Path, outside: Path) -> dict[str, object]:
    name = outside.name
    return {
        "dot-dot": f"../{name}",
        "dot-dot-deep": "../../../../../etc/passwd",
        "dot-dot-to-a-real-archive": str(Path("..") / ".." / outside.relative_to("/")),
        "inside-then-out": f"{models.name}/../../{name}",
        "encoded": f"..%2f..%2f{name}",
        "absolute-outside": str(outside),
        "absolute-system-file": "/etc/passwd",
        "nul-byte": f"{name}\x00.tar.gz",
        "nul-only": "\x00",
        "home": f"~/{name}",
        "windows-path": f"C:\\models\\{name}",
        "too-long": "a" * 600 + ".tar.gz",
        "not-a-string": {"path": f"../{name}"},
    }


RELOAD_PAYLOADS = list(reload_payloads(Path("/m"), Path("/o/evil.tar.gz")))


@pytest.mark.parametrize("payload", RELOAD_PAYLOADS)
def test_the_reload_route_loads_only_models_of_its_folder(
    assistant: Assistant, outside_model: Path, payload: str
):
    serving = requests.get(
        f"{assistant.url}/webhooks/model_reload/",
        headers={"Authorization": f"Bearer {assistant.settings.rasa_token}"},
        timeout=10,
    ).json()["model_file"]
    model_file = reload_payloads(assistant.settings.models_dir, outside_model)[payload]
    answer = reload(assistant, model_file)
    assert answer.status_code == 400, (answer.status_code, answer.text[:300])
    assert "error" in answer.json()
    assert not any(leak in answer.text for leak in LEAKS)
    after = requests.get(
        f"{assistant.url}/webhooks/model_reload/",
        headers={"Authorization": f"Bearer {assistant.settings.rasa_token}"},
        timeout=10,
    ).json()["model_file"]
    assert after == serving


def test_the_reload_route_needs_the_token(assistant: Assistant):
    answer = requests.post(
        f"{assistant.url}/webhooks/model_reload/load",
        json={"model_file": "../x.tar.gz"},
        timeout=10,
    )
    assert answer.status_code == 401


# ---------------------------------------------------------------- SQL in candidates' messages


def stored_user_texts(url: str) -> list[str]:
    """Every candidate message in the tracker store, as Rasa stored it."""
    with tracker_engine(url).connect() as connection:
        rows = connection.execute(select(EVENTS.c.data).where(EVENTS.c.type_name == "user"))
        return [json.loads(data).get("text") for (data,) in rows]


def staff_roles(url: str) -> dict[str, str]:
    with transaction(url) as session:
        return {user.login: user.role for user in session.query(StaffUser).all()}


@pytest.mark.parametrize("channel", ["rest", "socket"])
@pytest.mark.parametrize("payload", list(SQL))
async def test_sql_in_a_candidates_message_is_stored_as_typed(
    assistant: Assistant, channel: str, payload: str
):
    typed = f"{SQL[payload]} télétravail ? ({channel})"
    url = assistant.settings.database_url
    roles = staff_roles(url)
    if channel == "rest":
        replies = assistant.ask(f"sql-{payload}", typed, {"language": "fr"})
    else:
        candidate = Candidate(assistant.url)
        try:
            await candidate.start()
            ack, replies = await candidate.say(typed, language="fr")
        finally:
            await candidate.close()
        assert ack["ok"] is True
    assert replies, "the candidate got no reply"
    assert stored_user_texts(url).count(typed) == 1
    assert staff_roles(url) == roles


@pytest.mark.parametrize("payload", list(TRAVERSALS))
def test_an_event_registration_or_question_id_that_climbs_out_changes_nothing(
    stack: WebStack, people: dict[str, Staff], payload: str
):
    """Issue 12's staff routes take a date's id, a registration's or a question's public
    id as one path segment: a segment that climbs out names nothing and changes nothing."""
    segment = quote(TRAVERSALS[payload], safe="%")
    recruiter, hr = people["recruiter"], people["hr"]
    before = digest(stack.db_url)
    for staff, method, path, body in (
        (recruiter, "GET", f"/console/api/events/{segment}/registrations", None),
        (recruiter, "GET", f"/console/api/events/{segment}/registrations.csv", None),
        (recruiter, "GET", f"/console/api/events/{segment}/questions", None),
        (
            recruiter,
            "POST",
            f"/console/api/registrations/{segment}/attendance",
            {"attendance": "attended"},
        ),
        (recruiter, "POST", f"/console/api/questions/{segment}/answered", {"answered": True}),
        (recruiter, "POST", f"/console/api/questions/{segment}/status", {"status": "hidden"}),
        (hr, "GET", f"/console/api/hr/events/{segment}/terms", None),
        (hr, "PUT", f"/console/api/hr/events/{segment}/terms", {"capacity": 3}),
        (hr, "POST", f"/console/api/hr/events/{segment}/cancel", {}),
        (hr, "POST", f"/console/api/hr/questions/{segment}/draft", {}),
    ):
        answer = staff.request(method, path, csrf=staff.csrf, json=body)
        assert answer.status_code in (400, 403, 404, 405), (path, answer.status_code)
        assert not any(leak in answer.text for leak in LEAKS), path
    assert changed_tables(before, digest(stack.db_url)) == []
