"""An inbox item without the candidate's words keeps no text; HR's inbox words it from
its reason (and article), as it showed before: nothing is written then parsed back."""

from __future__ import annotations

import pytest
from alembic import command
from sqlalchemy import create_engine, text

from bot.core.db import transaction
from bot.hr.grouping import group_entries
from bot.hr.triage import inbox_entries
from bot.inbox.service import record_human_request, record_not_helpful, record_question
from bot.ops.schema import alembic_config, upgrade


def test_an_item_without_the_candidates_words_is_worded_from_its_reason(kb_url):
    with transaction(kb_url) as session:
        asked = record_human_request(
            session=session, conversation_id="c1", language="fr", question=None
        )
        rated = record_not_helpful(
            session=session, conversation_id="c2", article_id="equity", text="", language="en"
        )
        assert (asked.text, rated.text) == ("", "")
        shown = [e.to_json() for e in inbox_entries(session=session)]
    assert [(e["text"], e["placeholder"]) for e in shown] == [
        ("(asked for a recruiter)", True),
        ("(answer equity rated not helpful)", True),
    ]


def test_a_candidate_writing_what_looks_like_a_placeholder_is_still_a_question(kb_url):
    """The old sentinel texts were told apart by a regular expression: a candidate
    typing one was taken for "no words" and could not become an example."""
    with transaction(kb_url) as session:
        for conversation in ("c1", "c2"):
            record_question(
                session=session,
                conversation_id=conversation,
                text="(asked for a recruiter)",
                language="en",
                reason="no_answer",
            )
        entries = inbox_entries(session=session)
    assert [e.placeholder for e in entries] == [False, False]
    (group,) = group_entries(entries)
    assert (group.placeholder, group.count, group.text) == (False, 2, "(asked for a recruiter)")


def _rows(url: str) -> list[tuple[str, str, str | None]]:
    engine = create_engine(url)
    with engine.connect() as connection:
        found = connection.execute(
            text("SELECT text, reason, article_id FROM inbox_item ORDER BY id")
        ).all()
    engine.dispose()
    return [tuple(row) for row in found]


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path) -> str:
    """An empty database of each kind the product runs on."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'inbox.db'}"
    return request.getfixturevalue("pg_url")


def test_the_migration_empties_the_old_placeholder_texts_and_puts_them_back(empty_url):
    url = empty_url
    config = alembic_config(url)
    command.upgrade(config, "0008")
    engine = create_engine(url)
    old = [
        ("(asked for a recruiter)", "human_request", None),
        ("(answer equity rated not helpful)", "not_helpful", "equity"),
        ("Télétravail ?", "not_helpful", "remote-work"),  # the candidate's words: kept
        ("(asked for a recruiter)", "no_answer", None),  # a candidate typed it
        ("(answer equity rated not helpful)", "not_helpful", "benefits"),  # not its article
    ]
    with engine.begin() as connection:
        for words, reason, article in old:
            connection.execute(
                text(
                    "INSERT INTO inbox_item (conversation_id, language, text, reason, article_id,"
                    " status, created_at) VALUES ('c', 'fr', :t, :r, :a, 'open', '2026-12-01')"
                ),
                {"t": words, "r": reason, "a": article},
            )
    engine.dispose()
    upgrade(url)
    assert [row[0] for row in _rows(url)] == [
        "",
        "",
        "Télétravail ?",
        "(asked for a recruiter)",
        "(answer equity rated not helpful)",
    ]
    command.downgrade(config, "0008")
    assert _rows(url) == old
