"""A real headless Chromium (Debian's, driven by Playwright) against the running assistant."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Dialog, Page, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.conftest import ARTIFACTS

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    if not os.path.exists(path):
        pytest.fail(f"Chromium not found at {path}: run scripts/install-browser (make test does)")
    return path


# Module scope: Playwright's sync API keeps an event loop running in this thread
# while it lives, which the asyncio tests of other modules cannot share.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile (empty storage) per test, failing on any JavaScript dialog."""
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="fr-FR")
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.dialogs = dialogs  # type: ignore[attr-defined]
    page.errors = errors  # type: ignore[attr-defined]

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_error(error: PlaywrightError) -> None:
        errors.append(str(error))

    page.on("dialog", on_dialog)
    page.on("pageerror", on_error)
    yield page
    context.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))
