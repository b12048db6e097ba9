"""Canned replies on a real database: HR's validation and journal, the filling for one
candidate, the console's choices and an article's answer as a recruiter sends it."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select, update

from bot.core import audit
from bot.core.clock import utcnow
from bot.core.dates import date_in_words
from bot.core.db import transaction
from bot.handoff import canned
from bot.handoff.callbacks import create_callback
from bot.handoff.models import CannedReply, Handoff
from bot.knowledge.models import Article
from bot.knowledge.service import published_answer
from bot.records.answers import live_answer
from tests.handoff.coffee_data import add_coffee
from tests.handoff.event_data import reverse_qa, sign_up
from tests.handoff.factories import queue

HELLO = {
    "title": "Bonjour",
    "text_fr": "Bonjour {candidat}, je suis {recruteur}.\nComment puis-je vous aider ?",
    "text_en": "Hello {candidate}, I'm {recruiter}.\nHow can I help?",
}


def save(url: str, data: dict, reply_id: object = None, author: str = "Hélène") -> dict:
    with transaction(url) as session:
        return canned.reply_json(
            canned.save_reply(session=session, data=data, author=author, reply_id=reply_id)
        )


def problems(url: str, data: dict, reply_id: object = None) -> dict[str, str]:
    with pytest.raises(canned.CannedReplyError) as raised:
        save(url, data, reply_id)
    return {field: problem.code for field, problem in raised.value.errors.items()}


def journal(url: str) -> list[tuple[str, dict]]:
    with transaction(url) as session:
        return [
            (e.action, e.detail)
            for e in reversed(audit.entries(session=session))
            if e.action.startswith("canned_repl")
        ]


def test_hr_adds_edits_and_deletes_a_reply_and_the_journal_says_who_and_what(db_url):
    saved = save(db_url, HELLO)
    assert saved["title"] == "Bonjour" and saved["uses"] == 0
    assert saved["text_fr"] == HELLO["text_fr"] and saved["updated_by"] == "Hélène"
    again = save(db_url, {"title": "Bonjour"}, saved["id"], author="Nadia")
    assert again["updated_by"] == "Hélène"  # nothing changed: nothing recorded
    edited = save(db_url, {"text_en": "Hi {candidat}!"}, str(saved["id"]), author="Nadia")
    assert edited["text_en"] == "Hi {candidat}!" and edited["text_fr"] == HELLO["text_fr"]
    assert edited["updated_by"] == "Nadia"
    with transaction(db_url) as session:
        canned.delete_reply(session=session, reply_id=saved["id"], author="Nadia")
        assert canned.list_replies(session=session) == []
    assert journal(db_url) == [
        ("canned_reply.created", {"title": "Bonjour"}),
        (
            "canned_reply.updated",
            {"title": "Bonjour", "changes": {"text_en": [HELLO["text_en"], "Hi {candidat}!"]}},
        ),
        ("canned_reply.deleted", {"title": "Bonjour"}),
    ]


def test_replies_are_listed_by_title_whatever_the_case(db_url):
    for title in ("relance", "Au revoir", "bonjour"):
        save(db_url, {**HELLO, "title": title})
    with transaction(db_url) as session:
        assert [r.title for r in canned.list_replies(session=session)] == [
            "Au revoir",
            "bonjour",
            "relance",
        ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"title": "is_required", "text_fr": "is_required", "text_en": "is_required"}),
        ({**HELLO, "title": "   "}, {"title": "is_required"}),
        (
            {**HELLO, "text_fr": 42, "text_en": None},
            {"text_fr": "not_a_text", "text_en": "not_a_text"},
        ),
        ({**HELLO, "title": "x" * 81}, {"title": "text_too_long"}),
        ({**HELLO, "text_en": "y" * 1001}, {"text_en": "text_too_long"}),
        ({**HELLO, "text_fr": "<b>Bonjour</b>"}, {"text_fr": "html_markup"}),
        ({**HELLO, "title": "<img src=x onerror=alert(1)>"}, {"title": "html_markup"}),
        ({**HELLO, "text_fr": "Bonjour\u202e {candidat}"}, {"text_fr": "control_characters"}),
        ({**HELLO, "text_fr": "Bonjour {nom}"}, {"text_fr": "canned_unknown_placeholder"}),
        ({**HELLO, "text_en": "Hello {candidate"}, {"text_en": "canned_stray_brace"}),
        ({**HELLO, "text_en": "Hello }{"}, {"text_en": "canned_stray_brace"}),
        ({**HELLO, "owner": "me"}, {"owner": "unknown_field"}),
    ],
    ids=[
        "nothing",
        "blank title",
        "not texts",
        "long title",
        "long text",
        "html text",
        "html title",
        "bidi control",
        "unknown placeholder",
        "open brace",
        "stray braces",
        "unknown field",
    ],
)
def test_what_hr_must_correct_is_said_field_by_field(db_url, data, expected):
    assert problems(db_url, data) == expected
    assert journal(db_url) == []


def test_titles_are_unique_whatever_the_case_and_the_list_has_a_ceiling(db_url, monkeypatch):
    first = save(db_url, HELLO)
    assert problems(db_url, {**HELLO, "title": "  BONJOUR "}) == {"title": "canned_title_taken"}
    other = save(db_url, {**HELLO, "title": "Relance"})
    assert problems(db_url, {"title": "bonjour"}, other["id"]) == {"title": "canned_title_taken"}
    assert save(db_url, {"title": "BONJOUR"}, first["id"])["title"] == "BONJOUR"
    monkeypatch.setattr(canned, "MAX_REPLIES", 2)
    assert problems(db_url, {**HELLO, "title": "Troisième"}) == {"": "canned_too_many"}


@pytest.mark.parametrize("reply_id", [999, "999", "abc", "٣", "1.0", True, None, 2**40])
def test_an_unknown_reply_is_not_found(db_url, reply_id):
    save(db_url, HELLO)
    with transaction(db_url) as session, pytest.raises(canned.CannedReplyNotFound) as raised:
        canned.get_reply(session=session, reply_id=reply_id)
    assert raised.value.problem.code == "canned_reply_not_found"


def test_windows_line_endings_and_trailing_spaces_are_tidied_lines_kept(db_url):
    saved = save(db_url, {**HELLO, "text_fr": "  Bonjour {candidat},   \r\n\r\nÀ bientôt  \r\n"})
    assert saved["text_fr"] == "Bonjour {candidat},\n\nÀ bientôt"


@pytest.mark.parametrize(
    ("text", "candidate", "expected"),
    [
        ("Bonjour {candidat}, je suis {recruteur}.", "Léa", "Bonjour Léa, je suis Camille Roux."),
        ("Bonjour {candidat}, je suis {recruteur}.", None, "Bonjour, je suis Camille Roux."),
        ("Merci {candidat} pour cet échange !", None, "Merci pour cet échange !"),
        ("Bonjour {candidat} !", None, "Bonjour !"),
        ("Hello {Candidate}.", None, "Hello."),
        ("{prénom}, {recruiter} here", "Sam", "Sam, Camille Roux here"),
        ("Ligne 1 {candidat}\n\n- point {recruteur}", "Léa", "Ligne 1 Léa\n\n- point Camille Roux"),
    ],
)
def test_the_placeholders_are_filled_and_a_missing_first_name_closed_up(text, candidate, expected):
    assert canned.fill(text, candidate=candidate, recruiter="Camille Roux") == expected


def test_the_first_name_is_the_latest_the_candidate_gave_in_this_conversation(db_url):
    with transaction(db_url) as session:
        assert canned.candidate_first_name(session=session, conversation_id="c1") is None
        create_callback(
            session=session,
            conversation_id="c1",
            data={"name": "Sam Martin", "email": "s@example.org", "question": "?", "consent": True},
            language="fr",
            retention_days=30,
        )
    with transaction(db_url) as session:
        assert canned.candidate_first_name(session=session, conversation_id="c1") == "Sam"
        assert canned.candidate_first_name(session=session, conversation_id="c2") is None
    add_coffee(db_url, hours_from_now=48, conversation_id="c1")  # Camille Durand, later
    with transaction(db_url) as session:
        assert canned.candidate_first_name(session=session, conversation_id="c1") == "Camille"
    panel = reverse_qa(db_url, days=20)
    sign_up(db_url, panel, "Inès", conversation="c3")
    with transaction(db_url) as session:
        assert canned.candidate_first_name(session=session, conversation_id="c3") == "Inès"


def test_the_shipped_replies_are_loaded_once_in_the_databases_life(db_url):
    shipped = canned.load_default_replies()
    assert len(shipped) >= 3 and all(r["text_fr"] and r["text_en"] for r in shipped)
    with transaction(db_url) as session:
        assert canned.seed_replies(session=session) == len(shipped)
    with transaction(db_url) as session:
        assert canned.seed_replies(session=session) == 0
        for reply in canned.list_replies(session=session):
            canned.delete_reply(session=session, reply_id=reply.id, author="Hélène")
    with transaction(db_url) as session:
        assert canned.seed_replies(session=session) == 0  # HR deleted them: they stay deleted
        assert canned.list_replies(session=session) == []


def test_the_console_gets_the_replies_filled_in_the_conversations_language(kb_url, staff):
    save(kb_url, HELLO)
    handoff_id, _ = queue(kb_url, staff, "c-en")
    guide = {"url": "https://example.org/guide", "fr": "Le guide", "en": "The guide"}
    with transaction(kb_url) as session:
        session.execute(update(Handoff).where(Handoff.id == handoff_id).values(language="en"))
        session.get(Article, "remote-work").links = [guide]
    with transaction(kb_url) as session:
        handoff = session.get(Handoff, handoff_id)
        choices = canned.choices_for(
            session=session,
            handoff=handoff,
            recruiter="Camille Roux",
            privacy_url="https://careers.example.org/en/privacy",
        )
        payload = choices.to_json()
    assert payload["language"] == "en" and payload["candidate"] is None
    assert payload["replies"] == [
        {"id": 1, "title": "Bonjour", "text": "Hello, I'm Camille Roux.\nHow can I help?"}
    ]
    with transaction(kb_url) as session:
        published = (
            session.execute(select(Article.id).where(Article.status == "published")).scalars().all()
        )
        remote = published_answer(session=session, article_id="remote-work", language="en")
    assert {a["id"] for a in payload["articles"]} == set(published)
    assert {"id": "remote-work", "title": remote.title} in payload["articles"]
    titles = [a["title"] for a in payload["articles"]]
    assert titles == sorted(titles, key=str.lower)
    assert payload["links"] == [
        {
            "article": "remote-work",
            "title": remote.title,
            "label": "The guide",
            "url": "https://example.org/guide",
        },
        {
            "article": "",
            "title": "Our privacy notice",
            "label": "Our privacy notice",
            "url": "https://careers.example.org/en/privacy",
        },
    ]


def as_sent(session, article_id: str, language: str, today: dt.date) -> str:
    """The article as a recruiter sends it, with the default freshness limit (180 days)."""
    return canned.article_message(
        session=session,
        article_id=article_id,
        language=language,
        today=today,
        review_max_days=180,
    )


def test_an_article_is_sent_with_the_records_figures_its_links_and_its_source(kb_url):
    today = dt.date(2026, 12, 1)
    with transaction(kb_url) as session:
        article = session.get(Article, "remote-work")
        article.reviewed_on = dt.date(2026, 11, 2)
        answer = published_answer(session=session, article_id="remote-work", language="fr")
        sent = as_sent(session, "remote-work", "fr", today)
    assert sent.startswith(answer.answer)
    for label, url in answer.links:
        assert f"[{label}]({url})" in sent
    assert sent.endswith(
        f"Source : notre base de connaissances, « {answer.title} », vérifiée par les RH le "
        f"{date_in_words(dt.date(2026, 11, 2), 'fr')}."
    )
    with transaction(kb_url) as session:
        session.get(Article, "remote-work").reviewed_on = dt.date(2025, 1, 10)
        stale = as_sent(session, "remote-work", "en", today)
        session.get(Article, "remote-work").reviewed_on = None
        unchecked = as_sent(session, "remote-work", "en", today)
    assert "checked by HR on 10 January 2025" in stale and stale.endswith(
        "I'm happy to confirm any point that matters to you."
    )
    assert unchecked.endswith("(not yet checked by HR).")


def test_an_articles_answer_carries_the_positions_as_the_records_say(kb_url):
    today = dt.date(2026, 12, 1)
    with transaction(kb_url) as session:
        answer = published_answer(session=session, article_id="open-positions", language="fr")
        current = live_answer(
            session=session,
            article_id="open-positions",
            language="fr",
            today=today,
            answer=answer.answer,
        )
        sent = as_sent(session, "open-positions", "fr", today)
    assert sent.startswith(current)


def test_a_withdrawn_article_cannot_be_sent(kb_url):
    with transaction(kb_url) as session:
        session.get(Article, "remote-work").status = "draft"
    with transaction(kb_url) as session, pytest.raises(canned.ArticleNotFound):
        as_sent(session, "remote-work", "fr", dt.date.today())


def test_a_use_is_counted_and_a_deleted_reply_is_no_error(db_url):
    saved = save(db_url, HELLO)
    with transaction(db_url) as session:
        canned.count_use(session=session, reply_id=saved["id"])
        canned.count_use(session=session, reply_id=999)
    with transaction(db_url) as session:
        reply = session.get(CannedReply, saved["id"])
        assert reply.uses == 1 and reply.last_used_at is not None
        assert reply.last_used_at <= utcnow()


def test_an_edit_ignores_the_read_only_fields_the_workspace_sends_back(db_url):
    saved = save(db_url, HELLO)
    sent_back = {**saved, "uses": 99, "updated_by": "someone else", "title": "Salut"}
    edited = save(db_url, sent_back, saved["id"])
    assert edited["title"] == "Salut" and edited["uses"] == 0
    assert edited["updated_by"] == "Hélène" and edited["text_fr"] == HELLO["text_fr"]


def canned_problems(url: str) -> list:
    """Every problem code the canned replies' service raises (for the catalogue's check in
    tests/web/test_problem_texts.py), on any migrated database."""
    found = []
    taken = {**HELLO, "title": "Problem check"}
    with transaction(url) as session:
        if not canned._title_taken(session, taken["title"], None):
            canned.save_reply(session=session, data=taken, author="tests")
    for data in (
        {"title": "<b>x</b>", "text_fr": "{nom}", "text_en": "{oops", "x": 1},
        {"title": " ", "text_fr": 3, "text_en": "\u202e" + "y" * 10},
        {**HELLO, "title": "x" * 81, "text_en": "y" * 1001},
        taken,
    ):
        with pytest.raises(canned.CannedReplyError) as raised:
            save(url, data)
        found += raised.value.errors.values()
    with transaction(url) as session, pytest.raises(canned.CannedReplyNotFound) as missing:
        canned.get_reply(session=session, reply_id="nope")
    found.append(missing.value.problem)
    ceiling = canned.MAX_REPLIES
    try:
        canned.MAX_REPLIES = 0
        with pytest.raises(canned.CannedReplyError) as full:
            save(url, {**HELLO, "title": "One too many"})
    finally:
        canned.MAX_REPLIES = ceiling
    return found + list(full.value.errors.values())


def test_the_problem_helper_meets_every_canned_code(db_url):
    codes = {problem.code for problem in canned_problems(db_url)}
    assert {c for c in codes if c.startswith("canned_")} == {
        "canned_unknown_placeholder",
        "canned_stray_brace",
        "canned_title_taken",
        "canned_reply_not_found",
        "canned_too_many",
    }
