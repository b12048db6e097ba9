"""Joining the talent community in the widget, in a real Chromium against the real
assistant (issue 14): the form after a typed request, what the candidate named already
ticked, filled in and sent on a desktop and on a phone, the reply that a confirmation
e-mail is on its way; an address the server refuses shown on the e-mail field. axe-core
finds no serious violation in the form, nor in its refusal."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Locator, Page, expect

from tests.browser.conftest import PHONE, open_widget, screenshot
from tests.browser.test_accessibility import assert_clean
from tests.e2e.conftest import with_records

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDGET = "#ardoise-chat"
FORM = f"{WIDGET} form.community-form"


@pytest.fixture(scope="module")
def hiring(assistant, mailbox):
    """The default open positions, and the SMTP server the confirmation e-mails go to."""
    return with_records(assistant)


def say(page: Page, words: str) -> None:
    page.locator(f"{WIDGET} textarea").fill(words)
    page.locator(f"{WIDGET} textarea").press("Enter")


@pytest.fixture
def desktop(browser: Browser, hiring) -> Iterator[Page]:
    # bypass_csp: the axe check adds its script to the page
    yield from open_widget(browser, hiring.settings.web_port, language="fr", bypass_csp=True)


@pytest.fixture
def phone(browser: Browser, hiring) -> Iterator[Page]:
    yield from open_widget(browser, hiring.settings.web_port, language="en", **PHONE)


def ticked(form: Locator, name: str) -> list[str]:
    return form.locator(f"input[name={name}]:checked").evaluate_all(
        "(all) => all.map(b => b.value)"
    )


def test_a_candidate_joins_from_a_typed_request_on_desktop(desktop: Page, mailbox):
    page = desktop
    say(page, "prévenez-moi quand un poste data s'ouvre à Lyon en full remote")
    form = page.locator(FORM)
    expect(form).to_be_visible(timeout=30_000)
    expect(form.locator("[name=email]")).to_be_focused()
    # what the request named is ticked already
    assert ticked(form, "teams") == ["data_ml"]
    assert ticked(form, "locations") == ["Lyon"]
    expect(form.locator("[name=remote]")).to_be_checked()
    expect(form.locator("[name=level]")).to_have_value("")
    assert_clean(page, "widget community form")
    form.get_by_role("button", name="M'inscrire").click()  # nothing filled: refused in place
    expect(form.locator("[name=email]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("[name=email]")).to_be_focused()
    expect(form.locator("[id$=-consent-error]")).to_contain_text("Cochez la case")
    assert_clean(page, "widget community form (refused)")
    form.locator("[name=email]").fill("zoe.community@example.org")
    expect(form.locator("[name=email]")).not_to_have_attribute("aria-invalid", "true")
    expect(form.locator("[id$=-email-error]")).to_have_text("")  # corrected: error gone
    expect(form.locator("[id$=-consent-error]")).to_contain_text("Cochez la case")
    form.get_by_label("Plateforme", exact=True).check()
    form.get_by_label("Nantes", exact=True).check()
    form.locator("[name=level]").select_option("senior")
    form.get_by_label("anglais", exact=True).check()
    form.locator("[name=consent]").check()
    form.locator(".meet-title").scroll_into_view_if_needed()
    screenshot(page, "widget-community-form")
    form.get_by_role("button", name="M'inscrire").click()
    expect(page.locator(f"{WIDGET} .message.candidate .bubble").last).to_have_text(
        "Mon inscription à la communauté de talents"
    )
    pending = page.locator(f"{WIDGET} .message.assistant.community-pending_confirmation")
    expect(pending).to_contain_text("zoe.community@example.org", timeout=30_000)
    expect(pending).to_contain_text("cliquez sur son lien")
    mail = mailbox.wait_for(lambda m: m["To"] == "zoe.community@example.org", timeout=20)
    body = mail.get_payload(decode=True).decode()
    assert "Plateforme, Data & ML ; Lyon, Nantes ; en télétravail complet ; senior" in body
    expect(page.locator(f"{WIDGET} .meet-closed").last).to_contain_text("Inscription envoyée")
    expect(form).to_have_count(0)


def test_a_candidate_joins_on_a_phone_after_a_refused_address(phone: Page):
    page = phone
    say(page, "I'd love to be part of your talent community")
    form = page.locator(FORM)
    expect(form).to_be_visible(timeout=30_000)
    # an address the browser takes but the server refuses: its sentence on the field
    form.locator("[name=email]").fill("sam@localhost")
    form.get_by_label("Design", exact=True).check()
    form.get_by_label("Berlin", exact=True).check()
    form.get_by_label("English", exact=True).check()
    form.locator("[name=consent]").check()
    form.get_by_role("button", name="Sign me up").click()
    error = form.locator("[id$=-email-error]")
    expect(error).to_contain_text("the e-mail address is not valid", timeout=30_000)
    expect(form.locator("[name=email]")).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"{WIDGET} .message.assistant.community-invalid")).to_have_count(1)
    form.locator("[name=email]").fill("sam.community@example.org")
    # usable at phone width: every choice and the button inside the screen, big enough
    for target in [
        form.get_by_label("Berlin", exact=True),
        form.get_by_role("button", name="Sign me up"),
    ]:
        box = target.locator("xpath=ancestor-or-self::*[self::label or self::button][1]")
        bounds = box.bounding_box()
        assert bounds is not None and bounds["height"] >= 44
        assert bounds["x"] >= 0 and bounds["x"] + bounds["width"] <= 390
    width = form.evaluate("(f) => [f.scrollWidth, f.clientWidth]")
    assert width[0] <= width[1]  # nothing wider than the form
    screenshot(page, "widget-community-form-phone")
    form.get_by_role("button", name="Sign me up").click()
    pending = page.locator(f"{WIDGET} .message.assistant.community-pending_confirmation")
    expect(pending).to_contain_text("sam.community@example.org", timeout=30_000)
    expect(page.locator(f"{WIDGET} .meet-closed").last).to_contain_text("Sign-up sent")
    expect(form).to_have_count(0)
