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
