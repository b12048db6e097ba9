"""Applications in the recruiters' console over a real socket and a real database: the
list and its filters, statuses, the CV download (as an attachment, recruiters only)."""

from __future__ import annotations

import datetime as dt

import pytest
from aiohttp.test_utils import TestServer

from bot.applications import files
from bot.applications.files import check_cv
from bot.applications.models import CvFile
from bot.applications.service import take_application
from bot.core.db import transaction
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from bot.web.app import create_app
from tests.applications.cvs import pdf
from tests.conftest import make_settings
from tests.handoff.factories import add_staff
from tests.handoff.test_console_api import Staff
from tests.web.test_workspace import PASSWORD

NOW = dt.datetime(2026, 12, 1, 9, 0)


def apply(settings, job: str, email: str, *, cv: bool, last_name: str = "Martin") -> str:
    with transaction(settings.database_url) as session:
        token = None
        if cv:
            stored = files.store(settings, check_cv(pdf()))
            token = f"t-{stored[:10]}"
            session.add(CvFile(token=token, stored_as=stored, kind="pdf", size=900, created_at=NOW))
            session.flush()
        taken = take_application(
            session=session,
            data={
                "job": job,
                "first_name": "Léa",
                "last_name": last_name,
                "email": email,
                "cv": token,
                "url": None if cv else "https://example.org/portfolio",
                "message": "<script>alert(1)</script>",
                "consent": True,
            },
            conversation_id=f"conv-{email}",
            language="fr",
            consent_text="J'accepte",
            now=NOW,
        )
        return taken.application.public_id


@pytest.fixture
async def console(tmp_path, kb_url):
    settings = make_settings(
        tmp_path, database_url=kb_url, RASA_PORT="15995", WEB_PORT="8128", RASA_TOKEN="t"
    )
    with transaction(kb_url) as session:
        prepare_records(session=session, today=local_today("Europe/Paris"))
    add_staff(kb_url, PASSWORD)
    ids = {
        "cv": apply(settings, "sre", "lea@example.org", cv=True, last_name="Dubois-Léger"),
        "link": apply(settings, "csm", "sam@example.org", cv=False),
    }
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    base = str(server.make_url(""))
    people = {name: Staff(base) for name in ("camille", "hr1")}
    for name, person in people.items():
        await person.sign_in(name)
    yield people, ids, settings
    for person in people.values():
        await person.http.close()
    await server.close()


async def test_recruiters_list_filter_and_move_applications_on(console):
    people, ids, _ = console
    camille = people["camille"]
    status, data = await camille.call("GET", "/console/api/applications")
    assert status == 200
    assert {a["id"] for a in data["applications"]} == {ids["cv"], ids["link"]}
    first = next(a for a in data["applications"] if a["id"] == ids["cv"])
    assert first["cv"] == {"kind": "pdf", "size": 900} and first["status"] == "new"
    assert first["message"] == "<script>alert(1)</script>"  # as typed; shown as text
    assert {"id": "sre", "title": "SRE / Platform Engineer", "status": "open"} in data["jobs"]
    _, only = await camille.call("GET", "/console/api/applications?job=sre")
    assert [a["id"] for a in only["applications"]] == [ids["cv"]]
    path = f"/console/api/applications/{ids['cv']}/status"
    assert await camille.call("POST", path, {"status": "in_review"}) == (
        200,
        {"id": ids["cv"], "status": "in_review"},
    )
    _, reviewing = await camille.call("GET", "/console/api/applications?status=in_review")
    assert [(a["id"], a["status_by"]) for a in reviewing["applications"]] == [
        (ids["cv"], "Camille Roux")
    ]
    for body in ({"status": "hired"}, {"status": None}, {}):
        assert (await camille.call("POST", path, body))[0] == 400
    assert (await camille.call("POST", path, {"status": "new"}, csrf=False))[0] == 403
    for bad in ("?status=hired", "?job=" + "x" * 65):
        assert (await camille.call("GET", "/console/api/applications" + bad))[0] == 400
    for unknown in ("x" * 22, "nope", "<script>"):
        path = f"/console/api/applications/{unknown}/status"
        assert (await camille.call("POST", path, {"status": "new"}))[0] == 404


async def test_the_cv_downloads_as_an_attachment_for_recruiters_only(console):
    people, ids, _ = console
    camille, hr = people["camille"], people["hr1"]
    async with camille.http.get(f"/console/api/applications/{ids['cv']}/cv") as answer:
        assert answer.status == 200
        assert (await answer.read())[:5] == b"%PDF-"
        assert answer.headers["Content-Type"] == "application/pdf"
        assert answer.headers["Content-Disposition"] == (
            'attachment; filename="cv-dubois-leger-lea.pdf"'
        )
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        assert answer.headers["Cache-Control"] == "no-store"
    async with camille.http.get(f"/console/api/applications/{ids['link']}/cv") as answer:
        assert answer.status == 404  # a link, no CV
    async with camille.http.get("/console/api/applications/not-an-application/cv") as answer:
        assert answer.status == 404
    async with hr.http.get(f"/console/api/applications/{ids['cv']}/cv") as answer:
        assert answer.status == 403
    assert (await hr.call("GET", "/console/api/applications"))[0] == 403
