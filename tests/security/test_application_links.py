"""The erasure link of an application's e-mail (issue 14), over a real socket: it shows
what will go, erases every application of that address with the CVs and tells the ATS;
a made-up, tampered, other-purpose or cross-site request erases nothing."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.applications import files
from bot.applications.models import Application, AtsDelivery, CvFile
from bot.applications.service import take_application
from bot.applications.views import erase_url
from bot.community.models import CommunityMember
from bot.community.service import confirm, sign_up
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.meetings.links import link_secret, make_token
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from bot.web.app import create_app
from tests.applications.cvs import pdf
from tests.conftest import make_settings


def apply(settings, job: str, email: str, *, cv: bool = False) -> tuple[str, str | None]:
    now = utcnow()
    stored = files.store(settings, files.check_cv(pdf())) if cv else None
    with transaction(settings.database_url) as session:
        if stored:
            session.add(CvFile(token=stored, stored_as=stored, kind="pdf", size=1, created_at=now))
            session.flush()
        taken = take_application(
            session=session,
            data={
                "job": job,
                "first_name": "Léa",
                "last_name": "Martin & Fils",
                "email": email,
                "cv": stored,
                "url": None if stored else "https://example.org/lea",
                "consent": True,
            },
            conversation_id="c",
            language="fr",
            consent_text="ok",
            now=now,
        )
        return erase_url(settings, public_id=taken.application.public_id, created_at=now), stored


@pytest.fixture
async def site(tmp_path, kb_url):
    settings = make_settings(
        tmp_path,
        database_url=kb_url,
        WEB_PORT="8129",
        ATS_WEBHOOK_URL="http://127.0.0.1:9/never",
        ATS_WEBHOOK_SECRET="a-long-shared-ats-secret",
    )
    with transaction(kb_url) as session:
        prepare_records(session=session, today=local_today("Europe/Paris"))
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession(base_url=str(server.make_url(""))) as http:
        yield http, settings
    await server.close()


def path_of(url: str) -> str:
    return urlsplit(url).path


def remaining(settings) -> list[str]:
    with transaction(settings.database_url) as session:
        return list(session.execute(select(Application.job_id).order_by(Application.id)).scalars())


async def test_the_link_shows_then_erases_every_application_of_the_address(site):
    http, settings = site
    link, stored = apply(settings, "sre", "lea@example.org", cv=True)
    apply(settings, "csm", "LEA@example.org")
    apply(settings, "sre", "sam@example.org")
    for address in ("Lea@Example.org", "sam@example.org"):  # talent-community members too
        with transaction(settings.database_url) as session:
            signed = sign_up(
                session=session,
                data={"email": address, "consent": True},
                conversation_id="c",
                language="fr",
                consent_text="ok",
                now=utcnow(),
            )
            confirm(session=session, public_id=signed.public_id, now=utcnow())
    async with http.get(path_of(link)) as page:
        body = await page.text()
        assert page.status == 200 and page.headers["Cache-Control"] == "no-store"
        assert "SRE / Platform Engineer" in body and "lea@example.org" in body
        assert '<form method="post"' in body and "&amp;" not in body  # the name is not shown
    async with http.post(path_of(link)) as done:
        assert done.status == 200 and "2 candidature(s)" in await done.text()
    assert remaining(settings) == ["sre"]  # Sam's
    assert files.stored_path(settings, stored) is None
    with transaction(settings.database_url) as session:
        kinds = session.execute(select(AtsDelivery.kind)).scalars().all()
        assert kinds == ["application.deleted", "application.deleted"]
        assert session.execute(select(CvFile)).first() is None
        members = session.execute(select(CommunityMember.email)).scalars().all()
        assert members == ["sam@example.org"]  # the address's membership went too
    async with http.get(path_of(link)) as again:
        assert again.status == 200 and "déjà effacée" in await again.text()
    async with http.post(path_of(link)) as twice:
        assert twice.status == 200 and "déjà effacée" in await twice.text()


async def test_bad_links_and_cross_site_posts_erase_nothing(site):
    http, settings = site
    link, _ = apply(settings, "sre", "lea@example.org")
    token = path_of(link).rsplit("/", 1)[1]
    public_id = None
    with transaction(settings.database_url) as session:
        public_id = session.execute(select(Application.public_id)).scalar_one()
    other_purpose = make_token(
        secret=link_secret(settings),
        purpose="manage",
        public_id=public_id,
        expires=utcnow() + dt.timedelta(days=1),
    )
    expired = make_token(
        secret=link_secret(settings),
        purpose="application_erase",
        public_id=public_id,
        expires=utcnow() - dt.timedelta(seconds=1),
    )
    for bad in (token[:-3] + "AAA", other_purpose, expired, "x", "a.b"):
        async with http.post(f"/applications/erase/{bad}") as answer:
            assert answer.status == 404, bad
    async with http.post(path_of(link), headers={"Origin": "https://evil.example"}) as answer:
        assert answer.status == 403
    async with http.post(path_of(link), headers={"Sec-Fetch-Site": "cross-site"}) as answer:
        assert answer.status == 403
    assert remaining(settings) == ["sre"]


def test_this_file_covers_every_application_link_route():
    from tests.security.attacks import ROUTES

    mounted = {str(r) for r in ROUTES if r.path.startswith("/applications/")}
    assert mounted == {"GET /applications/erase/{token}", "POST /applications/erase/{token}"}
