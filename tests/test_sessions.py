"""Chat session ids: issued by the server, resumed only when known."""

from __future__ import annotations

import pytest

from bot.candidate.sessions import (
    SESSION_ID,
    ChatSession,
    is_issued,
    issue_session,
    rest_conversation,
    resume_session,
)
from bot.core.db import transaction


def open_session(*, session, requested: object) -> tuple[str, bool]:
    """What the socket channel does with a client's session_request (it counts the
    per-IP limit in between): resume a known id, else issue a fresh one."""
    resumed = resume_session(session=session, requested=requested)
    if resumed is not None:
        return resumed, False
    return issue_session(session=session), True


def test_a_new_session_gets_a_random_id(db_url):
    with transaction(db_url) as session:
        first, is_new = open_session(session=session, requested=None)
        second, _ = open_session(session=session, requested=None)
    assert is_new and SESSION_ID.match(first) and first != second


def test_a_known_id_is_resumed_and_its_last_use_updated(db_url):
    with transaction(db_url) as session:
        issued, _ = open_session(session=session, requested=None)
        seen = session.get(ChatSession, issued).last_seen_at
    with transaction(db_url) as session:
        resumed, is_new = open_session(session=session, requested=issued)
        assert session.get(ChatSession, issued).last_seen_at >= seen
    assert (resumed, is_new) == (issued, False)


@pytest.mark.parametrize(
    "requested",
    [
        "x" * 32,  # well-formed but never issued
        "not-an-id",
        "",
        "<script>alert(1)</script>",
        "a" * 10_000,
        12345,
        {"session_id": "nested"},
        ["list"],
    ],
)
def test_an_id_the_server_did_not_issue_gets_a_fresh_session(db_url, requested):
    with transaction(db_url) as session:
        given, is_new = open_session(session=session, requested=requested)
    assert is_new and given != requested and SESSION_ID.match(given)


def test_is_issued(db_url):
    with transaction(db_url) as session:
        issued, _ = open_session(session=session, requested=None)
        assert is_issued(session=session, session_id=issued)
        assert not is_issued(session=session, session_id="y" * 32)


def test_rest_conversations_never_share_an_id_with_a_widget_session(db_url):
    with transaction(db_url) as session:
        issued, _ = open_session(session=session, requested=None)
        assert resume_session(session=session, requested=issued) == issued
        assert resume_session(session=session, requested="z" * 32) is None
        assert SESSION_ID.match(issue_session(session=session))
    assert rest_conversation(issued) == f"rest:{issued}"
    # ":" is outside a session id's alphabet: no REST sender can name a widget's conversation
    assert not SESSION_ID.match(rest_conversation(issued[:27]))
