"""POST /apply/cv over a real socket: CVs checked by content, stored privately under a
random name, refusals with a code in the candidate's language, origins and rate limits."""

from __future__ import annotations

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.applications.files import MAX_CV_BYTES, upload_dir
from bot.applications.models import CvFile
from bot.core.db import transaction
from bot.core.limits import MemoryLimiter
from bot.web.app import create_app
from tests.applications.cvs import docx, pdf
from tests.conftest import make_settings


@pytest.fixture
async def site(tmp_path, db_url):
    settings = make_settings(
        tmp_path,
        database_url=db_url,
        WEB_PORT="8127",
        WIDGET_ORIGINS="https://careers.example.org",
        LIMITS="cv-uploads-ip=6/3600",
    )
    # its own counts: the process-wide limiter would carry other tests' uploads
    server = TestServer(create_app(settings, limiter=MemoryLimiter()), host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession(base_url=str(server.make_url(""))) as http:
        yield http, settings
    await server.close()


async def send(http, content: bytes, *, filename="cv.pdf", field="cv", lang=None, headers=None):
    form = aiohttp.FormData()
    form.add_field(field, content, filename=filename, content_type="application/pdf")
    path = "/apply/cv" + (f"?lang={lang}" if lang else "")
    async with http.post(path, data=form, headers=headers or {}) as answer:
        return answer.status, await answer.json(), answer.headers


async def test_a_pdf_and_a_docx_get_a_token_and_are_stored_under_a_random_name(site):
    http, settings = site
    status, body, _ = await send(http, pdf(), filename="../../etc/x.pdf")
    assert status == 201 and body["kind"] == "pdf" and len(body["cv"]) >= 30
    status, other, _ = await send(http, docx(), filename="<img src=x>.docx")
    assert status == 201 and other["kind"] == "docx"
    with transaction(settings.database_url) as session:
        rows = session.execute(select(CvFile).order_by(CvFile.id)).scalars().all()
        assert [r.token for r in rows] == [body["cv"], other["cv"]]
        assert all(r.application_id is None for r in rows)
        stored = sorted(r.stored_as for r in rows)
    assert sorted(p.name for p in upload_dir(settings).iterdir()) == stored
    assert not any("etc" in name or "<" in name for name in stored)
    assert not (settings.var_dir.parent / "etc").exists()


@pytest.mark.parametrize(
    ("content", "status", "code"),
    [
        (b"", 400, "cv_empty"),
        (b"<html><script>alert(1)</script>", 415, "cv_not_a_cv"),
        (b"%PDF-1.4 pretending", 415, "cv_not_a_cv"),
        (pdf(javascript=True), 422, "cv_active_content"),
        (docx(macro=True), 422, "cv_active_content"),
        (b"%PDF-" + b"0" * MAX_CV_BYTES, 413, "cv_too_big"),
    ],
    ids=["empty", "html-named-pdf", "fake-pdf", "pdf-script", "docx-macro", "too-big"],
)
async def test_bad_files_are_refused_with_a_reason_and_nothing_kept(site, content, status, code):
    http, settings = site
    got, body, _ = await send(http, content, lang="en")
    assert (got, body["code"]) == (status, code)
    assert body["error"] and "Le " not in body["error"]  # in English, as asked
    with transaction(settings.database_url) as session:
        assert session.execute(select(CvFile)).first() is None
    assert list(upload_dir(settings).iterdir()) == []


async def test_malformed_requests_are_refused(site):
    http, _ = site
    async with http.post(
        "/apply/cv", data=b"%PDF-raw", headers={"Content-Type": "application/pdf"}
    ) as a:
        assert a.status == 400 and (await a.json())["code"] == "cv_bad_request"
    status, body, _ = await send(http, pdf(), field="file")
    assert (status, body["code"]) == (400, "cv_bad_request")
    async with http.post(
        "/apply/cv",
        data=b'--x\r\nContent-Disposition: form-data; name="cv"\r\n\r\n%PDF',
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    ) as answer:
        assert answer.status in (400, 415)
    async with http.get("/apply/cv") as answer:
        assert answer.status in (404, 405)


async def test_only_the_allowed_pages_may_upload_and_are_told_so(site):
    http, _ = site
    status, body, headers = await send(http, pdf(), headers={"Origin": "https://evil.example"})
    assert status == 403 and body["code"] == "origin_refused"
    assert "Access-Control-Allow-Origin" not in headers
    status, _, headers = await send(http, pdf(), headers={"Origin": "https://careers.example.org"})
    assert status == 201
    assert headers["Access-Control-Allow-Origin"] == "https://careers.example.org"


async def test_uploads_from_one_address_are_limited(site):
    http, _ = site
    statuses = [(await send(http, pdf()))[0] for _ in range(7)]
    assert statuses[:6] == [201] * 6
    status, body, _ = await send(http, pdf())
    assert status == 429 and body["code"] == "cv_too_many"
    assert "une heure" in body["error"]
