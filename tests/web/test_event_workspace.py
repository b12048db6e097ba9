"""HR's registration routes in the workspace over a real socket, a real database and a
local mail server: a date's terms (seats, deadline, video link) with new seats offered to
the waitlist, cancelling a date with the apology and the next dates, deleting a date that
holds registrations refused, a hackathon date telling its list, and a reverse Q&A question
turned into an article draft."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestServer
from sqlalchemy import select

from bot.core.audit import entries
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.events.alerts import alert_count, keep_alert
from bot.events.models import EventTerms, PanelQuestion, Registration
from bot.events.panel import mark_answered
from bot.hr.editing import article_json
from bot.staff.accounts import add_user
from bot.web.app import create_app
from tests.conftest import make_settings, port
from tests.events.conftest import body as mail_body
from tests.events.conftest import subject
from tests.handoff.event_data import (
    HOSTILE_QUESTION,
    ask,
    day,
    open_house,
    reverse_qa,
    set_capacity,
    sign_up,
)
from tests.inbox_servers import Mailbox, start_smtp
from tests.web.test_workspace import PASSWORD, Staff

SMTP = port(15528)


@pytest.fixture(scope="module")
def mailbox() -> Iterator[Mailbox]:
    controller, box = start_smtp(SMTP)
    yield box
    controller.stop()


@pytest.fixture
async def web(tmp_path, kb_url, mailbox):
    mailbox.messages.clear()
    settings = make_settings(
        tmp_path,
        database_url=kb_url,
        RASA_PORT=str(port(15993)),
        WEB_PORT=str(port(8128)),
        RASA_TOKEN="t",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(SMTP),
        NOTIFY_FROM="assistant@ardoise.test",
        MEETING_LINK_SECRET="test-secret",
    )
    with transaction(kb_url) as session:
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
    hana, camille = Staff(base), Staff(base)
    await hana.sign_in("hana")
    await camille.sign_in("camille")
    yield hana, camille, kb_url, mailbox
    for person in (hana, camille):
        await person.http.close()
    await server.close()


def registrations(url: str, event_id: int) -> list[tuple[str, str, int | None]]:
    with transaction(url) as session:
        rows = session.execute(
            select(Registration).where(Registration.event_id == event_id).order_by(Registration.id)
        ).scalars()
        return [(r.first_name, r.status, r.seat) for r in rows]


async def test_a_dates_terms_start_from_the_kinds_defaults(web):
    hana, _, url, _ = web
    house = open_house(url)
    status, data = await hana.call("GET", f"/events/{house}/terms")
    assert status == 200
    assert (data["capacity"], data["default_capacity"], data["capacity_set"]) == (25, 25, None)
    # the open house closes the day before at 12:00, office time
    assert data["deadline_local"] == f"{day(9).isoformat()}T12:00"
    assert (data["video_url"], data["seats_taken"], data["waitlist"]) == (None, 0, 0)


async def test_hr_sets_seats_deadline_and_video_link_and_it_is_audited(web):
    hana, _, url, _ = web
    panel = reverse_qa(url)
    deadline = f"{day(11).isoformat()}T18:00"
    status, data = await hana.call(
        "PUT",
        f"/events/{panel}/terms",
        {"capacity": 40, "deadline": deadline, "video_url": "https://meet.example.org/qa"},
    )
    assert status == 200, data
    assert (data["capacity"], data["capacity_set"]) == (40, 40)
    assert data["deadline_local"] == deadline and data["deadline_set"] is True
    assert data["video_url"] == "https://meet.example.org/qa"
    # a key left out keeps its value; null goes back to the default
    status, data = await hana.call("PUT", f"/events/{panel}/terms", {"deadline": None})
    assert status == 200 and data["capacity"] == 40 and data["deadline_set"] is False
    with transaction(url) as session:
        stored = session.get(EventTerms, panel)
        assert stored is not None and stored.updated_by == "Hana"
        found = [e.detail for e in entries(session=session) if e.action == "event.terms_updated"]
    assert found[-1]["changes"]["capacity"] == [None, 40]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"capacity": 0}, "capacity_invalid"),
        ({"capacity": "ten"}, "capacity_invalid"),
        ({"capacity": True}, "capacity_invalid"),
        ({"capacity": 1}, "capacity_below_taken"),
        ({"deadline": "demain midi"}, "deadline_invalid"),
        ({"deadline": "2026-02-30T12:00"}, "deadline_invalid"),
        ({"deadline": "２０２６-12-01T12:00"}, "deadline_invalid"),
        ({"video_url": "javascript:alert(1)"}, "video_url_invalid"),
        ({"video_url": 'https://x.org/"><script>'}, "video_url_invalid"),
    ],
)
async def test_terms_that_cannot_be_kept_say_why_and_change_nothing(web, change, code):
    hana, _, url, _ = web
    house = open_house(url)
    sign_up(url, house, "Ana")
    sign_up(url, house, "Bob")
    status, data = await hana.call("PUT", f"/events/{house}/terms", change)
    assert (status, data["code"]) == (422, code)
    assert data["error"] and len(data["errors"]) == 1
    with transaction(url) as session:
        assert session.get(EventTerms, house) is None


async def test_new_seats_go_to_the_waitlist_in_order_with_an_email(web):
    hana, _, url, mailbox = web
    house = open_house(url)
    set_capacity(url, house, 1)
    for name in ("Ana", "Bob", "Cy"):
        sign_up(url, house, name)
    status, data = await hana.call("PUT", f"/events/{house}/terms", {"capacity": 2})
    assert status == 200 and (data["offers"], data["offers_sent"]) == (1, 1)
    assert registrations(url, house) == [
        ("Ana", "confirmed", 1),
        ("Bob", "offered", 2),
        ("Cy", "waitlisted", None),
    ]
    offer = mailbox.wait_for(lambda m: m["To"] == "bob@example.org")
    assert "place" in subject(offer).lower()


async def test_cancelling_a_date_apologises_with_the_next_dates(web):
    hana, _, url, mailbox = web
    house = open_house(url, days=10)
    later = open_house(url, days=17)
    for name in ("Ana", "Bob"):
        sign_up(url, house, name)
    status, data = await hana.call("POST", f"/events/{house}/cancel")
    assert status == 200, data
    assert data["registrations_cancelled"] == 2 and data["candidates_told"] == 2
    assert data["next_dates"] == [later] and data["event"]["status"] == "cancelled"
    assert [r[1] for r in registrations(url, house)] == ["cancelled", "cancelled"]
    apology = mailbox.wait_for(lambda m: m["To"] == "ana@example.org")
    assert subject(apology).startswith("Annulé")
    assert day(17).strftime("%d") in mail_body(apology)  # the next date is offered
    # the date stays, cancelled, for HR; cancelling again tells nobody twice
    status, again = await hana.call("POST", f"/events/{house}/cancel")
    assert status == 200 and again["registrations_cancelled"] == 0
    with transaction(url) as session:
        assert [e.action for e in entries(session=session)].count("event.cancelled") == 1


async def test_a_date_with_registrations_is_cancelled_not_deleted(web):
    hana, _, url, _ = web
    house = open_house(url)
    sign_up(url, house, "Ana")
    status, data = await hana.call("DELETE", f"/events/{house}")
    assert (status, data["code"], data["registrations"]) == (409, "event_has_registrations", 1)
    assert "annulez" in data["error"]
    assert registrations(url, house) == [("Ana", "confirmed", 1)]
    # even once cancelled, the registrations are history: still no delete
    await hana.call("POST", f"/events/{house}/cancel")
    status, data = await hana.call("DELETE", f"/events/{house}")
    assert (status, data["code"]) == (409, "event_has_registrations")
    empty = open_house(url, days=20)
    assert (await hana.call("DELETE", f"/events/{empty}"))[0] == 200


async def test_setting_a_hackathon_date_tells_its_list_once(web):
    hana, _, url, mailbox = web
    with transaction(url) as session:
        for address in ("a@example.org", "b@example.org"):
            keep_alert(
                session=session,
                kind="hackathon",
                email=address,
                language="fr",
                consent=True,
                now=utcnow(),
            )
    status, data = await hana.call(
        "POST",
        "/events",
        {"kind": "hackathon", "date": day(40).isoformat(), "end_date": day(41).isoformat()},
    )
    assert status == 201, data
    assert data["alerts_sent"] == 2
    mailbox.wait_for(lambda m: m["To"] == "a@example.org")
    with transaction(url) as session:
        assert alert_count(session=session, kind="hackathon") == 0
    # an open house tells no list
    status, data = await hana.call("POST", "/events", {"kind": "open_house", "date": "2031-01-09"})
    assert status == 201 and data["alerts_sent"] == 0


async def test_an_answered_question_becomes_an_article_draft_once(web):
    hana, camille, url, _ = web
    panel = reverse_qa(url)
    asker = sign_up(url, panel, "Dee", language="en")
    question = ask(url, asker, HOSTILE_QUESTION + "\nAnd the bonus?")
    path = f"/questions/{question}/draft"
    status, data = await hana.call("POST", path, {})
    assert (status, data["code"]) == (409, "question_not_answered")
    with transaction(url) as session:
        mark_answered(
            session=session,
            question_id=question,
            answered=True,
            by="Camille",
            now=utcnow(),
        )
    assert (await camille.call("POST", path, {}))[0] == 403
    status, data = await hana.call("POST", path, {"topic": "pay"})
    assert status == 201, data
    article_id = data["article_id"]
    assert article_id.startswith("question-") and data["status"] == "draft"
    with transaction(url) as session:
        opened = article_json(session=session, article_id=article_id)
        linked = session.execute(
            select(PanelQuestion.article_id).where(PanelQuestion.public_id == question)
        ).scalar_one()
    assert opened is not None and linked == article_id
    assert opened["article"]["topic"] == "pay"
    assert opened["article"]["en"]["questions"] == [
        " ".join((HOSTILE_QUESTION + "\nAnd the bonus?").split())
    ]
    status, data = await hana.call("POST", path, {})
    assert (status, data["code"], data["article_id"]) == (409, "question_drafted", article_id)
    assert (await hana.call("POST", "/questions/nope/draft", {}))[1]["code"] == "question_unknown"


async def test_a_bad_article_id_for_the_draft_is_a_422(web):
    hana, _, url, _ = web
    panel = reverse_qa(url)
    question = ask(url, sign_up(url, panel, "Eli"), "Quelle stack ?")
    with transaction(url) as session:
        mark_answered(
            session=session,
            question_id=question,
            answered=True,
            by="x",
            now=utcnow(),
        )
    status, data = await hana.call("POST", f"/questions/{question}/draft", {"id": "Not An Id"})
    assert status == 422 and data["errors"][0]["field"] == "id"


async def test_recruiters_may_not_use_hrs_registration_routes(web):
    hana, camille, url, _ = web
    house = open_house(url)
    for method, path in (
        ("GET", f"/events/{house}/terms"),
        ("PUT", f"/events/{house}/terms"),
        ("POST", f"/events/{house}/cancel"),
    ):
        assert (await camille.call(method, path, {}))[0] == 403
    assert (await hana.call("GET", "/events/999999/terms"))[1]["code"] == "event_unknown"
    assert (await hana.call("POST", "/events/999999/cancel"))[1]["code"] == "event_unknown"
