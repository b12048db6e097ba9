"""Open houses and reverse Q&As on the staff pages, in a real Chromium against the web
server as a process (issue 12): a recruiter on a phone checks candidates in and marks a
question answered in the console; HR, in the workspace, sets a date's seats, is told why a
date with registrations cannot be deleted, turns an answered question into an article
draft, and marks a team coffee no-show (issue 11). Names and questions stored with hostile
markup stay text. The pages' Content-Security-Policy is bypassed, so markup that slipped
into a page would run."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.events.models import EventTerms, PanelQuestion, Registration
from bot.events.panel import mark_answered
from bot.knowledge.models import Article
from bot.meetings.models import Booking
from bot.staff.accounts import add_user
from tests.browser.conftest import screenshot
from tests.conftest import port
from tests.handoff.coffee_data import add_coffee
from tests.handoff.event_data import (
    HOSTILE_NAME,
    HOSTILE_QUESTION,
    ask,
    open_house,
    rename,
    reverse_qa,
    set_capacity,
    sign_up,
    upvote,
)
from tests.security.attacks import PASSWORD, WebStack, web_stack

pytestmark = [pytest.mark.e2e, pytest.mark.browser]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}
# What hostile markup would leave in a page if it were parsed as HTML.
INJECTED = "script, img, svg, iframe, [onerror], [onload], [onmouseover]"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebStack]:
    runs = web_stack(tmp_path_factory.mktemp("event-checkin"), port(18760))
    stack = next(runs)
    with transaction(stack.db_url) as session:
        add_user(
            session=session,
            login="noe",
            display_name="Noé Blanc",
            role="recruiter",
            password=PASSWORD,
        )
        add_user(
            session=session, login="rh-events", display_name="Hana RH", role="hr", password=PASSWORD
        )
    yield stack
    next(runs, None)


@pytest.fixture(scope="module")
def dates(stack: WebStack) -> dict[str, str]:
    """An open house with two seats taken (one by a hostile name) and one candidate
    waiting; a reverse Q&A with three questions (one hostile); a past team coffee."""
    url = stack.db_url
    house = open_house(url, days=9)
    set_capacity(url, house, 2)
    ana = sign_up(url, house, "Ana")
    zoe = rename(url, sign_up(url, house, "Zoé"), HOSTILE_NAME)
    cy = sign_up(url, house, "Cy")
    panel = reverse_qa(url, days=11)
    askers = [sign_up(url, panel, name) for name in ("Dee", "Eli", "Fay")]
    hostile = ask(url, askers[0], HOSTILE_QUESTION)
    pay = ask(url, askers[1], "Comment se passe la revue de salaire ?")
    remote = ask(url, askers[2], "Combien de jours de télétravail ?")
    upvote(url, askers[0], pay)
    upvote(url, askers[2], pay)
    upvote(url, askers[1], remote)
    coffee = add_coffee(url, hours_from_now=-30, candidate_name="Ada")
    return {
        "house": str(house),
        "panel": str(panel),
        "ana": ana.public_id,
        "zoe": zoe.public_id,
        "cy": cy.public_id,
        "hostile": hostile,
        "pay": pay,
        "remote": remote,
        "coffee": coffee,
    }


def signed_in(browser: Browser, stack: WebStack, login: str, viewport: dict[str, int]) -> Page:
    context = browser.new_context(bypass_csp=True, viewport=viewport, locale="fr-FR")
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.errors = []  # type: ignore[attr-defined]
    page.on("dialog", lambda d: (page.dialogs.append(d.message), d.dismiss()))  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
    page.goto(f"{stack.url}/console/login")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    return page


def assert_inert(page: Page) -> None:
    found = page.locator("body").locator(INJECTED).evaluate_all("els => els.map(e => e.outerHTML)")
    assert found == []
    assert page.evaluate("() => window.__xss === undefined") is True
    assert page.dialogs == [] and page.errors == []  # type: ignore[attr-defined]


def attendance_of(stack: WebStack, public_id: str) -> str | None:
    with transaction(stack.db_url) as session:
        return session.execute(
            select(Registration.attendance).where(Registration.public_id == public_id)
        ).scalar_one()


def question(stack: WebStack, public_id: str) -> PanelQuestion:
    with transaction(stack.db_url) as session:
        row = session.execute(
            select(PanelQuestion).where(PanelQuestion.public_id == public_id)
        ).scalar_one()
        session.expunge(row)
        return row


def test_a_recruiter_checks_candidates_in_on_a_phone_and_marks_a_question_answered(
    browser: Browser, stack: WebStack, dates: dict[str, str]
):
    page = signed_in(browser, stack, "noe", PHONE)
    expect(page.locator("#link")).to_have_text("En direct", timeout=10_000)
    house = page.locator(f'#events .event-item[data-event="{dates["house"]}"]')
    expect(house).to_contain_text("places 2/2 · liste d'attente 1", timeout=10_000)
    house.click()

    rows = page.locator("#detail .checkin-row")
    expect(rows).to_have_count(2, timeout=10_000)
    zoe = page.locator(f'#detail .checkin-row[data-id="{dates["zoe"]}"]')
    expect(zoe.locator(".name")).to_have_text(HOSTILE_NAME)  # every character, none run
    expect(page.locator("#detail .waitlist")).to_contain_text("Cy")
    expect(page.locator("#detail .waitlist")).to_contain_text("n° 1")
    csv = page.locator("#detail a.csv")
    expect(csv).to_have_attribute("href", f"/console/api/events/{dates['house']}/registrations.csv")
    rows_csv = page.evaluate(
        "(u) => fetch(u).then(r => r.text())", csv.get_attribute("href") or ""
    ).splitlines()
    assert rows_csv[0].startswith("first_name,email") and len(rows_csv) == 4  # 2 seated, 1 waiting
    assert_inert(page)

    ana = page.locator(f'#detail .checkin-row[data-id="{dates["ana"]}"]')
    present = ana.get_by_role("button", name="Présent·e")
    box = present.bounding_box()
    assert box is not None and box["height"] >= 48 and box["width"] >= 120  # a thumb's target
    present.click()
    expect(ana.locator("button.checkin.attended")).to_have_attribute(
        "aria-pressed", "true", timeout=10_000
    )
    zoe.get_by_role("button", name="Absent·e").click()
    expect(zoe.locator("button.checkin.no_show")).to_have_attribute(
        "aria-pressed", "true", timeout=10_000
    )
    expect(zoe.locator(".mark-state")).to_contain_text("absent·e (noté par Noé Blanc)")
    assert attendance_of(stack, dates["ana"]) == "attended"
    assert attendance_of(stack, dates["zoe"]) == "no_show"
    assert attendance_of(stack, dates["cy"]) is None
    expect(page.locator("#detail .event-head .seats")).to_contain_text(
        "1 présent·e(s), 1 absent·e(s)"
    )
    assert_inert(page)
    page.locator("#detail .checkin-box").scroll_into_view_if_needed()
    screenshot(page, "console-checkin-phone")

    page.locator(f'#events .event-item[data-event="{dates["panel"]}"]').click()
    ranked = page.locator("#detail .host-questions .question")
    expect(ranked).to_have_count(3, timeout=10_000)
    assert ranked.evaluate_all("els => els.map(e => e.dataset.id)") == [
        dates["pay"],
        dates["remote"],
        dates["hostile"],
    ]
    hostile = page.locator(f'#detail .question[data-id="{dates["hostile"]}"]')
    expect(hostile.locator(".text")).to_have_text(HOSTILE_QUESTION)
    expect(ranked.first.locator(".votes")).to_contain_text("2 votes")
    assert_inert(page)

    pay = page.locator(f'#detail .question[data-id="{dates["pay"]}"]')
    pay.get_by_role("button", name="Répondu").click()
    expect(pay.locator("button.answered-toggle")).to_have_attribute(
        "aria-pressed", "true", timeout=10_000
    )
    assert question(stack, dates["pay"]).answered is True
    hostile.get_by_role("button", name="Masquer").click()
    expect(hostile.locator("button.visibility")).to_have_text("Afficher", timeout=10_000)
    assert question(stack, dates["hostile"]).status == "hidden"
    hostile.get_by_role("button", name="Afficher").click()
    expect(hostile.locator("button.visibility")).to_have_text("Masquer", timeout=10_000)
    assert question(stack, dates["hostile"]).status == "open"
    assert_inert(page)
    screenshot(page, "console-host-questions")
    page.context.close()


def test_hr_sets_seats_drafts_an_article_from_an_answer_and_marks_a_coffee(
    browser: Browser, stack: WebStack, dates: dict[str, str]
):
    with transaction(stack.db_url) as session:  # answered by the leaders in the session
        mark_answered(
            session=session,
            question_id=dates["remote"],
            answered=True,
            by="Noé Blanc",
            now=utcnow(),
        )
    page = signed_in(browser, stack, "rh-events", DESKTOP)
    page.wait_for_url(re.compile(r"/console/hr"))
    page.click("a[data-tab=records]")

    house_row = page.locator(f'tr[data-record="{dates["house"]}"]')
    house_row.get_by_role("button", name="Supprimer").click()
    house_row.get_by_role("button", name="Oui, supprimer").click()
    refusal = page.locator("#view .records-result .notice.error").first
    expect(refusal).to_contain_text("Suppression impossible", timeout=10_000)
    expect(refusal).to_contain_text("Annulez plutôt la date")

    house_row.get_by_role("button", name="Places et inscriptions").click()
    terms = page.locator(f'.date-panel[data-record="{dates["house"]}"]')
    expect(terms.locator(".seats")).to_contain_text("Places prises : 2 / 2", timeout=10_000)
    zoe = terms.locator(f'.date-registrations .registration[data-id="{dates["zoe"]}"] .name')
    expect(zoe).to_have_text(HOSTILE_NAME, timeout=10_000)
    assert_inert(page)
    terms.locator("input[name=capacity]").fill("3")
    terms.get_by_role("button", name="Enregistrer les conditions").click()
    expect(terms.locator(".terms-result")).to_contain_text(
        "1 place(s) proposée(s) à la liste d'attente", timeout=10_000
    )
    expect(terms.locator(".seats")).to_contain_text("/ 3")
    with transaction(stack.db_url) as session:
        stored = session.get(EventTerms, int(dates["house"]))
        assert stored is not None and stored.capacity == 3
        offered = session.execute(
            select(Registration.status).where(Registration.public_id == dates["cy"])
        ).scalar_one()
    assert offered == "offered"
    assert_inert(page)
    screenshot(page, "workspace-terms")

    panel_row = page.locator(f'tr[data-record="{dates["panel"]}"]')
    panel_row.get_by_role("button", name="Places et inscriptions").click()
    questions = page.locator(f'.date-panel[data-record="{dates["panel"]}"] .hr-question')
    expect(questions).to_have_count(3, timeout=10_000)
    expect(page.locator(f'.hr-question[data-id="{dates["hostile"]}"] .text')).to_have_text(
        HOSTILE_QUESTION
    )
    assert_inert(page)
    remote = page.locator(f'.hr-question[data-id="{dates["remote"]}"]')
    remote.get_by_role("button", name="Créer un brouillon d'article").click()
    link = remote.locator("a.draft-link")
    expect(link).to_be_visible(timeout=10_000)
    article_id = question(stack, dates["remote"]).article_id
    assert article_id
    with transaction(stack.db_url) as session:
        article = session.get(Article, article_id)
        assert article is not None and article.status == "draft"
    screenshot(page, "workspace-question-draft")
    link.click()
    expect(page.locator('textarea[name="fr.questions"]')).to_have_value(
        "Combien de jours de télétravail ?", timeout=10_000
    )

    page.click("a[data-tab=coffees]")
    page.get_by_role("button", name="Passés").click()
    coffee = page.locator(f'.coffee[data-id="{dates["coffee"]}"]')
    expect(coffee).to_contain_text("Ada", timeout=10_000)
    coffee.get_by_role("button", name="Absent·e").click()
    expect(page.locator(f'.coffee[data-id="{dates["coffee"]}"] .coffee-status')).to_contain_text(
        "absent·e (noté par Hana RH)", timeout=10_000
    )
    with transaction(stack.db_url) as session:
        mark = session.execute(
            select(Booking.attendance).where(Booking.public_id == dates["coffee"])
        ).scalar_one()
    assert mark == "no_show"
    assert_inert(page)
    screenshot(page, "workspace-coffees")
    page.context.close()


def test_hr_cancels_a_date_and_is_told_how_many_candidates_were_told(
    browser: Browser, stack: WebStack
):
    url = stack.db_url
    date = open_house(url, days=20)
    sign_up(url, date, "Gus")
    sign_up(url, date, "Hugo")
    page = signed_in(browser, stack, "rh-events", DESKTOP)
    page.wait_for_url(re.compile(r"/console/hr"))
    page.click("a[data-tab=records]")
    row = page.locator(f'tr[data-record="{date}"]')
    row.get_by_role("button", name="Places et inscriptions").click()
    panel = page.locator(f'.date-panel[data-record="{date}"]')
    panel.get_by_role("button", name="Annuler la date").click()
    expect(panel.locator(".ask")).to_contain_text("Les 2 inscrit·e(s)")
    panel.get_by_role("button", name="Oui, annuler la date").click()
    said = page.locator("#view .records-result .notice").first
    # no mail server in this stack: nobody could be e-mailed, and the page says so
    expect(said).to_have_text(
        "Date annulée : 2 inscription(s) annulée(s), 0 candidat·e(s) prévenu·e(s) par e-mail. "
        "2 e-mail(s) n'ont pas pu partir (serveur de mail) : prévenez ces candidats autrement.",
        timeout=10_000,
    )
    expect(page.locator(f'tr[data-record="{date}"]')).to_contain_text("annulé")
    with transaction(url) as session:
        statuses = session.execute(
            select(Registration.status).where(Registration.event_id == date)
        ).scalars()
        assert set(statuses) == {"cancelled"}
    assert_inert(page)
    page.context.close()


def test_hr_finds_a_past_reverse_qa_to_turn_its_answers_into_drafts(
    browser: Browser, stack: WebStack
):
    past = reverse_qa(stack.db_url, days=-3)
    page = signed_in(browser, stack, "rh-events", DESKTOP)
    page.wait_for_url(re.compile(r"/console/hr"))
    page.click("a[data-tab=records]")
    expect(page.locator("tr[data-record]").first).to_be_visible(timeout=10_000)
    expect(page.locator(f'tr[data-record="{past}"]')).to_have_count(0)
    page.get_by_label("Afficher aussi les dates passées").check()
    row = page.locator(f'tr[data-record="{past}"]')
    expect(row).to_be_visible(timeout=10_000)
    row.get_by_role("button", name="Places et inscriptions").click()
    panel = page.locator(f'.date-panel[data-record="{past}"]')
    expect(panel.locator(".date-questions")).to_contain_text("Aucune question", timeout=10_000)
    assert_inert(page)
    page.context.close()
