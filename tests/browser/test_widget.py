"""The careers page and its chat widget in a real browser, against the real assistant."""

from __future__ import annotations

import dataclasses
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import delete

from bot.core.db import transaction
from bot.core.texts import text
from bot.handoff.models import Presence
from bot.knowledge.service import _load, article_to_doc, save_article
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

ANSWER = ".message.assistant:has(.rating)"


def open_site(page: Page, assistant, path: str = "/") -> None:
    page.goto(f"http://127.0.0.1:{assistant.settings.web_port}{path}")
    expect(page.locator("#ardoise-chat[data-ready]")).to_be_attached(timeout=10_000)


def open_widget(page: Page) -> None:
    page.locator("#ardoise-chat .launcher").click()
    expect(page.locator("#ardoise-chat .panel")).to_be_visible()


def ask(page: Page, text: str) -> None:
    before = page.locator(ANSWER).count()
    page.locator("#ardoise-chat textarea").fill(text)
    page.locator("#ardoise-chat textarea").press("Enter")
    expect(page.locator(ANSWER)).to_have_count(before + 1, timeout=30_000)


def last_answer(page: Page):
    return page.locator(ANSWER).last


def test_a_candidate_asks_in_french_then_in_english(page: Page, assistant):
    open_site(page, assistant)
    expect(page.locator("h1")).to_be_visible()
    open_widget(page)
    notice = page.locator("#ardoise-chat .notice")
    expect(notice).to_contain_text("assistant virtuel")
    expect(notice.locator("a")).to_have_attribute("href", re.compile(r"/fr/privacy$"))
    screenshot(page, "widget-desktop-notice")
    notice.locator("button").click()
    expect(notice).to_be_hidden()

    ask(page, "Combien de jours de télétravail par semaine ?")
    expect(last_answer(page).locator(".rating")).to_have_attribute("data-article", "remote-work")
    expect(last_answer(page)).to_contain_text("3")
    expect(page.locator("#ardoise-chat .message.candidate")).to_contain_text(["télétravail"])

    page.locator("#ardoise-chat .language[lang=en]").click()
    expect(page.locator("#ardoise-chat textarea")).to_have_attribute(
        "placeholder", "Ask your question…"
    )
    ask(page, "How much is the home office allowance?")
    expect(last_answer(page).locator(".rating")).to_have_attribute(
        "data-article", "remote-allowance"
    )
    expect(last_answer(page)).to_contain_text("50")
    screenshot(page, "widget-desktop-conversation")
    assert page.dialogs == [] and page.errors == []


def test_quick_replies_rating_and_history_after_reload(page: Page, assistant):
    open_site(page, assistant, "/en/")
    open_widget(page)
    ask(page, "What does the hiring process look like?")
    choices = last_answer(page).locator(".choice")
    expect(choices.first).to_be_visible()
    title = choices.first.inner_text()
    choices.first.click()
    expect(page.locator("#ardoise-chat .message.candidate").last).to_have_text(
        re.compile(re.escape(title))
    )
    expect(page.locator(ANSWER)).to_have_count(2, timeout=30_000)

    up = last_answer(page).locator(".rate.up")
    up.click()
    expect(up).to_have_attribute("aria-pressed", "true")
    expect(last_answer(page).locator(".thanks")).to_have_text("Thanks for your feedback.")

    bubbles = page.locator("#ardoise-chat .log .message .bubble")
    shown = bubbles.all_inner_texts()
    page.reload()
    expect(page.locator("#ardoise-chat .panel")).to_be_visible()  # it was open: it stays open
    expect(bubbles).to_have_count(len(shown), timeout=15_000)
    assert bubbles.all_inner_texts() == shown
    expect(last_answer(page).locator(".rate.up")).to_have_attribute("aria-pressed", "true")


def test_the_widget_reconnects_after_a_server_restart_without_losing_a_message(
    page: Page, assistant
):
    open_site(page, assistant)
    open_widget(page)
    ask(page, "Quels sont les avantages ?")
    assistant.services.stop("rasa")
    status = page.locator("#ardoise-chat .status")
    expect(status).to_contain_text("Connexion perdue", timeout=15_000)
    # typed while the server is down: queued, shown as pending, kept across a reload
    page.locator("#ardoise-chat textarea").fill("Combien de jours de télétravail par semaine ?")
    page.locator("#ardoise-chat textarea").press("Enter")
    expect(page.locator("#ardoise-chat .message.pending")).to_have_count(1)
    page.reload()
    expect(page.locator("#ardoise-chat .message.pending")).to_have_count(1, timeout=10_000)
    screenshot(page, "widget-offline")
    assistant.services.start_rasa()
    assistant.services.wait_ready()
    expect(page.locator("#ardoise-chat .message.pending")).to_have_count(0, timeout=60_000)
    expect(page.locator(ANSWER).last.locator(".rating")).to_have_attribute(
        "data-article", "remote-work", timeout=30_000
    )
    expect(status).to_be_hidden()
    candidate_lines = page.locator("#ardoise-chat .message.candidate").all_inner_texts()
    assert [line.split(":")[-1].strip() for line in candidate_lines] == [
        "Quels sont les avantages ?",
        "Combien de jours de télétravail par semaine ?",
    ]


def test_a_message_the_database_did_not_keep_is_sent_again_by_the_widget(page: Page, assistant):
    """The tracker store's database refuses the conversation's rows for a while (a
    database restarting): the server refuses to acknowledge the message, and the widget
    sends it again, pausing longer each time, until it is kept and answered. The
    candidate's line shows once, and is stored once."""
    from tests.e2e.tracker_faults import refusing, stored_texts

    url = assistant.settings.tracker_store_url
    question = "Combien de jours de travail à distance par semaine ?"
    # every try of the message, over the websocket or a polling request
    tries: list[str] = []

    def note(frame: object) -> None:
        if "user_uttered" in str(frame) and "travail à distance" in str(frame):
            tries.append(str(frame))

    page.on("websocket", lambda socket: socket.on("framesent", note))
    page.on("request", lambda request: note(request.post_data or ""))
    open_site(page, assistant)
    open_widget(page)
    ask(page, "Quels sont les avantages ?")
    conversation = page.evaluate("JSON.parse(localStorage.getItem('ardoise-chat')).sessionId")
    apology = page.locator("#ardoise-chat .message.assistant", has_text=text("apology", "fr"))
    with refusing(url, conversation):
        page.locator("#ardoise-chat textarea").fill(question)
        page.locator("#ardoise-chat textarea").press("Enter")
        # the first try is refused with an apology; the widget waits 2 s, then 4 s…
        expect(apology).to_have_count(1, timeout=15_000)
        page.wait_for_timeout(3_000)  # the second try is refused too
        assert len(tries) >= 2
        expect(page.locator("#ardoise-chat .message.candidate")).to_have_count(2)  # once
        assert question not in stored_texts(url, conversation)
    expect(page.locator(ANSWER).last.locator(".rating")).to_have_attribute(
        "data-article", "remote-work", timeout=30_000
    )
    expect(page.locator("#ardoise-chat .message.pending")).to_have_count(0)
    expect(page.locator("#ardoise-chat .message.candidate")).to_have_count(2)
    expect(page.locator(ANSWER)).to_have_count(2)  # the answer once: the kept try's
    expect(apology).to_have_count(1)  # said once, not at every try
    assert stored_texts(url, conversation).count(question) == 1
    assert len(tries) >= 3  # two refused, one kept


@pytest.fixture
def hostile_answer(assistant):
    """HR typed markup, a javascript: link and real formatting into an answer."""
    url = assistant.settings.database_url
    with transaction(url) as session:
        original = article_to_doc(_load(session, "dress-code"))
    french = original.texts["fr"]
    hostile = dataclasses.replace(
        french,
        answer=(
            "Aucun code vestimentaire. <img src=x onerror=alert(1)> <script>alert(2)</script>\n\n"
            "- **Venez** comme vous êtes\n- [cliquez](javascript:alert(3))\n\n"
            "[relatif](../console) [obscur](javascript&#58;alert(6))\n\n"
            "Plus d'infos : https://example.org/culture et [écrire](mailto:jobs@example.org)"
        ),
    )
    with transaction(url) as session:
        save_article(
            session=session,
            doc=dataclasses.replace(original, texts={**original.texts, "fr": hostile}),
            author="tests",
        )
    yield
    with transaction(url) as session:
        save_article(session=session, doc=original, author="tests")


def test_markup_in_answers_and_messages_stays_inert(page: Page, assistant, hostile_answer):
    open_site(page, assistant)
    open_widget(page)
    # A training example of the article: this test is about rendering, not understanding.
    ask(page, "Y a-t-il un dress code ?")
    bubble = last_answer(page).locator(".bubble")
    expect(bubble).to_contain_text("<img src=x onerror=alert(1)>")
    expect(bubble).to_contain_text("<script>alert(2)</script>")
    assert bubble.locator("img, script").count() == 0
    expect(bubble.locator("strong")).to_have_text("Venez")
    expect(bubble.locator("li")).to_have_count(2)
    links = bubble.locator("a")
    expect(links).to_have_count(2)
    expect(links.nth(0)).to_have_attribute("href", "https://example.org/culture")
    expect(links.nth(0)).to_have_attribute("target", "_blank")
    expect(links.nth(0)).to_have_attribute("rel", "noopener noreferrer")
    expect(links.nth(1)).to_have_attribute("href", "mailto:jobs@example.org")
    expect(bubble).to_contain_text("cliquez")  # the javascript: link is plain text
    # relative and entity-obfuscated targets are not resolved against the host page
    expect(bubble).to_contain_text("relatif")
    expect(bubble).to_contain_text("obscur")

    page.locator("#ardoise-chat textarea").fill(
        '<img src=x onerror=alert(4)> "><svg onload=alert(5)>'
    )
    page.locator("#ardoise-chat textarea").press("Enter")
    mine = page.locator("#ardoise-chat .message.candidate").last
    expect(mine).to_contain_text("<img src=x onerror=alert(4)>")
    assert mine.locator("img, svg").count() == 0
    # Once the server acknowledged it, the message is stored: reloading shows it from the
    # history (the outbox, which would resend it, is empty by then).
    expect(mine).not_to_have_class(re.compile(r"\bpending\b"), timeout=30_000)
    page.reload()
    expect(page.locator("#ardoise-chat .message.candidate").last).to_contain_text(
        "onerror=alert(4)"
    )
    assert page.dialogs == [], page.dialogs


def test_keyboard_only(page: Page, assistant):
    open_site(page, assistant)

    def focused() -> str:
        return page.evaluate(
            "() => { const a = document.activeElement;"
            " const inner = a && a.shadowRoot ? a.shadowRoot.activeElement : null;"
            " const e = inner || a;"
            " return e.tagName.toLowerCase() + (inner ? '.' + inner.className : ''); }"
        )

    for _ in range(200):
        page.keyboard.press("Tab")
        if focused().startswith("button.launcher"):
            break
    else:
        pytest.fail("the chat launcher cannot be reached with Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#ardoise-chat .panel")).to_be_visible()
    assert focused() == "textarea."
    page.keyboard.type("Quelles sont les étapes du recrutement ?")
    page.keyboard.press("Enter")
    expect(page.locator(ANSWER)).to_have_count(1, timeout=30_000)
    # the rating buttons are reachable: Shift+Tab back from the composer
    for _ in range(30):
        page.keyboard.press("Shift+Tab")
        if focused().startswith("button.rate up"):
            break
    else:
        pytest.fail("the rating buttons cannot be reached with the keyboard")
    page.keyboard.press("Enter")
    expect(last_answer(page).locator(".rate.up")).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Escape")
    expect(page.locator("#ardoise-chat .panel")).to_be_hidden()
    assert focused().startswith("button.launcher")
    expect(page.locator("#ardoise-chat .launcher")).to_have_attribute("aria-expanded", "false")


def test_accessible_structure(page: Page, assistant):
    open_site(page, assistant, "/en/")
    open_widget(page)
    log = page.locator("#ardoise-chat .log")
    expect(log).to_have_attribute("role", "log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(page.locator("#ardoise-chat textarea")).to_have_accessible_name("Your message")
    expect(page.locator("#ardoise-chat .send")).to_have_accessible_name("Send")
    expect(page.locator("#ardoise-chat .human")).to_have_text("Talk to a recruiter")
    outline = page.locator("#ardoise-chat .send").evaluate(
        "b => { b.focus({focusVisible: true}); return getComputedStyle(b).outlineStyle; }"
    )
    assert outline == "solid"


def test_talk_to_a_human_is_one_click_away(page: Page, assistant):
    # No recruiter is signed in to the console: the candidate is offered an e-mail answer.
    with transaction(assistant.settings.database_url) as session:
        session.execute(delete(Presence))
    open_site(page, assistant)
    open_widget(page)
    page.locator("#ardoise-chat .human").click()
    expect(page.locator("#ardoise-chat .message.candidate").last).to_have_text(
        re.compile(re.escape("Je voudrais parler à une personne de l'équipe recrutement."))
    )
    offer = page.locator("#ardoise-chat .message.assistant").last.locator(".bubble")
    expect(offer).to_have_text(text("unavailable", "fr"), timeout=30_000)


def test_phone_screen_and_200_percent_zoom(browser, assistant):
    for name, viewport in (
        ("phone", {"width": 375, "height": 740}),
        ("zoom-200", {"width": 640, "height": 430}),
    ):
        context = browser.new_context(viewport=viewport, locale="fr-FR", has_touch=name == "phone")
        page = context.new_page()
        try:
            open_site(page, assistant)
            open_widget(page)
            page.locator("#ardoise-chat .notice button").click()
            ask(page, "Où sont vos bureaux ?")
            panel = page.locator("#ardoise-chat .panel").bounding_box()
            assert panel is not None
            assert panel["x"] >= 0 and panel["x"] + panel["width"] <= viewport["width"] + 0.5
            assert panel["y"] >= 0 and panel["y"] + panel["height"] <= viewport["height"] + 0.5
            expect(page.locator("#ardoise-chat textarea")).to_be_in_viewport()
            expect(page.locator("#ardoise-chat .close")).to_be_in_viewport()
            if name == "phone":
                assert panel["width"] == viewport["width"]
            scroll_width = page.evaluate("document.documentElement.scrollWidth")
            assert scroll_width <= viewport["width"]
            screenshot(page, f"widget-{name}")
        finally:
            context.close()


def test_nobody_available_the_candidate_asks_for_an_answer_by_email(page: Page, assistant, mailbox):
    from sqlalchemy import delete

    from bot.handoff.models import Presence

    with transaction(assistant.settings.database_url) as session:
        session.execute(delete(Presence))  # no recruiter signed in
    open_site(page, assistant)
    open_widget(page)
    page.locator("#ardoise-chat .notice button").click()
    ask(page, "Quelles sont les étapes du recrutement ?")
    # typed rather than the button: the form still starts from the real question
    page.locator("#ardoise-chat textarea").fill("Je voudrais parler à un recruteur s'il vous plaît")
    page.locator("#ardoise-chat textarea").press("Enter")
    yes = page.locator("#ardoise-chat .callback-yes")
    expect(yes).to_be_visible(timeout=30_000)
    yes.click()
    form = page.locator("#ardoise-chat .callback-form")
    expect(form.locator("textarea")).to_have_value("Quelles sont les étapes du recrutement ?")
    form.locator("input[name=name]").fill("Ada Lovelace")
    form.locator("input[name=email]").fill("ada@")
    form.locator("button[type=submit]").click()
    expect(
        form.locator("#" + form.locator("input[name=email]").get_attribute("id") + "-error")
    ).to_have_text("Cette adresse e-mail n'est pas valide.")
    expect(form).to_contain_text("Cochez la case")
    expect(form.locator(".consent label")).to_contain_text("180 jours")
    screenshot(page, "widget-callback-form")
    form.locator("input[name=email]").fill("ada@example.org")
    form.locator("input[type=checkbox]").check()
    form.locator("button[type=submit]").click()
    expect(form).to_have_count(0, timeout=10_000)
    done = page.locator("#ardoise-chat .message.assistant").last
    expect(done).to_contain_text("par e-mail d'ici le")
    # the date in words, as the candidate reads it ("3 décembre 2026"), never ISO
    expect(done).to_contain_text(re.compile(r"d'ici le \d{1,2}(er)? [a-zéû]+ \d{4}"))
    expect(done).not_to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    mailbox.wait_for(lambda m: "Ada Lovelace" in m["Subject"])
    screenshot(page, "widget-callback-done")


def test_the_candidate_sees_the_recruiter_join_write_and_leave(page: Page, assistant):
    from sqlalchemy import select

    from bot.staff.accounts import StaffUser, add_user
    from tests.e2e.console_client import Recruiter

    with transaction(assistant.settings.database_url) as session:
        if not session.execute(select(StaffUser).where(StaffUser.login == "camille-w")).first():
            add_user(
                session=session,
                login="camille-w",
                display_name="Camille Roux",
                role="recruiter",
                password="a-long-widget-password",
            )
    recruiter = Recruiter(assistant.settings.web_url)
    assert recruiter.sign_in("camille-w", "a-long-widget-password").status_code == 302
    try:
        open_site(page, assistant)
        open_widget(page)
        page.locator("#ardoise-chat .human").click()
        expect(page.locator("#ardoise-chat .message.assistant").last).to_contain_text(
            "Je vous mets en relation", timeout=30_000
        )
        conversation = page.evaluate("JSON.parse(localStorage.getItem('ardoise-chat')).sessionId")
        handoff = recruiter.handoff_for(conversation)
        assert recruiter.post(f"/console/api/handoffs/{handoff['id']}/claim").status_code == 200
        expect(page.locator("#ardoise-chat .event").last).to_have_text(
            "Camille Roux (recrutement) a rejoint la conversation.", timeout=5_000
        )
        recruiter.post(
            f"/console/api/handoffs/{handoff['id']}/messages",
            {"text": "Bonjour ! [Notre page](javascript:alert(1)) **bienvenue**"},
        )
        message = page.locator("#ardoise-chat .message.recruiter").last
        expect(message.locator(".who")).to_have_text("Camille Roux · recrutement", timeout=5_000)
        expect(message.locator("strong")).to_have_text("bienvenue")
        assert message.locator("a").count() == 0
        screenshot(page, "widget-recruiter")
        recruiter.post(f"/console/api/handoffs/{handoff['id']}/return")
        expect(page.locator("#ardoise-chat .event").last).to_contain_text(
            "a quitté la conversation"
        )
        assert page.dialogs == []
    finally:
        recruiter.sign_out()
