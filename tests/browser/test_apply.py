"""Applying in the widget in a real Chromium against the real assistant (issue 14): the
form after "je veux postuler", a CV uploaded and checked by the web server, the
confirmation in the chat; on a phone, a file that is not a CV refused in place and a
link instead; a recruiter finds the application in the console and downloads the CV."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.core.db import transaction
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.applications.cvs import pdf
from tests.browser.conftest import PHONE, open_widget, screenshot, watched
from tests.e2e.conftest import PASSWORD, staff_account

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDGET = "#ardoise-chat"


@pytest.fixture(scope="module")
def hiring(assistant):
    with transaction(assistant.settings.database_url) as session:
        prepare_records(session=session, today=local_today(assistant.settings.office_timezone))
    staff_account(assistant, "ines-apply", "Inès Apply")
    return assistant


def say(page: Page, words: str) -> None:
    page.locator(f"{WIDGET} textarea").fill(words)
    page.locator(f"{WIDGET} textarea").press("Enter")


@pytest.fixture
def desktop(browser: Browser, hiring) -> Iterator[Page]:
    yield from open_widget(browser, hiring.settings.web_port, language="fr")


@pytest.fixture
def phone(browser: Browser, hiring) -> Iterator[Page]:
    yield from open_widget(browser, hiring.settings.web_port, language="en", **PHONE)


def test_apply_with_a_cv_on_desktop_and_the_recruiter_downloads_it(
    desktop: Page, browser: Browser, hiring, tmp_path: Path
):
    page = desktop
    say(page, "je veux postuler au poste de SRE")
    form = page.locator(f"{WIDGET} form.apply-form")
    expect(form).to_be_visible(timeout=30_000)
    expect(form.locator("[name=job]")).to_have_value("sre")  # the one named
    form.locator("[name=first_name]").fill("Zoé")
    form.locator("[name=last_name]").fill("Arnaud")
    form.locator("[name=email]").fill("zoe.arnaud@example.org")
    cv = tmp_path / "Mon CV <b>.pdf"
    cv.write_bytes(pdf())
    form.locator("[name=cv]").set_input_files(str(cv))
    form.locator("[name=message]").fill("Bonjour, <i>SRE</i> passionnée.")
    form.get_by_role("button", name="Envoyer ma candidature").click()
    expect(form.locator("[id$=-consent-error]")).to_contain_text("Cochez la case")
    form.locator("[name=consent]").check()
    screenshot(page, "apply-desktop-fr")
    form.get_by_role("button", name="Envoyer ma candidature").click()
    expect(page.locator(f"{WIDGET} .message.candidate").last).to_contain_text(
        "Ma candidature : SRE / Platform Engineer"
    )
    confirmation = page.locator(f"{WIDGET} .message.assistant.application-received")
    expect(confirmation).to_contain_text("Merci Zoé", timeout=30_000)
    expect(confirmation).to_contain_text("5 jours ouvrés")
    expect(page.locator(f"{WIDGET} .meet-closed").last).to_have_text("Candidature envoyée.")
    expect(form).to_have_count(0)

    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="fr-FR", accept_downloads=True
    )
    console = watched(context.new_page())
    try:
        console.goto(f"{hiring.settings.web_url}/console/login")
        console.fill("#login", "ines-apply")
        console.fill("#password", PASSWORD)
        console.click("button[type=submit]")
        item = console.locator("#applications li.application", has_text="Zoé Arnaud")
        expect(item).to_be_visible(timeout=15_000)
        expect(item).to_contain_text("SRE / Platform Engineer")
        expect(item).to_contain_text("Bonjour, <i>SRE</i> passionnée.")
        console.select_option("#applications-job", "sre")
        expect(item).to_be_visible()
        with console.expect_download() as waiting:
            item.locator("a.cv-download").click()
        download = waiting.value
        assert download.suggested_filename == "cv-arnaud-zoe.pdf"
        assert Path(download.path()).read_bytes()[:5] == b"%PDF-"
        item.get_by_label("Statut de la candidature de Zoé Arnaud").select_option("in_review")
        expect(item).to_contain_text("en cours d'examen par Inès Apply", timeout=10_000)
        screenshot(console, "console-applications")
        assert console.errors == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_apply_with_a_link_on_a_phone_after_a_refused_file(phone: Page, tmp_path: Path):
    page = phone
    say(page, "I'd like to apply")
    form = page.locator(f"{WIDGET} form.apply-form")
    expect(form).to_be_visible(timeout=30_000)
    form.locator("[name=job]").select_option(index=1)
    form.locator("[name=first_name]").fill("Sam")
    form.locator("[name=last_name]").fill("Lee")
    form.locator("[name=email]").fill("sam.lee@example.org")
    fake = tmp_path / "resume.pdf"
    fake.write_bytes(b"<html><script>window.__pwned=1</script></html>")
    form.locator("[name=cv]").set_input_files(str(fake))
    form.locator("[name=consent]").check()
    form.get_by_role("button", name="Send my application").click()
    error = form.locator("[id$=-cv-error]")
    expect(error).to_contain_text("not a readable PDF or Word document", timeout=15_000)
    expect(form.locator("[name=cv]")).to_have_attribute("aria-invalid", "true")
    form.locator("[name=cv]").set_input_files([])
    form.locator("[name=url]").fill("https://www.linkedin.com/in/sam-lee")
    box = form.get_by_role("button", name="Send my application").bounding_box()
    assert box is not None and box["height"] >= 44
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    screenshot(page, "apply-phone-en")
    form.get_by_role("button", name="Send my application").click()
    expect(page.locator(f"{WIDGET} .message.assistant.application-received")).to_contain_text(
        "Thank you Sam", timeout=30_000
    )
    # The history restored after a reload shows the same summary: never the name and
    # e-mail the filled-in message carried as JSON.
    bubbles = page.locator(f"{WIDGET} .message.candidate .bubble")
    sent = bubbles.all_inner_texts()
    assert any(text.startswith("My application: ") for text in sent), sent
    page.reload()
    expect(page.locator(f"{WIDGET} .message.assistant.application-received")).to_be_visible(
        timeout=15_000
    )
    restored = bubbles.all_inner_texts()
    assert restored == sent and not any("sam.lee@example.org" in text for text in restored)
