"""Canned replies over a real socket and a real database: HR keeps them in the workspace,
a recruiter holding a conversation gets them filled in and sends one, an article or a
link in one click. Nothing listens on the Rasa port here, so a send that passes every
check ends in "not delivered" (502); tests/e2e/test_quick_replies.py delivers them."""

from __future__ import annotations

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.core import audit
from bot.core.db import transaction
from bot.handoff.callbacks import create_callback
from bot.handoff.models import CannedReply
from bot.web.app import create_app
from tests.conftest import make_settings
from tests.handoff.factories import add_staff, queue
from tests.handoff.test_console_api import Staff
from tests.web.test_workspace import PASSWORD

HR_API = "/console/api/hr/replies"
HELLO = {
    "title": "Bonjour",
    "text_fr": "Bonjour {candidat}, ici {recruteur}.",
    "text_en": "Hello {candidate}, {recruiter} here.",
}


@pytest.fixture
async def people(tmp_path, kb_url):
    settings = make_settings(
        tmp_path, database_url=kb_url, RASA_PORT="15996", WEB_PORT="8126", RASA_TOKEN="t"
    )
    staff = add_staff(kb_url, PASSWORD)
    with transaction(kb_url) as session:
        create_callback(
            session=session,
            conversation_id="sam",
            data={
                "name": "Sam Leroy",
                "email": "sam@example.org",
                "question": "?",
                "consent": True,
            },
            language="fr",
            retention_days=30,
        )
    handoffs = {name: queue(kb_url, staff, name)[0] for name in ("sam", "alex")}
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url(""))
    signed = {name: Staff(base) for name in ("camille", "malik", "hr1")}
    for name, person in signed.items():
        await person.sign_in(name)
    yield {"staff": signed, "handoffs": handoffs, "url": kb_url}
    for person in signed.values():
        await person.http.close()
    await server.close()


async def test_hr_keeps_the_replies_and_recruiters_may_not(people):
    hr, camille = people["staff"]["hr1"], people["staff"]["camille"]
    status, created = await hr.call("POST", HR_API, HELLO)
    assert status == 201 and created["title"] == "Bonjour" and created["updated_by"] == "Hélène RH"
    status, listed = await hr.call("GET", HR_API)
    assert status == 200 and [r["id"] for r in listed["replies"]] == [created["id"]]
    assert listed["placeholders"] == ["{candidat}", "{recruteur}"]
    status, edited = await hr.call("PUT", f"{HR_API}/{created['id']}", {"title": "Salut"})
    assert status == 200 and edited["title"] == "Salut" and edited["text_fr"] == HELLO["text_fr"]
    for method, path, body in (
        ("GET", HR_API, None),
        ("POST", HR_API, HELLO),
        ("PUT", f"{HR_API}/{created['id']}", {"title": "x"}),
        ("DELETE", f"{HR_API}/{created['id']}", None),
    ):
        assert (await camille.call(method, path, body))[0] == 403
    assert (await hr.call("POST", HR_API, {**HELLO, "title": "Autre"}, csrf=False))[0] == 403
    status, _ = await hr.call("DELETE", f"{HR_API}/{created['id']}")
    assert status == 200
    assert (await hr.call("GET", HR_API))[1]["replies"] == []


async def test_hr_is_told_in_french_what_to_correct_and_unknown_ids_are_404(people):
    hr = people["staff"]["hr1"]
    status, refused = await hr.call(
        "POST", HR_API, {"title": "<b>x</b>", "text_fr": "Bonjour {nom}", "text_en": ""}
    )
    assert status == 422 and refused["error"] == "la réponse type est à corriger"
    assert refused["errors"] == {
        "title": "doit être du texte simple, sans balises HTML",
        "text_fr": "{nom} n'est pas un champ à remplir : utilisez {candidat} et {recruteur}",
        "text_en": "est obligatoire",
    }
    for raw in ("999", "abc", "%D9%A3", "-1", "1e3"):
        status, missing = await hr.call("PUT", f"{HR_API}/{raw}", {"title": "x"})
        assert status == 404 and missing["code"] == "canned_reply_not_found", raw
        assert (await hr.call("DELETE", f"{HR_API}/{raw}"))[0] == 404
    for body in ([HELLO], "Bonjour", 3):
        assert (await hr.call("POST", HR_API, body))[0] == 400
    with transaction(people["url"]) as session:
        assert session.execute(select(CannedReply)).first() is None


async def test_the_holder_gets_the_replies_filled_for_the_candidate(people):
    hr, camille, malik = (people["staff"][n] for n in ("hr1", "camille", "malik"))
    await hr.call("POST", HR_API, HELLO)
    sam, alex = people["handoffs"]["sam"], people["handoffs"]["alex"]
    assert (await camille.call("GET", f"/console/api/handoffs/{sam}/replies"))[0] == 409
    assert (await camille.call("POST", f"/console/api/handoffs/{sam}/claim"))[0] == 200
    assert (await camille.call("POST", f"/console/api/handoffs/{alex}/claim"))[0] == 200
    status, choices = await camille.call("GET", f"/console/api/handoffs/{sam}/replies")
    assert status == 200 and choices["language"] == "fr" and choices["candidate"] == "Sam"
    assert [r["text"] for r in choices["replies"]] == ["Bonjour Sam, ici Camille Roux."]
    assert {"id": "remote-work", "title": "Le télétravail"} in choices["articles"]
    assert choices["links"][-1]["url"].endswith("/fr/privacy")
    _, other = await camille.call("GET", f"/console/api/handoffs/{alex}/replies")
    assert [r["text"] for r in other["replies"]] == ["Bonjour, ici Camille Roux."]
    # another recruiter, HR, an unknown or malformed handoff
    assert (await malik.call("GET", f"/console/api/handoffs/{sam}/replies"))[0] == 409
    assert (await hr.call("GET", f"/console/api/handoffs/{sam}/replies"))[0] == 403
    assert (await camille.call("GET", "/console/api/handoffs/99999/replies"))[0] == 409
    assert (await camille.call("GET", "/console/api/handoffs/x/replies"))[0] == 404


async def test_an_articles_text_is_read_to_insert_in_the_composer(people):
    camille = people["staff"]["camille"]
    sam = people["handoffs"]["sam"]
    await camille.call("POST", f"/console/api/handoffs/{sam}/claim")
    status, read = await camille.call("GET", f"/console/api/handoffs/{sam}/articles/remote-work")
    assert status == 200 and read["article"] == "remote-work"
    assert (
        "Source : notre base de connaissances, « Le télétravail », vérifiée par les RH le"
        in read["text"]
    )
    for missing in ("nope", "x" * 80, "..%2F..%2Fetc"):
        status, refused = await camille.call(
            "GET", f"/console/api/handoffs/{sam}/articles/{missing}"
        )
        assert status == 404 and refused["code"] == "unknown_article_reference", missing
    malik = people["staff"]["malik"]
    assert (await malik.call("GET", f"/console/api/handoffs/{sam}/articles/remote-work"))[0] == 409


async def test_sending_a_reply_or_an_article_checks_everything_before_delivering(people):
    hr, camille = people["staff"]["hr1"], people["staff"]["camille"]
    _, created = await hr.call("POST", HR_API, HELLO)
    sam = people["handoffs"]["sam"]
    path = f"/console/api/handoffs/{sam}/messages"
    assert (await camille.call("POST", path, {"reply": created["id"]}))[0] == 409  # not claimed
    await camille.call("POST", f"/console/api/handoffs/{sam}/claim")
    for body, expected in (
        ({}, 400),
        ({"text": "x", "reply": created["id"]}, 400),
        ({"reply": created["id"], "article": "remote-work"}, 400),
        ({"reply": 999}, 404),
        ({"reply": "<script>"}, 404),
        ({"reply": [1]}, 404),
        ({"article": "nope"}, 404),
        ({"article": 5}, 404),
        ({"article": None}, 404),
        ({"text": ""}, 400),
        ({"text": "y" * 2001}, 413),
    ):
        status, answer = await camille.call("POST", path, body)
        assert status == expected, (body, answer)
        assert "error" in answer
    # every check passed: the Rasa server is what is missing here, and it is said
    for body in (
        {"reply": created["id"]},
        {"article": "remote-work"},
        {"text": "[Lien](https://example.org)"},
    ):
        status, answer = await camille.call("POST", path, body)
        assert status == 502 and answer["error"].startswith("not delivered"), body
    with transaction(people["url"]) as session:
        assert session.get(CannedReply, created["id"]).uses == 0  # counted once delivered
        actions = [e.action for e in audit.entries(session=session)]
    assert actions.count("canned_reply.created") == 1
