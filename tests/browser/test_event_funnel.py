"""The workspace dashboard's open house and reverse Q&A figures in a real Chromium against
the real web server: a funnel chart per kind (asked, registered, attended conversations)
and the "Événements" table (no-shows, freed seats offered, ratings, questions), read from
registrations and tracker events of today, inside the default period (the last 30 days of
the office's calendar, today included, on the servers' real clock). Names, questions and
tracker texts are hostile markup; the page's Content-Security-Policy is bypassed, so markup
that slipped into the page would run."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import insert

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.events.panel import mark_answered
from bot.events.registrations import cancel, confirm_offer, mark_attendance, record_rating
from bot.staff.accounts import add_user
from tests.browser.conftest import screenshot, signed_in
from tests.browser.test_ambassadors import assert_inert
from tests.conftest import port
from tests.handoff.event_data import (
    HOSTILE_NAME,
    HOSTILE_QUESTION,
    OFFICE,
    ask,
    open_house,
    rename,
    reverse_qa,
    set_capacity,
    sign_up,
)
from tests.security.attacks import PASSWORD, XSS, WebStack, web_stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

FORTY_DAYS = 40 * 24 * 3600


def tracked(url: str, rows: list[dict[str, Any]]) -> None:
    """Rows of Rasa's tracker store, as Rasa writes them (the table exists: web_stack seeds it)."""
    engine = tracker_engine(url)
    with engine.begin() as connection:
        connection.execute(insert(EVENTS), rows)
    engine.dispose()


def register_intent(sender: str, kind: str, *, at: float | None = None, text: str = "") -> dict:
    entities = [{"entity": "kind", "value": kind}]
    data = {"event": "user", "text": text or "je veux venir", "parse_data": {"entities": entities}}
    return {
        "sender_id": sender,
        "type_name": "user",
        "timestamp": at or time.time(),
        "intent_name": "register_event",
        "data": json.dumps(data),
    }


def offer(sender: str, kind: str) -> dict:
    data = {"event": "bot", "text": "", "data": {"custom": {"type": "meeting_offer", "kind": kind}}}
    return {
        "sender_id": sender,
        "type_name": "bot",
        "timestamp": time.time(),
        "intent_name": None,
        "data": json.dumps(data),
    }


def seed_events(url: str) -> None:
    """Today's open house and reverse Q&A figures (see the expected values in the test).

    web_stack's seed already holds one reverse Q&A registration ("victim-conversation",
    not asked in the tracker) and its unanswered question: both count here."""
    house = open_house(url, days=10)
    set_capacity(url, house, 3)
    alice = sign_up(url, house, "Alice", conversation="conv-alice")
    bruno = sign_up(url, house, "Bruno", conversation="conv-bruno")
    chloe = sign_up(url, house, "Chloé", conversation="conv-chloe")
    dora = sign_up(url, house, "Dora", conversation="conv-dora")
    assert dora.status == "waitlisted"
    rename(url, alice, HOSTILE_NAME)
    with transaction(url) as session:
        # Bruno's freed seat goes to Dora, first in line, who takes it
        freed = cancel(
            session=session, public_id=bruno.public_id, now=utcnow(), office_timezone=OFFICE
        )
        assert [r.conversation_id for r in freed.offers] == ["conv-dora"]
        confirm_offer(session=session, public_id=dora.public_id, now=utcnow())
        for registration, mark in ((alice, "attended"), (chloe, "attended"), (dora, "no_show")):
            mark_attendance(
                session=session,
                public_id=registration.public_id,
                attendance=mark,
                by="tests",
                now=utcnow(),
            )
        for registration, stars in ((alice, 5), (chloe, 4)):
            record_rating(
                session=session,
                public_id=registration.public_id,
                rating=stars,
                comment=XSS["script-tag"],
                now=utcnow(),
            )

    panel = reverse_qa(url, days=12)
    eva = sign_up(url, panel, "Eva", conversation="conv-eva")
    farid = sign_up(url, panel, "Farid", conversation="conv-farid")
    gael = sign_up(url, panel, "Gaël", conversation="conv-gael")
    questions = [
        ask(url, eva, HOSTILE_QUESTION),
        ask(url, farid, "Comment se passe l'onboarding ?"),
        ask(url, gael, XSS["img-onerror"]),
    ]
    with transaction(url) as session:
        for question in questions[:2]:
            mark_answered(
                session=session, question_id=question, answered=True, by="tests", now=utcnow()
            )
        for registration, mark in ((eva, "attended"), (farid, "no_show"), (gael, "no_show")):
            mark_attendance(
                session=session,
                public_id=registration.public_id,
                attendance=mark,
                by="tests",
                now=utcnow(),
            )
        record_rating(
            session=session, public_id=eva.public_id, rating=4, comment=None, now=utcnow()
        )

    tracked(
        url,
        [
            *(register_intent(f"conv-{n}", "open_house") for n in ("alice", "bruno", "eli")),
            register_intent("conv-chloe", "open_house", text=XSS["svg-onload"]),
            register_intent("conv-dora", "open_house"),
            register_intent("conv-alice", "open_house"),  # asked twice: one conversation
            register_intent("conv-old", "open_house", at=time.time() - FORTY_DAYS),  # before
            register_intent("conv-hostile", XSS["script-tag"], text=XSS["iframe-srcdoc"]),
            offer("conv-eva", "reverse_qa"),
            offer("conv-farid", "reverse_qa"),
            offer("conv-hostile", XSS["img-onerror"]),
            register_intent("conv-gael", "reverse_qa"),
            register_intent("conv-hugo", "reverse_qa"),
        ],
    )


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    runs = web_stack(tmp_path_factory.mktemp("event-funnel"), port(18750))
    stack = next(runs)
    with transaction(stack.db_url) as session:
        add_user(
            session=session, login="hana-rh", display_name="Hana RH", role="hr", password=PASSWORD
        )
    seed_events(stack.db_url)
    yield stack
    next(runs, None)


@pytest.fixture
def hr_page(browser: Browser, stack: WebStack) -> Iterator[Page]:
    page = signed_in(browser, stack.url, "hana-rh", PASSWORD, bypass_csp=True)
    yield page
    assert page.dialogs == [] and page.errors == []  # type: ignore[attr-defined]
    assert page.evaluate("() => window.__xss === undefined") is True
    page.context.close()


def expect_funnel(page: Page, kind: str, heading: str, values: list[str]) -> None:
    area = page.locator(f"[data-chart=event-funnel-{kind}]")
    figure = page.locator("figure.chart", has=area)
    expect(figure.locator("figcaption")).to_have_text(heading)
    expect(area.locator("svg > title")).to_have_text(heading)
    expect(area.locator("details tbody th")).to_have_text(
        ["ont demandé", "se sont inscrits", "sont venus"]
    )
    expect(area.locator("details tbody td")).to_have_text(values)


def test_the_dashboard_draws_each_event_kinds_funnel_and_table(hr_page: Page):
    page = hr_page
    page.click("a[data-tab=dashboard]")
    expect(page.locator("[data-chart=event-funnel-reverse_qa]")).to_be_visible(timeout=10_000)

    expect_funnel(
        page,
        "open_house",
        "Portes ouvertes : de la demande à la venue (conversations)",
        ["5", "4", "2"],
    )
    expect_funnel(
        page,
        "reverse_qa",
        "Questions inversées : de la demande à la venue (conversations)",
        ["4", "4", "1"],
    )

    table = page.locator("table[data-table=events]")
    expect(table.locator("caption")).to_have_text("Événements")
    expect(table.locator("thead th[scope=col]")).to_have_text(
        [
            "Événement",
            "Absences",
            "Places libérées proposées",
            "Satisfaction",
            "Questions posées / répondues",
        ]
    )
    expect(table.locator("tbody th[scope=row]")).to_have_text(
        ["Portes ouvertes", "Questions inversées"]
    )
    expect(table.locator("tr[data-kind=open_house] td")).to_have_text(
        ["33,3 %", "1", "4,5 / 5 (2 avis)", "—"]
    )
    expect(table.locator("tr[data-kind=reverse_qa] td")).to_have_text(
        ["66,7 %", "0", "4 / 5 (1 avis)", "4 / 2"]
    )

    assert_inert(page)
    table.scroll_into_view_if_needed()
    screenshot(page, "workspace-event-funnel")
