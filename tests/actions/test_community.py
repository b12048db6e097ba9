"""The talent-community action on a real database and a local SMTP server: the form (the
wishes said pre-chosen), a sign-up kept pending with its confirmation e-mail, a refusal
that names the field, and a search read as joining that lists the positions instead."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from actions.community import ActionJoinCommunity
from bot.community.models import CommunityMember
from bot.core.db import transaction
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.actions.conftest import run, tracker


def custom(messages: list[dict], kind: str) -> dict:
    (found,) = [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind]
    return found


FORM = {
    "email": "lea@example.org",
    "teams": ["data_ml"],
    "locations": ["Lyon"],
    "remote": True,
    "languages": ["fr", "en"],
    "consent": True,
}


async def test_the_form_with_the_wishes_said_then_a_pending_sign_up(mail_env):
    settings, mailbox = mail_env
    said = "prévenez-moi quand un poste data en télétravail complet ouvre à Lyon"
    messages, events = await run(ActionJoinCommunity(), tracker(said, intent="join_community"))
    form = custom(messages, "community_form")
    assert form["chosen"] == {
        "teams": ["data_ml"],
        "locations": ["Lyon"],
        "remote": True,
        "level": None,
    }
    assert {"id": "data_ml", "title": "Data & ML"} in form["teams"]
    assert "Lyon" in form["locations"] and "24 mois" in form["consent"]
    assert events[0]["name"] == "offer" and events[0]["value"] is None

    command = "/join_community" + json.dumps(FORM)
    messages, _ = await run(
        ActionJoinCommunity(), tracker(command, intent="join_community", entities=FORM)
    )
    assert custom(messages, "community") == {
        "type": "community",
        "status": "pending_confirmation",
        "field": None,
        "mail_sent": True,
    }
    assert "lea@example.org" in messages[0]["text"] and "Presque fini" in messages[0]["text"]
    (sent,) = [m for m in mailbox.messages if m["To"] == "lea@example.org"]
    assert sent["Subject"].startswith("Confirmez votre inscription")
    with transaction(settings.database_url) as session:
        kept = session.execute(select(CommunityMember)).scalar_one()
        assert kept.confirmed_at is None and kept.conversation_id == "conv-1"
        assert (kept.teams, kept.remote, kept.languages) == (["data_ml"], True, ["fr", "en"])


async def test_a_bad_field_is_named_and_nothing_kept(mail_env):
    settings, mailbox = mail_env
    bad = {**FORM, "email": "<b>lea</b>", "consent": True}
    messages, _ = await run(
        ActionJoinCommunity(),
        tracker(
            "/join_community" + json.dumps(bad),
            intent="join_community",
            entities=bad,
            language="en",
        ),
    )
    assert custom(messages, "community") == {
        "type": "community",
        "status": "invalid",
        "field": "email",
        "code": "email_invalid",
    }
    assert messages[0]["text"] == "I couldn't save the sign-up: the e-mail address is not valid."
    with transaction(settings.database_url) as session:
        assert session.execute(select(CommunityMember)).first() is None
    assert mailbox.messages == []


async def test_the_offer_button_opens_the_form_with_its_wishes(mail_env):
    wishes = {"teams": ["design"], "locations": [], "remote": False, "level": "senior"}
    messages, _ = await run(
        ActionJoinCommunity(),
        tracker("/join_community" + json.dumps(wishes), intent="join_community", entities=wishes),
    )
    assert custom(messages, "community_form")["chosen"] == wishes


async def test_a_search_read_as_joining_lists_the_positions(mail_env):
    settings, _ = mail_env
    with transaction(settings.database_url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
    messages, _ = await run(
        ActionJoinCommunity(),
        tracker("je cherche un poste backend en full remote", intent="join_community"),
    )
    assert custom(messages, "jobs")["jobs"][0]["id"] == "senior-backend"


async def test_a_request_to_join_read_as_anything_else_gets_the_form(mail_env):
    """The model has no intent for joining: the words decide, in the actions a message
    can reach (a question, asking for a human, wanting to meet a team)."""
    from actions.answer import ActionAnswer
    from actions.human import ActionRequestHuman
    from actions.meetings import ActionMeetTeam

    for action, said, intent in [
        (ActionAnswer(), "Put me in your talent pool please", "faq"),
        (
            ActionRequestHuman(),
            "je ne cherche pas maintenant mais prévenez-moi pour les prochaines ouvertures",
            "request_human",
        ),
        (ActionMeetTeam(), "Please notify me if a data engineering job opens", "meet_team"),
    ]:
        messages, _ = await run(action, tracker(said, intent=intent))
        form = custom(messages, "community_form")
        assert form["consent"], said


@pytest.mark.parametrize(
    ("said", "wanted"),
    [
        ("Pouvez-vous m'alerter quand vous aurez une offre en data ?", True),
        ("Gardez-moi en tête pour vos prochains recrutements", True),
        ("Let me know when you open a senior backend position", True),
        ("How can I sign up to hear about future vacancies?", True),
        ("Je veux recevoir une alerte pour les postes à Lyon", True),
        # the positions open now, the next step of one's own application, an event
        ("let me know the salary for the SRE job", False),
        ("pouvez-vous m'informer de la prochaine étape de ma candidature", False),
        ("je veux m'inscrire à la journée portes ouvertes", False),
        ("Quels sont les postes ouverts ?", False),
        ("I want to register for the next open house", False),
        ("prévenez-moi si mon café est annulé", False),
        ("<img src=x onerror=alert(1)> jobs in Lyon?", False),
    ],
)
def test_a_request_to_join_is_told_by_its_words(said, wanted):
    from bot.candidate.jobs import community_request

    assert community_request(said) is wanted
