"""A real headless Chromium (Debian's, driven by Playwright) against the running assistant."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Dialog, Page, Playwright, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from bot.core.db import transaction
from bot.core.settings import Settings, settings_from
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.knowledge.files import load_directory
from bot.knowledge.service import import_docs
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from bot.staff.accounts import add_user
from tests.conftest import ARTIFACTS
from tests.e2e.conftest import start_or_fail

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
    page = watched(context.new_page())
    yield page
    context.close()


def screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}


def watched(page: Page) -> Page:
    """Keep the page's dialogs (dismissed) and JavaScript errors in `page.dialogs` and
    `page.errors`, for the test to assert none happened."""
    dialogs: list[str] = []
    errors: list[str] = []
    page.dialogs, page.errors = dialogs, errors  # type: ignore[attr-defined]

    def on_dialog(dialog: Dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    def on_error(error: PlaywrightError) -> None:
        errors.append(str(error))

    page.on("dialog", on_dialog)
    page.on("pageerror", on_error)
    return page


def open_widget(
    browser: Browser, web_port: int, *, language: str, **options: Any
) -> Iterator[Page]:
    """The careers page in `language` (1280×800 unless `options` say otherwise), the chat
    open and its notice read; by the end no dialog, no page error, and no markup a
    candidate typed has run (`window.__pwned`, which the tests' payloads would set)."""
    context = browser.new_context(
        locale="fr-FR" if language == "fr" else "en-GB",
        **({"viewport": {"width": 1280, "height": 800}} | options),
    )
    page = watched(context.new_page())
    try:
        path = "/" if language == "fr" else "/en/"
        page.goto(f"http://127.0.0.1:{web_port}{path}")
        expect(page.locator("#ardoise-chat[data-ready]")).to_be_attached(timeout=10_000)
        page.locator("#ardoise-chat .launcher").click()
        page.locator("#ardoise-chat .notice button").click()
        yield page
        assert page.dialogs == [] and page.errors == []  # type: ignore[attr-defined]
        assert page.evaluate("window.__pwned") is None
    finally:
        context.close()


def signed_in(browser: Browser, url: str, login: str, password: str, **options: Any) -> Page:
    """A fresh French profile (1366×900 unless `options` say otherwise) signed in to the
    HR workspace through the real form; dialogs and errors watched."""
    context = browser.new_context(
        **({"viewport": {"width": 1366, "height": 900}, "locale": "fr-FR"} | options)
    )
    page = watched(context.new_page())
    page.goto(f"{url}/console/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/console/hr"))
    return page


HR_LOGIN, HR_PASSWORD = "helene", "a-long-workspace-password"


@dataclass
class HrStack:
    """The web server of `hr_workspace`: its settings, address and database."""

    settings: Settings

    @property
    def url(self) -> str:
        return self.settings.web_url

    @property
    def db(self) -> str:
        return self.settings.database_url


def hr_workspace(root: Path, web_port: int) -> Iterator[HrStack]:
    """The web server alone (nothing listens on the Rasa and action ports: no page here
    needs them) on a fresh SQLite database under `root` holding the default knowledge base
    and records, Rasa's events table (empty) and HR's account HR_LOGIN."""
    url = f"sqlite:///{root / 'app.db'}"
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,  # and Rasa's tracker store (TRACKER_STORE_URL's default)
            "WEB_PORT": str(web_port),
            "RASA_PORT": str(web_port + 5),
            "ACTION_PORT": str(web_port + 6),
            "RASA_TOKEN": "workspace-token",
            "OFFICE_HOURS": "mon-sun 00:00-24:00",
        }
    )
    upgrade(url)
    with transaction(url) as session:
        import_docs(session=session, docs=load_directory(settings.knowledge_dir), author="tests")
        prepare_records(session=session, today=local_today(settings.office_timezone))
        add_user(
            session=session, login=HR_LOGIN, display_name="Hélène", role="hr", password=HR_PASSWORD
        )
    EVENTS.metadata.create_all(tracker_engine(url))
    services = Services(settings=settings, model=Path(), log_dir=root / "logs")
    services.start_web()
    try:
        start_or_fail(services)
        yield HrStack(settings)
    finally:
        services.stop()
