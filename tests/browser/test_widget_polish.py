"""First-time candidates in the widget (issue 18): starter questions on an empty
conversation, suggestions as wrapping chips on a phone, and a way out of "did you mean"."""

from __future__ import annotations

import pytest
import requests
from playwright.sync_api import Browser, Page, expect

from bot.core.texts import text
from tests.browser.conftest import screenshot
from tests.browser.test_widget import ANSWER, ask, last_answer, open_site, open_widget

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

STARTERS = "#ardoise-chat .starters"
# A one-word question the trained model hesitates on ("did you mean": two articles).
AMBIGUOUS = "package"  # the model hesitates between the benefits and the relocation package


def starters_of(assistant, language: str) -> list[dict[str, str]]:
    url = f"http://127.0.0.1:{assistant.settings.web_port}/widget/starters"
    answer = requests.get(url, params={"lang": language}, timeout=10)
    assert answer.status_code == 200
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    return answer.json()["starters"]


@pytest.mark.parametrize(("path", "language"), [("/", "fr"), ("/en/", "en")])
def test_an_empty_conversation_offers_starter_questions_in_the_pages_language(
    page: Page, assistant, path: str, language: str
):
    served = starters_of(assistant, language)
    assert 3 <= len(served) <= 4
    open_site(page, assistant, path)
    open_widget(page)
    chips = page.locator(f"{STARTERS} .choice:not([data-starter])")
    expect(chips.first).to_be_visible(timeout=10_000)
    if chips.all_inner_texts() != [s["title"] for s in served]:
        # the server keeps each language's starters 60 s (bot/web/starters.py): the widget's
        # request came after the kept list turned over, so ask again for the same list
        served = starters_of(assistant, language)
    expect(chips).to_have_text([s["title"] for s in served], timeout=10_000)
    # and, last, "what matters to me" (the personal pitch, tests/browser/test_priorities.py)
    matters = {"fr": "Ce qui compte pour moi…", "en": "What matters to me…"}[language]
    expect(page.locator(f"{STARTERS} .choice").last).to_have_text(matters)
    screenshot(page, f"widget-starters-{language}")

    chips.first.click()
    # The candidate's bubble reads the title, never the command; the chips are gone.
    candidate = page.locator("#ardoise-chat .message.candidate .bubble")
    expect(candidate).to_have_text([served[0]["title"]])
    expect(page.locator(STARTERS)).to_be_hidden()
    expect(page.locator(ANSWER)).to_have_count(1, timeout=30_000)
    expect(last_answer(page).locator(".rating")).to_have_attribute(
        "data-article", served[0]["article"]
    )
    # The server kept the title as what the candidate said: the history shows it too.
    page.reload()
    expect(page.locator("#ardoise-chat .panel")).to_be_visible()
    expect(page.locator(ANSWER)).to_have_count(1, timeout=15_000)
    expect(candidate).to_have_text([served[0]["title"]])
    expect(page.locator(STARTERS)).to_be_hidden()
    # A new conversation is empty again: the chips come back.
    page.locator("#ardoise-chat .new").click()
    expect(chips).to_have_count(len(served), timeout=10_000)
    assert page.dialogs == [] and page.errors == []


def test_suggestions_are_wrapping_chips_and_touch_targets_on_a_phone(browser: Browser, assistant):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="fr-FR", has_touch=True, is_mobile=True
    )
    page = context.new_page()
    try:
        open_site(page, assistant)
        open_widget(page)
        page.locator("#ardoise-chat .notice button").click()
        ask(page, "Quels sont les avantages ?")
        choices = last_answer(page).locator(".choice")
        expect(choices.first).to_be_visible()
        assert choices.count() >= 3
        boxes = [choices.nth(i).bounding_box() for i in range(choices.count())]
        assert all(b is not None for b in boxes)
        heights = [round(b["height"]) for b in boxes if b]
        assert min(heights) >= 44, heights
        # chips, not one button per line: at least two suggestions share a row
        rows = [round(b["y"]) for b in boxes if b]
        assert len(set(rows)) < len(rows), rows
        assert all(b["x"] >= 0 and b["x"] + b["width"] <= 390 for b in boxes if b), boxes
        overflow = page.evaluate(
            """() => {
                const root = document.querySelector('#ardoise-chat').shadowRoot;
                const log = root.querySelector('.log');
                return [document.documentElement.scrollWidth, log.scrollWidth, log.clientWidth];
            }"""
        )
        assert overflow[0] <= 390 and overflow[1] <= overflow[2], overflow
        screenshot(page, "widget-phone-chips")
    finally:
        context.close()


def test_did_you_mean_offers_a_way_out_to_a_recruiter(page: Page, assistant):
    open_site(page, assistant)
    open_widget(page)
    page.locator("#ardoise-chat textarea").fill(AMBIGUOUS)
    page.locator("#ardoise-chat textarea").press("Enter")
    clarify = page.locator('#ardoise-chat .message[data-type="clarify"]')
    expect(clarify).to_have_count(1, timeout=30_000)
    choices = clarify.locator(".choice")
    expect(choices).to_have_count(3)
    none = text("clarify_none_button", "fr")
    expect(choices.last).to_have_text(none)
    screenshot(page, "widget-clarify-way-out")
    choices.last.click()
    expect(page.locator("#ardoise-chat .message.candidate .bubble").last).to_have_text(none)
    # a recruiter is asked for: the handoff's first step answers
    expect(page.locator('#ardoise-chat .message[data-type="handoff"]')).to_have_count(
        1, timeout=30_000
    )
    assert page.dialogs == [] and page.errors == []
