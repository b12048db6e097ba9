"""Booking a team coffee from the chat widget, in a real browser against the real assistant:
the offer's host cards and slot buttons, the contact form (checks, the server's refusal
shown by its field), the confirmation, the e-mail's link and the cancel page."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from email.header import decode_header, make_header
from email.message import Message

import pytest
from playwright.sync_api import Browser, Page, expect

from bot.core.db import transaction
from bot.core.texts import text
from bot.meetings.defaults import prepare_ambassadors
from bot.meetings.views import TEXTS as PAGE_TEXTS
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

WIDGET = "#ardoise-chat"
OFFER = f"{WIDGET} .message[data-type=meeting_offer]"
FORM = f"{WIDGET} .meet-form"
HOSTILE_NOTE = "<img src=x onerror=window.__pwned=1> Comment se passe l'astreinte ?"
MANAGE_LINK = re.compile(r"https?://[^\s/]+/meetings/manage/[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Case:
    name: str
    viewport: dict[str, int]
    path: str
    language: str
    timezone: str
    question: str
    team_label: str
    summary: str  # the candidate's own bubble once the form is sent
    consent_error: str


CASES = [
    Case(
        name="desktop",
        viewport={"width": 1280, "height": 800},
        path="/",
        language="fr",
        timezone="Europe/Paris",
        question="je voudrais prendre un café avec quelqu'un de l'équipe data",
        team_label="Data & ML",
        summary=r"^Réserver : .+ avec \S+$",
        consent_error="Cochez la case",
    ),
    Case(
        name="phone",
        viewport={"width": 390, "height": 844},
        path="/en/",
        language="en",
        timezone="America/Toronto",  # Chromium reports Montreal as Toronto
        question="I'd like to have a coffee with someone from the mobile team",
        team_label="Mobile",
        summary=r"^Book: .+ with \S+$",
        consent_error="Please tick the box",
    ),
]


@pytest.fixture(scope="module")
def ambassadors(assistant) -> None:
    """The default ambassadors in the running assistant's database (a no-op when the
    start-up already put them there)."""
    with transaction(assistant.settings.database_url) as session:
        prepare_ambassadors(session=session)


def wait_for_focus(page: Page, name: str) -> None:
    """Wait until the widget's field called `name` has the focus (inside the shadow root)."""
    page.wait_for_function(
        "name => { const host = document.getElementById('ardoise-chat');"
        " const e = host && host.shadowRoot ? host.shadowRoot.activeElement : null;"
        " return Boolean(e) && e.getAttribute('name') === name; }",
        arg=name,
        timeout=5_000,
    )


def subject(message: Message) -> str:
    return str(make_header(decode_header(str(message["Subject"] or ""))))


def plain_text(message: Message) -> str:
    parts = message.walk() if message.is_multipart() else [message]
    return "\n".join(
        part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        for part in parts
        if part.get_content_type() == "text/plain"
    )


def candidate_bubbles(page: Page) -> list[str]:
    return page.locator(f"{WIDGET} .message.candidate .bubble").all_inner_texts()


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_a_candidate_books_a_coffee_in_the_widget_and_cancels_it_from_the_email(
    browser: Browser, assistant, ambassadors, mailbox, case: Case
):
    email = f"ada-{uuid.uuid4().hex[:8]}@example.org"
    context = browser.new_context(
        viewport=case.viewport,
        locale="fr-FR" if case.language == "fr" else "en-GB",
        timezone_id=case.timezone,
        has_touch=case.name == "phone",
    )
    page = context.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    sent: list[str] = []  # what the widget sent over socket.io (polling or WebSocket)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "request",
        lambda request: (
            sent.append(request.post_data or "")
            if "/socket.io/" in request.url and request.method == "POST"
            else None
        ),
    )
    page.on(
        "websocket",
        lambda ws: ws.on("framesent", lambda payload: sent.append(str(payload))),
    )
    try:
        page.goto(f"http://127.0.0.1:{assistant.settings.web_port}{case.path}")
        expect(page.locator(f"{WIDGET}[data-ready]")).to_be_attached(timeout=10_000)
        page.locator(f"{WIDGET} .launcher").click()
        page.locator(f"{WIDGET} .notice button").click()
        page.locator(f"{WIDGET} textarea#input").fill(case.question)
        page.locator(f"{WIDGET} textarea#input").press("Enter")

        # The offer: host cards (first name, role, team, topics) above the slot buttons.
        offer = page.locator(OFFER).last
        expect(offer).to_be_visible(timeout=30_000)
        cards = offer.locator(".host-card")
        expect(cards.first).to_be_visible()
        expect(cards.first.locator(".host-name")).not_to_be_empty()
        expect(cards.first.locator(".host-role")).to_contain_text(case.team_label)
        expect(cards.first.locator(".topics li").first).to_be_visible()
        slots = offer.locator(".slots .choice")
        expect(slots.first).to_be_visible()
        card_box, slot_box = cards.first.bounding_box(), slots.first.bounding_box()
        assert card_box and slot_box and card_box["y"] < slot_box["y"]
        assert page.evaluate("document.documentElement.scrollWidth") <= case.viewport["width"]
        screenshot(page, f"coffee-{case.name}-offer")

        # Picking a slot: the button's title as the candidate's bubble, then the form.
        title = slots.first.inner_text()
        slots.first.click()
        expect(page.locator(f"{WIDGET} .message.candidate").last).to_contain_text(
            title.split("\n")[0]
        )
        form = page.locator(FORM)
        expect(form).to_be_visible(timeout=30_000)
        wait_for_focus(page, "name")
        expect(form.locator("input[name=name]")).to_have_accessible_name(
            re.compile("prénom" if case.language == "fr" else "first name")
        )
        expect(form.locator("input[name=email]")).to_have_attribute("type", "email")
        consent_box = form.locator("input[type=checkbox]")
        expect(consent_box).to_have_accessible_name(re.compile(r".{40,}"))  # the server's sentence
        form.locator("input[name=name]").fill("Ada")
        form.locator("input[name=email]").fill(email)
        form.locator("textarea[name=note]").fill(HOSTILE_NOTE)
        screenshot(page, f"coffee-{case.name}-form")

        # Without consent: nothing is sent, the form stays, the error is by the checkbox.
        mine = page.locator(f"{WIDGET} .message.candidate").count()
        form.locator("button[type=submit]").click()
        consent_error = form.locator("#" + consent_box.get_attribute("aria-describedby"))
        expect(consent_error).to_contain_text(case.consent_error)
        expect(consent_box).to_have_attribute("aria-invalid", "true")
        wait_for_focus(page, "consent")
        expect(form.locator("[role=alert]")).to_contain_text(case.consent_error)
        assert page.locator(f"{WIDGET} .message.candidate").count() == mine

        # An address the browser accepts but the server refuses: its sentence by the field.
        consent_box.check()
        form.locator("input[name=email]").fill("ada@localhost")
        form.locator("button[type=submit]").click()
        email_field = form.locator("input[name=email]")
        email_error = form.locator("#" + email_field.get_attribute("aria-describedby"))
        expect(email_error).not_to_be_empty(timeout=30_000)
        expect(email_field).to_have_attribute("aria-invalid", "true")
        wait_for_focus(page, "email")
        expect(page.locator(f"{WIDGET} .message[data-type=booking]").last).to_contain_text(
            email_error.inner_text()
        )
        screenshot(page, f"coffee-{case.name}-form-error")

        # Then right: the confirmation card with its two buttons; the form is closed.
        email_field.fill(email)
        form.locator("button[type=submit]").click()
        card = page.locator(f"{WIDGET} .message.booking-confirmed")
        expect(card).to_be_visible(timeout=30_000)
        expect(page.locator(FORM)).to_have_count(0)
        expect(card.locator(".choice")).to_have_text(
            [
                text("coffee_cancel_button", case.language),
                text("coffee_move_button", case.language),
            ]
        )
        screenshot(page, f"coffee-{case.name}-confirmed")

        # The candidate's own bubbles say what was sent, never the JSON with the e-mail.
        bubbles = candidate_bubbles(page)
        assert any(re.match(case.summary, b) for b in bubbles), bubbles
        assert not any("{" in b or "@" in b for b in bubbles), bubbles
        # The note's markup stayed text (it is not even shown in the widget).
        assert page.locator(f"{WIDGET} img").count() == 0
        assert page.evaluate("window.__pwned") is None
        # Every message carried the browser's time zone.
        uttered = [frame for frame in sent if "user_uttered" in frame]
        assert len(uttered) >= 4, sent
        assert all(f'"timezone":"{case.timezone}"' in frame for frame in uttered), uttered

        # The history restored after a reload shows the same summaries, and no open form.
        page.reload()
        expect(page.locator(f"{WIDGET} .message.booking-confirmed")).to_be_visible(timeout=15_000)
        restored = candidate_bubbles(page)
        assert restored == bubbles
        expect(page.locator(FORM)).to_have_count(0)

        # The confirmation e-mail, and its link to cancel.
        confirmation = mailbox.wait_for(lambda m: email in str(m["To"] or ""), timeout=30)
        body = plain_text(confirmation)
        found = MANAGE_LINK.search(body)
        assert found, body
        manage = context.new_page()
        manage.goto(found.group(0))
        words = PAGE_TEXTS[case.language]
        expect(manage.locator("h1")).to_have_text(words["title"])
        expect(manage.locator(".note")).to_contain_text("<img src=x onerror=window.__pwned=1>")
        assert manage.locator("main img").count() == 0
        manage.get_by_role("button", name=words["cancel_button"]).click()
        expect(manage.locator("[role=status]")).to_have_text(words["cancelled"])
        screenshot(manage, f"coffee-{case.name}-cancel-page")
        assert manage.evaluate("window.__pwned") is None
        cancelled = mailbox.wait_for(
            lambda m: (
                email in str(m["To"] or "")
                and re.search("annulé|cancelled", subject(m)) is not None
            ),
            timeout=30,
        )
        assert cancelled is not confirmation
        assert dialogs == [] and errors == [], (dialogs, errors)
    finally:
        context.close()
