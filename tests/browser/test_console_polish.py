"""The recruiter console reads like the chat (issue 18, "Recruiters"), in a real Chromium
against the web server as a process: the assistant's answers rendered as the widget renders
them (and hostile markup inert in every text), a candidate's booking and other commands put
in words instead of their JSON, and a callback request's card opening its conversation."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect
from sqlalchemy import insert, select

from bot.core.db import transaction
from bot.core.tracker_store import EVENTS, tracker_engine
from bot.handoff.callbacks import create_callback
from bot.handoff.service import request_handoff
from bot.handoff.summary import summarize
from bot.staff.accounts import StaffUser
from tests.browser.conftest import screenshot
from tests.conftest import port
from tests.security.attacks import PASSWORD, WebStack, web_stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

HANDED_OFF = "polish-handed-off"
CALLED_BACK = "polish-callback"
DELETED = "polish-deleted"
ABOUT_SRE = "polish-about-sre"
HOSTILE = "**<img src=x onerror=window.__pwned=1>**"
BOOK_COFFEE = (
    '/book{"slot": "coffee-lea-1", "name": "Ada", "email": "ada@example.org", "consent": true}'
)
BOOK_EVENT = '/book{"slot": "event-7", "name": "Ada", "email": "ada@example.org", "consent": true}'
ASK_PANEL = '/ask_panel{"slot": "event-7", "question": "Quelle est la stratégie ?"}'


def user(text: str) -> dict[str, Any]:
    return {"event": "user", "text": text}


def assistant(text: str, custom: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"event": "bot", "text": text, "data": {"custom": custom} if custom else {}}


def recruiter(text: str) -> dict[str, Any]:
    return {
        "event": "bot",
        "text": text,
        "metadata": {"sender": {"role": "recruiter", "name": "Inès Martin"}},
    }


def read(text: str, intent: str) -> dict[str, Any]:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


# About the SRE job, answered with the teams' overview (topic "teams"); then a person asked
# for in words that the model read as a personal matter, and "yes" to the offer.
ABOUT_SRE_EVENTS = [
    read("Le poste de SRE, c'est dans quelle équipe ?", "faq"),
    assistant("Nos équipes…", {"type": "answer", "article": "teams-overview"}),
    read("Et une salle de sport au bureau ?", "out_of_scope"),
    assistant("Je ne sais pas.", {"type": "no_answer"}),
    read("je voudrais parler à quelqu'un des RH", "needs_human"),
    assistant("Un recruteur ?", {"type": "handoff", "status": "offered"}),
    read("oui", "affirm"),
]

HANDED_OFF_EVENTS = [
    user("Et les astreintes ?"),
    assistant(
        "Le télétravail est possible, sauf en **astreinte**.\n\n"
        "- deux jours par semaine\n- le reste au bureau\n\n"
        "Voir [la charte](https://example.org/charte) et [ça](javascript:window.__pwned=2).",
        {"type": "answer", "article": "remote-work"},
    ),
    assistant(f"Attention : {HOSTILE}"),
    user(HOSTILE),
    assistant(
        "Un café avec l'équipe ?",
        {
            "type": "meeting_offer",
            "kind": "coffee",
            "hosts": [{"id": "lea", "name": "Léa"}],
            "slots": [{"id": "coffee-lea-1", "label": "mardi 3 mars, 10:00", "host": "lea"}],
        },
    ),
    user(BOOK_COFFEE),
    assistant(
        "Une session questions aux dirigeants ?",
        {
            "type": "meeting_offer",
            "kind": "reverse_qa",
            "slots": [{"id": "event-7", "label": "jeudi 10 décembre, 18:00"}],
        },
    ),
    user(BOOK_EVENT),
    user(ASK_PANEL),
    user("/affirm"),
    user("/deny"),
    user('/choose_article{"article": "remote-work"}'),
    user("/request_human"),
    recruiter("Bonjour, **pas du gras** ici."),
]


def put_events(db_url: str, conversation: str, events: list[dict[str, Any]]) -> None:
    engine = tracker_engine(db_url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        for number, event in enumerate(events):
            event = {**event, "timestamp": 1_700_000_000.0 + number}
            connection.execute(
                insert(EVENTS).values(
                    sender_id=conversation, type_name=event["event"], data=json.dumps(event)
                )
            )
    engine.dispose()


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    yield from web_stack(tmp_path_factory.mktemp("console-polish"), port(18970))


@pytest.fixture(scope="module")
def conversations(stack: WebStack) -> None:
    """A handed-off conversation, one that only left a callback request, and a callback
    request whose conversation has been deleted from the tracker store."""
    put_events(stack.db_url, HANDED_OFF, HANDED_OFF_EVENTS)
    put_events(stack.db_url, ABOUT_SRE, ABOUT_SRE_EVENTS)
    put_events(
        stack.db_url,
        CALLED_BACK,
        [user("Puis-je venir avec mon chien ?"), assistant("Je ne sais pas, **désolé**.")],
    )
    with transaction(stack.db_url) as session:
        seeded = session.execute(
            select(StaffUser).where(StaffUser.login == "seed-recruiter")
        ).scalar_one()
        request_handoff(
            session=session,
            conversation_id=HANDED_OFF,
            reason="request_human",
            language="fr",
            hints=[],
            summary={"asked": ["Et les astreintes ?"]},
            routes={},
            online=[seeded],
        )
        summary, hints = summarize(
            session=session, events=ABOUT_SRE_EVENTS, language="fr", reason="needs_human"
        )
        request_handoff(
            session=session,
            conversation_id=ABOUT_SRE,
            reason="needs_human",
            language="fr",
            hints=hints,
            summary=summary,
            routes={},
            online=[seeded],
        )
        for conversation, name in ((CALLED_BACK, "Chloé"), (DELETED, "Dora")):
            create_callback(
                session=session,
                conversation_id=conversation,
                data={
                    "name": name,
                    "email": f"{name.lower()}@example.org",
                    "question": "Un chien au bureau ?",
                    "consent": True,
                },
                language="fr",
                retention_days=30,
            )


def sign_in(page: Page, url: str) -> None:
    page.goto(url)
    expect(page).to_have_url(re.compile(r"/console/login$"))
    page.fill("#login", "seed-recruiter")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("#link")).to_have_text("En direct", timeout=10_000)


def open_handed_off(page: Page, stack: WebStack) -> Locator:
    sign_in(page, f"{stack.url}/console")
    page.locator(f'#queue .item[data-conversation="{HANDED_OFF}"]').click()
    transcript = page.locator("#transcript")
    expect(transcript).to_contain_text("pas du gras", timeout=10_000)
    return transcript


def test_answers_render_like_the_chat_and_hostile_markup_stays_inert(
    page: Page, stack: WebStack, conversations: None
):
    transcript = open_handed_off(page, stack)

    # The assistant's answer, as the widget renders it.
    answer = transcript.locator(".line.assistant").first
    expect(answer.locator("strong")).to_have_text("astreinte")
    expect(answer).not_to_contain_text("**")
    expect(answer.locator("li")).to_have_text(["deux jours par semaine", "le reste au bureau"])
    link = answer.locator("a")
    expect(link).to_have_count(1)  # the javascript: one stays text
    expect(link).to_have_attribute("href", "https://example.org/charte")
    expect(link).to_have_attribute("target", "_blank")
    expect(answer).to_contain_text("et ça.")  # the label alone, as in the chat

    # Hostile markup in bold: text in a <strong> for the assistant, as typed for the candidate.
    warning = transcript.locator(".line.assistant").nth(1)
    expect(warning.locator("strong")).to_have_text("<img src=x onerror=window.__pwned=1>")
    expect(transcript.locator(".line.candidate").nth(1)).to_contain_text(HOSTILE)
    # A recruiter's words as the candidate's chat shows them (the widget renders them too:
    # an article sent from the quick replies keeps its bold and links).
    recruiter = transcript.locator(".line.recruiter")
    expect(recruiter).to_contain_text("Bonjour, pas du gras ici.")
    expect(recruiter.locator("strong")).to_have_text("pas du gras")
    assert transcript.locator("img, script, .line.candidate strong").count() == 0
    screenshot(page, "console-polish-answers")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.errors == [] and page.dialogs == []  # type: ignore[attr-defined]


def test_a_candidates_commands_read_as_sentences(page: Page, stack: WebStack, conversations: None):
    transcript = open_handed_off(page, stack)
    # The candidate's commands, in words: name and e-mail, never the JSON.
    candidate = transcript.locator(".line.candidate .text")
    expect(candidate).to_have_text(
        [
            "Et les astreintes ?",
            HOSTILE,
            "Réservation : café mardi 3 mars, 10:00 avec Léa · Ada · ada@example.org",
            "Inscription : jeudi 10 décembre, 18:00 · Ada · ada@example.org",
            "Question pour les dirigeants : Quelle est la stratégie ?",
            "Oui",
            "Non",
            "Choisit l'article : remote-work",
            "Demande à parler à un·e recruteur·e",
        ]
    )
    for raw in ('{"slot"', '"consent"', "/book", "/ask_panel", "/affirm", "/choose_article"):
        expect(transcript).not_to_contain_text(raw)
    screenshot(page, "console-polish-commands")
    assert page.errors == [] and page.dialogs == []  # type: ignore[attr-defined]


def test_a_callback_card_opens_its_conversation(page: Page, stack: WebStack, conversations: None):
    sign_in(page, f"{stack.url}/console")
    cards = page.locator("#callbacks .callback")
    card = cards.filter(has_text="Chloé")
    open_it = card.locator("a.open-conversation")
    expect(open_it).to_have_text("Voir la conversation", timeout=10_000)
    # The conversation of this one is gone: nothing to open.
    expect(cards.filter(has_text="Dora")).to_be_visible()
    expect(cards.filter(has_text="Dora").locator("a.open-conversation")).to_have_count(0)

    open_it.click()
    detail = page.locator("#detail")
    expect(detail).to_have_attribute("data-conversation", CALLED_BACK)
    expect(detail.locator("#transcript")).to_contain_text("Puis-je venir avec mon chien ?")
    expect(detail.locator(".line.assistant strong")).to_have_text("désolé")
    expect(detail).to_contain_text("Demande de réponse par e-mail (nouvelle) · Chloé")
    expect(detail.locator("button.claim")).to_have_count(0)  # no handoff to claim
    screenshot(page, "console-polish-callback")

    # A handed-off conversation's card opens it with its handoff.
    cards.filter(has_text="Sam").locator("a.open-conversation").click()
    expect(detail).to_have_attribute("data-conversation", "victim-conversation")
    expect(detail.locator("button.claim")).to_be_visible()

    # The link's address opens the conversation in a new tab too.
    tab = page.context.new_page()
    tab.goto(f"{stack.url}/console#conversation={CALLED_BACK}")
    expect(tab.locator("#detail")).to_have_attribute("data-conversation", CALLED_BACK)
    expect(tab.locator("#detail")).to_contain_text("Chloé")
    # and an address naming a conversation that is gone says so
    tab.goto(f"{stack.url}/console#conversation={DELETED}x")
    expect(tab.locator("#detail")).to_have_text("Cette conversation n'existe plus.")
    tab.close()
    assert page.errors == [] and page.dialogs == []  # type: ignore[attr-defined]


def test_a_request_about_the_sre_job_is_tagged_with_its_team_and_the_request_is_not_missing(
    page: Page, stack: WebStack, conversations: None
):
    sign_in(page, f"{stack.url}/console")
    item = page.locator(f'#queue .item[data-conversation="{ABOUT_SRE}"]')
    # the team the candidate named, in words: not the article's topic ("teams"), not an id
    expect(item.locator(".topic")).to_have_text("Plateforme")
    item.click()
    summary = page.locator("section.summary")
    expect(summary).to_be_visible(timeout=10_000)
    parts = summary.locator(".summary-part")
    expect(parts.nth(0).locator("li")).to_have_text(
        ["Le poste de SRE, c'est dans quelle équipe ?", "Et une salle de sport au bureau ?"]
    )
    expect(parts.nth(2).locator("li")).to_have_text(["Et une salle de sport au bureau ?"])
    expect(summary).not_to_contain_text("quelqu'un des RH")
    expect(page.locator("#detail .meta").first).to_contain_text("Plateforme")
    screenshot(page, "console-topic-and-missing")
