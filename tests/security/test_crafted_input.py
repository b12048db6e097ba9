"""Crafted input to the web server gets a clear 4xx, never a 500 (issue 16, finding 10):
non-ASCII digits in ids (str.isdigit() accepts "²"), dates at the ends of what Python's
date can hold, and NUL characters in paths, queries and JSON bodies."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.core.db import transaction
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.handoff.factories import PASSWORD, add_staff, queue

SUPERSCRIPT_TWO = "%C2%B2"  # "²": isdigit() but not int()
ARABIC_THREE = "%D9%A3"  # "٣": int() reads it as 3; an id is ASCII digits only
UNKNOWN_ITEMS = "ces éléments n'existent pas (ou plus) : rechargez la page"
DATE_EN = {
    "error": "dates are written like 2026-11-26, between 2000-01-01 and 2999-12-31",
    "code": "request_date",
}
DATE_FR = {
    "error": "les dates s'écrivent comme 2026-11-26, entre 2000-01-01 et 2999-12-31",
    "code": "request_date",
}
NUL_EN = {
    "error": "the request contains a control character (such as NUL) and is refused",
    "code": "request_control_character",
}
NUL_FR = {
    "error": "la requête contient un caractère de contrôle (comme NUL) : elle est refusée",
    "code": "request_control_character",
}


class Browser:
    def __init__(self, base: str) -> None:
        self.http = aiohttp.ClientSession(base_url=base, cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.csrf = ""

    async def sign_in(self, login: str) -> None:
        async with self.http.get("/console/login") as page:
            token = re.search(r'name="csrf" value="([^"]+)"', await page.text()).group(1)
        async with self.http.post(
            "/console/login",
            data={"csrf": token, "login": login, "password": PASSWORD},
            allow_redirects=False,
        ) as answer:
            assert answer.status == 302
        async with self.http.get("/console/hr") as page:
            self.csrf = re.search(r'name="csrf" content="([^"]+)"', await page.text()).group(1)

    async def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        async with self.http.request(
            method,
            aiohttp.client.URL(path, encoded=True),
            json=body,
            headers={"X-CSRF-Token": self.csrf},
        ) as answer:
            kind = answer.headers.get("Content-Type", "")
            return answer.status, await answer.json() if "json" in kind else await answer.text()


@pytest.fixture
async def people(tmp_path, kb_url) -> AsyncIterator[dict[str, Browser]]:
    settings = make_settings(tmp_path, database_url=kb_url, RASA_PORT="15994", RASA_TOKEN="t")
    staff = add_staff(kb_url)
    queue(kb_url, staff, "alex")
    with transaction(kb_url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    found = {login: Browser(str(server.make_url(""))) for login in ("camille", "hr1")}
    for login, person in found.items():
        await person.sign_in(login)
    yield found
    for person in found.values():
        await person.http.close()
    await server.close()


@pytest.mark.parametrize("digits", [SUPERSCRIPT_TWO, ARABIC_THREE, "1%EF%BC%91"])
async def test_ids_in_other_digits_are_unknown_not_a_crash(people, digits):
    camille, hr = people["camille"], people["hr1"]
    for action in ("claim", "messages", "return", "close"):
        path = f"/console/api/handoffs/{digits}/{action}"
        assert await camille.call("POST", path, {"text": "hi"}) == (
            404,
            {"error": "unknown handoff"},
        ), path
    assert await camille.call("POST", f"/console/api/callbacks/{digits}", {"status": "done"}) == (
        404,
        {"error": "unknown callback request"},
    )
    assert await hr.call(
        "POST", f"/console/api/hr/articles/remote-work/revisions/{digits}/restore"
    ) == (404, {"error": "unknown revision"})
    for decision in ("confirm", "reject"):
        assert await hr.call("POST", f"/console/api/hr/model/builds/{digits}/{decision}") == (
            404,
            {"error": "unknown build"},
        )
    assert await hr.call(
        "DELETE", f"/console/api/hr/articles/no-such-article?revision={digits}"
    ) == (404, {"error": "aucun article « no-such-article »"})
    for method in ("PUT", "DELETE"):
        assert await hr.call(method, f"/console/api/hr/events/{digits}", {}) == (
            404,
            {"error": "cet enregistrement n'existe pas (ou plus)"},
        )
    for source in ("inbox", "callback"):
        for route in ("dismiss", "add"):
            item = f"{source}:{'²' if digits == SUPERSCRIPT_TWO else '٣'}"
            status, body = await hr.call(
                "POST", f"/console/api/hr/inbox/{route}", {"items": [item], "article": "x"}
            )
            assert (status, body) == (404, {"error": UNKNOWN_ITEMS}), (route, item)


@pytest.mark.parametrize(
    "query",
    [
        "from=9999-12-31",
        "to=9999-12-31",
        "from=0001-01-01",
        "to=0001-01-01",
        "from=0001-01-01&to=0001-01-02",
        "from=9999-12-30&to=9999-12-31",
        "from=%C2%B2026-01-01",
        "to=2026-02-30",
        "from=yesterday",
    ],
)
async def test_dates_out_of_range_or_malformed_are_a_clear_400(people, query):
    camille, hr = people["camille"], people["hr1"]
    assert await camille.call("GET", f"/console/api/search?{query}") == (400, DATE_EN)
    for reader in (camille, hr):
        for route in ("analytics", "analytics.csv"):
            assert await reader.call("GET", f"/console/api/hr/{route}?{query}") == (400, DATE_FR)


async def test_dates_at_the_edges_of_the_range_are_answered(people):
    camille, hr = people["camille"], people["hr1"]
    status, _ = await camille.call("GET", "/console/api/search?from=2000-01-01&to=2999-12-31")
    assert status == 200
    status, figures = await hr.call(
        "GET", "/console/api/hr/analytics?from=2999-12-01&to=2999-12-31"
    )
    assert status == 200 and figures["range"]["start"] == "2999-12-01"


@pytest.mark.parametrize(
    "who, method, path, expected",
    [
        ("hr1", "POST", "/console/api/hr/model/builds/%00/confirm", NUL_FR),
        ("hr1", "GET", "/console/api/hr/model?build=%00", NUL_FR),
        ("hr1", "GET", "/console/api/hr/articles/remote%00work", NUL_FR),
        ("hr1", "GET", "/console/api/hr/articles?q=%00", NUL_FR),
        ("hr1", "PUT", "/console/api/hr/events/1%00", NUL_FR),
        ("camille", "GET", "/console/api/conversations/alex%00", NUL_EN),
        ("camille", "GET", "/console/api/search?q=t%C3%A9l%00", NUL_EN),
        ("camille", "GET", "/console/static/console.js%00", NUL_EN),
        ("camille", "GET", "/fr/%00", NUL_EN),
        ("camille", "POST", "/console/api/coffees/%00/attendance", NUL_EN),
        ("hr1", "GET", "/console/api/coffees?when=past%00", NUL_EN),
    ],
)
async def test_a_nul_in_a_path_or_a_query_is_refused(people, who, method, path, expected):
    assert await people[who].call(method, path, {}) == (400, expected)


async def test_a_nul_in_a_json_body_is_refused(people):
    camille, hr = people["camille"], people["hr1"]
    assert await camille.call(
        "POST", "/console/api/conversations/alex/notes", {"text": "a\u0000b"}
    ) == (400, NUL_EN)
    assert await hr.call("POST", "/console/api/hr/preview", {"fr": {"title": "\u0000"}}) == (
        400,
        NUL_FR,
    )
    assert await hr.call("POST", "/console/api/hr/events", {"\u0000": 1}) == (400, NUL_FR)
    assert await camille.call(
        "POST", "/console/api/coffees/no-such-coffee/attendance", {"attendance": "attended\u0000"}
    ) == (400, NUL_EN)


@pytest.mark.parametrize(
    "value", [SUPERSCRIPT_TWO, ARABIC_THREE, "1%EF%BC%91", "-1", "1e3", "0x10", "9" * 13]
)
async def test_crafted_coffee_pages_and_ids_are_a_clear_4xx(people, value):
    """The team coffees' paging takes ASCII digits only; a booking id is an opaque string
    that is looked up, never parsed: anything else is unknown (404), never a 500."""
    for reader in (people["camille"], people["hr1"]):
        for query in (f"offset={value}", f"limit={value}", f"when={value}"):
            status, body = await reader.call("GET", f"/console/api/coffees?{query}")
            assert status == 400 and body["code"] in ("page_invalid", "when_unknown"), query
    status, body = await people["camille"].call(
        "POST", f"/console/api/coffees/{value}/attendance", {"attendance": "attended"}
    )
    assert (status, body["code"]) == (404, "coffee_unknown")


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, ARABIC_THREE, "1%EF%BC%91", "-1", "9" * 13])
async def test_crafted_ambassador_and_pause_ids_are_a_clear_404(people, kb_url, value):
    """An ambassador id is looked up, never parsed; a pause id is ASCII digits only."""
    from tests.handoff.coffee_data import seed_hosts

    seed_hosts(kb_url)
    hr = people["hr1"]
    status, body = await hr.call("DELETE", f"/console/api/hr/ambassadors/lea/pauses/{value}")
    assert (status, body["code"]) == (404, "pause_not_found")
    days = {"first_day": "2030-01-01", "last_day": "2030-01-02"}
    for method, path, sent in (
        ("PUT", f"/console/api/hr/ambassadors/{value}", {"cap": 3}),
        ("DELETE", f"/console/api/hr/ambassadors/{value}", None),
        ("POST", f"/console/api/hr/ambassadors/{value}/pauses", days),
    ):
        status, body = await hr.call(method, path, sent)
        assert (status, body["code"]) == (404, "ambassador_not_found"), (method, path)


async def test_crafted_ambassador_input_is_a_clear_4xx(people, kb_url):
    from tests.handoff.coffee_data import seed_hosts

    seed_hosts(kb_url)
    hr = people["hr1"]
    api = "/console/api/hr/ambassadors"
    assert await hr.call("PUT", f"{api}/lea%00", {"cap": 3}) == (400, NUL_FR)
    assert await hr.call("POST", api, {"name": "L\u00e9a\u0000"}) == (400, NUL_FR)
    assert await hr.call("DELETE", f"{api}/lea", {"upcoming": "cancel\u0000"}) == (400, NUL_FR)
    assert await hr.call("POST", f"{api}/lea/pauses", {"first_day": "\u0000"}) == (400, NUL_FR)
    for sent, field in (
        ({"cap": 10**30}, "cap"),
        ({"cap": 1.5}, "cap"),
        ({"windows": ["tuesday " + "9" * 5000 + ":00-10:00"]}, "windows"),
        ({"windows": ["\u0662\u0662:00-10:00"]}, "windows"),
        ({"topics": ["t"] * 10 + [str(n) for n in range(5000)]}, "topics"),
        ({"languages": [["fr"]]}, "languages"),
        ({"email": "a@b.c" + "o" * 300}, "email"),
        ({"bio_fr": "\u202eevil"}, "bio_fr"),
        ({"active": "false"}, "active"),
    ):
        status, body = await hr.call("PUT", f"{api}/lea", sent)
        assert status == 422 and list(body["errors"]) == [field], (sent, body)
    status, body = await hr.call("POST", f"{api}/lea/pauses", {"first_day": "2026-02-30"})
    assert status == 422 and set(body["errors"]) == {"first_day", "last_day"}
    status, body = await hr.call("DELETE", f"{api}/lea", {"upcoming": ["cancel"]})
    assert status == 422 and list(body["errors"]) == ["upcoming"]


@pytest.mark.parametrize("value", [SUPERSCRIPT_TWO, ARABIC_THREE, "1%EF%BC%91", "-1", "9" * 13])
async def test_crafted_event_registration_and_question_ids_are_a_clear_404(people, value):
    """Issue 12's staff routes: a date's id is ASCII digits only; a registration's or a
    question's public id is looked up, never parsed. Anything else is unknown, never a 500."""
    camille, hr = people["camille"], people["hr1"]
    for path in (
        f"/console/api/events/{value}/registrations",
        f"/console/api/events/{value}/registrations.csv",
        f"/console/api/events/{value}/questions",
    ):
        status, body = await camille.call("GET", path)
        assert (status, body["code"]) == (404, "event_unknown"), path
    for method, path, sent, code in (
        (
            "POST",
            f"/console/api/registrations/{value}/attendance",
            {"attendance": "attended"},
            "registration_unknown",
        ),
        (
            "POST",
            f"/console/api/questions/{value}/answered",
            {"answered": True},
            "question_unknown",
        ),
        (
            "POST",
            f"/console/api/questions/{value}/status",
            {"status": "hidden"},
            "question_unknown",
        ),
    ):
        status, body = await camille.call(method, path, sent)
        assert (status, body["code"]) == (404, code), path
    for method, path, sent, code in (
        ("GET", f"/console/api/hr/events/{value}/terms", None, "event_unknown"),
        ("PUT", f"/console/api/hr/events/{value}/terms", {"capacity": 3}, "event_unknown"),
        ("POST", f"/console/api/hr/events/{value}/cancel", {}, "event_unknown"),
        ("POST", f"/console/api/hr/questions/{value}/draft", {}, "question_unknown"),
    ):
        status, body = await hr.call(method, path, sent)
        assert (status, body["code"]) == (404, code), path


async def test_crafted_event_input_is_a_clear_4xx(people):
    camille, hr = people["camille"], people["hr1"]
    assert await camille.call("GET", "/console/api/events?when=past%00", None) == (400, NUL_EN)
    assert await camille.call(
        "POST", "/console/api/registrations/x/attendance", {"attendance": "attended\u0000"}
    ) == (400, NUL_EN)
    assert await hr.call("PUT", "/console/api/hr/events/1/terms", {"video_url": "\u0000"}) == (
        400,
        NUL_FR,
    )
    for sent, code in (
        ({"capacity": 10**30}, "capacity_invalid"),
        ({"capacity": 2.5}, "capacity_invalid"),
        ({"capacity": [25]}, "capacity_invalid"),
        ({"deadline": "9999-12-31T23:59"}, "deadline_invalid"),
        ({"deadline": "0001-01-01T00:00"}, "deadline_invalid"),
        ({"deadline": 20261202}, "deadline_invalid"),
        ({"deadline": "2026-12-02T12:00:00+99:00"}, "deadline_invalid"),
        ({"video_url": "https://" + "x" * 600}, "video_url_invalid"),
        ({"video_url": ["https://x.org"]}, "video_url_invalid"),
    ):
        status, body = await hr.call("PUT", "/console/api/hr/events/1/terms", sent)
        assert status in (200, 422), (sent, status, body)
        if code is not None:
            assert (status, body["code"]) == (422, code), sent
    status, body = await camille.call("GET", "/console/api/events?when=%C2%B2")
    assert (status, body["code"]) == (400, "when_unknown")
