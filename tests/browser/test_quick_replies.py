"""Canned replies in a real Chromium against the real assistant (issue 18): HR writes one
in the workspace (placeholders, preview, a refused placeholder said in place); a
recruiter holding a conversation finds it in the console's quick replies and sends it
in one click, inserts an article's answer to edit before sending, and sends a link;
the candidate's widget shows each, the link clickable."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import open_widget, screenshot, signed_in, watched
from tests.e2e.conftest import PASSWORD, close_open_handoffs, staff_account

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDGET = "#ardoise-chat"
TITLE = "Premier contact (navigateur)"


@pytest.fixture(scope="module")
def accounts(assistant) -> Iterator[None]:
    staff_account(assistant, "ines-quick", "Inès Martin")
    staff_account(assistant, "helene-quick", "Hélène Roy", role="hr")
    yield
    close_open_handoffs(assistant)


@pytest.fixture
def widget(browser: Browser, assistant) -> Iterator[Page]:
    yield from open_widget(browser, assistant.settings.web_port, language="fr")


def test_hr_writes_a_reply_and_the_preview_fills_it_in(browser: Browser, assistant, accounts):
    page = signed_in(browser, assistant.settings.web_url, "helene-quick", PASSWORD)
    try:
        page.click("a[data-tab=replies]")
        expect(page.locator("h2")).to_have_text("Réponses types de la console")
        page.get_by_role("button", name="Ajouter une réponse type").click()
        form = page.locator("form.canned-form")
        form.locator("[name=title]").fill(TITLE)
        form.locator("[name=text_fr]").fill("Bonjour {nom}")
        form.locator("[name=text_en]").fill("Hello ")
        form.get_by_role("button", name="Insérer {candidat}").nth(1).click()
        expect(form.locator("[name=text_en]")).to_have_value("Hello {candidat}")
        form.get_by_role("button", name="Ajouter", exact=True).click()
        expect(form).to_contain_text("{nom} n'est pas un champ à remplir")
        expect(form.locator("[name=text_fr]")).to_have_attribute("aria-invalid", "true")
        form.locator("[name=text_fr]").fill("Bonjour {candidat}, ici {recruteur}. **Bienvenue !**")
        preview = form.locator(".canned-preview").first
        expect(preview).to_contain_text("Bonjour Léa, ici Camille Martin.")
        expect(preview.locator("strong")).to_have_text("Bienvenue !")
        screenshot(page, "canned-replies-workspace")
        form.get_by_role("button", name="Ajouter", exact=True).click()
        row = page.locator(".canned-table tr[data-reply]", has_text=TITLE)
        expect(row).to_be_visible()
        expect(row).to_contain_text("jamais")
        page.click("a[data-tab=audit]")
        expect(page.locator(".journal")).to_contain_text(f"a ajouté la réponse type « {TITLE} »")
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        page.context.close()


def test_a_recruiter_sends_a_reply_an_article_and_a_link_in_a_click(
    browser: Browser, assistant, accounts, widget: Page
):
    # after the workspace test (same module): the reply exists
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    console = watched(context.new_page())
    try:
        console.goto(f"{assistant.settings.web_url}/console/login")
        console.fill("#login", "ines-quick")
        console.fill("#password", PASSWORD)
        console.click("button[type=submit]")
        expect(console.locator("#link")).to_have_text("En direct", timeout=10_000)
        # a recruiter is on duty: the candidate's request is queued
        widget.locator(f"{WIDGET} button.human").click()
        expect(widget.locator(f"{WIDGET} .handoff-status")).to_be_visible(timeout=30_000)
        item = console.locator("#queue .item").last
        expect(item).to_contain_text("en attente", timeout=10_000)
        item.click()
        console.click("button.claim")
        expect(console.locator("#reply")).to_be_visible(timeout=10_000)
        toggle = console.locator("#quick-toggle")
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.click()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        quick = console.locator("#quick")
        expect(quick).to_contain_text("prénom inconnu")

        # HR's reply, filled in (no first name given: left out), sent in one click
        console.fill("#quick-q", "premier contact")
        replies = quick.locator(".quick-item[data-kind=reply]")
        expect(replies).to_have_count(1)
        expect(replies).to_contain_text("Bonjour, ici Inès Martin.")
        expect(quick.locator(".quick-item[data-kind=article]")).to_have_count(0)
        replies.get_by_role("button", name=f"Envoyer au candidat : {TITLE}").click()
        said = widget.locator(f"{WIDGET} .message.recruiter").last
        expect(said).to_contain_text("Bonjour, ici Inès Martin.", timeout=15_000)
        expect(said.locator("strong")).to_have_text("Bienvenue !")

        # an article's answer put in the composer, edited, then sent
        console.fill("#quick-q", "teletravail")  # accents folded
        article = quick.locator(".quick-item[data-kind=article]", has_text="Le télétravail").first
        article.get_by_role("button", name=re.compile("^Insérer")).click()
        composer = console.locator("#reply")
        expect(composer).to_have_value(re.compile(r"Source : notre base de connaissances"))
        composer.press("Control+End")
        composer.press("Shift+Enter")
        composer.type("Je reste là si vous avez des questions.")
        screenshot(console, "console-quick-replies")
        composer.press("Enter")
        said = widget.locator(f"{WIDGET} .message.recruiter").last
        expect(said).to_contain_text("Source : notre base de connaissances", timeout=15_000)
        expect(said).to_contain_text("Je reste là si vous avez des questions.")
        expect(composer).to_have_value("")

        # a link, sent in one click, clickable in the widget
        console.fill("#quick-q", "confidentialité")
        link = quick.locator(".quick-item[data-kind=link]")
        expect(link).to_have_count(1)
        link.get_by_role("button", name=re.compile("^Envoyer")).click()
        anchor = widget.locator(f"{WIDGET} .message.recruiter").last.locator("a")
        expect(anchor).to_have_attribute("href", re.compile(r"/fr/privacy$"), timeout=15_000)
        expect(anchor).to_have_text("Notre politique de confidentialité")
        screenshot(widget, "widget-quick-replies")

        # the panel survives the view's live updates, search included
        widget.locator(f"{WIDGET} textarea").fill("Merci beaucoup")
        widget.locator(f"{WIDGET} textarea").press("Enter")
        expect(console.locator("#transcript")).to_contain_text("Merci beaucoup", timeout=10_000)
        expect(console.locator("#quick-q")).to_have_value("confidentialité")
        expect(link).to_have_count(1)
        console.locator("#quick-q").press("Escape")
        expect(quick).to_have_count(0)
        expect(toggle).to_be_focused()
        console.click("button.close")
        assert console.errors == [] and console.dialogs == []  # type: ignore[attr-defined]
    finally:
        context.close()
