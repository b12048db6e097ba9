"""Job search in the chat widget (issue 13), in a real browser against the real assistant:
the positions found in one answer (titles in bold, why each one fits), a "more about"
button per position that opens its article, at desktop width in French and at phone
width in English."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, open_widget, screenshot
from tests.e2e.conftest import with_records

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDGET = "#ardoise-chat"
JOBS = f"{WIDGET} .message.assistant[data-type=jobs]"
ARTICLE = f"{WIDGET} .message.assistant:has(.rating)"


@pytest.fixture(scope="module")
def records(assistant):
    """The running assistant's database with the default records (the open positions)."""
    return with_records(assistant)


@pytest.fixture
def fr_desktop(browser: Browser, records) -> Iterator[Page]:
    yield from open_widget(browser, records.settings.web_port, language="fr")


@pytest.fixture
def en_phone(browser: Browser, records) -> Iterator[Page]:
    yield from open_widget(browser, records.settings.web_port, language="en", **PHONE)


def search(page: Page, words: str):
    """Ask in the widget; the answer listing the positions."""
    page.locator(f"{WIDGET} textarea#input").fill(words)
    page.locator(f"{WIDGET} textarea#input").press("Enter")
    answer = page.locator(JOBS).last
    expect(answer).to_be_visible(timeout=30_000)
    return answer


def open_more_about(page: Page, answer, title: str, article: str) -> None:
    """Click a position's "more about" button: its article is the next answer."""
    before = page.locator(ARTICLE).count()
    answer.locator(".choice", has_text=title).click()
    expect(page.locator(ARTICLE)).to_have_count(before + 1, timeout=30_000)
    latest = page.locator(ARTICLE).last
    expect(latest.locator(".rating")).to_have_attribute("data-article", article)
    expect(page.locator(f"{WIDGET} .message.candidate .bubble").last).to_have_text(title)


def test_a_search_at_desktop_width_in_french(fr_desktop: Page):
    page = fr_desktop
    answer = search(page, "je cherche un poste à Lyon en télétravail")
    bubble = answer.locator(".bubble")
    expect(bubble).to_contain_text("Voici les postes ouverts qui correspondent à votre recherche")
    expect(bubble.locator("strong")).to_have_text(
        ["Senior Backend Engineer", "SRE / Platform Engineer", "Data Scientist (forecasting)"]
    )
    expect(bubble).to_contain_text("Basé à Lyon, télétravail complet possible en France.")
    expect(bubble).to_contain_text(
        "Basé à Lyon, hybride : jusqu'à 3 jours de télétravail par semaine."
    )
    expect(answer.locator(".choice")).to_have_text(
        [
            "En savoir plus : Senior Backend Engineer",
            "En savoir plus : SRE / Platform Engineer",
            "En savoir plus : Data Scientist (forecasting)",
        ]
    )
    screenshot(page, "job-search-desktop-fr")
    open_more_about(page, answer, "En savoir plus : SRE / Platform Engineer", "job-sre")
    expect(page.locator(ARTICLE).last.locator(".bubble")).to_contain_text("SRE / Platform Engineer")


def test_a_search_at_phone_width_in_english(en_phone: Page):
    page = en_phone
    answer = search(page, "which roles are hybrid in Paris?")
    bubble = answer.locator(".bubble")
    expect(bubble).to_contain_text("Here are the open positions that match what you're looking for")
    expect(bubble.locator("strong")).to_have_text(
        ["SRE / Platform Engineer", "Product Designer", "Customer Success Manager"]
    )
    expect(bubble).to_contain_text("Based in Paris, hybrid: up to 3 remote days a week.")
    expect(answer.locator(".choice")).to_have_text(
        [
            "More about: SRE / Platform Engineer",
            "More about: Product Designer",
            "More about: Customer Success Manager",
        ]
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    widths = page.evaluate(
        """() => {
          const root = document.querySelector('#ardoise-chat').shadowRoot || document;
          const log = root.querySelector('.log');
          return [log.scrollWidth, log.clientWidth];
        }"""
    )
    assert widths[0] <= widths[1], widths  # nothing in the conversation scrolls sideways
    screenshot(page, "job-search-phone-en")
    open_more_about(page, answer, "More about: Product Designer", "job-product-designer")
    expect(page.locator(ARTICLE).last.locator(".bubble")).to_contain_text("Product Designer")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
