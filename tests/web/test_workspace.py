"""The HR workspace's API over a real socket and a real database: who may do what, and
what each route does with good and bad input. The browser tests (tests/browser) drive
the same routes from the page against a running assistant."""

from __future__ import annotations

import os
import re
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.core.audit import entries
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.hr.retraining.builds import ModelBuild
from bot.inbox.service import record_question
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from bot.staff.accounts import add_user
from bot.web.app import create_app
from tests.conftest import make_settings

PASSWORD = "a-long-enough-password"
API = "/console/api/hr"


class Staff:
    """One signed-in browser: cookie jar, CSRF token, JSON helpers."""

    def __init__(self, base: str) -> None:
        self.base = base
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
            assert answer.status == 302, await answer.text()
            self.landing = answer.headers["Location"]
        async with self.http.get("/console/hr") as page:
            self.csrf = re.search(r'name="csrf" content="([^"]+)"', await page.text()).group(1)

    async def call(
        self, method: str, path: str, body: Any = None, csrf: bool = True, **kwargs: Any
    ) -> tuple[int, Any]:
        headers = {"X-CSRF-Token": self.csrf} if csrf else {}
        async with self.http.request(
            method, f"{API}{path}", json=body, headers=headers, **kwargs
        ) as answer:
            kind = answer.headers.get("Content-Type", "")
            data = await answer.json() if "json" in kind else await answer.text()
            return answer.status, data


@pytest.fixture
async def web(tmp_path, kb_url):
    settings = make_settings(
        tmp_path, database_url=kb_url, RASA_PORT="15998", WEB_PORT="8124", RASA_TOKEN="t"
    )
    with transaction(kb_url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
        add_user(session=session, login="hana", display_name="Hana", role="hr", password=PASSWORD)
        add_user(
            session=session,
            login="camille",
            display_name="Camille",
            role="recruiter",
            password=PASSWORD,
        )
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url(""))
    people = {"hr": Staff(base), "recruiter": Staff(base), "nobody": Staff(base)}
    await people["hr"].sign_in("hana")
    await people["recruiter"].sign_in("camille")
    yield people, settings
    for person in people.values():
        await person.http.close()
    await server.close()


ROUTES = [
    ("GET", "/articles"),
    ("POST", "/articles"),
    ("GET", "/articles/remote-work"),
    ("PUT", "/articles/remote-work"),
    ("DELETE", "/articles/remote-work"),
    ("POST", "/preview"),
    ("GET", "/articles/remote-work/revisions"),
    ("POST", "/articles/remote-work/revisions/1/restore"),
    ("GET", "/inbox"),
    ("POST", "/inbox/dismiss"),
    ("POST", "/inbox/add"),
    ("GET", "/events"),
    ("POST", "/events"),
    ("PUT", "/events/1"),
    ("DELETE", "/events/1"),
    ("GET", "/jobs"),
    ("POST", "/jobs"),
    ("GET", "/model"),
    ("POST", "/model/retrain"),
    ("POST", "/model/builds/1/confirm"),
    ("POST", "/model/builds/1/reject"),
    ("GET", "/audit"),
]


async def test_every_route_needs_sign_in_and_the_hr_role(web):
    people, _ = web
    for method, path in ROUTES:
        status, data = await people["nobody"].call(method, path, {})
        assert status == 401, (method, path, data)
        status, data = await people["recruiter"].call(method, path, {})
        assert status == 403 and data["error"] == "not allowed for your role", (method, path)
    # The page itself: a recruiter lands on the dashboard only (the page hides the rest).
    assert people["hr"].landing == "/console/hr"
    assert people["recruiter"].landing == "/console"


async def test_recruiters_read_the_analytics(web):
    people, _ = web
    for who in ("hr", "recruiter"):
        status, data = await people[who].call("GET", "/analytics?from=2026-11-01&to=2026-11-26")
        assert status == 200 and data["range"]["start"] == "2026-11-01"
        status, text = await people[who].call("GET", "/analytics.csv")
        assert status == 200 and text.startswith("section,key,figure,value")
    status, _ = await people["nobody"].call("GET", "/analytics")
    assert status == 401


async def test_changes_need_the_csrf_token(web):
    people, _ = web
    status, data = await people["hr"].call("POST", "/events", {"kind": "open_house"}, csrf=False)
    assert status == 403 and "CSRF" in data["error"]
    status, _ = await people["hr"].call("GET", "/events", csrf=False)
    assert status == 200


async def test_bad_requests_get_clear_errors(web):
    people, _ = web
    hr = people["hr"]
    for path in ("/analytics?from=yesterday", "/analytics?from=2026-11-20&to=2026-11-01"):
        status, data = await hr.call("GET", path)
        assert status == 400 and data["error"]
    status, data = await hr.call("GET", "/analytics?from=2020-01-01&to=2026-01-01")
    assert status == 400 and "366" in data["error"]
    async with hr.http.post(
        f"{API}/articles",
        data=b"{not json",
        headers={"X-CSRF-Token": hr.csrf, "Content-Type": "application/json"},
    ) as answer:
        assert answer.status == 400 and (await answer.json())["error"] == "the body must be JSON"
    status, data = await hr.call("POST", "/articles", ["a", "list"])
    assert status == 400 and data["error"] == "the body must be a JSON object"
    async with hr.http.post(
        f"{API}/articles",
        data=b'{"x": "' + b"a" * 300_000 + b'"}',
        headers={"X-CSRF-Token": hr.csrf, "Content-Type": "application/json"},
    ) as answer:
        assert answer.status == 413
    for path in ("/articles/nope", "/articles/nope/revisions"):
        status, data = await hr.call("GET", path)
        assert status == 404 and "« nope »" in data["error"]
    for path in ("/model/builds/x/confirm", "/model/builds/99/confirm", "/model/builds/99/reject"):
        status, _ = await hr.call("POST", path, {})
        assert status == 404
    status, data = await hr.call("POST", "/inbox/dismiss", {"items": "inbox:1"})
    assert status == 400
    status, data = await hr.call("POST", "/inbox/dismiss", {"items": ["inbox:424242"]})
    assert status == 404


def _article(**changes: Any) -> dict[str, Any]:
    questions_fr = [f"Avez-vous une salle d'escalade numéro {n} ?" for n in range(10)]
    questions_en = [f"Do you have climbing wall number {n}?" for n in range(10)]
    doc = {
        "id": "climbing",
        "topic": "benefits",
        "team": "people",
        "status": "published",
        "tags": ["sport"],
        "related": ["benefits-overview"],
        "links": [],
        "fr": {
            "title": "Escalade",
            "answer": "Nous n'avons pas de mur.",
            "questions": questions_fr,
        },
        "en": {"title": "Climbing", "answer": "We have no wall.", "questions": questions_en},
    }
    doc.update(changes)
    return doc


async def test_create_edit_conflict_history_restore_delete(web):
    people, settings = web
    hr = people["hr"]
    bad = _article(
        fr={"title": "", "answer": "<b>x</b>", "questions": ["Quels sont les avantages ?"]}
    )
    status, data = await hr.call("POST", "/articles", bad)
    assert status == 422
    fields = {p["field"] for p in data["problems"]}
    assert {"fr.title", "fr.answer"} <= fields
    assert any("benefits-overview" in p["message"] for p in data["problems"])  # duplicate

    status, created = await hr.call("POST", "/articles", _article())
    assert status == 201 and created["action"] == "created"
    status, again = await hr.call("POST", "/articles", _article())
    assert status == 422  # the id is taken

    status, found = await hr.call("GET", "/articles/climbing")
    revision = found["revision"]
    edited = {**found["article"], "en": {**found["article"]["en"], "answer": "Still no wall."}}
    status, data = await hr.call("PUT", "/articles/climbing", edited)
    assert status == 400 and "expected_revision" in data["error"]
    status, saved = await hr.call(
        "PUT", "/articles/climbing", {**edited, "expected_revision": revision}
    )
    assert status == 200 and saved["revision"] == revision + 1
    status, data = await hr.call(
        "PUT", "/articles/climbing", {**edited, "expected_revision": revision}
    )
    assert status == 409 and data["conflict"]["author"] == "Hana"

    status, preview = await hr.call("POST", "/preview", {**edited, "language": "en"})
    assert status == 200 and preview["text"].startswith("Still no wall.")

    status, history = await hr.call("GET", "/articles/climbing/revisions")
    newest = history["revisions"][0]
    assert newest["author"] == "Hana" and any(c["field"] == "en.answer" for c in newest["changes"])
    status, restored = await hr.call("POST", f"/articles/climbing/revisions/{revision}/restore", {})
    assert status == 200 and restored["action"] == "restored"
    status, found = await hr.call("GET", "/articles/climbing")
    assert found["article"]["en"]["answer"] == "We have no wall."
    status, _ = await hr.call("POST", "/articles/climbing/revisions/999/restore", {})
    assert status == 404

    status, listed = await hr.call("GET", "/articles?q=escalade")
    assert [a["id"] for a in listed["articles"]] == ["climbing"]
    status, _ = await hr.call("DELETE", f"/articles/climbing?revision={found['revision']}")
    assert status == 200
    status, _ = await hr.call("GET", "/articles/climbing")
    assert status == 404
    status, data = await hr.call("DELETE", "/articles/benefits-overview")
    assert status == 422  # other articles point to it

    with transaction(settings.database_url) as session:
        actions = [e.action for e in entries(session=session, target="article:climbing")]
    assert actions == ["article.deleted", "article.restored", "article.updated", "article.created"]


async def test_inbox_groups_add_and_dismiss(web):
    people, settings = web
    hr = people["hr"]
    with transaction(settings.database_url) as session:
        for text in ("Avez-vous une salle d'escalade ?", "Vous avez une salle d'escalade ?"):
            record_question(
                session=session, conversation_id="c1", text=text, language="fr", reason="no_answer"
            )
        record_question(
            session=session,
            conversation_id="c2",
            text="<script>alert(1)</script> parking vélo ?",
            language="fr",
            reason="low_confidence",
        )
    status, data = await hr.call("GET", "/inbox")
    groups = {g["text"]: g for g in data["groups"]}
    climbing = next(g for t, g in groups.items() if "escalade" in t)
    assert climbing["count"] == 2
    status, _ = await hr.call(
        "POST", "/inbox/add", {"items": climbing["item_ids"], "article": "nope"}
    )
    assert status == 404
    status, added = await hr.call(
        "POST", "/inbox/add", {"items": climbing["item_ids"], "article": "benefits-overview"}
    )
    assert status == 200 and added["article_id"] == "benefits-overview"
    status, found = await hr.call("GET", "/articles/benefits-overview")
    assert climbing["text"] in found["article"]["fr"]["questions"]
    other = next(g for t, g in groups.items() if "parking" in t)
    status, data = await hr.call("POST", "/inbox/dismiss", {"items": other["item_ids"]})
    assert status == 200 and data["dismissed"] == 1
    status, data = await hr.call("GET", "/inbox")
    assert data["groups"] == []


async def test_events_and_jobs_are_edited_with_field_errors(web):
    people, settings = web
    hr = people["hr"]
    status, data = await hr.call("GET", "/events")
    assert status == 200 and data["events"]
    event = data["events"][0]
    status, data = await hr.call("POST", "/events", {"kind": "party", "date": "31/12"})
    assert status == 422 and {"kind", "date"} <= set(data["errors"])
    status, data = await hr.call("PUT", f"/events/{event['id']}", {"status": "cancelled"})
    assert status == 200 and data["status"] == "cancelled"
    status, _ = await hr.call("PUT", "/events/999999", {"status": "cancelled"})
    assert status == 404
    status, _ = await hr.call("DELETE", "/events/999999")
    assert status == 404
    status, data = await hr.call("GET", "/jobs")
    assert len(data["jobs"]) == 6
    status, data = await hr.call("PUT", "/jobs/sre", {"status": "closed"})
    assert status == 200 and data["status"] == "closed"
    with transaction(settings.database_url) as session:
        assert [e.action for e in entries(session=session, target="job:sre")] == ["job.updated"]


async def test_the_model_page_and_one_training_at_a_time(web):
    people, settings = web
    hr = people["hr"]
    status, state = await hr.call("GET", "/model")
    # No Rasa server runs here: nothing is served, so nothing is up to date.
    assert status == 200 and state["up_to_date"] is False
    assert list(state["serving"].values()) == [None]
    with transaction(settings.database_url) as session:
        session.add(
            ModelBuild(
                fingerprint="f",
                status="training",
                requested_by="Other",
                created_at=utcnow(),
                check={},
                pid=os.getpid(),
            )
        )
    status, data = await hr.call("POST", "/model/retrain", {})
    assert status == 409 and "déjà en cours" in data["error"]
    status, data = await hr.call("POST", "/model/builds/1/confirm", {})
    assert status == 409  # training, not awaiting confirmation


async def test_the_audit_log_shows_who_changed_what_newest_first(web):
    people, settings = web
    hr = people["hr"]
    with transaction(settings.database_url) as session:
        record_question(
            session=session, conversation_id="c1", text="Mur ?", language="fr", reason="no_answer"
        )
    status, _ = await hr.call("POST", "/articles", _article())
    assert status == 201
    status, data = await hr.call("GET", "/events")
    event = data["events"][0]
    status, _ = await hr.call("PUT", f"/events/{event['id']}", {"status": "cancelled"})
    assert status == 200
    status, _ = await hr.call("POST", "/inbox/dismiss", {"items": ["inbox:1"]})
    assert status == 200
    status, _ = await hr.call("PUT", "/jobs/sre", {"status": "closed"})
    assert status == 200

    status, data = await hr.call("GET", "/audit")
    assert status == 200
    shown = [{k: e[k] for k in ("actor", "action", "target", "detail")} for e in data["entries"]]
    assert shown == [
        {
            "actor": "Hana",
            "action": "job.updated",
            "target": "job:sre",
            "detail": {"changes": {"status": ["open", "closed"]}},
        },
        {"actor": "Hana", "action": "inbox.dismissed", "target": "inbox:1", "detail": {}},
        {
            "actor": "Hana",
            "action": "event.updated",
            "target": f"event:{event['id']}",
            "detail": {"changes": {"status": ["scheduled", "cancelled"]}},
        },
        {"actor": "Hana", "action": "article.created", "target": "article:climbing", "detail": {}},
        shown[-1],
    ]
    assert shown[-1]["action"] == "records.seeded" and shown[-1]["target"] == "records"
    assert data["titles"] == {"climbing": "Escalade"}  # the articles named, for sentences
    times = [e["at"] for e in data["entries"]]
    assert all(t.endswith("Z") for t in times) and times == sorted(times, reverse=True)

    status, data = await people["recruiter"].call("GET", "/audit")
    assert status == 403 and "entries" not in data
