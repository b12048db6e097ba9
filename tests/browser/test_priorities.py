""" "What matters to you?" in a real Chromium against the real assistant (issue 13): the
starter chip, the chips toggled then sent at once, the pitch with its sources, positions
and buttons (desktop in French), words typed on a phone in English, the candidate's own
bubble in words (never the JSON), and HR's dashboard chart and table of what candidates
care about."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, open_widget, screenshot, signed_in
from tests.e2e.conftest import PASSWORD, new_sender, staff_account, with_records

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDGET = "#ardoise-chat"
PITCH = f"{WIDGET} .message.assistant[data-type=pitch]"
QUESTION = f"{WIDGET} .message.assistant[data-type=priorities_question]"
CASES = {
    "desktop-fr": ("fr", {"viewport": {"width": 1280, "height": 800}}),
    "phone-en": ("en", PHONE),
}


@pytest.fixture(scope="module")
def records(assistant):
    return with_records(assistant)


@pytest.fixture
def widget(browser: Browser, records, case: str) -> Iterator[Page]:
    assistant = records
    language, options = CASES[case]
    yield from open_widget(browser, assistant.settings.web_port, language=language, **options)


@pytest.mark.parametrize("case", ["desktop-fr"])
def test_chips_toggled_then_sent_get_a_sourced_pitch(widget: Page, case):
    page = widget
    page.locator(f"{WIDGET} [data-starter=priorities]").click()
    question = page.locator(QUESTION)
    expect(question).to_have_count(1, timeout=30_000)
    chips = question.locator("button.chip")
    expect(chips).to_have_count(12)
    see = question.get_by_role("button", name="Voir ce qui me correspond")
    see.click()  # nothing chosen: said in the page, nothing sent
    expect(question.locator(".form-error")).to_have_text("Choisissez au moins une réponse.")
    remote = question.get_by_role("button", name="Télétravail")
    pay = question.get_by_role("button", name="Rémunération")
    growth = question.get_by_role("button", name="Apprendre et évoluer")
    for chip in (remote, growth, pay):
        chip.click()
    growth.click()  # changed their mind
    expect(remote).to_have_attribute("aria-pressed", "true")
    expect(growth).to_have_attribute("aria-pressed", "false")
    see.click()
    mine = page.locator(f"{WIDGET} .message.candidate").last
    expect(mine).to_have_text(re.compile("Ce qui compte pour moi : Télétravail, Rémunération$"))
    pitch = page.locator(PITCH)
    expect(pitch).to_have_count(1, timeout=30_000)
    bubble = pitch.locator(".bubble")
    expect(bubble).to_contain_text("Ce qui compte pour vous : Télétravail, Rémunération.")
    expect(bubble.locator("li").first).to_contain_text(
        "source : Le télétravail, vérifié par les RH le"
    )
    expect(bubble).to_contain_text("Les postes ouverts qui vous correspondent")
    expect(pitch.get_by_role("button", name="Visiter nos locaux")).to_be_visible()
    expect(pitch.get_by_role("button", name=re.compile("café", re.IGNORECASE))).to_be_visible()
    assert "{" not in page.locator(f"{WIDGET} .message.candidate").all_inner_texts()[-1]
    screenshot(page, f"pitch-{case}")
    # a reload shows the same words for the candidate's message, not the command
    page.reload()
    expect(page.locator(f"{WIDGET}[data-ready]")).to_be_attached(timeout=10_000)
    if page.locator(f"{WIDGET} .launcher[aria-expanded=false]").count():
        page.locator(f"{WIDGET} .launcher").click()
    expect(page.locator(f"{WIDGET} .message.candidate").last).to_have_text(
        re.compile("Ce qui compte pour moi : Télétravail, Rémunération$"), timeout=15_000
    )


@pytest.mark.parametrize("case", ["phone-en"])
def test_words_on_a_phone_get_the_pitch(widget: Page, case):
    page = widget
    # the chips fit a phone: wrapped, none wider than the screen, touch-sized
    page.locator(f"{WIDGET} [data-starter=priorities]").click()
    question = page.locator(QUESTION)
    expect(question.locator("button.chip")).to_have_count(12, timeout=30_000)
    for box in [c.bounding_box() for c in question.locator("button.chip").all()]:
        assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 390
    screenshot(page, f"priorities-chips-{case}")
    # words work as well as chips
    page.locator(f"{WIDGET} textarea").fill("honestly what matters to me is parental leave")
    page.locator(f"{WIDGET} textarea").press("Enter")
    pitch = page.locator(PITCH)
    expect(pitch).to_have_count(1, timeout=30_000)
    expect(pitch.locator(".bubble")).to_contain_text("What matters to you: Parental leave.")
    expect(pitch.locator(".bubble li").first).to_contain_text("source: Parental leave")
    visit = pitch.get_by_role("button", name="Visit our offices")
    expect(visit).to_be_visible()
    box = visit.bounding_box()
    assert box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 390
    screenshot(page, f"pitch-{case}")


@pytest.fixture
def hr_page(browser: Browser, assistant) -> Iterator[Page]:
    login = "helene-pitch"
    staff_account(assistant, login, "Hélène", role="hr")
    page = signed_in(browser, assistant.settings.web_url, login, PASSWORD)
    yield page
    assert page.dialogs == [] and page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_hr_sees_what_candidates_care_about(hr_page: Page, assistant):
    for language, chosen in (("fr", '["stability", "mission"]'), ("en", '["stability"]')):
        assistant.ask(
            new_sender(),
            f'/tell_priorities{{"priorities": {chosen}}}',
            metadata={"language": language},
        )
    page = hr_page
    page.click("a[data-tab=dashboard]")
    area = page.locator("[data-chart=priorities]")
    expect(area).to_be_visible(timeout=10_000)
    heading = "Ce qui compte le plus pour les candidats (conversations)"
    expect(page.locator("figure.chart", has=area).locator("figcaption")).to_have_text(heading)
    table = page.locator("table[data-table=priorities]")
    stability = table.locator("tr[data-priority=stability]")
    expect(stability.locator("th")).to_have_text("Stabilité")
    figures = [int(t) for t in stability.locator("td").all_inner_texts()]
    total, french, english = figures[0], figures[1], figures[2]
    assert total == french + english and french >= 1 and english >= 1
    expect(table.locator("tr[data-priority=mission] th")).to_have_text("Mission et impact")
    area.scroll_into_view_if_needed()
    screenshot(page, "priorities-dashboard")
