"""A first-time candidate's widget in a real Chromium against the real assistant (issue 18):
the AI and privacy notice shown once and compactly, folded into the footer's line once the
candidate types (never repeated as the first reply); a French question on the English page
answered in French, with one line saying so."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, screenshot, watched

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDGET = "#ardoise-chat"


@pytest.fixture
def careers(browser: Browser, assistant, request) -> Iterator[Page]:
    language, options = request.param
    context = browser.new_context(
        locale="fr-FR" if language == "fr" else "en-GB",
        **({"viewport": {"width": 1280, "height": 800}} | options),
    )
    page = watched(context.new_page())
    page.goto(f"{assistant.settings.web_url}{'/' if language == 'fr' else '/en/'}")
    expect(page.locator(f"{WIDGET}[data-ready]")).to_be_attached(timeout=10_000)
    page.locator(f"{WIDGET} .launcher").click()
    yield page
    assert page.dialogs == [] and page.errors == []  # type: ignore[attr-defined]
    context.close()


def send(page: Page, words: str) -> None:
    page.locator(f"{WIDGET} textarea").fill(words)
    page.locator(f"{WIDGET} textarea").press("Enter")


@pytest.mark.parametrize(
    "careers", [("fr", {}), ("en", PHONE)], indirect=True, ids=["fr", "phone-en"]
)
def test_the_disclosure_is_shown_once_compactly_and_folds_when_typing(careers: Page):
    page = careers
    notice = page.locator(f"{WIDGET} .notice")
    expect(notice).to_be_visible()
    panel = page.locator(f"{WIDGET} .panel").bounding_box()
    box = notice.bounding_box()
    assert panel is not None and box is not None
    assert box["height"] <= 0.3 * panel["height"], (box, panel)  # not half the panel
    screenshot(page, f"first-use-notice-{page.viewport_size['width']}")
    page.locator(f"{WIDGET} textarea").press_sequentially("Co")
    expect(notice).to_be_hidden()
    footer = page.locator(f"{WIDGET} .footer")
    expect(footer).to_contain_text(re.compile(r"(Assistant virtuel|Virtual assistant) \(IA|AI\)"))
    send(
        page,
        "Combien de jours de congés ?"
        if "fr" in page.url or page.url.endswith("/")
        else "How many days off?",
    )
    answer = page.locator(f"{WIDGET} .message.assistant[data-type=answer]")
    expect(answer).to_have_count(1, timeout=30_000)
    # the disclosure came with the first reply for REST clients; here it is not repeated
    expect(page.locator(f"{WIDGET} .message[data-type=disclosure]")).to_be_hidden()
    visible = page.locator(f"{WIDGET} .log").inner_text()
    assert "pas une personne" not in visible and "not a person" not in visible
    page.reload()
    expect(page.locator(f"{WIDGET}[data-ready]")).to_be_attached(timeout=10_000)
    if not page.locator(f"{WIDGET} .panel").is_visible():
        page.locator(f"{WIDGET} .launcher").click()
    expect(page.locator(f"{WIDGET} .message.assistant[data-type=answer]")).to_have_count(
        1, timeout=15_000
    )
    expect(notice).to_be_hidden()  # read once is enough


@pytest.mark.parametrize("careers", [("en", {})], indirect=True, ids=["en"])
def test_a_french_question_on_the_english_page_is_answered_in_french(careers: Page):
    page = careers
    page.locator(f"{WIDGET} .notice button").click()
    send(page, "Combien de jours de télétravail par semaine chez vous ?")
    switch = page.locator(f"{WIDGET} .message.language-switch")
    expect(switch).to_have_text(
        "Vous m'écrivez en français : je vous réponds en français.", timeout=30_000
    )
    expect(switch.locator("p")).to_have_attribute("lang", "fr")
    answer = page.locator(f"{WIDGET} .message.assistant[data-type=answer]")
    expect(answer).to_have_count(1, timeout=30_000)
    expect(answer.locator(".bubble")).to_contain_text("télétravail")
    expect(answer.locator("p.source")).to_contain_text("vérifié par les RH")
    screenshot(page, "language-switch-en-page")


@pytest.mark.parametrize(("language", "title"), [("fr", "SRE / Platform Engineer")])
def test_asking_about_a_role_opens_the_chat_on_that_role(
    browser: Browser, assistant, language, title
):
    context = browser.new_context(locale="fr-FR", viewport={"width": 1280, "height": 800})
    page = watched(context.new_page())
    try:
        page.goto(f"{assistant.settings.web_url}/")
        expect(page.locator(f"{WIDGET}[data-ready]")).to_be_attached(timeout=10_000)
        page.locator("a[data-job=sre]").click()
        expect(page.locator(f"{WIDGET} .panel")).to_be_visible()
        mine = page.locator(f"{WIDGET} .message.candidate .bubble")
        expect(mine).to_have_text([title], timeout=15_000)
        answer = page.locator(f"{WIDGET} .message.assistant[data-type=answer]")
        expect(answer).to_have_count(1, timeout=30_000)
        expect(answer.locator(".rating")).to_have_attribute("data-article", "job-sre")
        expect(answer.locator(".bubble")).to_contain_text("€")  # the role's salary range
        screenshot(page, "ask-about-a-role")
        # the transcript keeps the title, not the command
        page.reload()
        expect(page.locator(f"{WIDGET}[data-ready]")).to_be_attached(timeout=10_000)
        expect(page.locator(f"{WIDGET} .message.candidate .bubble")).to_have_text(
            [title], timeout=15_000
        )
        assert page.dialogs == [] and page.errors == []  # type: ignore[attr-defined]
    finally:
        context.close()
