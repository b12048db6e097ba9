"""Accessibility, measured (issue 18): axe-core (vendored from the npm registry,
tests/browser/vendor, `scripts/vendor-js` refreshes it) in a real Chromium on the careers
page, the widget (closed, open, with a conversation, while waiting for a recruiter), the
recruiters' console and every tab of HR's workspace: no serious or critical violation of
WCAG 2.1 A and AA. Then a keyboard-only pass through each: everything done with Tab,
Enter, Space and Escape, the focus always visible.

The counts per page are printed (`-s` shows them) for the closing note."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import watched
from tests.e2e.conftest import PASSWORD, close_open_handoffs, staff_account, with_records
from tests.e2e.console_client import Recruiter

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WIDGET = "#ardoise-chat"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")
RUN = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map((n) => n.target.join(" > ")),
  }));
}"""


def violations(page: Page, name: str) -> list[dict]:
    """axe-core's serious and critical violations on the page as it is now (the widget's
    open shadow root included); every violation's count is printed."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    found = page.evaluate(RUN, TAGS)
    counts = {level: sum(1 for v in found if v["impact"] == level) for level in BLOCKING}
    print(f"axe {name}: {len(found)} violations, {counts}")  # noqa: T201 - the figures asked for
    return [v for v in found if v["impact"] in BLOCKING]


def assert_clean(page: Page, name: str) -> None:
    blocking = violations(page, name)
    assert blocking == [], json.dumps(blocking, indent=1, ensure_ascii=False)


def focused(page: Page) -> dict:
    """The focused element, through the widget's shadow root: tag, class, name, whether it
    shows a focus indicator (an outline or a box shadow)."""
    return page.evaluate(
        """() => {
          let e = document.activeElement;
          while (e && e.shadowRoot && e.shadowRoot.activeElement) e = e.shadowRoot.activeElement;
          if (!e) return {};
          const s = getComputedStyle(e);
          const ring = (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0)
            || (s.boxShadow && s.boxShadow !== "none");
          return { tag: e.tagName.toLowerCase(), cls: String(e.className || ""),
                   text: (e.getAttribute("aria-label") || e.textContent || "").trim().slice(0, 60),
                   ring: Boolean(ring) };
        }"""
    )


def tab_to(page: Page, matches, most: int = 60, key: str = "Tab") -> dict:
    """Press Tab (or Shift+Tab) until the focused element matches; it must show where the
    focus is."""
    seen = []
    for _ in range(most):
        page.keyboard.press(key)
        now = focused(page)
        if matches(now):
            assert now["ring"], f"no visible focus on {now}"
            return now
        seen.append(now)
    raise AssertionError(f"never reached by Tab; focused in turn: {seen}")


@pytest.fixture(scope="module")
def staff(assistant):
    with_records(assistant)
    staff_account(assistant, "ana-a11y", "Ana Recruteuse")
    staff_account(assistant, "hr-a11y", "Hana RH", role="hr")
    yield
    close_open_handoffs(assistant)


@pytest.fixture
def page(browser: Browser, staff) -> Iterator[Page]:
    context = browser.new_context(
        locale="fr-FR", viewport={"width": 1280, "height": 800}, bypass_csp=True
    )
    page = watched(context.new_page())
    yield page
    assert page.dialogs == [] and page.errors == []  # type: ignore[attr-defined]
    context.close()


def sign_in(page: Page, url: str, login: str) -> None:
    page.goto(f"{url}/console/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")


@pytest.mark.parametrize("path", ["/", "/en/"])
def test_the_careers_page_and_the_widget_have_no_serious_violation(page: Page, assistant, path):
    page.goto(f"{assistant.settings.web_url}{path}")
    expect(page.locator(f"{WIDGET}[data-ready]")).to_be_attached(timeout=10_000)
    assert_clean(page, f"careers {path} (widget closed)")
    # keyboard: the launcher is reached with Tab and opens the chat with Enter
    tab_to(page, lambda f: "launcher" in f["cls"], most=200)
    page.keyboard.press("Enter")
    expect(page.locator(f"{WIDGET} .panel")).to_be_visible()
    assert_clean(page, f"careers {path} (widget open)")
    page.keyboard.type("Combien de jours de congés ?" if path == "/" else "How many days off?")
    page.keyboard.press("Enter")
    answer = page.locator(f"{WIDGET} .message.assistant[data-type=answer]")
    expect(answer).to_have_count(1, timeout=30_000)
    assert_clean(page, f"careers {path} (widget with a conversation)")
    # a suggestion, reached and pressed with the keyboard only
    chip = tab_to(page, lambda f: "choice" in f["cls"])
    page.keyboard.press("Enter")
    expect(page.locator(f"{WIDGET} .message.candidate")).to_have_count(2, timeout=15_000)
    assert chip["text"]
    page.keyboard.press("Escape")
    expect(page.locator(f"{WIDGET} .panel")).to_be_hidden()


def test_the_application_form_has_no_serious_violation_and_works_by_keyboard(page: Page, assistant):
    """Issue 14: the widget's application form, and its refusals, by keyboard only."""
    page.goto(f"{assistant.settings.web_url}/")
    expect(page.locator(f"{WIDGET}[data-ready]")).to_be_attached(timeout=10_000)
    page.locator(f"{WIDGET} .launcher").click()
    page.locator(f"{WIDGET} .notice button").click()
    page.locator(f"{WIDGET} textarea").fill("je veux postuler")
    page.locator(f"{WIDGET} textarea").press("Enter")
    form = page.locator(f"{WIDGET} form.apply-form")
    expect(form).to_be_visible(timeout=30_000)
    assert_clean(page, "widget application form")
    send = tab_to(page, lambda f: f["tag"] == "button" and "candidature" in f["text"])
    assert send["text"] == "Envoyer ma candidature"
    page.keyboard.press("Enter")
    expect(form.locator("[aria-invalid=true]").first).to_be_focused()
    assert_clean(page, "widget application form (refused)")


def test_the_widget_while_waiting_and_the_console_have_no_serious_violation(
    page: Page, browser: Browser, assistant
):
    url = assistant.settings.web_url
    ana = Recruiter(url)
    assert ana.sign_in("ana-a11y", PASSWORD).status_code == 302  # on duty: requests queue
    page.goto(f"{url}/")
    expect(page.locator(f"{WIDGET}[data-ready]")).to_be_attached(timeout=10_000)
    page.locator(f"{WIDGET} .launcher").click()
    page.locator(f"{WIDGET} .notice button").click()
    page.locator(f"{WIDGET} button.human").click()
    expect(page.locator(f"{WIDGET} .handoff-status")).to_be_visible(timeout=30_000)
    assert_clean(page, "widget while waiting for a recruiter")
    cancel = tab_to(page, lambda f: "cancel-handoff" in f["cls"])
    assert cancel["text"] == "Annuler ma demande"

    console = watched(
        browser.new_context(
            locale="fr-FR", viewport={"width": 1366, "height": 900}, bypass_csp=True
        ).new_page()
    )
    try:
        sign_in(console, url, "ana-a11y")
        waiting = console.locator("#queue li button.queued")
        expect(waiting.first).to_be_visible(timeout=15_000)
        assert_clean(console, "console (queue)")
        waiting.last.click()
        expect(console.locator("#detail-title")).to_be_visible(timeout=15_000)
        assert_clean(console, "console (a conversation)")
        # keyboard: the claim button is reached with Tab and works with Enter
        tab_to(console, lambda f: f["tag"] == "button" and "Prendre" in f["text"])
        console.keyboard.press("Enter")
        expect(console.locator("#reply")).to_be_visible(timeout=15_000)
        assert_clean(console, "console (live chat)")
        # keyboard: the quick replies open with Enter, their search takes the focus
        tab_to(console, lambda f: f["tag"] == "button" and f["text"] == "Réponses rapides")
        console.keyboard.press("Enter")
        expect(console.locator("#quick-q")).to_be_focused(timeout=15_000)
        expect(console.locator("#quick .quick-item").first).to_be_visible()
        assert_clean(console, "console (quick replies)")
        assert console.dialogs == [] and console.errors == []  # type: ignore[attr-defined]
    finally:
        console.context.close()
        ana.sign_out()


TABS = [
    "articles",
    "inbox",
    "records",
    "ambassadors",
    "coffees",
    "replies",
    "model",
    "dashboard",
    "audit",
]


def test_every_workspace_tab_has_no_serious_violation_and_works_by_keyboard(page: Page, assistant):
    sign_in(page, assistant.settings.web_url, "hr-a11y")
    expect(page.locator("a[data-tab=articles]")).to_be_visible(timeout=15_000)
    for tab in TABS:
        page.click(f"a[data-tab={tab}]")
        expect(page.locator(f"a[data-tab={tab}][aria-current=page]")).to_be_attached(timeout=10_000)
        page.wait_for_load_state("networkidle")
        assert_clean(page, f"workspace {tab}")
    # keyboard: from the top, Tab reaches the tabs, Enter opens one
    page.goto(f"{assistant.settings.web_url}/console/hr")
    expect(page.locator("a[data-tab=articles]")).to_be_visible(timeout=15_000)
    # the page puts the focus on its content: the tabs are above it
    tab_to(page, lambda f: f["tag"] == "a" and f["text"] == "Tableau de bord", key="Shift+Tab")
    page.keyboard.press("Enter")
    expect(page.locator("a[data-tab=dashboard][aria-current=page]")).to_be_attached(timeout=10_000)
