"""Waiting for a recruiter in a real Chromium against the real assistant (issue 18): the
composer says who will join and roughly when, with a cancel button instead of "talk to a
recruiter"; a message typed meanwhile is acknowledged once; cancelling brings the
assistant back; once a recruiter joins, the box says who is there."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import open_widget, screenshot
from tests.e2e.conftest import PASSWORD, close_open_handoffs, staff_account
from tests.e2e.console_client import Recruiter

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDGET = "#ardoise-chat"


@pytest.fixture(scope="module")
def camille(assistant) -> Iterator[Recruiter]:
    """A recruiter signed in (so requests are queued), and no open handoff left after."""
    staff_account(assistant, "camille-wait", "Camille Roux")
    recruiter = Recruiter(assistant.settings.web_url)
    assert recruiter.sign_in("camille-wait", PASSWORD).status_code == 302
    yield recruiter
    recruiter.sign_out()
    close_open_handoffs(assistant)


@pytest.fixture
def widget(browser: Browser, assistant) -> Iterator[Page]:
    yield from open_widget(browser, assistant.settings.web_port, language="fr")


def send(page: Page, words: str) -> None:
    page.locator(f"{WIDGET} textarea").fill(words)
    page.locator(f"{WIDGET} textarea").press("Enter")


def test_waiting_shows_who_and_when_acknowledges_and_cancels(widget: Page, camille: Recruiter):
    page = widget
    human = page.locator(f"{WIDGET} button.human")
    box = page.locator(f"{WIDGET} .handoff-status")
    expect(box).to_be_hidden()
    human.click()
    expect(box).to_be_visible(timeout=30_000)
    expect(box.locator("p")).to_have_text(re.compile(r"^En attente d.* · environ \d+ min$"))
    expect(human).to_be_hidden()
    cancel = box.get_by_role("button", name="Annuler ma demande")
    expect(cancel).to_be_visible()
    send(page, "Je suis disponible cet après-midi")
    noted = page.locator(f"{WIDGET} .message[data-type=handoff]").filter(has_text="C'est noté")
    expect(noted).to_have_count(1, timeout=30_000)
    send(page, "Merci !")
    expect(page.locator(f"{WIDGET} .message.candidate").last).not_to_have_class(
        re.compile(r"\bpending\b"), timeout=30_000
    )
    expect(noted).to_have_count(1)  # once a wait
    screenshot(page, "handoff-waiting")
    cancel.click()
    expect(page.locator(f"{WIDGET} .message.assistant").last).to_contain_text(
        "Demande annulée", timeout=30_000
    )
    expect(box).to_be_hidden()
    expect(human).to_be_visible()
    # the assistant answers again
    send(page, "Combien de jours de congés ?")
    expect(page.locator(f"{WIDGET} .message.assistant[data-type=answer]")).to_have_count(
        1, timeout=30_000
    )


def test_once_a_recruiter_joins_the_box_says_who_is_there(widget: Page, camille: Recruiter):
    page = widget
    page.locator(f"{WIDGET} button.human").click()
    box = page.locator(f"{WIDGET} .handoff-status")
    expect(box).to_be_visible(timeout=30_000)
    queue = camille.queue()
    assert queue, "the request is in the console's queue"
    handoff = queue[-1]
    assert camille.post(f"/console/api/handoffs/{handoff['id']}/claim").status_code == 200
    expect(box.locator("p")).to_have_text(
        "Camille Roux (recrutement) est avec vous", timeout=30_000
    )
    expect(box.get_by_role("button", name="Annuler ma demande")).to_be_hidden()
    expect(page.locator(f"{WIDGET} button.human")).to_be_hidden()
    camille.post(f"/console/api/handoffs/{handoff['id']}/return")
    expect(box).to_be_hidden(timeout=30_000)
    expect(page.locator(f"{WIDGET} button.human")).to_be_visible()
