"""Registering for an event from the chat widget, in a real browser against the real
assistant: the dates, the registration form (only the fields the assistant asks for, the
event's own words), the confirmation, the box under a reverse Q&A registration that sends
the leaders a question, and the hackathon's e-mail-only form."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from bot.core.db import transaction
from bot.events.models import EventAlert, PanelQuestion, Registration
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.browser.conftest import PHONE, open_widget, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDGET = "#ardoise-chat"
OFFER = f"{WIDGET} .message[data-type=meeting_offer]"
FORM = f"{WIDGET} .meet-form:not(.ask-form)"
ASK = f"{WIDGET} .ask-form"
HOSTILE = "<img src=x onerror=window.__pwned=1> Comment décidez-vous des salaires ?"


@pytest.fixture(scope="module")
def calendar(assistant):
    """The running assistant's database with the default calendar of events."""
    with transaction(assistant.settings.database_url) as session:
        prepare_records(session=session, today=local_today(assistant.settings.office_timezone))
    return assistant


def say(page: Page, words: str) -> None:
    page.locator(f"{WIDGET} textarea#input").fill(words)
    page.locator(f"{WIDGET} textarea#input").press("Enter")


def bubbles(page: Page) -> list[str]:
    return page.locator(f"{WIDGET} .message.candidate .bubble").all_inner_texts()


def pick_first_date(page: Page, kind: str) -> str:
    """Click the first date of the last `kind` offer; the button's title."""
    offer = page.locator(f"{OFFER}").last
    expect(offer).to_be_visible(timeout=30_000)
    slots = offer.locator(".slots .choice")
    expect(slots.first).to_be_visible()
    title = slots.first.inner_text()
    slots.first.click()
    expect(page.locator(FORM)).to_have_attribute("data-kind", kind, timeout=30_000)
    return title


@pytest.fixture
def fr_desktop(browser: Browser, calendar) -> Iterator[Page]:
    yield from open_widget(browser, calendar.settings.web_port, language="fr")


@pytest.fixture
def en_phone(browser: Browser, calendar) -> Iterator[Page]:
    yield from open_widget(browser, calendar.settings.web_port, language="en", **PHONE)


@pytest.fixture
def fr_phone(browser: Browser, calendar) -> Iterator[Page]:
    yield from open_widget(browser, calendar.settings.web_port, language="fr", **PHONE)


def test_a_candidate_registers_for_the_reverse_qa_and_asks_the_leaders(
    fr_desktop: Page, calendar, mailbox
):
    page = fr_desktop
    email = f"ada-{uuid.uuid4().hex[:8]}@example.org"
    say(page, "Inscrivez-moi aux questions inversées")
    pick_first_date(page, "reverse_qa")
    form = page.locator(FORM)
    expect(form.locator(".meet-title")).to_have_text("Vos coordonnées pour l'inscription")
    expect(form.locator("input[name=name]")).to_be_visible()
    expect(form.locator("input[name=email]")).to_be_visible()
    expect(form.locator("textarea[name=note]")).to_have_count(0)  # not asked for an event
    submit = form.locator("button[type=submit]")
    expect(submit).to_have_text("M'inscrire")
    form.locator("input[name=name]").fill("Ada")
    form.locator("input[name=email]").fill(email)
    submit.click()  # no consent: nothing sent
    expect(form.locator("[role=alert]")).to_contain_text("pour cette inscription")
    screenshot(page, "event-widget-reverse-qa-form")
    form.locator("input[type=checkbox]").check()
    submit.click()

    card = page.locator(f"{WIDGET} .message.booking-confirmed")
    expect(card).to_be_visible(timeout=30_000)
    expect(page.locator(FORM)).to_have_count(0)
    expect(page.locator(f"{WIDGET} .meet-closed").last).to_have_text("Coordonnées envoyées.")
    assert any(re.match(r"^M'inscrire : .+", b) for b in bubbles(page)), bubbles(page)
    assert not any("@" in b or "{" in b for b in bubbles(page))

    # The box under the registration: an empty question is refused in the page...
    ask = card.locator(".ask-form")
    expect(ask).to_be_visible()
    expect(ask.locator("textarea")).to_have_accessible_name("Une question pour les dirigeants ?")
    sent_before = len(bubbles(page))
    ask.locator("button[type=submit]").click()
    expect(ask.locator(".field-error")).to_have_text("Écrivez votre question.")
    assert len(bubbles(page)) == sent_before
    # ...a real one goes to the leaders; its markup stays text.
    ask.locator("textarea").fill(HOSTILE)
    ask.locator("button[type=submit]").click()
    expect(ask.locator("[role=status]")).to_have_text(
        "Question envoyée. Vous pouvez en poser une autre.", timeout=30_000
    )
    expect(ask.locator("textarea")).to_have_value("")
    expect(page.locator(f"{WIDGET} .message.candidate .bubble").last).to_have_text(
        f"Ma question pour les dirigeants : {HOSTILE}"
    )
    assert page.locator(f"{WIDGET} img").count() == 0
    screenshot(page, "event-widget-reverse-qa-asked")

    with transaction(calendar.settings.database_url) as session:
        registration = session.execute(
            select(Registration).where(Registration.email == email)
        ).scalar_one()
        questions = (
            session.execute(
                select(PanelQuestion.text).where(PanelQuestion.registration_id == registration.id)
            )
            .scalars()
            .all()
        )
    assert registration.status == "confirmed" and questions == [HOSTILE]

    # After a reload: the same summaries, the box still there for another question.
    before = bubbles(page)
    page.reload()
    expect(page.locator(f"{WIDGET} .message.booking-confirmed")).to_be_visible(timeout=15_000)
    assert bubbles(page) == before
    expect(page.locator(ASK)).to_have_count(1)
    mail = mailbox.wait_for(lambda m: email in str(m["To"] or ""), timeout=30)
    assert any(p.get_content_type() == "text/calendar" for p in mail.walk())


def test_an_open_house_registration_at_phone_width_in_english(en_phone: Page, calendar):
    page = en_phone
    email = f"bea-{uuid.uuid4().hex[:8]}@example.org"
    say(page, "Please save me a spot at the headquarters visit")
    pick_first_date(page, "open_house")
    form = page.locator(FORM)
    expect(form.locator(".meet-title")).to_have_text("Your details to register")
    expect(form.locator("textarea[name=note]")).to_have_count(0)
    form.locator("input[name=name]").fill("Bea")
    form.locator("input[name=email]").fill(email)
    form.locator("input[type=checkbox]").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "event-widget-open-house-phone-form")
    form.locator("button[type=submit]").click()
    result = page.locator(
        f"{WIDGET} .message.booking-confirmed, {WIDGET} .message.booking-waitlisted"
    ).last
    expect(result).to_be_visible(timeout=30_000)
    with transaction(calendar.settings.database_url) as session:
        status = session.execute(
            select(Registration.status).where(Registration.email == email)
        ).scalar_one()
    closing = {"confirmed": "Details sent.", "waitlisted": "Details sent: you are on the waitlist."}
    expect(page.locator(f"{WIDGET} .meet-closed").last).to_have_text(closing[status])
    expect(page.locator(ASK)).to_have_count(0)  # questions are for the reverse Q&A only
    assert any(re.match(r"^Register: .+", b) for b in bubbles(page)), bubbles(page)
    screenshot(page, "event-widget-open-house-phone-done")


def test_the_hackathon_list_asks_only_for_an_email(fr_phone: Page, calendar):
    page = fr_phone
    email = f"cyd-{uuid.uuid4().hex[:8]}@example.org"
    say(page, "prévenez-moi quand les inscriptions au hackathon ouvrent")
    form = page.locator(FORM)
    expect(form).to_have_attribute("data-kind", "hackathon", timeout=30_000)
    expect(form.locator(".meet-title")).to_have_text("Votre e-mail pour être prévenu·e")
    expect(form.locator("input[name=name]")).to_have_count(0)
    expect(form.locator("textarea[name=note]")).to_have_count(0)
    form.locator("input[name=email]").fill(email)
    form.locator("input[type=checkbox]").check()
    screenshot(page, "event-widget-hackathon-form")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"{WIDGET} .meet-closed").last).to_have_text(
        "E-mail enregistré.", timeout=30_000
    )
    expect(page.locator(FORM)).to_have_count(0)
    expect(page.locator(f"{WIDGET} .message.candidate .bubble").last).to_have_text(
        "Me prévenir de l'ouverture"
    )
    with transaction(calendar.settings.database_url) as session:
        kept = (
            session.execute(select(EventAlert.kind).where(EventAlert.email == email))
            .scalars()
            .all()
        )
    assert kept == ["hackathon"]
