"""First-time HR users' findings in the workspace (issue 18), in a real Chromium against the
real web server (no Rasa: nothing here talks to the assistant): a three-digit inbox
counter fits its badge, the journal reads as French sentences, the thumbs chart names
articles by their titles, and the dashboard's period reads in French in an English browser."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import delete

from bot.candidate.feedback import AnswerFeedback
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.inbox.models import InboxItem
from bot.inbox.service import record_question
from tests.browser.conftest import (
    HR_LOGIN,
    HR_PASSWORD,
    HrStack,
    hr_workspace,
    screenshot,
    signed_in,
)
from tests.conftest import ARTIFACTS, port

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HrStack]:
    yield from hr_workspace(tmp_path_factory.mktemp("polish"), port(18790))


def hr_page(browser: Browser, stack: HrStack, locale: str = "fr-FR") -> Page:
    return signed_in(browser, stack.url, HR_LOGIN, HR_PASSWORD, locale=locale)


@pytest.fixture
def hr(browser: Browser, stack: HrStack) -> Iterator[Page]:
    page = hr_page(browser, stack)
    yield page
    assert page.errors == []  # type: ignore[attr-defined]
    page.context.close()


def fresh_inbox(stack: HrStack, texts: list[str]) -> list[int]:
    """Only these open questions in the inbox (one conversation each); their ids."""
    with transaction(stack.db) as session:
        session.execute(delete(InboxItem))
        return [
            record_question(
                session=session,
                conversation_id=f"polish-{i}",
                text=text,
                language="fr",
                reason="no_answer",
            ).id
            for i, text in enumerate(texts)
        ]


def call(page: Page, method: str, path: str, body: dict | None = None) -> dict:
    """The workspace's own JSON API, from the signed-in page (its cookie and CSRF token)."""
    return page.evaluate(
        """([method, path, body]) => fetch('/console/api/hr' + path, {
             method, headers: {'Content-Type': 'application/json', 'X-CSRF-Token':
               document.querySelector('meta[name=csrf]').content},
             body: body === null ? undefined : JSON.stringify(body)})
           .then(async r => ({status: r.status, data: await r.json()}))""",
        [method, path, body],
    )


def test_a_three_digit_inbox_count_stays_inside_its_badge(hr: Page, stack: HrStack):
    fresh_inbox(stack, [f"Question numéro {i} sur le parking ?" for i in range(150)])
    hr.goto(hr.url.split("#")[0] + "#articles")
    hr.reload()
    badge = hr.locator("#inbox-count")
    expect(badge).to_be_visible(timeout=10_000)
    expect(badge).not_to_have_text("")
    box = badge.evaluate(
        """b => {
             const range = document.createRange();
             range.selectNodeContents(b);
             const text = range.getBoundingClientRect(), pill = b.getBoundingClientRect();
             return {scroll: b.scrollWidth, client: b.clientWidth, left: text.left - pill.left,
                     right: pill.right - text.right, top: text.top - pill.top,
                     bottom: pill.bottom - text.bottom, text: b.textContent};
           }"""
    )
    assert box["scroll"] <= box["client"], box
    # The pill's round ends need room: the digits keep clear of its left and right edges.
    assert box["left"] >= 3 and box["right"] >= 3, box
    assert box["top"] >= -1 and box["bottom"] >= -1, box
    assert len(box["text"]) <= 3, box
    # Shown "99+" or in full, the exact number is said, and shown on hover.
    expect(badge).to_have_attribute("aria-label", re.compile(r"\b150 questions à traiter"))
    expect(badge).to_have_attribute("title", re.compile(r"\b150 questions à traiter"))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    hr.locator(".tabs").screenshot(path=str(ARTIFACTS / "workspace-inbox-badge-150.png"))


def test_the_journal_tells_who_did_what_in_french(hr: Page, stack: HrStack):
    first, *others = fresh_inbox(
        stack,
        [
            "Il y a une salle de sport ?",
            "C'est quoi le dress code ?",
            "Vous avez un chien au bureau ?",
            "Le bureau est-il ouvert le dimanche ?",
        ],
    )
    article = call(hr, "GET", "/articles/remote-work")
    assert article["status"] == 200, article
    doc = article["data"]["article"]
    doc["fr"]["answer"] += "\n\nDeux jours par semaine au bureau."
    saved = call(
        hr,
        "PUT",
        "/articles/remote-work",
        {**doc, "expected_revision": article["data"]["revision"]},
    )
    assert saved["status"] == 200, saved
    restored = call(hr, "POST", "/articles/remote-work/revisions/1/restore", {})
    assert restored["status"] == 200, restored
    dismissed = call(hr, "POST", "/inbox/dismiss", {"items": [f"inbox:{i}" for i in others]})
    assert dismissed["status"] == 200, dismissed
    added = call(
        hr,
        "POST",
        "/inbox/add",
        {"items": [f"inbox:{first}"], "article": "remote-work", "question": "Une salle de sport ?"},
    )
    assert added["status"] == 200, added

    hr.goto(hr.url.split("#")[0] + "#audit")
    journal = hr.locator("ol.journal")
    expect(journal).to_be_visible(timeout=10_000)
    sentences = journal.locator(".sentence")
    expect(sentences.nth(0)).to_have_text(
        "Hélène a ajouté une question d'exemple à « Le télétravail » depuis la boîte"
    )
    expect(sentences.nth(1)).to_have_text("Hélène a ignoré 3 questions de la boîte")
    expect(sentences.nth(2)).to_have_text("Hélène a restauré la révision 1 de « Le télétravail »")
    expect(sentences.nth(3)).to_have_text("Hélène a modifié « Le télétravail »")
    # The start-up data, by someone else, also in words; no raw identifier among the sentences.
    expect(journal).to_contain_text("a chargé les postes et événements de départ")
    for text in sentences.all_inner_texts():
        assert not re.search(r"\b[a-z_]+\.[a-z_]+\b|[{}]", text), text
    # The raw entry stays one click away.
    raw = journal.locator("li").nth(2).locator("details")
    expect(raw.locator("pre")).to_be_hidden()
    raw.locator("summary").click()
    expect(raw.locator("pre")).to_have_text('article.restored article:remote-work {"revision":1}')
    screenshot(hr, "workspace-journal")


def test_the_thumbs_chart_names_articles_by_their_titles(hr: Page, stack: HrStack):
    with transaction(stack.db) as session:
        session.add_all(
            AnswerFeedback(
                conversation_id=f"thumbs-{i}",
                article_id=article,
                rating=rating,
                language="fr",
                created_at=utcnow(),
            )
            for i, (article, rating) in enumerate(
                [("remote-work", 1), ("remote-work", 1), ("remote-work", -1), ("meal-card", 1)]
            )
        )
    hr.goto(hr.url.split("#")[0] + "#dashboard")
    chart = hr.locator("figure.chart", has_text="Pouces haut / bas par article")
    expect(chart.locator("svg")).to_be_visible(timeout=10_000)
    rows = chart.locator("table tbody th")
    expect(rows).to_have_text(["Le télétravail", "La carte repas"])
    axis = " ".join(chart.locator("svg text").all_text_contents())
    assert "Le télétra" in axis and "remote-work" not in axis
    assert "remote-work" not in (chart.locator("svg desc").text_content() or "")


def test_the_dashboards_period_reads_in_french_in_an_english_browser(
    browser: Browser, stack: HrStack
):
    page = hr_page(browser, stack, locale="en-US")
    try:
        page.goto(page.url.split("#")[0] + "#dashboard")
        expect(page.locator(".kpis")).to_be_visible(timeout=10_000)
        page.locator('input[name="from"]').fill("2026-11-01")
        page.locator('input[name="to"]').fill("2026-11-30")
        page.locator(".filters button[type=submit]").click()
        period = page.locator("#dashboard-period")
        expect(period).to_have_text("du 1er novembre 2026 au 30 novembre 2026")
        # beside the fields, in the same form
        assert page.locator("form.filters #dashboard-period").count() == 1
        # the daily charts' days are written the French way too (day/month)
        days = page.locator("figure.chart", has_text="Conversations et messages par jour")
        expect(days.locator("table tbody th").first).to_have_text("01/11")
        expect(days.locator("table tbody th").last).to_have_text("30/11")
        screenshot(page, "workspace-dashboard-en-browser")
        assert page.errors == []  # type: ignore[attr-defined]
    finally:
        page.context.close()
