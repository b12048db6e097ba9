"""Sourced answers in a real Chromium against the real assistant: the line under an answer
naming its owner team and when HR checked it, the caveat and the stale look of an article
HR has not checked for too long (desktop in French, phone in English), and HR's "À
revérifier" list in the workspace inbox, where "Toujours vrai" makes the article fresh."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import PHONE, open_widget, screenshot
from tests.e2e.conftest import new_sender
from tests.e2e.test_sourced_answers import (
    ARTICLE,
    BETWEEN,
    CHECK_BUTTONS,
    MONTHS,
    OWNER_LABELS,
    PASSWORD,
    QUESTIONS,
    caveat,
    hr_account,
    office_today,
    reviewed_on,
    stale_article,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDGET = "#ardoise-chat"
ANSWER = f"{WIDGET} .message.assistant:has(.rating)"
TITLE_FR = "Congés et RTT"  # the time-off article's French title (data/knowledge/pay.yml)


def source_line(owner: str, day: date, language: str) -> str:
    """The widget's line under an answer (dates as the browser writes them: '1 mars')."""
    shown = f"{day.day} {MONTHS[language][day.month - 1]} {day.year}"
    if language == "fr":
        return f"Source : {owner} · vérifié par les RH le {shown}"
    return f"Source: {owner} · checked by HR on {shown}"


CASES = {
    "desktop-fr": ("fr", {"viewport": {"width": 1280, "height": 800}}),
    "phone-en": ("en", PHONE),
}


@pytest.fixture
def widget(browser: Browser, assistant, case: str) -> Iterator[Page]:
    """The careers page in the case's language and screen, its chat open, notice read."""
    language, options = CASES[case]
    yield from open_widget(browser, assistant.settings.web_port, language=language, **options)


def ask(page: Page, text: str):
    """Type a question, wait for its answer; the answer's message."""
    before = page.locator(ANSWER).count()
    page.locator(f"{WIDGET} textarea").fill(text)
    page.locator(f"{WIDGET} textarea").press("Enter")
    expect(page.locator(ANSWER)).to_have_count(before + 1, timeout=30_000)
    answer = page.locator(ANSWER).nth(before)  # this one, even once others follow
    expect(answer.locator(".rating")).to_have_attribute("data-article", ARTICLE)
    return answer


@pytest.mark.parametrize("case", list(CASES))
def test_an_answer_shows_its_source_and_a_stale_one_its_caveat(widget: Page, assistant, case):
    page, language = widget, CASES[case][0]
    owner = OWNER_LABELS[language]

    fresh = ask(page, QUESTIONS[language])
    reviewed = reviewed_on(assistant)
    assert reviewed is not None
    expect(fresh.locator("p.source")).to_have_text(source_line(owner, reviewed, language))
    expect(fresh.locator("p.source")).not_to_have_class(re.compile(r"\bstale\b"))
    expect(fresh.locator(".bubble")).not_to_contain_text(caveat(reviewed, language))
    expect(fresh.get_by_role("button", name=CHECK_BUTTONS[language])).to_have_count(0)

    with stale_article(assistant) as old:
        # another question first: the same article twice in a row gets a follow-up
        between = page.locator(f"{WIDGET} .message.assistant[data-type=answer]").count()
        page.locator(f"{WIDGET} textarea").fill(BETWEEN[language])
        page.locator(f"{WIDGET} textarea").press("Enter")
        expect(page.locator(f"{WIDGET} .message.assistant[data-type=answer]")).to_have_count(
            between + 1, timeout=30_000
        )
        stale = ask(page, QUESTIONS[language])
        expect(stale.locator(".bubble")).to_contain_text(caveat(old, language))
        expect(stale.locator("p.source.stale")).to_have_text(source_line(owner, old, language))
        expect(stale.get_by_role("button", name=CHECK_BUTTONS[language])).to_be_visible()
        # the earlier answer keeps what it was when given
        expect(fresh.locator("p.source")).to_have_text(source_line(owner, reviewed, language))
        screenshot(page, f"sourced-answer-{case}")


@pytest.fixture
def hr_page(browser: Browser, assistant) -> Iterator[Page]:
    """HR signed in to the workspace of the running assistant."""
    login = hr_account(assistant)
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="fr-FR", timezone_id="Europe/Paris"
    )
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
    try:
        page.goto(f"{assistant.settings.web_url}/console/hr")
        page.fill("#login", login)
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/console/hr$"))
        yield page
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        context.close()


def test_hr_rechecks_a_stale_article_from_the_inbox_in_one_click(hr_page: Page, assistant):
    page = hr_page
    today = office_today(assistant)
    original = reviewed_on(assistant)
    with stale_article(assistant) as old:
        assistant.ask(new_sender(), QUESTIONS["fr"], metadata={"language": "fr"})
        page.goto(page.url.split("#")[0] + "#inbox")
        section = page.locator("section.recheck")
        expect(section.locator("h3")).to_have_text("À revérifier (1)", timeout=10_000)
        expect(section.locator("h4")).to_have_text(["People (RH)"])
        item = section.locator('ul.recheck-list[data-team="people"] li[data-article="time-off"]')
        expect(item).to_have_count(1)
        link = item.get_by_role("link", name=TITLE_FR)
        expect(link).to_have_attribute("href", "#article/time-off")
        expect(item).to_contain_text(f"vérifié le {old:%d/%m/%Y}")
        expect(item).to_contain_text("1 réponse(s)")
        expect(item.locator("ul.asked q")).to_have_text([QUESTIONS["fr"]])
        screenshot(page, "sourced-answer-workspace-recheck")

        item.get_by_role("button", name="Toujours vrai").click()
        expect(section.locator(".notice")).to_have_text(
            f"« {TITLE_FR} » : vérifié aujourd'hui, l'assistant ne met plus de réserve."
        )
        expect(section.locator('li[data-article="time-off"]')).to_have_count(0)
        assert reviewed_on(assistant) == today
        screenshot(page, "sourced-answer-workspace-checked")
    assert reviewed_on(assistant) == original
