"""The reverse Q&A's session page at phone width (390x844) in a real Chromium, against the
real web server process: a registered candidate submits a question and upvotes another
participant's one; hostile markup in a question stays text; nothing overflows the
screen and the buttons are big enough to tap. Screenshots in tests/artifacts/."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import Settings, settings_from
from bot.events.messages import registration_link
from bot.events.models import PanelVote, Registration
from bot.events.panel import submit_question
from bot.events.registrations import register
from bot.events.terms import event_terms
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from bot.records.models import Event
from tests.browser.conftest import screenshot
from tests.conftest import port
from tests.e2e.conftest import start_or_fail
from tests.events.conftest import add_event

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

OFFICE = "Europe/Paris"
PHONE = {"width": 390, "height": 844}
HOSTILE = "<img src=x onerror=window.__xss=1> How do you decide what to build next?"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The web server process on a fresh database (no mail server: nothing is sent)."""
    root: Path = tmp_path_factory.mktemp("event-pages")
    url = f"sqlite:///{root / 'app.db'}"
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,
            "WEB_PORT": str(port(29480)),
            "RASA_PORT": str(port(18605)),
            "ACTION_PORT": str(port(18655)),
            "RASA_TOKEN": "browser-token",
        }
    )
    upgrade(url)
    services = Services(settings=settings, model=Path(), log_dir=root / "logs")
    services.start_web()
    start_or_fail(services)
    try:
        yield settings
    finally:
        services.stop()


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, locale="fr-FR")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors  # type: ignore[attr-defined]
    yield page
    context.close()


def enrol(url: str, event_id: int, email: str, name: str, language: str) -> Registration:
    with transaction(url) as session:
        return register(
            session=session,
            event_id=event_id,
            conversation_id=f"conv-{email}",
            first_name=name,
            email=email,
            language=language,
            consent=True,
            now=utcnow(),
            office_timezone=OFFICE,
        )


def session_link(settings: Settings, registration: Registration) -> str:
    with transaction(settings.database_url) as session:
        event = session.get(Event, registration.event_id)
        terms = event_terms(session=session, event=event, office_timezone=OFFICE)
        where = urlsplit(registration_link(settings, "registration", registration, terms)).path
    return f"{settings.web_url}{where}"


def fits_the_screen(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways: {width}px"


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_candidate_asks_and_upvotes_on_the_session_page_at_phone_width(
    site: Settings, phone: Page, language: str
):
    url = site.database_url
    day = (utcnow() + dt.timedelta(days=8 if language == "fr" else 9)).date()
    event_id = add_event(
        url,
        kind="reverse_qa",
        date=day,
        start_time=dt.time(12, 30),
        end_time=dt.time(13, 15),
        place_fr=None,
        place_en=None,
    )
    camille = enrol(url, event_id, f"camille-{language}@example.org", "Camille", language)
    bruno = enrol(url, event_id, f"bruno-{language}@example.org", "Bruno", language)
    with transaction(url) as session:
        theirs = submit_question(
            session=session,
            registration_id=bruno.public_id,
            text=HOSTILE,
            now=utcnow(),
            office_timezone=OFFICE,
        )
    words = {
        "fr": ("Envoyer ma question", "Votre question est enregistrée", "la vôtre", "Voter"),
        "en": ("Send my question", "Your question is saved", "yours", "Upvote"),
    }[language]
    send, saved, yours, upvote = words

    phone.goto(session_link(site, camille))
    expect(phone.locator("html")).to_have_attribute("lang", language)
    expect(phone.locator("h1")).to_have_text(
        "Questions inversées" if language == "fr" else "Reverse Q&A"
    )
    other = phone.locator(f'li[data-question="{theirs.public_id}"]')
    expect(other.locator(".text")).to_have_text(HOSTILE)  # shown as text, not run
    fits_the_screen(phone)
    screenshot(phone, f"event-session-phone-{language}-before")

    mine = "Quelle place pour le télétravail dans les équipes produit ?"
    if language == "en":
        mine = "How much remote work is there in the product teams?"
    phone.locator("textarea#question").fill(mine)
    phone.get_by_role("button", name=send).click()
    expect(phone.locator(".notice")).to_contain_text(saved)
    own = phone.locator("li.question.mine")
    expect(own.locator(".text")).to_have_text(mine)
    expect(own.locator(".badge.mine")).to_have_text(yours)
    expect(own.locator("form.vote")).to_have_count(0)  # one's own question: no vote

    button = other.locator("form.vote button")
    phone.wait_for_load_state("load")  # the page's stylesheet applied (the redirect reloaded it)
    expect(button).to_have_css("min-width", "96px")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44, box
    button.click()
    expect(phone.locator(".notice")).to_be_visible()
    other = phone.locator(f'li[data-question="{theirs.public_id}"]')
    expect(other.locator(".votes")).to_have_text("1 vote")
    expect(other.locator(".voted")).to_be_visible()
    expect(other.locator("form.vote")).to_have_count(0)
    assert upvote not in other.inner_text()
    # the most voted first
    expect(phone.locator("li.question").first).to_have_attribute("data-question", theirs.public_id)
    fits_the_screen(phone)
    screenshot(phone, f"event-session-phone-{language}-after")

    assert phone.evaluate("window.__xss") is None
    assert phone.errors == []  # type: ignore[attr-defined]
    with transaction(url) as session:
        votes = session.query(PanelVote).filter(PanelVote.question_id == theirs.id).all()
        assert [v.registration_id for v in votes] == [camille.id]
