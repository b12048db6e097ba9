"""The HR workspace in a real browser, against an assistant of its own that candidates talk to.

In order, as HR would: sign in, edit an answer and see the new text in the very
next chat reply, restore the previous revision, add a question the assistant
could not answer as an example from the inbox, retrain and put the new model
live while a candidate keeps chatting (no message may fail), then the dashboard.

The assistant here starts on the project's trained model; its retraining uses
tests/fixtures/quick-config.yml (the real pipeline, its classifier
over-regularised), so a retraining takes well under a minute. The first one
scores below the full model on the held-out questions, so HR has to confirm it;
retraining the same config on the same data then scores the same, and that build
goes live by itself.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import shutil
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
import requests
from playwright.sync_api import Browser, Locator, Page, expect
from sqlalchemy import delete

from bot.core.db import transaction
from bot.core.settings import PROJECT_ROOT, Settings, settings_from
from bot.inbox.models import InboxItem
from bot.inbox.service import record_question
from bot.knowledge.files import load_directory
from bot.knowledge.service import import_docs
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from bot.staff.accounts import add_user
from tests.browser.conftest import screenshot
from tests.conftest import TEST_IP_LIMITS, port
from tests.e2e.socket_client import Candidate

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PASSWORD = "a-long-workspace-password"
RETRAIN_TIMEOUT = 1500  # seconds, per build: a quick training plus held-out checks on 2 CPUs


@dataclass
class Workspace:
    settings: Settings
    services: Services

    @property
    def web(self) -> str:
        return self.settings.web_url

    def serving(self) -> str:
        answer = requests.get(
            f"{self.settings.rasa_url}/webhooks/model_reload/",
            headers={"Authorization": f"Bearer {self.settings.rasa_token}"},
            timeout=10,
        )
        answer.raise_for_status()
        return answer.json()["model_file"]


@pytest.fixture(scope="module")
def workspace(trained, tmp_path_factory) -> Iterator[Workspace]:
    root = tmp_path_factory.mktemp("workspace")
    url = f"sqlite:///{root / 'app.db'}"
    models = root / "models"
    models.mkdir()
    shutil.copy2(trained.model, models / trained.model.name)
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,
            "MODELS_DIR": str(models),
            "TRAINING_CONFIG": str(PROJECT_ROOT / "tests" / "fixtures" / "quick-config.yml"),
            "RASA_PORT": str(port(17105)),
            "ACTION_PORT": str(port(17155)),
            "WEB_PORT": str(port(17180)),
            "RASA_TOKEN": "workspace-token",
            "OFFICE_HOURS": "mon-sun 00:00-24:00",
            # the swap test keeps one conversation talking for minutes
            "LIMITS": f"{TEST_IP_LIMITS},messages-conversation=100000/60",
        }
    )
    upgrade(url)
    with transaction(url) as session:
        import_docs(session=session, docs=load_directory(settings.knowledge_dir), author="tests")
        prepare_records(session=session, today=local_today(settings.office_timezone))
        add_user(
            session=session, login="hana", display_name="Hana RH", role="hr", password=PASSWORD
        )
        add_user(
            session=session,
            login="camille",
            display_name="Camille Roux",
            role="recruiter",
            password=PASSWORD,
        )
    services = Services(settings=settings, model=models / trained.model.name, log_dir=root / "logs")
    try:
        # Builds inherit the servers' environment: reproducible TensorFlow ops, so that
        # retraining the same config on the same data gives the same model (and score).
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv("TF_DETERMINISTIC_OPS", "1")
            services.start()
        yield Workspace(settings, services)
    finally:
        services.stop()


class Chatter:
    """A candidate on socket.io in a thread, asking questions back to back until stopped."""

    QUESTIONS = ("Quels sont vos avantages ?", "Can I work from home?", "Comment postuler ?")

    def __init__(self, url: str, origin: str) -> None:
        self.url, self.origin = url, origin
        self.sent = 0
        self.replied = 0
        self.failures: list[str] = []
        self.stop = threading.Event()
        self.answered = threading.Condition()
        self.thread = threading.Thread(target=lambda: asyncio.run(self._chat()), daemon=True)

    async def _chat(self) -> None:
        client = Candidate(self.url, origin=self.origin)
        try:
            await client.start()
            while not self.stop.is_set():
                text = self.QUESTIONS[self.sent % len(self.QUESTIONS)]
                self.sent += 1
                try:
                    ack, replies = await client.say(text)
                except Exception as error:  # noqa: BLE001 - every failure is counted
                    self.failures.append(f"{text!r}: {error!r}")
                    continue
                if not ack.get("ok") or not replies:
                    self.failures.append(f"{text!r}: ack {ack}, {len(replies)} replies")
                    continue
                with self.answered:
                    self.replied += 1
                    self.answered.notify_all()
        finally:
            await client.close()

    def wait_for_replies(self, count: int, timeout: float = 120) -> None:
        """Wait until `count` more questions were answered from now on."""
        with self.answered:
            wanted = self.replied + count
            if not self.answered.wait_for(lambda: self.replied >= wanted, timeout):
                pytest.fail(f"the candidate got {self.replied} replies; failures: {self.failures}")

    def __enter__(self) -> Chatter:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(90)


def ask(workspace: Workspace, text: str, language: str = "fr") -> list[dict]:
    async def conversation() -> list[dict]:
        client = Candidate(workspace.settings.rasa_url, origin=workspace.web)
        try:
            await client.start()
            _, replies = await client.say(text, language=language)
            return replies
        finally:
            await client.close()

    # Playwright's sync API keeps an event loop running in this thread: chat from another.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, conversation()).result(120)


@pytest.fixture
def hr(browser: Browser, workspace: Workspace) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="fr-FR")
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda error: page.errors.append(str(error)))  # type: ignore[attr-defined]
    sign_in(page, workspace, "hana")
    yield page
    assert page.errors == []  # type: ignore[attr-defined]
    context.close()


def sign_in(page: Page, workspace: Workspace, login: str) -> None:
    page.goto(f"{workspace.web}/console/hr")
    expect(page).to_have_url(re.compile(r"/console/login$"))
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/console(/hr)?$"))


def model_fingerprint(page: Page) -> str:
    """The fingerprint of the current training data, as the workspace computes it."""
    return page.evaluate(
        "() => fetch('/console/api/hr/model').then(r => r.json()).then(m => m.fingerprint)"
    )


def open_article(page: Page, article_id: str) -> None:
    page.goto(f"{page.url.split('#')[0]}#article/{article_id}")
    expect(page.locator('textarea[name="fr.answer"]')).not_to_have_value("", timeout=10_000)


def test_hr_signs_in_and_finds_articles_flagged_for_review(
    hr: Page, workspace: Workspace, default_docs
):
    expect(hr).to_have_url(re.compile(r"/console/hr"))
    rows = hr.locator("tr[data-article]")
    expect(rows.first).to_be_visible(timeout=10_000)
    assert rows.count() == len(default_docs)  # every article of the knowledge base
    hr.fill('input[name="q"]', "teletravail")
    hr.click(".filters button[type=submit]")
    expect(hr.locator('tr[data-article="remote-work"]')).to_be_visible()
    assert hr.locator("tr[data-article]").count() < len(default_docs)


def test_an_edited_answer_is_live_in_the_next_chat_reply(hr: Page, workspace: Workspace):
    question = "On peut télétravailler ?"  # an example question of remote-work
    before = ask(workspace, question)
    assert any("article" in (m.get("custom") or {}) for m in before)
    assert "Marqueur" not in " ".join(m.get("text", "") for m in before)

    open_article(hr, "remote-work")
    answer = hr.locator('textarea[name="fr.answer"]')
    original = answer.input_value()
    # Markup is refused with a clear message, next to the field.
    answer.fill("<img src=x onerror=alert(1)> Texte")
    hr.click("form.editor button[type=submit]")
    expect(hr.locator(".problems-box")).to_contain_text("HTML")
    expect(answer).to_have_attribute("aria-invalid", "true")
    answer.fill(original + "\n\n**Marqueur 42** : deux jours par semaine au bureau.")
    # The preview shows what the chat will show.
    hr.locator('fieldset[lang="fr"] button', has_text="Aperçu").click()
    bubble = hr.locator('fieldset[lang="fr"] .chat-preview .bubble')
    expect(bubble.locator("strong", has_text="Marqueur 42")).to_have_text("Marqueur 42")
    screenshot(hr, "workspace-editor")
    hr.click("form.editor button[type=submit]")
    expect(hr.locator(".notice")).to_contain_text("Enregistré (révision 2)")

    after = " ".join(m.get("text", "") for m in ask(workspace, question))
    assert "**Marqueur 42** : deux jours par semaine au bureau." in after

    # The history shows the change; restoring revision 1 puts the old text back live.
    history = hr.locator('.history li[data-revision="2"]')
    expect(history).to_contain_text("Hana RH")
    expect(history).to_contain_text("Marqueur 42")
    first = hr.locator('.history li[data-revision="1"]')
    first.get_by_role("button", name="Restaurer cette révision").click()
    first.get_by_role("button", name="Oui, restaurer cette révision").click()
    expect(hr.locator('.history li[data-revision="3"]')).to_be_visible()
    restored = " ".join(m.get("text", "") for m in ask(workspace, question))
    assert "Marqueur" not in restored


def test_validation_names_each_problem(hr: Page, workspace: Workspace):
    open_article(hr, "meal-card")
    hr.fill('textarea[name="en.answer"]', "   ")
    benefits = hr.locator('textarea[name="fr.questions"]')
    benefits.fill(benefits.input_value() + "\nCombien de jours de télétravail par semaine ?")
    hr.click("form.editor button[type=submit]")
    problems = hr.locator(".problems-box")
    expect(problems.locator('[data-field="en.answer"]')).to_contain_text("Réponse (anglais)")
    expect(problems).to_contain_text("remote-work")  # the article that already has it
    expect(hr.locator('textarea[name="en.answer"]')).to_have_attribute("aria-invalid", "true")


def items_of(group: Locator) -> set[str]:
    """The inbox items an inbox group on the page stands for."""
    return set((group.get_attribute("data-items") or "").split())


def test_a_question_the_assistant_could_not_answer_becomes_an_example(
    hr: Page, workspace: Workspace
):
    # The inbox holds exactly what is put in here (what the model does with these
    # questions is the e2e tests' business): two ways of asking the same thing, one
    # unanswered and one answered by a "did you mean", and a question with markup.
    with transaction(workspace.settings.database_url) as session:
        session.execute(delete(InboxItem))
        climbing = [
            record_question(
                session=session,
                conversation_id=conversation,
                text=text,
                language="fr",
                reason=reason,
            ).id
            for conversation, text, reason in (
                ("climb-1", "Est-ce que vous avez une salle d'escalade au bureau ?", "no_answer"),
                ("climb-2", "Vous avez une salle d'escalade dans vos locaux ?", "clarify"),
            )
        ]
        markup = record_question(
            session=session,
            conversation_id="markup",
            text="<img src=x onerror=alert(1)> un parking vélo ?",
            language="fr",
            reason="no_answer",
        ).id

    fingerprint = model_fingerprint(hr)
    hr.goto(hr.url.split("#")[0] + "#inbox")
    groups = hr.locator("article.group")
    expect(groups).to_have_count(2, timeout=10_000)
    # Largest group first: the two climbing questions together, then the markup one.
    group = groups.nth(0)
    expect(group).to_contain_text("escalade")
    expect(group.locator(".count")).to_have_text("2")
    assert items_of(group) == {f"inbox:{i}" for i in climbing}
    expect(group.locator(".tags .tag")).to_have_text(
        ["FR", "« je ne sais pas » × 1", "réponse hésitante (choix proposé) × 1"]
    )
    expect(groups.nth(1).locator(".count")).to_have_text("1")
    assert items_of(groups.nth(1)) == {f"inbox:{markup}"}
    expect(hr.locator("#inbox-count")).to_have_text("3")
    # What candidates typed is shown as text.
    expect(hr.locator(".groups")).to_contain_text("<img src=x onerror=alert(1)> un parking vélo ?")
    assert hr.locator(".groups img").count() == 0
    screenshot(hr, "workspace-inbox")
    group.get_by_label("Article").fill("benefits-overview")
    group.get_by_role("button", name="Ajouter comme exemple").click()
    expect(hr.locator(".notice", has_text="benefits-overview")).to_be_visible()
    expect(hr.locator("article.group", has_text="escalade")).to_have_count(0)
    # A new example question: the training data changed, the serving model is out of date.
    assert model_fingerprint(hr) != fingerprint
    expect(hr.locator("#model-badge")).to_have_text("Modèle à réentraîner", timeout=10_000)

    open_article(hr, "benefits-overview")
    expect(hr.locator('textarea[name="fr.questions"]')).to_have_value(re.compile("escalade"))


def test_a_cancelled_open_house_disappears_from_the_next_answer(hr: Page, workspace: Workspace):
    question = "C'est quand les portes ouvertes ?"  # an example question of open-house
    before = " ".join(m.get("text", "") for m in ask(workspace, question))
    assert "Prochaines portes ouvertes" in before
    hr.goto(hr.url.split("#")[0] + "#records")
    first = hr.locator(
        "section[aria-labelledby=events-title] tr[data-record]", has_text="Portes ouvertes"
    ).first
    expect(first).to_be_visible(timeout=10_000)
    shown_date = first.locator("td").nth(1).inner_text()
    first.get_by_role("button", name="Modifier").click()
    form = hr.locator("form.record-form")
    form.locator('select[name="status"]').select_option("cancelled")
    form.locator('input[name="place_fr"]').fill("<b>Lyon</b>")
    form.get_by_role("button", name="Enregistrer").click()
    expect(form.locator(".problems")).to_contain_text("HTML")  # markup refused, in French
    form.locator('input[name="place_fr"]').fill("Siège de Lyon (Part-Dieu)")
    form.get_by_role("button", name="Enregistrer").click()
    expect(hr.locator("form.record-form")).to_have_count(0, timeout=10_000)
    row = hr.locator(
        "section[aria-labelledby=events-title] tr[data-record]", has_text="Portes ouvertes"
    ).filter(has_text=shown_date)
    expect(row).to_contain_text("annulé")
    screenshot(hr, "workspace-records")
    after = " ".join(m.get("text", "") for m in ask(workspace, question))
    listed_before = [line for line in before.split("\n") if line.startswith("- **")]
    listed_after = [line for line in after.split("\n") if line.startswith("- **")]
    # The cancelled (first) date is gone; the next ones move up.
    assert listed_before[0] not in after
    assert listed_after[0] == listed_before[1]


def build_outcome(page: Page, after: int) -> tuple[int, str]:
    """Wait for the build started after build `after` to end its check (or fail):
    its id and status, as the page shows them."""
    running = page.locator("article.build").first
    expect(running).to_have_attribute(
        "data-status", re.compile("^(queued|training|checking)$"), timeout=30_000
    )
    build_id = int(running.get_attribute("data-build") or 0)
    assert build_id > after
    card = page.locator(f'article.build[data-build="{build_id}"]')
    # The page polls the build while it runs; wait for the status it ends the check with.
    expect(card).to_have_attribute(
        "data-status",
        re.compile("^(awaiting_confirmation|live|failed)$"),
        timeout=RETRAIN_TIMEOUT * 1000,
    )
    return build_id, card.get_attribute("data-status") or ""


def build_record(page: Page, build_id: int) -> dict:
    state = page.evaluate("() => fetch('/console/api/hr/model').then(r => r.json())")
    return next(b for b in state["builds"] if b["id"] == build_id)


@pytest.mark.timeout(2 * RETRAIN_TIMEOUT + 300)
def test_retraining_asks_hr_on_a_drop_and_goes_live_by_itself_when_as_good(
    hr: Page, workspace: Workspace
):
    """Two builds while a candidate keeps chatting (no message may fail):

    1. the quick over-regularised config against the serving full model: held-out accuracy
       drops, so the build waits for HR, who confirms; it goes live;
    2. the same quick config on the same data against that quick model: as accurate,
       so it goes live without asking anyone.
    """
    before = workspace.serving()
    hr.goto(hr.url.split("#")[0] + "#model")
    expect(hr.locator("#model-state")).to_contain_text("plus à jour", timeout=10_000)
    with Chatter(workspace.settings.rasa_url, workspace.web) as chatter:
        hr.click("#retrain")
        first, status = build_outcome(hr, after=0)
        card = hr.locator(f'article.build[data-build="{first}"]')
        assert status == "awaiting_confirmation", card.inner_text()
        record = build_record(hr, first)
        assert record["accuracy_new"] < record["accuracy_serving"], record
        assert workspace.serving() == before  # nothing goes live before HR decides
        expect(card).to_contain_text("La précision baisse")
        expect(card.locator("tr.drop").first).to_be_visible()
        screenshot(hr, "workspace-model-drop")
        card.get_by_role("button", name="Mettre en ligne malgré la baisse").click()
        expect(card).to_have_attribute("data-status", "live", timeout=120_000)
        assert build_record(hr, first)["confirmed_by"] == "Hana RH"
        quick = workspace.serving()
        assert quick != before and quick.startswith("assistant-")
        assert quick == build_record(hr, first)["model_file"]
        chatter.wait_for_replies(3)  # the candidate goes on chatting on the new model
        expect(hr.locator("#model-state")).to_contain_text("connaît toutes", timeout=10_000)

        hr.click("#retrain")
        second, status = build_outcome(hr, after=first)
        card = hr.locator(f'article.build[data-build="{second}"]')
        assert status == "live", card.inner_text()
        record = build_record(hr, second)
        assert record["accuracy_serving"] == build_record(hr, first)["accuracy_new"]
        assert record["accuracy_new"] == record["accuracy_serving"], record
        assert record["confirmed_by"] == "automatic (accuracy kept)"
        expect(hr.locator(f'article.build[data-build="{first}"]')).to_have_attribute(
            "data-status", "superseded"
        )
        chatter.wait_for_replies(3)
    assert chatter.failures == [], chatter.failures
    assert chatter.sent >= 20
    after = workspace.serving()
    assert after == record["model_file"] and after.startswith("assistant-")
    assert (workspace.settings.models_dir / after).is_file()
    # The new model answers.
    replies = ask(workspace, "Quels sont vos avantages ?")
    assert replies and all("error" not in (m.get("text") or "") for m in replies)
    screenshot(hr, "workspace-model")


def test_the_dashboard_charts_the_conversations(hr: Page, workspace: Workspace):
    hr.goto(hr.url.split("#")[0] + "#dashboard")
    kpis = hr.locator(".kpis")
    expect(kpis).to_contain_text("Conversations")
    conversations = kpis.locator(".kpi", has_text="Conversations").locator("strong")
    expect(conversations).not_to_have_text("0")
    assert hr.locator(".charts svg").count() >= 5
    screenshot(hr, "workspace-dashboard")
    csv = hr.locator("a[download]").get_attribute("href")
    cookies = {c["name"]: c["value"] for c in hr.context.cookies()}
    answer = requests.get(f"{workspace.web}{csv}", cookies=cookies, timeout=30)
    assert answer.status_code == 200 and answer.headers["Content-Type"].startswith("text/csv")
    assert answer.text.startswith("section,key,figure,value")


def test_a_recruiter_reads_the_dashboard_but_cannot_edit(browser: Browser, workspace: Workspace):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    try:
        sign_in(page, workspace, "camille")
        expect(page).to_have_url(re.compile(r"/console$"))
        page.goto(f"{workspace.web}/console/hr#articles")
        expect(page.locator(".kpis")).to_be_visible(timeout=10_000)  # sent to the dashboard
        assert page.locator('.tabs a[data-tab="articles"]').is_hidden()
        status = page.evaluate(
            """() => fetch('/console/api/hr/articles', {headers: {'X-CSRF-Token':
                 document.querySelector('meta[name=csrf]').content}}).then(r => r.status)"""
        )
        assert status == 403
    finally:
        context.close()


@pytest.mark.parametrize("zone", ["Pacific/Honolulu", "Pacific/Kiritimati"])
def test_the_dashboards_period_ends_on_the_offices_today_in_any_browser_zone(
    browser: Browser, workspace: Workspace, zone: str
):
    """Browsers in these two zones are a whole day apart, so at any hour one of them is
    not on the office's date: the default period must come from the office's calendar."""
    from bot.records.service import local_today

    context = browser.new_context(locale="fr-FR", timezone_id=zone)
    page = context.new_page()
    try:
        sign_in(page, workspace, "hana")
        page.goto(page.url.split("#")[0] + "#dashboard")
        today = local_today(workspace.settings.office_timezone)
        expect(page.locator('input[name="to"]')).to_have_value(today.isoformat())
        start = today - dt.timedelta(days=29)
        expect(page.locator('input[name="from"]')).to_have_value(start.isoformat())
    finally:
        context.close()
