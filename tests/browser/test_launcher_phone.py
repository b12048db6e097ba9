"""On a phone the chat's launcher never covers the careers page's own "ask the assistant"
buttons (issue 18): closed, it is a round icon, and it steps aside while one of the page's
links to the chat lies under it; the page's button takes the tap and opens the chat. Only
the web server runs: the page and the widget are what is tested."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import screenshot
from tests.conftest import port
from tests.security.attacks import WebStack, web_stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    yield from web_stack(tmp_path_factory.mktemp("launcher"), port(18975))


# Where the closed launcher is, and what the page shows at a point of it (elementFromPoint
# sees through a launcher that stepped aside: visibility hidden).
LAUNCHER_BOX = """() => {
    const r = document.querySelector('#ardoise-chat').shadowRoot
        .querySelector('.launcher').getBoundingClientRect();
    return {left: r.left, top: r.top, right: r.right, bottom: r.bottom};
}"""
ON_TOP = """([x, y]) => {
    const hit = document.elementFromPoint(x, y);
    if (!hit) return 'nothing';
    if (hit.id === 'ardoise-chat') return 'launcher';
    return hit.closest('a[href="#assistant"]') ? 'link' : hit.tagName;
}"""


@pytest.mark.parametrize(("path", "language"), [("/", "fr"), ("/en/", "en")])
def test_on_a_phone_the_launcher_never_covers_the_pages_own_ask_the_assistant_buttons(
    browser: Browser, stack: WebStack, path: str, language: str
):
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        locale="fr-FR" if language == "fr" else "en-GB",
        has_touch=True,
        is_mobile=True,
    )
    page = context.new_page()
    try:
        page.goto(f"{stack.url}{path}")
        expect(page.locator("#ardoise-chat[data-ready]")).to_be_attached(timeout=10_000)
        launcher = page.evaluate(LAUNCHER_BOX)
        # closed on a phone, only the round icon, named for screen readers
        assert launcher["right"] - launcher["left"] <= 64, launcher
        name = {"fr": "Discuter avec l'assistant", "en": "Chat with our assistant"}[language]
        expect(page.locator("#ardoise-chat .launcher")).to_have_accessible_name(name)
        middle = (
            (launcher["left"] + launcher["right"]) / 2,
            (launcher["top"] + launcher["bottom"]) / 2,
        )
        links = page.locator('a[href="#assistant"]')
        met = 0
        for i in range(links.count()):
            # scroll the page's link to the launcher's height
            page.evaluate(
                """([i, y]) => {
                    const link = document.querySelectorAll('a[href="#assistant"]')[i];
                    const r = link.getBoundingClientRect();
                    window.scrollBy({top: r.top + r.height / 2 - y, behavior: "instant"});
                }""",
                [i, middle[1]],
            )
            box = links.nth(i).bounding_box()
            assert box is not None
            under = box["x"] < launcher["right"] and box["x"] + box["width"] > launcher["left"]
            if not (under and box["y"] < middle[1] < box["y"] + box["height"]):
                continue  # the page cannot scroll it there, or it is not in the launcher's column
            met += 1
            point = [
                (max(box["x"], launcher["left"]) + min(box["x"] + box["width"], launcher["right"]))
                / 2,
                middle[1],
            ]
            page.wait_for_function(f"(p) => ({ON_TOP})(p) === 'link'", arg=point, timeout=5_000)
        assert met >= 2, "no page link was ever under the launcher: the test proves nothing"
        screenshot(page, f"widget-phone-launcher-aside-{language}")
        # the page's button, not the launcher, takes the tap: the chat opens
        hit = page.evaluate(ON_TOP, list(middle))
        assert hit == "link", hit
        page.touchscreen.tap(*middle)
        expect(page.locator("#ardoise-chat .panel")).to_be_visible()
        # closed again, the launcher is back wherever no link lies under it, and steps
        # aside wherever one does: a sweep down the whole page
        page.locator("#ardoise-chat .close").click()
        page.evaluate("document.querySelector('#ardoise-chat').shadowRoot.activeElement.blur()")
        height = page.evaluate("document.documentElement.scrollHeight")
        shown = 0
        for top in range(0, height, 150):
            page.evaluate(f"window.scrollTo({{top: {top}, behavior: 'instant'}})")
            covering = page.evaluate(
                """(box) => [...document.querySelectorAll('a[href="#assistant"]')].some((a) => {
                    const r = a.getBoundingClientRect();
                    return r.width > 0 && r.left < box.right && r.right > box.left
                        && r.top < box.bottom && r.bottom > box.top;
                })""",
                launcher,
            )
            expected = "!== 'launcher'" if covering else "=== 'launcher'"
            page.wait_for_function(
                f"(p) => ({ON_TOP})(p) {expected}", arg=list(middle), timeout=5_000
            )
            shown += not covering
            if not covering and shown == 1:
                screenshot(page, f"widget-phone-launcher-{language}")
        assert shown >= 3, shown
    finally:
        context.close()
