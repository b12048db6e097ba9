"""The apply action on a real database and a local SMTP server: the form, an application
taken and confirmed (and queued for the ATS when one is configured), a refusal."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from actions.applications import ActionApply
from bot.applications.models import Application, AtsDelivery
from bot.core.db import transaction
from bot.core.settings import get_settings
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.actions.conftest import run, tracker


@pytest.fixture
def hiring(mail_env, monkeypatch):
    settings, mailbox = mail_env
    with transaction(settings.database_url) as session:
        prepare_records(session=session, today=local_today(settings.office_timezone))
    return settings, mailbox


def custom(messages: list[dict], kind: str) -> dict:
    (found,) = [m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind]
    return found


FORM = {
    "job": "sre",
    "first_name": "Léa",
    "last_name": "Martin",
    "email": "lea@example.org",
    "url": "https://www.linkedin.com/in/lea",
    "consent": True,
}


async def test_the_form_then_an_application_queued_for_the_ats(hiring, monkeypatch):
    monkeypatch.setenv("ATS_WEBHOOK_URL", "https://ats.example.org/hook")
    monkeypatch.setenv("ATS_WEBHOOK_SECRET", "a-long-shared-ats-secret")
    get_settings.cache_clear()
    settings, mailbox = hiring
    messages, _ = await run(
        ActionApply(), tracker("je veux postuler au poste de SRE", intent="apply")
    )
    form = custom(messages, "apply_form")
    assert form["job"] == "sre" and form["upload"] == "/apply/cv" and form["max_cv_mb"] == 5
    messages, _ = await run(
        ActionApply(), tracker("/apply" + json.dumps(FORM), intent="apply", entities=FORM)
    )
    received = custom(messages, "application")
    assert received["status"] == "received"
    assert "Merci Léa" in messages[0]["text"]
    with transaction(settings.database_url) as session:
        saved = session.execute(select(Application)).scalar_one()
        delivery = session.execute(select(AtsDelivery)).scalar_one()
    assert (delivery.kind, delivery.application) == ("application.created", saved.public_id)
    assert any(m["To"] == "lea@example.org" for m in mailbox.messages)
    assert any("New application" in m["Subject"] for m in mailbox.messages)


async def test_a_refusal_names_the_field_and_queues_nothing(hiring):
    settings, mailbox = hiring
    bad = {**FORM, "consent": False}
    messages, _ = await run(
        ActionApply(), tracker("/apply" + json.dumps(bad), intent="apply", entities=bad)
    )
    refused = custom(messages, "application")
    assert (refused["field"], refused["code"]) == ("consent", "consent_missing")
    assert "Rien n'est enregistré" in messages[0]["text"]
    with transaction(settings.database_url) as session:
        assert session.execute(select(Application)).first() is None
        assert session.execute(select(AtsDelivery)).first() is None
    assert mailbox.messages == []


async def test_with_nothing_open_a_recruiter_or_the_talent_community_is_offered(mail_env):
    settings, _ = mail_env  # no position recorded at all
    messages, events = await run(
        ActionApply(), tracker("je veux postuler", intent="apply", language="en")
    )
    assert messages[0]["text"].startswith("No position is open right now")
    payloads = [b["payload"] for b in messages[0]["buttons"]]
    assert payloads == ["/affirm", "/deny", "/join_community"]
    assert events[0]["name"] == "offer" and events[0]["value"] == "human"


async def test_sending_ones_cv_read_as_a_question_gets_the_form(hiring):
    """ "C'est possible de vous envoyer mon CV maintenant ?" read as a question about
    applying: the form, not the article that only tells how; asking about an
    application already sent keeps its answer."""
    from actions.answer import ActionAnswer
    from actions.applications import sends_application

    said = "c'est possible de vous envoyer mon CV maintenant ?"
    messages, _ = await run(ActionAnswer(), tracker(said, intent="faq"))
    assert custom(messages, "apply_form")["upload"] == "/apply/cv"
    assert not sends_application(tracker("j'ai envoyé mon CV, des nouvelles ?", intent="faq"))
    assert not sends_application(tracker("how do I apply?", intent="faq"))
