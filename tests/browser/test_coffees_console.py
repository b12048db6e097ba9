"""Team coffees in the console, in a real Chromium against the web server as a process:
a recruiter sees a past coffee whose note is hostile markup, shown as text, and marks
it attended."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from bot.core.db import transaction
from bot.meetings.models import Booking
from bot.staff.accounts import add_user
from tests.browser.conftest import screenshot
from tests.conftest import port
from tests.handoff.coffee_data import HOSTILE_NOTE, add_coffee
from tests.security.attacks import PASSWORD, WebStack, web_stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    yield from web_stack(tmp_path_factory.mktemp("coffees-browser"), port(18980))


@pytest.fixture(scope="module")
def coffees(stack: WebStack) -> dict[str, str]:
    with transaction(stack.db_url) as session:
        add_user(
            session=session,
            login="ines",
            display_name="Inès Martin",
            role="recruiter",
            password=PASSWORD,
        )
    return {
        "past": add_coffee(
            stack.db_url, hours_from_now=-26, note=HOSTILE_NOTE, candidate_name="Ada Lovelace"
        ),
        "upcoming": add_coffee(stack.db_url, hours_from_now=50, candidate_name="Zoé Petit"),
    }


def attendance(stack: WebStack, public_id: str) -> str | None:
    with transaction(stack.db_url) as session:
        return session.execute(
            select(Booking.attendance).where(Booking.public_id == public_id)
        ).scalar_one()


def test_a_recruiter_sees_a_hostile_note_as_text_and_marks_the_coffee_attended(
    page: Page, stack: WebStack, coffees: dict[str, str]
):
    page.goto(f"{stack.url}/console")
    expect(page).to_have_url(re.compile(r"/console/login$"))
    page.fill("#login", "ines")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#link")).to_have_text("En direct", timeout=10_000)

    upcoming = page.locator(f'.coffee[data-id="{coffees["upcoming"]}"]')
    expect(upcoming).to_contain_text("Zoé", timeout=10_000)
    expect(upcoming.locator("button.mark")).to_have_count(0)  # not held yet: no marks

    page.click("#coffees-past")
    expect(page.locator("#coffees-past")).to_have_attribute("aria-pressed", "true")
    past = page.locator(f'.coffee[data-id="{coffees["past"]}"]')
    expect(past.locator(".note")).to_have_text(HOSTILE_NOTE, timeout=10_000)
    expect(past).to_contain_text("Ada")
    expect(past).not_to_contain_text("Lovelace")  # first name only
    expect(past).to_contain_text("camille@example.org")
    expect(past).to_contain_text("Avec Léa Moreau")
    assert page.locator("#coffees img, #coffees script").count() == 0
    assert page.evaluate("window.__xss") is None

    past.locator("button.mark.attended").click()
    marked = page.locator(f'.coffee[data-id="{coffees["past"]}"]')
    expect(marked.locator(".coffee-status")).to_contain_text("venu·e", timeout=10_000)
    expect(marked.locator("button.mark.attended")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#coffees-feedback")).to_have_text("")
    assert attendance(stack, coffees["past"]) == "attended"
    assert page.evaluate("window.__xss") is None
    assert page.dialogs == [] and page.errors == []  # type: ignore[attr-defined]
    screenshot(page, "console-coffees")


def test_a_slow_answer_for_the_tab_left_never_replaces_the_tab_chosen(
    page: Page, stack: WebStack, coffees: dict[str, str]
):
    """The upcoming list's answer is held back until the past list is shown: it arrives
    last and is dropped (the list stays the past one, the count too)."""
    held: list = []

    def hold_upcoming(route):  # type: ignore[no-untyped-def]
        if "when=upcoming" in route.request.url and not held:
            held.append(route)  # answered after the past tab is shown
        else:
            route.continue_()

    page.goto(f"{stack.url}/console")
    page.fill("#login", "ines")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#link")).to_have_text("En direct", timeout=10_000)
    page.route("**/console/api/coffees?*", hold_upcoming)
    page.click("#coffees-upcoming")
    page.click("#coffees-past")
    past = page.locator(f'.coffee[data-id="{coffees["past"]}"]')
    expect(past).to_be_visible(timeout=10_000)
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # the late answer's turn to (not) render
    expect(past).to_be_visible()
    expect(page.locator(f'.coffee[data-id="{coffees["upcoming"]}"]')).to_have_count(0)
    expect(page.locator("#coffees-past")).to_have_attribute("aria-pressed", "true")
