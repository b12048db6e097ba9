"""The workspace's "Ambassadeurs" tab in a real Chromium against the real web server:
HR adds an ambassador (a bio with markup is refused, in French), pauses them, sees a
stored bio full of hostile markup shown as text, and removes a host whose coffee is still
to come after saying what becomes of it. The page's Content-Security-Policy is bypassed,
so markup that slipped into the page would run."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.core.db import transaction
from bot.meetings.models import Ambassador
from bot.staff.accounts import add_user
from tests.browser.conftest import screenshot
from tests.conftest import port
from tests.handoff.coffee_data import add_coffee, seed_hosts
from tests.security.attacks import PASSWORD, XSS, WebStack, web_stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

HOSTILE_BIO = " ".join(XSS.values())
INJECTED = "script, iframe, object, embed, [onerror], [onload], [onmouseover], [srcdoc]"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    runs = web_stack(tmp_path_factory.mktemp("ambassadors"), port(18730))
    stack = next(runs)
    seed_hosts(stack.db_url)
    with transaction(stack.db_url) as session:
        add_user(
            session=session, login="hana-rh", display_name="Hana RH", role="hr", password=PASSWORD
        )
        # stored as is, as if an older validation had let it through
        session.get(Ambassador, "thomas").bio_fr = HOSTILE_BIO
    yield stack
    next(runs, None)


@pytest.fixture
def hr_page(browser: Browser, stack: WebStack) -> Iterator[Page]:
    context = browser.new_context(
        bypass_csp=True, viewport={"width": 1366, "height": 900}, locale="fr-FR"
    )
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{stack.url}/console/login")
    page.fill("#login", "hana-rh")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/console/hr"))
    page.click("a[data-tab=ambassadors]")
    expect(page.locator("tr[data-ambassador=lea]")).to_be_visible(timeout=10_000)
    yield page
    assert dialogs == [] and errors == []
    assert page.evaluate("() => window.__xss === undefined") is True
    context.close()


def assert_inert(page: Page) -> None:
    found = page.locator("#view").locator(INJECTED).evaluate_all("els => els.map(e => e.outerHTML)")
    assert found == []
    links = page.locator("#view a").evaluate_all(
        "els => els.filter(e => !['http:', 'https:', 'mailto:'].includes(e.protocol)).length"
    )
    assert links == 0
    assert page.evaluate("() => window.__xss === undefined") is True


def test_hr_adds_an_ambassador_pauses_them_and_sees_markup_as_text(hr_page: Page):
    page = hr_page
    thomas = page.locator("tr[data-ambassador=thomas] .bio")
    expect(thomas).to_have_text(HOSTILE_BIO)  # every character shown, none run
    assert_inert(page)

    page.get_by_role("button", name="Ajouter un ambassadeur").click()
    form = page.locator("form.ambassador-form")
    form.locator("[name=name]").fill("Inès Diallo")
    form.locator("[name=role]").fill("Data Engineer")
    form.locator("[name=team]").select_option("data_ml")
    form.locator("[name=languages]").fill("fr, en")
    form.locator("[name=topics]").fill("Airflow, dbt")
    form.locator("[name=windows]").fill("mardi 14:00-16:00\nfriday 09:00-10:30")
    form.locator("[name=cap]").fill("3")
    form.locator("[name=bio_fr]").fill(XSS["img-onerror"])
    form.locator("[name=bio_en]").fill("Data Engineer at Ardoise.")
    form.locator("[name=consent]").fill("Prénom, poste, équipe et sujets montrés aux candidats.")
    form.get_by_role("button", name="Ajouter").click()
    problem = form.locator(".problems li[data-field=bio_fr]")
    expect(problem).to_have_text(
        "Présentation (français) : doit être du texte simple, sans balises HTML"
    )
    expect(form.locator("[name=bio_fr]")).to_have_attribute("aria-invalid", "true")
    form.locator("[name=bio_fr]").fill("Data Engineer chez Ardoise, pipelines et dbt.")
    form.get_by_role("button", name="Ajouter").click()
    expect(page.locator(".notice")).to_have_text("Ambassadeur ajouté.")
    row = page.locator("tr[data-ambassador=ines-diallo]")
    expect(row).to_contain_text("Data & ML")
    expect(row.locator(".windows li")).to_have_text(["mardi 14:00-16:00", "vendredi 09:00-10:30"])

    row.get_by_role("button", name="Mettre en pause").click()
    pause = page.locator("form.pause-form")
    pause.locator("[name=first_day]").fill("2030-07-31")
    pause.locator("[name=last_day]").fill("2030-07-01")
    pause.get_by_role("button", name="Enregistrer la pause").click()
    expect(pause.locator(".problems li")).to_have_text(
        "Dernier jour : ne doit pas être avant la date de début"
    )
    pause.locator("[name=first_day]").fill("2030-07-01")
    pause.locator("[name=last_day]").fill("2030-07-31")
    pause.get_by_role("button", name="Enregistrer la pause").click()
    expect(page.locator(".notice")).to_have_text("Pause enregistrée.")
    expect(row.locator(".pauses li")).to_contain_text("01/07/2030 → 31/07/2030")
    assert_inert(page)
    screenshot(page, "workspace-ambassadors")

    row.get_by_role("button", name="Retirer la pause").click()
    expect(page.locator(".notice")).to_have_text("Pause retirée.")
    expect(row.locator(".pauses li")).to_have_count(0)


def test_removing_a_host_with_a_coffee_to_come_asks_what_to_do(hr_page: Page, stack: WebStack):
    page = hr_page
    add_coffee(
        stack.db_url, hours_from_now=72, ambassador_id="sofia", candidate_name=XSS["svg-onload"]
    )
    page.reload()
    row = page.locator("tr[data-ambassador=sofia]")
    expect(row).to_be_visible(timeout=10_000)
    row.get_by_role("button", name="Retirer", exact=True).click()
    row.get_by_role("button", name="Oui, retirer").click()
    decision = page.locator(".decision")
    expect(decision).to_contain_text("1 café confirmé est encore à venir avec cet ambassadeur")
    expect(decision.locator("li")).to_contain_text("avec <svg")  # the first word, as text
    assert_inert(page)
    screenshot(page, "workspace-ambassadors-remove")
    decision.get_by_role("button", name="Maintenir ces cafés").click()
    expect(page.locator(".notice")).to_contain_text("désactivé·e : plus aucun nouveau créneau")
    expect(page.locator(".notice")).to_contain_text("1 café(s) maintenu(s)")
    expect(page.locator("tr[data-ambassador=sofia] .flag")).to_have_text(
        "désactivé : plus de nouveaux créneaux"
    )
    with transaction(stack.db_url) as session:
        assert session.get(Ambassador, "sofia").active is False


def test_the_dashboard_draws_the_coffee_funnel(hr_page: Page):
    page = hr_page
    page.click("a[data-tab=dashboard]")
    funnel = page.locator("[data-chart=coffee-funnel]")
    expect(funnel).to_contain_text("ont réservé", timeout=10_000)
    expect(funnel).to_contain_text("sont venus")
    expect(page.locator(".kpis")).to_contain_text("Cafés équipe : absences")
    funnel.scroll_into_view_if_needed()
    screenshot(page, "workspace-coffee-funnel")
