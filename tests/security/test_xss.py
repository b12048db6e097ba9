"""XSS: hostile markup typed by a candidate (widget, socket.io, REST), by an HR editor
(an article's title, answer, example questions, links) and by a recruiter (messages and
display name) is shown as text wherever it appears: the widget, the recruiter console
(queue, summary, live transcript, callback requests) and the HR workspace.

A real Chromium runs with the pages' Content-Security-Policy bypassed, so that markup
that slipped into the page would really run: each payload would set `window.__xss` or
open a dialog, and neither may happen.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Dialog, Locator, Page, expect

import tests.browser.conftest as browser_suite
from bot.core.db import transaction
from bot.handoff.callbacks import BadCallback, create_callback
from bot.knowledge.files import Link
from bot.knowledge.service import _load, article_to_doc, save_article
from bot.meetings.models import Ambassador
from bot.staff.accounts import add_user
from tests.browser.test_console import BackgroundCandidate
from tests.conftest import Assistant
from tests.security.attacks import PASSWORD, XSS, Staff

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

# The browser suite's fixtures: one Playwright driver and one Chromium for this module.
playwright = browser_suite.playwright
browser = browser_suite.browser

# What hostile markup would leave in the page if it were parsed as HTML.
INJECTED = (
    "script, img, svg, iframe, object, embed, [onerror], [onload], [onmouseover], [srcdoc], "
    "a[href^='javascript' i], a[href*='script:' i]"
)
ANSWER = ".message.assistant:has(.rating)"
HUMAN = "Je voudrais parler à un humain"


def new_page(context: BrowserContext) -> Page:
    """A page recording every dialog (dismissed) and script error."""
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]

    def on_dialog(dialog: Dialog) -> None:
        page.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page


def unguarded(browser: Browser) -> BrowserContext:
    """A browser profile ignoring Content-Security-Policy: injected markup would run."""
    return browser.new_context(
        bypass_csp=True, viewport={"width": 1366, "height": 900}, locale="fr-FR"
    )


def assert_inert(page: Page, area: Locator) -> None:
    """Nothing in `area` came from markup, and no payload ran anywhere in the page."""
    # The page's own icons are svg and img: only elements carrying a payload count. A
    # link counts when it would run script (a link to a page of the site is only a link).
    injected = area.locator(INJECTED).evaluate_all(
        """els => els.filter(e => e.tagName === "A"
            ? !["http:", "https:", "mailto:"].includes(e.protocol)
            : /alert|__xss/.test(e.outerHTML)).map(e => e.outerHTML)"""
    )
    assert injected == []
    assert page.evaluate("() => window.__xss === undefined") is True
    assert page.dialogs == []  # type: ignore[attr-defined]


def visible_part(payload: str) -> str:
    """A piece of the payload that plain text shows as typed (markup characters included)."""
    return payload.split(" ")[0][:14]


# ---------------------------------------------------------------- the widget


def open_widget(page: Page, assistant: Assistant) -> None:
    page.goto(f"http://127.0.0.1:{assistant.settings.web_port}/")
    expect(page.locator("#ardoise-chat[data-ready]")).to_be_attached(timeout=10_000)
    page.locator("#ardoise-chat .launcher").click()
    expect(page.locator("#ardoise-chat .panel")).to_be_visible()


def type_in_widget(page: Page, words: str) -> None:
    page.locator("#ardoise-chat textarea").fill(words)
    page.locator("#ardoise-chat textarea").press("Enter")


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    context = unguarded(browser)
    yield context
    context.close()


@pytest.mark.parametrize("payload", list(XSS))
def test_a_candidates_markup_shows_as_typed_in_the_widget(
    context: BrowserContext, assistant: Assistant, payload: str
):
    typed = XSS[payload]
    page = new_page(context)
    open_widget(page, assistant)
    type_in_widget(page, typed)
    mine = page.locator("#ardoise-chat .message.candidate").last
    expect(mine).not_to_have_class(re.compile(r"\bpending\b"), timeout=30_000)
    assert mine.locator(".bubble").text_content() == typed
    expect(page.locator("#ardoise-chat .message.assistant").last).to_be_visible(timeout=30_000)
    assert_inert(page, page.locator("#ardoise-chat"))
    # and again from the stored history
    page.reload()
    history = page.locator("#ardoise-chat .message.candidate .bubble")
    expect(history.last).to_contain_text(visible_part(typed), timeout=15_000)
    assert history.last.text_content() == typed
    assert_inert(page, page.locator("#ardoise-chat"))


def test_a_crafted_priorities_command_shows_as_text_in_the_widget(
    context: BrowserContext, assistant: Assistant
):
    """The widget writes a `/tell_priorities` command as "What matters to me: …": the
    names come from what was typed, so they must stay text."""
    hostile = XSS["img-onerror"].replace('"', "'")
    typed = "/tell_priorities" + json.dumps({"priorities": [hostile]})
    page = new_page(context)
    open_widget(page, assistant)
    type_in_widget(page, typed)
    mine = page.locator("#ardoise-chat .message.candidate").last
    expect(mine).not_to_have_class(re.compile(r"\bpending\b"), timeout=30_000)
    assert hostile in (mine.locator(".bubble").text_content() or "")
    expect(page.locator("#ardoise-chat .message.assistant").last).to_be_visible(timeout=30_000)
    assert_inert(page, page.locator("#ardoise-chat"))


# ---------------------------------------------------------------- the recruiter console


@pytest.fixture(scope="module")
def console(browser: Browser, assistant: Assistant) -> Iterator[Page]:
    """A recruiter (a fresh account) with the console open: on duty for every handoff."""
    login = f"xss-{uuid.uuid4().hex[:8]}"
    with transaction(assistant.settings.database_url) as session:
        add_user(
            session=session,
            login=login,
            display_name="Console Watcher",
            role="recruiter",
            password=PASSWORD,
        )
    context = unguarded(browser)
    page = new_page(context)
    page.goto(f"{assistant.settings.web_url}/console")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#queue")).to_be_attached(timeout=10_000)
    yield page
    context.close()


def ask_for_a_human(assistant: Assistant, channel: str, typed: str) -> str:
    """A candidate types `typed`, then asks for a human; the conversation's id (or its end)."""
    if channel == "rest":
        sender = f"xss-{uuid.uuid4().hex[:12]}"
        assistant.ask(sender, typed, {"language": "fr"})
        assistant.ask(sender, HUMAN, {"language": "fr"})
        return sender
    candidate = BackgroundCandidate(assistant.url)
    try:
        client = candidate.client
        candidate.run(client.start())
        candidate.run(client.say(typed, language="fr"))
        candidate.run(client.say(HUMAN, language="fr"))
        assert client.session_id
        return client.session_id
    finally:
        candidate.close()


@pytest.mark.parametrize("channel", ["socket", "rest"])
@pytest.mark.parametrize("payload", list(XSS))
def test_a_candidates_markup_shows_as_text_in_the_console(
    console: Page, assistant: Assistant, payload: str, channel: str
):
    typed = XSS[payload]
    conversation = ask_for_a_human(assistant, channel, typed)
    item = console.locator(f'#queue .item[data-conversation$="{conversation}"]')
    expect(item).to_be_visible(timeout=15_000)  # the queue updated by itself
    assert_inert(console, console.locator("#queue"))
    item.click()
    transcript = console.locator("#transcript")
    expect(transcript).to_contain_text(visible_part(typed), timeout=10_000)
    assert typed in (transcript.text_content() or "")
    assert_inert(console, console.locator("body"))


def test_callback_names_and_questions_show_as_text_in_the_console(
    console: Page, assistant: Assistant
):
    stored = {}
    with transaction(assistant.settings.database_url) as session:
        for name, typed in XSS.items():
            try:
                create_callback(
                    session=session,
                    conversation_id=f"xss-callback-{uuid.uuid4().hex[:10]}",
                    data={
                        "name": typed[:80],
                        "email": "x@example.org",
                        "question": typed,
                        "consent": True,
                    },
                    language="fr",
                    retention_days=30,
                )
                stored[name] = typed
            except BadCallback as refused:
                # refused at the door (invisible characters in a name): fine, but say which
                assert set(refused.errors) <= {"name"}, refused.errors
    assert len(stored) >= len(XSS) - 2
    console.reload()
    callbacks = console.locator("#callbacks")
    for typed in stored.values():
        expect(callbacks).to_contain_text(visible_part(typed), timeout=10_000)
    assert_inert(console, console.locator("body"))


def test_coffee_names_notes_and_hosts_show_as_text_in_the_console(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
):
    """Team coffees (issue 11): the candidate's name and note and the host's name and role
    are rendered inert, in the upcoming and past lists. The web server alone is enough."""
    from tests.conftest import port
    from tests.handoff.coffee_data import add_coffee, seed_hosts
    from tests.security.attacks import web_stack

    stack_runs = web_stack(tmp_path_factory.mktemp("xss-coffees"), port(18990))
    stack = next(stack_runs)
    context = unguarded(browser)
    try:
        seed_hosts(stack.db_url)
        with transaction(stack.db_url) as session:
            add_user(
                session=session,
                login="coffee-watcher",
                display_name="Coffee Watcher",
                role="recruiter",
                password=PASSWORD,
            )
            session.add(
                Ambassador(
                    id="hostile",
                    name=XSS["img-onerror"][:120],
                    role=XSS["script-tag"][:120],
                    team="platform",
                    languages=["fr"],
                    windows=[],
                )
            )
        for hours, typed in enumerate(XSS.values()):
            for sign in (-1, 1):
                add_coffee(
                    stack.db_url,
                    hours_from_now=sign * (40 + hours),
                    candidate_name=typed[:80],
                    note=typed,
                    ambassador_id="hostile" if hours % 2 else "lea",
                )
        page = new_page(context)
        page.goto(f"{stack.url}/console")
        page.fill("#login", "coffee-watcher")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        coffees = page.locator("#coffees")
        # the past list also has the attack suite's seeded coffee
        for tab, shown in (("#coffees-upcoming", len(XSS)), ("#coffees-past", len(XSS) + 1)):
            page.click(tab)
            # the list is this tab's once its count is (a previous tab's list had 10 too)
            expect(page.locator("#coffees-count")).to_have_text(str(shown), timeout=10_000)
            expect(coffees.locator(".coffee")).to_have_count(shown)
            for typed in XSS.values():
                expect(coffees).to_contain_text(visible_part(typed))
            assert_inert(page, page.locator("body"))
    finally:
        context.close()
        next(stack_runs, None)


# ---------------------------------------------------------------- a recruiter's words in the widget


@pytest.mark.parametrize("payload", list(XSS))
def test_a_recruiters_markup_and_name_show_as_text_in_the_widget(
    context: BrowserContext, assistant: Assistant, console: Page, payload: str
):
    typed = XSS[payload]
    recruiter = Staff(assistant.settings.web_url, assistant.settings.database_url, "recruiter")
    with transaction(assistant.settings.database_url) as session:
        from bot.staff.accounts import StaffUser

        user = session.get(StaffUser, recruiter.user_id)
        assert user is not None
        user.display_name = typed[:80]
    page = new_page(context)
    open_widget(page, assistant)
    type_in_widget(page, HUMAN)
    session_id = None
    for _ in range(100):
        session_id = page.evaluate(
            "() => JSON.parse(localStorage.getItem('ardoise-chat') || '{}').sessionId"
        )
        if session_id:
            break
        page.wait_for_timeout(100)
    assert session_id
    handoff = None
    for _ in range(100):
        queue = recruiter.request("GET", "/console/api/queue").json()["handoffs"]
        handoff = next((h for h in queue if h["conversation"] == session_id), None)
        if handoff:
            break
        page.wait_for_timeout(100)
    assert handoff, "the widget's request for a human never reached the queue"
    base = f"/console/api/handoffs/{handoff['id']}"
    assert recruiter.request("POST", f"{base}/claim", csrf=recruiter.csrf).status_code == 200
    sent = recruiter.request("POST", f"{base}/messages", csrf=recruiter.csrf, json={"text": typed})
    assert sent.status_code == 200, sent.text
    from_recruiter = page.locator("#ardoise-chat .message.recruiter").last
    expect(from_recruiter).to_be_visible(timeout=15_000)
    expect(page.locator("#ardoise-chat .log")).to_contain_text(typed[:6], timeout=10_000)
    assert_inert(page, page.locator("#ardoise-chat"))
    recruiter.request("POST", f"{base}/close", csrf=recruiter.csrf)


# ---------------------------------------------------------------- an HR editor's article


@pytest.fixture
def hostile_article(assistant: Assistant, request: pytest.FixtureRequest) -> Iterator[str]:
    """The dress-code article with the payload in its French title, answer, a new example
    question and a link (stored as is, as if validation had let it through)."""
    typed = XSS[request.param]
    url = assistant.settings.database_url
    with transaction(url) as session:
        stored = _load(session, "dress-code")
        assert stored is not None
        original = article_to_doc(stored)
    french = original.texts["fr"]
    hostile = dataclasses.replace(
        french,
        title=typed[:80],
        answer=f"Aucun code vestimentaire. {typed}",
        questions=(*french.questions, f"{typed} ?"),
    )
    links = (Link(url="javascript:window.__xss=99;alert(99)", labels=(("fr", typed[:60]),)),)
    with transaction(url) as session:
        save_article(
            session=session,
            doc=dataclasses.replace(original, texts={**original.texts, "fr": hostile}, links=links),
            author="tests",
        )
    yield typed
    with transaction(url) as session:
        save_article(session=session, doc=original, author="tests")


@pytest.fixture(scope="module")
def workspace(browser: Browser, assistant: Assistant) -> Iterator[Page]:
    login = f"xss-hr-{uuid.uuid4().hex[:8]}"
    with transaction(assistant.settings.database_url) as session:
        add_user(session=session, login=login, display_name="HR", role="hr", password=PASSWORD)
    context = unguarded(browser)
    page = new_page(context)
    page.goto(f"{assistant.settings.web_url}/console/hr")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/console/hr"))
    yield page
    context.close()


@pytest.mark.parametrize("hostile_article", list(XSS), indirect=True)
def test_an_articles_markup_shows_as_text_in_the_workspace(workspace: Page, hostile_article: str):
    typed = hostile_article
    base = workspace.url.split("#")[0]
    workspace.goto(f"{base}#articles")
    workspace.reload()
    expect(workspace.locator("body")).to_contain_text(visible_part(typed[:80]), timeout=10_000)
    assert_inert(workspace, workspace.locator("body"))
    workspace.goto(f"{base}#article/dress-code")
    answer = workspace.locator('textarea[name="fr.answer"]')
    expect(answer).to_have_value(f"Aucun code vestimentaire. {typed}", timeout=10_000)
    # the revision history, with its diff of the change, on the same page
    history = workspace.locator(".history .revisions li").first
    expect(history).to_contain_text(visible_part(typed), timeout=10_000)
    assert_inert(workspace, workspace.locator("body"))


@pytest.mark.parametrize("hostile_article", list(XSS), indirect=True)
def test_an_articles_markup_shows_as_text_in_the_widgets_answer(
    context: BrowserContext, assistant: Assistant, hostile_article: str
):
    page = new_page(context)
    open_widget(page, assistant)
    # A training example of the article: this test is about rendering, not understanding.
    type_in_widget(page, "Y a-t-il un dress code ?")
    answer = page.locator(ANSWER).last
    expect(answer.locator(".rating")).to_have_attribute(
        "data-article", "dress-code", timeout=30_000
    )
    expect(answer).to_contain_text("Aucun code vestimentaire")
    assert_inert(page, page.locator("#ardoise-chat"))


# ---------------------------------------------------------------- ambassadors in the workspace


def test_an_ambassadors_fields_show_as_text_in_the_workspace(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
):
    """Team-coffee ambassadors (issue 11): name, role, bio, e-mail, windows and pauses,
    stored as is (as if validation had let them through), and a candidate's first name
    in the "coffees still to come" question, are rendered inert in HR's workspace."""
    from tests.conftest import port
    from tests.handoff.coffee_data import add_coffee, seed_hosts
    from tests.security.attacks import web_stack

    stack_runs = web_stack(tmp_path_factory.mktemp("xss-ambassadors"), port(18740))
    stack = next(stack_runs)
    context = unguarded(browser)
    try:
        seed_hosts(stack.db_url)
        with transaction(stack.db_url) as session:
            add_user(
                session=session, login="amb-hr", display_name="HR", role="hr", password=PASSWORD
            )
            for number, typed in enumerate(XSS.values()):
                session.add(
                    Ambassador(
                        id=f"hostile-{number}",
                        name=typed[:120],
                        role=typed[:120],
                        team=typed[:64],
                        languages=[typed],
                        topics=[typed],
                        windows=[typed],
                        bio_fr=typed,
                        bio_en=typed,
                        consent=typed,
                        email=typed[:254],
                    )
                )
        add_coffee(stack.db_url, hours_from_now=72, candidate_name=XSS["img-onerror"])
        page = new_page(context)
        page.goto(f"{stack.url}/console/login")
        page.fill("#login", "amb-hr")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(r"/console/hr"))
        page.click("a[data-tab=ambassadors]")
        table = page.locator(".ambassadors-table")
        expect(table.locator("tr[data-ambassador^=hostile]")).to_have_count(len(XSS))
        for typed in XSS.values():
            expect(table).to_contain_text(visible_part(typed))
        assert_inert(page, page.locator("body"))
        lea = page.locator("tr[data-ambassador=lea]")
        lea.get_by_role("button", name="Retirer", exact=True).click()
        lea.get_by_role("button", name="Oui, retirer").click()
        expect(page.locator(".decision li")).to_contain_text("avec <img")
        assert_inert(page, page.locator("body"))
        page.locator("tr[data-ambassador=hostile-1]").get_by_role("button", name="Modifier").click()
        expect(page.locator("form.ambassador-form [name=bio_fr]")).to_have_value(XSS["img-onerror"])
        assert_inert(page, page.locator("body"))
    finally:
        context.close()
        next(stack_runs, None)


# ---------------------------------------------------------------- open houses and reverse Q&As


def test_registration_names_and_questions_show_as_text_in_the_console_and_workspace(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
):
    """Issue 12: a registration's first name and a reverse Q&A question, stored as is (as
    if validation had let them through), are rendered inert in the console's check-in,
    lists and host view, and in the workspace's registrations and questions of a date."""
    from sqlalchemy import select

    from bot.events.models import PanelQuestion, Registration
    from tests.conftest import port
    from tests.handoff.event_data import ask, open_house, reverse_qa, set_capacity, sign_up
    from tests.security.attacks import web_stack

    stack_runs = web_stack(tmp_path_factory.mktemp("xss-events"), port(18770))
    stack = next(stack_runs)
    context, hr_context = unguarded(browser), unguarded(browser)
    try:
        url = stack.db_url
        with transaction(url) as session:
            add_user(
                session=session,
                login="event-watcher",
                display_name="Event Watcher",
                role="recruiter",
                password=PASSWORD,
            )
            add_user(
                session=session, login="event-hr", display_name="HR", role="hr", password=PASSWORD
            )
        house, panel = open_house(url, days=8), reverse_qa(url, days=9)
        set_capacity(url, house, len(XSS) - 3)  # the last ones wait: the waitlist shows them too
        for number, typed in enumerate(XSS.values()):
            seated = sign_up(url, house, f"Guest{number}")
            asker = sign_up(url, panel, f"Asker{number}")
            asked = ask(url, asker, f"Question {number} ?")
            with transaction(url) as session:
                for registration in (seated, asker):
                    session.get(Registration, registration.id).first_name = typed[:80]
                session.execute(
                    select(PanelQuestion).where(PanelQuestion.public_id == asked)
                ).scalar_one().text = typed

        page = new_page(context)
        page.goto(f"{stack.url}/console")
        page.fill("#login", "event-watcher")
        page.fill("#password", PASSWORD)
        page.click("button[type=submit]")
        for event, rows in ((house, "#detail .registration"), (panel, "#detail .question")):
            page.locator(f'#events .event-item[data-event="{event}"]').click()
            expect(page.locator(rows)).to_have_count(len(XSS), timeout=10_000)
            for typed in XSS.values():
                expect(page.locator("#detail")).to_contain_text(visible_part(typed))
            assert_inert(page, page.locator("body"))

        hr = new_page(hr_context)  # a second profile: one sign-in per browser profile
        hr.goto(f"{stack.url}/console/login")
        hr.fill("#login", "event-hr")
        hr.fill("#password", PASSWORD)
        hr.click("button[type=submit]")
        hr.wait_for_url(re.compile(r"/console/hr"))
        hr.click("a[data-tab=records]")
        page = hr
        for event in (house, panel):
            row = page.locator(f'tr[data-record="{event}"]')
            row.get_by_role("button", name="Places et inscriptions").click()
            date = page.locator(f'.date-panel[data-record="{event}"]')
            expect(date.locator(".date-registrations .registration")).to_have_count(
                len(XSS), timeout=10_000
            )
            if event == panel:
                expect(date.locator(".hr-question")).to_have_count(len(XSS), timeout=10_000)
            for typed in XSS.values():
                expect(date).to_contain_text(visible_part(typed))
            assert_inert(page, page.locator("body"))
    finally:
        context.close()
        hr_context.close()
        next(stack_runs, None)


# ---------------------------------------------------------------- canned replies


def test_canned_replies_and_a_candidates_name_show_as_text_in_the_workspace_and_console(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
):
    """HR's canned replies (issue 18), stored as is (as if validation had let them
    through), are inert in the workspace's list and its edit form, and in the console's
    quick replies, filled in with a hostile first name the candidate gave."""
    from sqlalchemy import update

    from bot.core.clock import utcnow
    from bot.handoff.models import CallbackRequest, CannedReply, Handoff
    from tests.conftest import port
    from tests.security.attacks import web_stack

    stack_runs = web_stack(tmp_path_factory.mktemp("xss-canned"), port(18745))
    stack = next(stack_runs)
    context = unguarded(browser)
    try:
        with transaction(stack.db_url) as session:
            editor = add_user(
                session=session, login="can-hr", display_name="HR", role="hr", password=PASSWORD
            )
            recruiter = add_user(
                session=session,
                login="can-rec",
                display_name=XSS["img-onerror"][:80],
                role="recruiter",
                password=PASSWORD,
            )
            for number, typed in enumerate(XSS.values()):
                session.add(
                    CannedReply(
                        title=f"{number} {typed}"[:80],
                        text_fr=f"{typed} {{candidat}} {{recruteur}}",
                        text_en=typed,
                        updated_by=typed[:120],
                    )
                )
            session.add(
                CallbackRequest(
                    conversation_id="victim-conversation",
                    name=XSS["svg-onload"],
                    email="x@example.org",
                    question="?",
                    language="fr",
                    consent_text="ok",
                    consented_at=utcnow(),
                )
            )
            session.execute(
                update(Handoff)
                .where(Handoff.id == int(stack.ids["handoff"]))
                .values(status="claimed", claimed_by=recruiter.id, claimed_at=utcnow())
            )
            assert editor.id
        page = new_page(context)
        sign_in(page, stack.url, "can-hr", "/console/hr")
        page.click("a[data-tab=replies]")
        table = page.locator(".canned-table")
        expect(table.locator("tr[data-reply]")).to_have_count(len(XSS) + 4)  # the shipped ones
        for typed in XSS.values():
            expect(table).to_contain_text(visible_part(typed))
        assert_inert(page, page.locator("body"))
        number = list(XSS).index("img-onerror")
        row = table.locator("tr[data-reply]", has=page.locator("th", has_text=f"{number} <img"))
        row.get_by_role("button", name="Modifier").click()
        expect(page.locator("form.canned-form [name=text_en]")).to_have_value(XSS["img-onerror"])
        expect(page.locator(".canned-preview").first).to_contain_text("Léa")
        assert_inert(page, page.locator("body"))

        other = unguarded(browser)  # a second profile: its own session cookie
        console = new_page(other)
        sign_in(console, stack.url, "can-rec", "/console")
        console.goto(f"{stack.url}/console#conversation=victim-conversation")
        console.locator("#quick-toggle").click()
        quick = console.locator("#quick")
        expect(quick.locator(".quick-item[data-kind=reply]")).to_have_count(len(XSS) + 4)
        expect(quick).to_contain_text("<svg")  # the first name, as typed
        for typed in XSS.values():
            expect(quick).to_contain_text(visible_part(typed))
        console.fill("#quick-q", "xss")
        expect(quick.locator(".quick-item[data-kind=reply]").first).to_be_visible()
        assert_inert(console, console.locator("body"))
        quick.locator(".quick-item[data-kind=reply]").first.get_by_role(
            "button", name=re.compile("^Insérer")
        ).click()
        assert "{candidat}" not in console.locator("#reply").input_value()
        assert_inert(console, console.locator("body"))
        other.close()
    finally:
        context.close()
        next(stack_runs, None)


def sign_in(page: Page, url: str, login: str, landing: str) -> None:
    page.goto(f"{url}/console/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(landing) + r"($|#)"))


# ---------------------------------------------------------------- applications


def test_an_applications_fields_show_as_text_in_the_console(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
):
    """Applications (issue 14), stored as is (as if validation had let them through):
    names, e-mail, position title, message and link are inert in the console, and a
    link that is not http(s) is not made a link."""
    import secrets

    from bot.applications.models import Application
    from bot.core.clock import utcnow
    from tests.conftest import port
    from tests.security.attacks import web_stack

    stack_runs = web_stack(tmp_path_factory.mktemp("xss-applications"), port(18750))
    stack = next(stack_runs)
    context = unguarded(browser)
    try:
        with transaction(stack.db_url) as session:
            add_user(
                session=session,
                login="app-rec",
                display_name="Recruteur",
                role="recruiter",
                password=PASSWORD,
            )
            for typed in XSS.values():
                session.add(
                    Application(
                        public_id=secrets.token_urlsafe(16),
                        job_id="sre",
                        job_title=typed[:120],
                        first_name=typed[:80],
                        last_name=typed[:80],
                        email=typed[:254],
                        email_key=typed[:254].lower(),
                        url=typed[:500],
                        message=typed,
                        language="fr",
                        consent_text="ok",
                        consented_at=utcnow(),
                        status="new",
                        conversation_id="x",
                    )
                )
        page = new_page(context)
        sign_in(page, stack.url, "app-rec", "/console")
        items = page.locator("#applications li.application")
        expect(items).to_have_count(len(XSS) + 1, timeout=10_000)  # and the seeded one
        for typed in XSS.values():
            expect(page.locator("#applications")).to_contain_text(visible_part(typed))
        assert page.locator("#applications a.profile").count() == 1  # the seeded https one
        assert_inert(page, page.locator("body"))
    finally:
        context.close()
        next(stack_runs, None)


# ---------------------------------------------------------------- the talent community


def test_a_recruiters_community_message_shows_as_text_in_the_console_and_the_journal(
    browser: Browser, tmp_path_factory: pytest.TempPathFactory
):
    """A recruiter's message to a position's talent-community members (issue 14), typed
    in the console as hostile markup: the console stays inert while it is sent, and HR's
    journal shows its subject as text (the e-mail itself is plain text:
    tests/security/test_community.py)."""
    from tests.conftest import port
    from tests.security.attacks import web_stack

    stack_runs = web_stack(tmp_path_factory.mktemp("xss-community"), port(18765))
    stack = next(stack_runs)
    context = unguarded(browser)
    contexts = [context]
    try:
        with transaction(stack.db_url) as session:
            add_user(
                session=session,
                login="community-rec",
                display_name="Recruteur",
                role="recruiter",
                password=PASSWORD,
            )
            add_user(
                session=session,
                login="community-hr",
                display_name="RH",
                role="hr",
                password=PASSWORD,
            )
        page = new_page(context)
        sign_in(page, stack.url, "community-rec", "/console")
        expect(page.locator('#applications-job option[value="sre"]')).to_be_attached(timeout=10_000)
        page.select_option("#applications-job", "sre")
        page.locator("#applications-community").click()
        # the seeded member (attacks.seed) wants any position
        expect(page.locator("#community-members li")).to_have_count(1, timeout=10_000)
        for typed in XSS.values():
            page.locator("#community-subject").fill(typed[:150])
            page.locator("#community-text").fill(typed)
            page.get_by_role("button", name="Envoyer").click()
            expect(page.locator("#community-result")).not_to_be_empty(timeout=10_000)
            assert_inert(page, page.locator("body"))
        hr_context = unguarded(browser)  # its own cookies: HR signs in beside the recruiter
        contexts.append(hr_context)
        journal = new_page(hr_context)
        sign_in(journal, stack.url, "community-hr", "/console/hr")
        journal.goto(f"{stack.url}/console/hr#audit")
        entries = journal.locator(".journal")
        expect(entries).to_contain_text("communauté de talents", timeout=10_000)
        for typed in XSS.values():
            expect(entries).to_contain_text(visible_part(typed[:150]))
        assert_inert(journal, journal.locator("body"))
    finally:
        for opened in contexts:
            opened.close()
        next(stack_runs, None)
