"""HR's "to re-check" list over a real socket and a real database: stale articles that
candidates were answered with, by owner team; "still true" is a revision that moves only
the review date, closes the notes and is audited; HR only; bad ids get a clear 404."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.core.audit import entries
from bot.core.db import transaction
from bot.hr.editing import read_revision
from bot.hr.triage import inbox_groups
from bot.inbox.models import InboxItem
from bot.inbox.service import note_stale, record_question
from bot.knowledge.models import Article, Revision
from bot.records.service import local_today
from tests.web.test_workspace import web  # noqa: F401 - the fixture

LONG_AGO = timedelta(days=400)


def make_stale(settings, article_id: str) -> date:
    today = local_today(settings.office_timezone)
    with transaction(settings.database_url) as session:
        session.get(Article, article_id).reviewed_on = today - LONG_AGO
    return today


def note(settings, conversation: str, article_id: str, question: str) -> None:
    with transaction(settings.database_url) as session:
        note_stale(
            session=session,
            conversation_id=conversation,
            question=question,
            language="fr",
            article_id=article_id,
        )


async def test_the_list_groups_stale_answers_by_team_and_leaves_the_questions_inbox(web):  # noqa: F811
    people, settings = web
    today = make_stale(settings, "time-off")
    make_stale(settings, "remote-work")
    make_stale(settings, "offices")  # stale but never answered: not listed
    note(settings, "c1", "time-off", "Combien de jours de congés ?")
    note(settings, "c2", "time-off", "<img src=x onerror=alert(1)> congés ?")
    note(settings, "c1", "time-off", "again, same conversation")  # once per conversation
    note(settings, "c3", "remote-work", "Télétravail ?")
    with transaction(settings.database_url) as session:
        record_question(
            session=session, conversation_id="c4", text="?", language="fr", reason="no_answer"
        )
        grouped = inbox_groups(session=session)
    assert {g.reasons and tuple(g.reasons) for g in grouped} == {("no_answer",)}

    status, data = await people["hr"].call("GET", "/recheck")
    assert status == 200 and data["review_max_days"] == 180
    rows = {a["article"]: a for a in data["articles"]}
    assert set(rows) == {"time-off", "remote-work"}
    assert rows["time-off"]["answers"] == 2 and rows["time-off"]["team"] == "people"
    assert rows["time-off"]["reviewed"] == (today - LONG_AGO).isoformat()
    assert set(rows["time-off"]["questions"]) == {
        "Combien de jours de congés ?",
        "<img src=x onerror=alert(1)> congés ?",
    }
    teams = [a["team"] for a in data["articles"]]
    assert teams == sorted(teams)


async def test_still_true_moves_only_the_review_date_and_closes_the_notes(web):  # noqa: F811
    people, settings = web
    today = make_stale(settings, "time-off")
    note(settings, "c1", "time-off", "Combien de jours de congés ?")
    with transaction(settings.database_url) as session:
        before = (
            session.execute(
                select(Revision).where(Revision.article_id == "time-off").order_by(Revision.number)
            )
            .scalars()
            .all()[-1]
        )
        before_doc = dict(before.snapshot)

    status, data = await people["hr"].call("POST", "/recheck/time-off/confirm", {})
    assert status == 200, data
    assert data["reviewed"] == today.isoformat() and data["revision"] == before.number + 1
    with transaction(settings.database_url) as session:
        after = read_revision(session=session, article_id="time-off", number=data["revision"])
        assert session.get(Article, "time-off").reviewed_on == today
        notes = (
            session.execute(select(InboxItem.status).where(InboxItem.reason == "stale"))
            .scalars()
            .all()
        )
        audited = [e for e in entries(session=session) if e.action == "article.checked"]
    changed = {k for k in {*after, *before_doc} if after.get(k) != before_doc.get(k)}
    assert changed == {"reviewed"}
    assert notes == ["checked"]
    assert [(e.actor, e.target) for e in audited] == [("Hana", "time-off")]
    status, data = await people["hr"].call("GET", "/recheck")
    assert data["articles"] == []
    # a second click: still fine, nothing more to close
    status, _ = await people["hr"].call("POST", "/recheck/time-off/confirm", {})
    assert status == 200


async def test_only_hr_and_only_known_articles(web):  # noqa: F811
    people, settings = web
    for who, expected in (("nobody", 401), ("recruiter", 403)):
        status, _ = await people[who].call("GET", "/recheck")
        assert status == expected
        status, _ = await people[who].call("POST", "/recheck/time-off/confirm", {})
        assert status == expected
    status, _ = await people["hr"].call("POST", "/recheck/time-off/confirm", {}, csrf=False)
    assert status == 403
    for bad in ("nope", "%3Cscript%3E", "x" * 300):
        status, data = await people["hr"].call("POST", f"/recheck/{bad}/confirm", {})
        assert status == 404, (bad, status)
        assert "aucun article" in data["error"]
    with transaction(settings.database_url) as session:
        assert session.execute(select(Revision).where(Revision.author == "Hana")).first() is None
