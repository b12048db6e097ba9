"""GET /widget/starters, the one public JSON route a candidate's browser reads from the web
server (issue 18): it names published articles only, takes `lang` fr or en and nothing
else, answers hostile or huge queries with a clear 4xx, and never changes a row."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import pytest
import requests
from sqlalchemy import insert

from bot.core.db import transaction
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.knowledge.models import Article
from bot.web.starters import UNKNOWN_LANGUAGE
from tests.conftest import port
from tests.security.attacks import (
    PUBLIC,
    ROUTES,
    SQL,
    XSS,
    WebStack,
    changed_tables,
    digest,
    web_stack,
)

pytestmark = [pytest.mark.e2e]

PATH = "/widget/starters"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    yield from web_stack(tmp_path_factory.mktemp("starters"), port(18985))


def get(stack: WebStack, query: str | None = None, **kwargs) -> requests.Response:
    url = f"{stack.url}{PATH}" + (f"?{query}" if query is not None else "")
    return requests.get(url, allow_redirects=False, timeout=15, **kwargs)


def test_the_route_is_public_and_listed():
    assert ("GET", PATH) in PUBLIC
    assert [str(r) for r in ROUTES if r.path.startswith("/widget/")] == [f"GET {PATH}"]


def test_a_hostile_answer_in_the_tracker_names_nothing_unpublished(stack: WebStack):
    """Answers counted for an article that is not (or no longer) published are skipped
    (first in this file: the route's one-minute cache is still empty)."""
    engine = tracker_engine(stack.db_url)
    with engine.begin() as connection:
        for article in ["<img src=x onerror=alert(1)>", "' OR '1'='1", "no-such-article"] * 5:
            custom = {"type": "answer", "article": article}
            connection.execute(
                insert(EVENTS).values(
                    sender_id="attacker",
                    type_name="bot",
                    timestamp=time.time() - 60,
                    data=json.dumps({"event": "bot", "data": {"custom": custom}}),
                )
            )
    engine.dispose()
    answer = get(stack, "lang=en")
    with transaction(stack.db_url) as session:
        for starter in answer.json()["starters"]:
            assert session.get(Article, starter["article"]).status == "published"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_it_names_at_most_four_published_articles_in_the_language(stack: WebStack, language):
    answer = get(stack, f"lang={language}")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("application/json")
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "Set-Cookie" not in answer.headers
    starters = answer.json()["starters"]
    assert 3 <= len(starters) <= 4
    assert all(set(s) == {"article", "title"} for s in starters)
    with transaction(stack.db_url) as session:
        for starter in starters:
            assert session.get(Article, starter["article"]).status == "published"


ABUSE = {
    "unknown-lang": "lang=de",
    "empty-lang": "lang=",
    "long-lang": "lang=" + "f" * 5000,
    "xss-lang": "lang=" + requests.utils.quote(XSS["script-tag"]),
    "sql-lang": "lang=" + requests.utils.quote(SQL["quote-or-true"]),
    "two-langs": "lang=fr&lang=<b>",
    "unicode-lang": "lang=%EF%BC%A6R",
    "path-lang": "lang=../../etc/passwd",
}


@pytest.mark.parametrize("name", list(ABUSE))
def test_a_hostile_lang_gets_a_clear_4xx_or_the_default(stack: WebStack, name):
    before = digest(stack.db_url)
    answer = get(stack, ABUSE[name])
    if name == "empty-lang":
        assert answer.status_code == 200  # no language given: the default one
    elif name == "two-langs":
        assert answer.status_code == 200  # the first one counts
    else:
        assert answer.status_code == 400, (answer.status_code, answer.text[:200])
        assert answer.json() == {"error": UNKNOWN_LANGUAGE}  # nothing echoed back
    assert changed_tables(before, digest(stack.db_url)) == []


def test_a_huge_query_or_a_control_character_is_refused(stack: WebStack):
    before = digest(stack.db_url)
    huge = get(stack, "lang=fr&x=" + "a" * 20_000)
    assert 400 <= huge.status_code < 500
    nul = get(stack, "lang=fr%00")
    assert nul.status_code == 400
    assert changed_tables(before, digest(stack.db_url)) == []


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE"])
def test_it_is_read_only(stack: WebStack, method):
    before = digest(stack.db_url)
    answer = requests.request(method, f"{stack.url}{PATH}?lang=fr", json={}, timeout=15)
    assert answer.status_code == 405
    assert changed_tables(before, digest(stack.db_url)) == []
