"""First-time HR users' findings in the inbox ("À traiter", issue 18), in a real Chromium
against the real web server (no Rasa: the conversations are written in its events table):
requests for a recruiter get a list of their own with the question asked before them, a
"did you mean" comes with the article the assistant hesitated on, and one searchable list
of the articles serves every card instead of a 70-option <select> in each."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import delete, insert, select

from bot.core.db import transaction
from bot.core.tracker_store import EVENTS
from bot.inbox.models import InboxItem
from bot.inbox.service import record_human_request, record_question
from bot.knowledge.models import ArticleText
from tests.browser.conftest import (
    HR_LOGIN,
    HR_PASSWORD,
    HrStack,
    hr_workspace,
    screenshot,
    signed_in,
)
from tests.conftest import port

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HrStack]:
    yield from hr_workspace(tmp_path_factory.mktemp("inbox-polish"), port(18912))


@pytest.fixture
def hr(browser: Browser, stack: HrStack) -> Iterator[Page]:
    page = signed_in(browser, stack.url, HR_LOGIN, HR_PASSWORD)
    yield page
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def empty_inbox(stack: HrStack) -> None:
    with transaction(stack.db) as session:
        session.execute(delete(InboxItem))
        session.execute(delete(EVENTS))


def said(stack: HrStack, conversation: str, text: str, intent: str, at: float) -> None:
    """A candidate's message in Rasa's events table, as Rasa stores it."""
    data = {
        "event": "user",
        "timestamp": at,
        "text": text,
        "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "text": text},
    }
    with transaction(stack.db) as session:
        session.execute(
            insert(EVENTS).values(
                sender_id=conversation,
                type_name="user",
                timestamp=at,
                intent_name=intent,
                data=json.dumps(data),
            )
        )


def open_inbox(page: Page) -> None:
    page.goto(page.url.split("#")[0] + "#articles")
    page.reload()
    page.goto(page.url.split("#")[0] + "#inbox")


def article_titles(page: Page) -> dict[str, str]:
    reply: dict[str, Any] = page.evaluate(
        "fetch('/console/api/hr/articles', {credentials: 'same-origin'}).then(r => r.json())"
    )
    return {a["id"]: a["titles"]["fr"] for a in reply["articles"]}


def status_of(stack: HrStack, item: int) -> str:
    with transaction(stack.db) as session:
        return session.execute(select(InboxItem.status).where(InboxItem.id == item)).scalar_one()


def test_requests_for_a_recruiter_are_listed_apart_with_the_question_asked_before(
    hr: Page, stack: HrStack
):
    empty_inbox(stack)
    now = time.time()
    # A conversation: a greeting, a question, then "a human please"; later another question.
    said(stack, "asked-1", "Bonjour", "greet", now - 30)
    said(stack, "asked-1", "Vous avez une crèche d'entreprise ?", "faq", now - 20)
    said(stack, "asked-1", "Je veux parler à un humain", "request_human", now - 10)
    said(stack, "asked-1", "Et le parking, il est gratuit ?", "faq", now + 3600)
    # Only the request itself (the button's command): nothing asked before it.
    said(stack, "asked-2", "/request_human", "request_human", now - 10)
    with transaction(stack.db) as session:
        questions = [
            record_question(
                session=session,
                conversation_id=f"q-{n}",
                text=text,
                language="fr",
                reason="no_answer",
            ).id
            for n, text in enumerate(["Il y a une salle de sport ?", "Vous avez un chien ?"])
        ]
        from_tracker, nothing, *anonymous = [
            record_human_request(
                session=session, conversation_id=f"asked-{n}", language="fr", question=None
            ).id
            for n in range(1, 13)
        ]
        kept = record_human_request(
            session=session,
            conversation_id="asked-kept",
            language="fr",
            question="Quel est le salaire d'un stagiaire ?",
        ).id

    open_inbox(hr)
    groups = hr.locator("article.group")
    expect(groups).to_have_count(2, timeout=10_000)
    # The questions come first, and no anonymous "(asked for a recruiter)" group among them.
    expect(hr.locator(".groups")).not_to_contain_text("recruiter")
    expect(hr.locator(".groups")).not_to_contain_text("recruteur")
    section = hr.locator("section.human-requests")
    expect(section).to_be_visible()
    expect(section.locator("h3")).to_have_text("Demandes à parler à un recruteur (13)")
    assert (
        section.bounding_box()["y"]  # type: ignore[index]
        > groups.nth(1).bounding_box()["y"]  # type: ignore[index]
    )
    rows = section.locator("li[data-item]")
    expect(rows).to_have_count(13)
    # The question before the request: kept with the item, or read in the conversation.
    expect(section.locator(f'li[data-item="inbox:{kept}"] q')).to_have_text(
        "Quel est le salaire d'un stagiaire ?"
    )
    asked = section.locator(f'li[data-item="inbox:{from_tracker}"]')
    expect(asked.locator("q")).to_have_text("Vous avez une crèche d'entreprise ?")
    expect(section.locator(f'li[data-item="inbox:{nothing}"]')).to_contain_text(
        "(aucune question avant la demande)"
    )
    for row in anonymous:
        expect(section.locator(f'li[data-item="inbox:{row}"]')).to_contain_text(
            "aucune question avant la demande"
        )
    expect(section).not_to_contain_text("parking")  # said after the request
    expect(section).not_to_contain_text("Bonjour")
    expect(section).not_to_contain_text("parler à un humain")
    expect(hr.locator("#inbox-count")).to_have_text("15")  # 2 questions and 13 requests
    screenshot(hr, "inbox-human-requests")

    asked.get_by_role("button", name="Ignorer").click()
    expect(asked).to_have_count(0)
    expect(section.locator("h3")).to_have_text("Demandes à parler à un recruteur (12)")
    assert status_of(stack, from_tracker) == "dismissed"
    assert all(status_of(stack, i) == "open" for i in questions)
    expect(hr.locator("#inbox-count")).to_have_text("14")
    hr.reload()
    expect(hr.locator("section.human-requests li[data-item]")).to_have_count(12, timeout=10_000)


def test_a_did_you_mean_comes_with_the_article_the_assistant_hesitated_on(hr: Page, stack: HrStack):
    empty_inbox(stack)
    with transaction(stack.db) as session:
        record_question(
            session=session,
            conversation_id="clarify-1",
            text="Je peux travailler depuis chez moi ?",
            language="fr",
            reason="clarify",
            article_id="remote-work",
            confidence=0.4,
        )
        # One group: two "don't know" with a weak guess, one "did you mean" on equity.
        for n, (reason, article) in enumerate(
            [
                ("no_answer", "benefits-overview"),
                ("no_answer", "benefits-overview"),
                ("clarify", "equity"),
            ]
        ):
            record_question(
                session=session,
                conversation_id=f"shares-{n}",
                text="Est-ce qu'il y a des actions gratuites pour les salariés ?",
                language="fr",
                reason=reason,
                article_id=article,
                confidence=0.3,
            )
    open_inbox(hr)
    titles = article_titles(hr)
    groups = hr.locator("article.group")
    expect(groups).to_have_count(2, timeout=10_000)
    home = hr.locator("article.group", has_text="chez moi")
    expect(home.get_by_label("Article")).to_have_value(f"{titles['remote-work']} (remote-work)")
    shares = hr.locator("article.group", has_text="actions gratuites")
    expect(shares.locator(".count")).to_have_text("3")
    expect(shares.get_by_label("Article")).to_have_value(f"{titles['equity']} (equity)")
    screenshot(hr, "inbox-clarify-preselected")

    # Pre-selected means ready: one click adds the question to that article.
    home.get_by_role("button", name="Ajouter comme exemple").click()
    expect(hr.locator(".notice", has_text="remote-work")).to_be_visible()
    with transaction(stack.db) as session:
        questions = session.execute(
            select(ArticleText.questions).where(
                ArticleText.article_id == "remote-work", ArticleText.language == "fr"
            )
        ).scalar_one()
    assert "Je peux travailler depuis chez moi ?" in questions


# Thirty questions that share no content word: thirty groups.
THINGS = (
    "piscine cantine crèche parking trottinette hamac babyfoot sieste aquarium jardin "
    "bibliothèque yoga massage boulangerie conciergerie pressing coiffeur fromagerie "
    "potager ruche karaoké escalade planétarium violon échecs origami poterie théâtre "
    "chorale tricot"
).split()


def test_one_searchable_article_list_serves_every_card(hr: Page, stack: HrStack):
    empty_inbox(stack)
    with transaction(stack.db) as session:
        for n, thing in enumerate(THINGS):
            record_question(
                session=session,
                conversation_id=f"thing-{n}",
                text=f"{thing.capitalize()} ?",
                language="fr",
                reason="no_answer",
            )
    open_inbox(hr)
    groups = hr.locator("article.group")
    expect(groups).to_have_count(30, timeout=10_000)
    titles = article_titles(hr)
    assert len(titles) >= 60
    # One list of the articles in the page, not one per card.
    expect(hr.locator("datalist")).to_have_count(1)
    expect(hr.locator("datalist option")).to_have_count(len(titles))
    assert hr.locator("option").count() <= len(titles) + 15  # the filters' own choices
    assert hr.locator("article.group select").count() == 0
    fields = hr.locator("article.group input[name=article]")
    expect(fields).to_have_count(30)
    list_id = hr.locator("datalist").get_attribute("id")
    assert all(f == list_id for f in fields.evaluate_all("fs => fs.map(f => f.list && f.list.id)"))
    weight = len(hr.content())
    assert weight < 60_000, weight  # was 134,000 characters with a <select> in every card

    card = hr.locator("article.group", has_text="Piscine")
    picker = card.get_by_label("Article")
    # Nothing chosen, nothing matching, several matching: said in French, nothing sent.
    card.get_by_role("button", name="Ajouter comme exemple").click()
    expect(card.get_by_role("alert")).to_have_text("Choisissez l'article.")
    picker.fill("zzz introuvable")
    card.get_by_role("button", name="Ajouter comme exemple").click()
    expect(card.get_by_role("alert")).to_contain_text(
        "Aucun article ne correspond à « zzz introuvable »"
    )
    expect(picker).to_have_attribute("aria-invalid", "true")
    picker.fill("")
    expect(picker).not_to_have_attribute("aria-invalid", "true")  # typing again clears it
    expect(card.get_by_role("alert")).to_have_count(0)
    picker.press_sequentially("télétravail")
    card.get_by_role("button", name="Ajouter comme exemple").click()
    expect(card.get_by_role("alert")).to_contain_text("correspond à plusieurs articles")
    expect(groups).to_have_count(30)

    # Part of a title, without its accents or capitals, picks that article.
    picker.fill("")
    picker.press_sequentially("mutuel")
    expect(card.locator(".chosen")).to_have_text(
        f"→ {titles['health-insurance']} (health-insurance)"
    )
    screenshot(hr, "inbox-article-picker")
    card.get_by_role("button", name="Ajouter comme exemple").click()
    expect(hr.locator(".notice", has_text="health-insurance")).to_be_visible()
    expect(groups).to_have_count(29)
    with transaction(stack.db) as session:
        questions = session.execute(
            select(ArticleText.questions).where(
                ArticleText.article_id == "health-insurance", ArticleText.language == "fr"
            )
        ).scalar_one()
    assert "Piscine ?" in questions
