"""HR fills in a position's search facets in the workspace and sees the warning when the
position's article states another salary range than the record, in a real browser."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.core.db import transaction
from bot.records.models import JobPosition
from bot.staff.accounts import add_user
from tests.browser.conftest import screenshot, signed_in
from tests.browser.test_ambassadors import assert_inert
from tests.conftest import port
from tests.security.attacks import PASSWORD, WebStack, web_stack

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    runs = web_stack(tmp_path_factory.mktemp("job-facets"), port(18760))
    stack = next(runs)
    with transaction(stack.db_url) as session:
        add_user(
            session=session, login="rh-jobs", display_name="Rh Jobs", role="hr", password=PASSWORD
        )
        sre = session.get(JobPosition, "sre")
        sre.salary_min, sre.salary_max = 57_000, 73_000  # the article still says 55-70k
    yield stack
    next(runs, None)


@pytest.fixture
def hr_page(browser: Browser, stack: WebStack) -> Iterator[Page]:
    page = signed_in(browser, stack.url, "rh-jobs", PASSWORD)
    yield page
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def test_hr_sees_the_salary_warning_and_sets_a_positions_facets(hr_page: Page, stack: WebStack):
    page = hr_page
    page.click("a[data-tab=records]")
    row = page.locator("tr[data-record=sre]")
    expect(row.locator(".flag.mismatch")).to_have_count(2, timeout=10_000)
    expect(row.locator(".flag.mismatch").first).to_contain_text(
        "l'article « job-sre » (EN) annonce 55000–70000 € : l'assistant donne celle de la fiche"
    )
    row.get_by_role("button", name="Modifier").click()
    form = page.locator("form.record-form")
    expect(form.get_by_label("Villes (séparées par des virgules)")).to_have_value("Lyon, Paris")
    expect(form.get_by_label("Télétravail")).to_have_value("hybrid")
    expect(form.get_by_label("Niveau")).to_have_value("")
    form.get_by_label("Villes (séparées par des virgules)").fill("Lyon, <b>Paris</b>")
    form.get_by_role("button", name="Enregistrer").click()
    expect(form.get_by_role("alert")).to_contain_text("sans balises HTML")
    form.get_by_label("Villes (séparées par des virgules)").fill("Lyon")
    form.get_by_label("Télétravail").select_option("full_remote")
    form.get_by_label("Niveau").select_option("confirmed")
    form.get_by_role("button", name="Enregistrer").click()
    expect(page.locator("form.record-form")).to_have_count(0, timeout=10_000)
    screenshot(page, "workspace-job-facets")
    assert_inert(page)
    with transaction(stack.db_url) as session:
        sre = session.get(JobPosition, "sre")
        assert (sre.cities, sre.remote, sre.level, sre.contract) == (
            ["Lyon"],
            "full_remote",
            "confirmed",
            None,
        )
