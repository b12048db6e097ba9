"""Sourced answers end to end: every answer names its owner team and when HR last checked
it; an article HR has not checked for too long is still answered, with a caveat and a
"check with a recruiter" button, and lands once per conversation in HR's list of articles
to re-check, where one click ("still true") makes it fresh again."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from urllib.parse import quote

import pytest
from sqlalchemy import delete, func, select

from bot.candidate.sessions import rest_conversation
from bot.core.db import transaction
from bot.inbox.models import InboxItem
from bot.knowledge.models import Article, Revision
from bot.records.service import local_today
from bot.staff.accounts import add_user
from tests.e2e.conftest import new_sender, payloads, texts
from tests.e2e.console_client import Recruiter

pytestmark = pytest.mark.e2e

ARTICLE = "time-off"
# Training examples of the time-off article (data/knowledge/pay.yml): answered outright.
QUESTIONS = {"fr": "Combien de jours de congés ?", "en": "How many days off do I get?"}
# Another article's question: the same article twice in a row gets a follow-up instead.
BETWEEN = {"fr": "Est-ce que je peux télétravailler ?", "en": "Can I work from home?"}
OWNER_LABELS = {"fr": "People (RH)", "en": "People (HR)"}
CHECK_BUTTONS = {"fr": "Vérifier avec un recruteur", "en": "Check with a recruiter"}
STALE_DAYS = 400  # well past REVIEW_MAX_DAYS (180)
PASSWORD = "a-long-test-password"
API = "/console/api/hr"

# Written out here rather than taken from bot.core.dates, so a wrong date format fails.
MONTHS = {
    "fr": (
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    ).split(),
    "en": (
        "January February March April May June July August September October November December"
    ).split(),
}


def in_words(day: date, language: str) -> str:
    """'3 mars 2026' / '3 March 2026' ('1er' for the first of a month in French)."""
    number = "1er" if language == "fr" and day.day == 1 else str(day.day)
    return f"{number} {MONTHS[language][day.month - 1]} {day.year}"


def caveat(day: date, language: str) -> str:
    if language == "fr":
        return (
            f"Les RH ont vérifié cette réponse pour la dernière fois le {in_words(day, 'fr')} : "
            "elle a pu changer depuis, un recruteur peut vous la confirmer."
        )
    return (
        f"HR last checked this answer on {in_words(day, 'en')}: it may have changed since, "
        "and a recruiter can confirm it."
    )


def office_today(assistant) -> date:
    return local_today(assistant.settings.office_timezone)


def reviewed_on(assistant, article_id: str = ARTICLE) -> date | None:
    with transaction(assistant.settings.database_url) as session:
        return session.get(Article, article_id).reviewed_on


def set_reviewed_on(assistant, day: date | None, article_id: str = ARTICLE) -> None:
    with transaction(assistant.settings.database_url) as session:
        session.get(Article, article_id).reviewed_on = day


def clear_stale_notes(assistant, article_id: str = ARTICLE) -> None:
    """The "to re-check" notes our questions left for the article (no other test makes any)."""
    with transaction(assistant.settings.database_url) as session:
        session.execute(
            delete(InboxItem).where(InboxItem.reason == "stale", InboxItem.article_id == article_id)
        )


@contextmanager
def stale_article(assistant, article_id: str = ARTICLE) -> Iterator[date]:
    """The article as if HR last checked it STALE_DAYS ago (yields that day); its review
    date and notes put back afterwards, whatever happened, so other tests see it fresh."""
    original = reviewed_on(assistant, article_id)
    old = office_today(assistant) - timedelta(days=STALE_DAYS)
    clear_stale_notes(assistant, article_id)
    set_reviewed_on(assistant, old, article_id)
    try:
        yield old
    finally:
        set_reviewed_on(assistant, original, article_id)
        clear_stale_notes(assistant, article_id)


def hr_account(assistant) -> str:
    """A new HR account in the running assistant's database; its login."""
    login = f"rh-{uuid.uuid4().hex[:8]}"
    with transaction(assistant.settings.database_url) as session:
        add_user(session=session, login=login, display_name="Rita RH", role="hr", password=PASSWORD)
    return login


def answer_of(messages: list[dict]) -> dict:
    found = [p for p in payloads(messages) if p.get("type") == "answer"]
    assert len(found) == 1, messages
    return found[0]


def buttons_of(messages: list[dict]) -> list[dict]:
    return [b for m in messages for b in m.get("buttons") or []]


def ask_article(assistant, sender: str, language: str) -> tuple[dict, str, list[dict]]:
    """Ask the article's example question: its answer payload, the text, the buttons."""
    messages = assistant.ask(sender, QUESTIONS[language], metadata={"language": language})
    answer = answer_of(messages)
    assert answer["article"] == ARTICLE and answer["language"] == language, answer
    return answer, texts(messages), buttons_of(messages)


def stale_notes(assistant, sender: str) -> list[tuple[str | None, str, str, str]]:
    """The conversation's "to re-check" notes: (article, question, language, status)."""
    with transaction(assistant.settings.database_url) as session:
        notes = session.execute(
            select(InboxItem).where(
                InboxItem.conversation_id == rest_conversation(sender),
                InboxItem.reason == "stale",
            )
        ).scalars()
        return [(n.article_id, n.text, n.language, n.status) for n in notes]


@pytest.fixture(scope="module")
def hr(assistant) -> Iterator[Recruiter]:
    client = Recruiter(assistant.settings.web_url)
    assert client.sign_in(hr_account(assistant), PASSWORD).status_code == 302
    yield client
    client.sign_out()


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_fresh_answer_names_its_owner_and_review_date_without_a_caveat(assistant, language):
    answer, text, buttons = ask_article(assistant, new_sender(), language)
    reviewed = reviewed_on(assistant)
    assert reviewed is not None  # the default knowledge base dates every article
    assert (answer["owner"], answer["owner_label"]) == ("people", OWNER_LABELS[language])
    assert answer["reviewed"] == reviewed.isoformat()
    assert answer["stale"] is False
    assert "HR last checked" not in text and "Les RH ont vérifié" not in text
    assert "/request_human" not in [b["payload"] for b in buttons]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_stale_answer_carries_a_caveat_a_recruiter_button_and_one_inbox_note(assistant, language):
    sender = new_sender()
    with stale_article(assistant) as old:
        for _ in range(2):  # asked twice in one conversation: noted once
            answer, text, buttons = ask_article(assistant, sender, language)
            assistant.ask(sender, BETWEEN[language], metadata={"language": language})
            assert answer["stale"] is True
            assert answer["reviewed"] == old.isoformat()
            assert answer["owner_label"] == OWNER_LABELS[language]
            assert caveat(old, language) in text
            assert {"title": CHECK_BUTTONS[language], "payload": "/request_human"} in buttons
        assert stale_notes(assistant, sender) == [(ARTICLE, QUESTIONS[language], language, "open")]


def test_hr_confirms_a_stale_article_still_true_and_the_next_answer_is_fresh(assistant, hr):
    sender = new_sender()
    today = office_today(assistant)
    original = reviewed_on(assistant)
    assert original != today  # else confirming would change nothing to see
    with stale_article(assistant):
        ask_article(assistant, sender, "fr")
        listed = hr.get(f"{API}/recheck")
        assert listed.status_code == 200
        body = listed.json()
        assert body["review_max_days"] == 180
        mine = [a for a in body["articles"] if a["article"] == ARTICLE]
        assert len(mine) == 1, body
        assert mine[0]["team"] == "people"
        assert mine[0]["answers"] == 1
        assert mine[0]["questions"] == [QUESTIONS["fr"]]

        confirmed = hr.post(f"{API}/recheck/{ARTICLE}/confirm", {})
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["reviewed"] == today.isoformat()
        assert reviewed_on(assistant) == today
        assert [n[3] for n in stale_notes(assistant, sender)] == ["checked"]
        after = hr.get(f"{API}/recheck").json()["articles"]
        assert ARTICLE not in [a["article"] for a in after]

        assistant.ask(sender, BETWEEN["fr"], metadata={"language": "fr"})
        answer, text, buttons = ask_article(assistant, sender, "fr")
        assert answer["stale"] is False and answer["reviewed"] == today.isoformat()
        assert "Les RH ont vérifié" not in text
        assert "/request_human" not in [b["payload"] for b in buttons]
    assert reviewed_on(assistant) == original  # put back for the other tests


@pytest.mark.parametrize("article_id", ["<script>alert(1)</script>", "../x", "a" * 300])
def test_a_hostile_article_id_to_confirm_is_refused_and_changes_nothing(assistant, hr, article_id):
    url = assistant.settings.database_url
    with transaction(url) as session:
        revisions = session.execute(select(func.count()).select_from(Revision)).scalar_one()
        reviewed = dict(session.execute(select(Article.id, Article.reviewed_on)).all())
    response = hr.post(f"{API}/recheck/{quote(article_id, safe='')}/confirm", {})
    assert 400 <= response.status_code < 500, response.text
    if response.headers.get("Content-Type", "").startswith("application/json"):
        assert response.json()["error"]  # said in words, never a page with the id in it
    else:
        assert "<script>" not in response.text
    with transaction(url) as session:
        assert session.execute(select(func.count()).select_from(Revision)).scalar_one() == (
            revisions
        )
        assert dict(session.execute(select(Article.id, Article.reviewed_on)).all()) == reviewed
