"""The talent community on a real database: sign-ups checked field by field and kept
pending, the double opt-in, matching a newly opened position with the job search's
rules, renewal, expiry, leaving and erasure."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from bot.community.models import CommunityMember, CommunityNotice
from bot.community.service import (
    MAX_PENDING_PER_ADDRESS,
    PENDING_DAYS,
    CommunityError,
    community_counts,
    community_rows,
    confirm,
    erase_conversation_members,
    erase_members_of,
    leave,
    matching_members,
    membership_end,
    note_opened_position,
    purge_community,
    renew,
    sign_up,
    write_to_members,
)
from bot.core.audit import AuditEntry
from bot.core.db import transaction
from bot.records.service import save_job

NOW = dt.datetime(2026, 12, 1, 9, 0)
DATA_LYON = {
    "title_fr": "Ingénieure données",
    "title_en": "Data Engineer",
    "team": "data_ml",
    "location_fr": "Lyon",
    "location_en": "Lyon",
    "salary_min": 50000,
    "salary_max": 62000,
    "cities": ["Lyon"],
    "remote": "hybrid",
    "level": "senior",
}
DATA_REMOTE = {**DATA_LYON, "title_en": "Remote Data Engineer", "remote": "full_remote"}
DESIGN_PARIS = {
    **DATA_LYON,
    "title_en": "Product Designer",
    "title_fr": "Designer produit",
    "team": "design",
    "location_fr": "Paris",
    "location_en": "Paris",
    "cities": ["Paris"],
}


def wishes(**changes) -> dict:
    return {"email": "lea@example.org", "consent": True, **changes}


def join(session, data: dict, *, conversation: str = "c1", at: dt.datetime = NOW):
    return sign_up(
        session=session,
        data=data,
        conversation_id=conversation,
        language="fr",
        consent_text="J'accepte…",
        now=at,
    )


def member(url: str, data: dict, *, at: dt.datetime = NOW, conversation: str = "c1") -> str:
    """A confirmed member; its public id."""
    with transaction(url) as session:
        signed = join(session, data, conversation=conversation, at=at)
        confirm(session=session, public_id=signed.public_id, now=at)
        return signed.public_id


def members(url: str) -> int:
    with transaction(url) as session:
        return session.execute(select(func.count()).select_from(CommunityMember)).scalar_one()


@pytest.mark.parametrize(
    ("changes", "field", "code"),
    [
        ({"email": "not-an-address"}, "email", "email_invalid"),
        ({"email": None}, "email", "email_invalid"),
        ({"email": "a@b.c" * 100}, "email", "email_invalid"),
        ({"teams": ["astronauts"]}, "teams", "teams_invalid"),
        ({"teams": "data_ml<script>"}, "teams", "teams_invalid"),
        ({"teams": {"data_ml": 1}}, "teams", "teams_invalid"),
        ({"locations": ["Atlantis"]}, "locations", "locations_invalid"),
        ({"locations": ["Lyon"] * 40}, "locations", "locations_invalid"),
        ({"remote": "yes"}, "remote", "remote_invalid"),
        ({"level": "overlord"}, "level", "level_invalid"),
        ({"languages": ["de"]}, "languages", "languages_invalid"),
        ({"consent": "true"}, "consent", "consent_missing"),
        ({"consent": False}, "consent", "consent_missing"),
    ],
)
def test_a_bad_field_is_named_and_nothing_is_kept(kb_url, changes, field, code):
    with transaction(kb_url) as session, pytest.raises(CommunityError) as refused:
        join(session, wishes(**changes))
    assert (refused.value.field, refused.value.code) == (field, code)
    assert members(kb_url) == 0


def test_a_sign_up_is_pending_until_its_link_is_clicked(kb_url):
    with transaction(kb_url) as session:
        signed = join(session, wishes(teams=["data_ml", "data_ml"], locations="Lyon"))
        public_id = signed.public_id
        assert signed.teams == ["data_ml"] and signed.locations == ["Lyon"]
        assert signed.confirmed_at is None and signed.expires_at is None
        job = save_job(session=session, data=DATA_LYON, author="hr")
        # nobody is written to before confirming
        assert matching_members(session=session, job=job, now=NOW) == []
        assert community_counts(session=session, now=NOW)["members"] == 0
        assert community_counts(session=session, now=NOW)["pending"] == 1
    with transaction(kb_url) as session:
        confirmed = confirm(session=session, public_id=public_id, now=NOW)
        assert confirmed is not None and confirmed.confirmed_at == NOW
        assert confirmed.expires_at == dt.datetime(2028, 12, 1, 9, 0)
        again = confirm(session=session, public_id=public_id, now=NOW + dt.timedelta(hours=1))
        assert again is not None and again.confirmed_at == NOW  # a second click changes nothing


def test_an_unconfirmed_sign_up_cannot_be_confirmed_late_and_is_purged(kb_url):
    with transaction(kb_url) as session:
        public_id = join(session, wishes()).public_id
    late = NOW + dt.timedelta(days=PENDING_DAYS, minutes=1)
    with transaction(kb_url) as session:
        assert confirm(session=session, public_id=public_id, now=late) is None
        assert purge_community(session=session, now=late) == 1
    assert members(kb_url) == 0


def test_confirming_a_new_sign_up_replaces_the_address_membership(kb_url):
    first = member(kb_url, wishes(teams=["design"]))
    second = member(kb_url, wishes(email="LEA@example.org", teams=["data_ml"]))
    with transaction(kb_url) as session:
        kept = list(session.execute(select(CommunityMember)).scalars())
        assert [m.public_id for m in kept] == [second] and kept[0].teams == ["data_ml"]
        assert confirm(session=session, public_id=first, now=NOW) is None


def test_pending_sign_ups_of_one_address_are_limited(kb_url):
    with transaction(kb_url) as session:
        for _ in range(MAX_PENDING_PER_ADDRESS):
            join(session, wishes())
        with pytest.raises(CommunityError) as refused:
            join(session, wishes(email="Lea@Example.org"))
        assert refused.value.code == "too_many_signups"
        join(session, wishes(), at=NOW + dt.timedelta(days=1, minutes=1))  # a day later


def test_an_opened_position_waits_for_the_members_it_fits(kb_url):
    data_lyon = member(kb_url, wishes(email="a@example.org", teams=["data_ml"], locations=["Lyon"]))
    remote = member(kb_url, wishes(email="b@example.org", teams=["data_ml"], remote=True))
    marseille = member(
        kb_url, wishes(email="c@example.org", teams=["data_ml"], locations=["Marseille"])
    )
    anything = member(kb_url, wishes(email="d@example.org"))
    designer = member(kb_url, wishes(email="e@example.org", teams=["design"]))
    junior = member(kb_url, wishes(email="f@example.org", level="junior"))
    english = member(kb_url, wishes(email="g@example.org", languages=["en"]))
    with transaction(kb_url) as session:
        lyon = save_job(session=session, data={**DATA_LYON, "languages": ["fr"]}, author="hr")
        found = {m.public_id for m in matching_members(session=session, job=lyon, now=NOW)}
        assert found == {data_lyon, anything}
        # fully remote (based in Lyon, no language stated): wanted by "remote", and the
        # way to work from Marseille, where there is no office
        full = save_job(session=session, data=DATA_REMOTE, author="hr")
        found = {m.public_id for m in matching_members(session=session, job=full, now=NOW)}
        assert found == {data_lyon, remote, marseille, anything, english}
        assert designer not in found and junior not in found
        assert note_opened_position(session=session, job=lyon, now=NOW) == 2
        assert note_opened_position(session=session, job=lyon, now=NOW) == 0  # once each
        closed = save_job(session=session, data={**DESIGN_PARIS, "status": "closed"}, author="hr")
        assert note_opened_position(session=session, job=closed, now=NOW) == 0


def test_renewal_extends_and_expiry_removes(kb_url):
    public_id = member(kb_url, wishes())
    with transaction(kb_url) as session:
        renewed = renew(session=session, public_id=public_id, now=dt.datetime(2028, 11, 10))
        assert renewed is not None and renewed.expires_at == dt.datetime(2030, 11, 10)
    with transaction(kb_url) as session:
        assert purge_community(session=session, now=dt.datetime(2030, 11, 9)) == 0
        assert renew(session=session, public_id=public_id, now=dt.datetime(2030, 11, 11)) is None
        assert purge_community(session=session, now=dt.datetime(2030, 11, 11)) == 1
    assert members(kb_url) == 0


def test_membership_end_keeps_the_day_or_takes_the_month_end():
    assert membership_end(dt.datetime(2026, 2, 28, 8)) == dt.datetime(2028, 2, 28, 8)
    assert membership_end(dt.datetime(2026, 8, 31)) == dt.datetime(2028, 8, 31)
    assert membership_end(dt.datetime(2027, 2, 28)) == dt.datetime(2029, 2, 28)
    assert membership_end(dt.datetime(2028, 2, 29)) == dt.datetime(2030, 2, 28)


def test_leaving_and_erasure_remove_every_sign_up_and_notice(kb_url):
    mine = member(kb_url, wishes(teams=["data_ml"]), conversation="mine")
    with transaction(kb_url) as session:
        join(session, wishes(email="LEA@EXAMPLE.ORG"), conversation="other")  # pending twin
        member_other = join(session, wishes(email="z@example.org"), conversation="mine")
        confirm(session=session, public_id=member_other.public_id, now=NOW)
        note_opened_position(
            session=session, job=save_job(session=session, data=DATA_LYON, author="hr"), now=NOW
        )
        assert session.execute(select(func.count()).select_from(CommunityNotice)).scalar_one()
    with transaction(kb_url) as session:
        assert leave(session=session, public_id=mine) == 2  # the address, pending one too
        assert leave(session=session, public_id=mine) == 0
    with transaction(kb_url) as session:
        assert erase_conversation_members(session=session, conversation_id="mine") == 1
        assert erase_members_of(session=session, email="nobody@example.org") == 0
        assert session.execute(select(func.count()).select_from(CommunityNotice)).scalar_one() == 0
    assert members(kb_url) == 0


def test_hr_counts_and_rows_hold_no_address(kb_url):
    member(kb_url, wishes(email="a@example.org", teams=["data_ml", "design"], remote=True))
    member(kb_url, wishes(email="b@example.org", locations=["Nantes"], level="junior"))
    with transaction(kb_url) as session:
        join(session, wishes(email="c@example.org"))
        counts = community_counts(session=session, now=NOW)
        rows = community_rows(session=session, now=NOW)
    assert counts["members"] == 2 and counts["pending"] == 1 and counts["remote"] == 1
    assert counts["teams"] == {"data_ml": 1, "design": 1, "any": 1}
    assert counts["locations"] == {"any": 1, "Nantes": 1}
    assert counts["levels"] == {"any": 1, "junior": 1}
    assert "@" not in repr(counts) and "@" not in repr(rows)
    assert {r["joined"] for r in rows} == {"2026-12"}


def test_a_recruiter_writes_at_most_once_a_week_to_each_member(kb_url):
    member(kb_url, wishes(email="a@example.org", teams=["data_ml"]))
    member(kb_url, wishes(email="b@example.org", teams=["design"]))
    with transaction(kb_url) as session:
        job = save_job(session=session, data=DATA_LYON, author="hr")
        with pytest.raises(ValueError):
            write_to_members(session=session, job=job, subject=" ", body="x", author="r", now=NOW)
        with pytest.raises(ValueError):
            write_to_members(
                session=session, job=job, subject="s", body="x" * 5001, author="r", now=NOW
            )
        reached = write_to_members(
            session=session, job=job, subject="Un poste", body="Bonjour", author="Malik", now=NOW
        )
        assert [to[0] for to in reached.to] == ["a@example.org"] and reached.waiting == 0
        later = NOW + dt.timedelta(days=3)
        again = write_to_members(
            session=session, job=job, subject="Encore", body="Re", author="Malik", now=later
        )
        assert again.to == [] and again.waiting == 1
        assert again.next_possible == NOW + dt.timedelta(days=7)
        logged = session.execute(
            select(AuditEntry).where(AuditEntry.action == "community.message")
        ).scalars()
        assert [(e.actor, e.detail["sent"]) for e in logged] == [("Malik", 1), ("Malik", 0)]
