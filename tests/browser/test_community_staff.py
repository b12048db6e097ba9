"""The talent community for staff (issue 14), in a real Chromium against the web server as a
process with a local SMTP server: HR reads the community's figures and charts in the
workspace (no address shown); a recruiter opens the members a position fits from the
console's applications filter and writes to them, and the e-mails arrive. axe-core finds
no serious or critical violation on either page."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.community.service import confirm, sign_up
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import Settings, settings_from
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from bot.staff.accounts import add_user
from tests.browser.conftest import screenshot, watched
from tests.browser.test_accessibility import assert_clean
from tests.conftest import port
from tests.e2e.conftest import start_or_fail
from tests.inbox_servers import Mailbox, start_smtp

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PASSWORD = "a-long-community-password"
WEB = port(18995)
SMTP = port(29031)
# "sre" (platform, Lyon or Paris) fits Léa and Sam; "product-designer" fits Zoé and Sam.
MEMBERS = {
    "lea@example.org": {"teams": ["platform"], "locations": ["Lyon"], "languages": ["fr"]},
    "sam@example.org": {},
    "zoe@example.org": {"teams": ["design"], "level": "senior", "remote": True},
}


@dataclass
class CommunityStack:
    settings: Settings
    mailbox: Mailbox

    @property
    def url(self) -> str:
        return self.settings.web_url


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CommunityStack]:
    """The web server alone, its positions, HR's and a recruiter's accounts and three
    confirmed members (one sign-up still pending)."""
    root: Path = tmp_path_factory.mktemp("community-staff")
    url = f"sqlite:///{root / 'app.db'}"
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,
            "WEB_PORT": str(WEB),
            "RASA_PORT": str(WEB + 5),
            "ACTION_PORT": str(WEB + 6),
            "RASA_TOKEN": "community-token",
            "OFFICE_HOURS": "mon-sun 00:00-24:00",
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": str(SMTP),
            "NOTIFY_FROM": "assistant@ardoise.test",
        }
    )
    upgrade(url)
    now = utcnow()
    with transaction(url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
        add_user(
            session=session, login="helene", display_name="Hélène", role="hr", password=PASSWORD
        )
        add_user(
            session=session, login="ines", display_name="Inès", role="recruiter", password=PASSWORD
        )
        for email, wishes in [*MEMBERS.items(), ("pending@example.org", {})]:
            member = sign_up(
                session=session,
                data={"email": email, "consent": True, **wishes},
                conversation_id=f"conv-{email}",
                language="fr",
                consent_text="J'accepte d'être prévenu·e des postes qui me correspondent.",
                now=now,
            )
            if email != "pending@example.org":
                confirm(session=session, public_id=member.public_id, now=now)
    EVENTS.metadata.create_all(tracker_engine(url))
    controller, mailbox = start_smtp(SMTP)
    services = Services(settings=settings, model=Path(), log_dir=root / "logs")
    services.start_web()
    try:
        start_or_fail(services)
        yield CommunityStack(settings, mailbox)
    finally:
        services.stop()
        controller.stop()


def signed_in(browser: Browser, stack: CommunityStack, login: str, landing: str) -> Page:
    # CSP bypassed as in test_accessibility: axe-core goes in as an inline script
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="fr-FR", bypass_csp=True
    )
    page = watched(context.new_page())
    page.goto(f"{stack.url}/console/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(landing) + r"($|#)"))
    return page


def test_hr_reads_the_communitys_figures_and_charts(browser: Browser, stack: CommunityStack):
    page = signed_in(browser, stack, "helene", "/console/hr")
    try:
        page.get_by_role("link", name="Communauté").click()
        expect(page).to_have_url(re.compile(r"#community$"))
        expect(page.get_by_role("heading", name="Communauté de talents")).to_be_visible()
        figures = page.locator("#community")
        expect(figures.locator('[data-kpi="members"] strong')).to_have_text("3", timeout=10_000)
        expect(figures.locator('[data-kpi="pending"] strong')).to_have_text("1")
        expect(figures.locator('[data-kpi="expiring_soon"] strong')).to_have_text("0")
        expect(figures.locator('[data-kpi="announced"] strong')).to_have_text("0")
        # teams by their French names, the "any" wish named too; one bar per team
        teams = figures.locator('[data-chart="community-teams"]')
        expect(teams.locator("svg[role=img]")).to_be_visible()
        expect(teams.locator("svg rect")).to_have_count(3)
        expect(teams.locator("svg")).to_contain_text("Plateforme")
        expect(teams.locator("svg")).to_contain_text("Design")
        expect(teams.locator("svg")).to_contain_text("sans préférence")
        cities = figures.locator('[data-chart="community-locations"]')
        expect(cities.locator("svg")).to_contain_text("Lyon")
        expect(cities.locator("table")).to_contain_text("sans préférence")
        expect(figures.locator('[data-counts="remote"]')).to_contain_text("1 membre ne veut")
        expect(figures.locator('[data-counts="levels"]')).to_contain_text("senior : 1")
        expect(figures.locator('[data-counts="languages"]')).to_contain_text("français : 1")
        csv = page.get_by_role("link", name="Télécharger le CSV")
        expect(csv).to_have_attribute("href", "/console/api/hr/community.csv")
        expect(page.locator("#view")).not_to_contain_text("@example.org")
        with page.expect_download() as download:
            csv.click()
        saved = Path(download.value.path()).read_text(encoding="utf-8")
        assert saved.startswith("teams,locations,remote") and "@" not in saved
        screenshot(page, "workspace-community")
        assert_clean(page, "workspace community tab")
        assert page.errors == [] and page.dialogs == []  # type: ignore[attr-defined]
    finally:
        page.context.close()


def test_a_recruiter_sees_a_positions_members_and_writes_to_them(
    browser: Browser, stack: CommunityStack
):
    stack.mailbox.messages.clear()
    page = signed_in(browser, stack, "ines", "/console")
    try:
        expect(page.locator("#link")).to_have_text("En direct", timeout=10_000)
        community = page.locator("#applications-community")
        expect(community).to_be_hidden()  # no position chosen yet
        expect(page.locator('#applications-job option[value="sre"]')).to_be_attached(timeout=10_000)
        page.select_option("#applications-job", "sre")
        expect(community).to_be_visible()
        community.click()

        main = page.locator("#detail")
        expect(main.get_by_role("heading", name=re.compile("Communauté de talents"))).to_be_visible(
            timeout=10_000
        )
        members = main.locator("#community-members li")
        expect(members).to_have_count(2)
        lea = members.filter(has_text="lea@example.org")
        expect(lea).to_contain_text("Plateforme · Lyon · travaille en français")
        expect(lea).to_contain_text("Inscrit·e le")
        expect(members.filter(has_text="sam@example.org")).to_contain_text("toutes équipes")
        expect(main).not_to_contain_text("zoe@example.org")

        page.get_by_label("Objet").fill("Un poste SRE à Lyon")
        page.get_by_label("Message").fill("Bonjour,\nLe poste SRE vient d'ouvrir : écrivez-nous !")
        screenshot(page, "console-community-matches")
        assert_clean(page, "console community matches")
        page.get_by_role("button", name="Envoyer").click()
        expect(page.locator("#community-result")).to_have_text("2 envoyés.", timeout=15_000)
        sent = {m["To"] for m in stack.mailbox.messages}
        assert sent == {"lea@example.org", "sam@example.org"}
        assert all(m["List-Unsubscribe"] for m in stack.mailbox.messages)
        expect(lea).to_contain_text("dernier e-mail le")

        # within the week: nobody again, and when it will be possible
        page.get_by_label("Objet").fill("Encore")
        page.get_by_label("Message").fill("Encore")
        page.get_by_role("button", name="Envoyer").click()
        expect(page.locator("#community-result")).to_contain_text(
            "0 envoyé, 2 déjà contactés cette semaine : prochain envoi possible le", timeout=15_000
        )
        assert len(stack.mailbox.messages) == 2
        assert_clean(page, "console community after sending")
        assert page.errors == [] and page.dialogs == []  # type: ignore[attr-defined]
    finally:
        page.context.close()
