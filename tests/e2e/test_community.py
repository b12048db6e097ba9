"""Joining the talent community from the chat end to end (issue 14): the trained
assistant, the action server and the web server's link pages, REST and socket.io,
French and English.

The phrasings are not training examples (checked first, not even near-copies); each
must lead to the sign-up form. A filled-in form is one structured message; the sign-up
stays pending until the link of the confirmation e-mail (a local SMTP server, in the
conversation's language) is followed: GET shows a page, only its POST confirms. A job
search with nothing that fits offers a button that opens the form with its wishes."""

from __future__ import annotations

import json
import re
from email.header import decode_header, make_header
from email.message import Message

import pytest
import requests
from sqlalchemy import select

from bot.candidate.sessions import rest_conversation
from bot.community.models import CommunityMember
from bot.core.db import transaction
from bot.knowledge.similarity import NearDuplicateIndex
from tests.e2e.conftest import (
    assert_phrasings_understood,
    new_sender,
    payloads,
    texts,
    with_records,
)
from tests.e2e.socket_client import Candidate, customs
from tests.e2e.test_events import training_examples

pytestmark = pytest.mark.e2e

REQUESTS = {
    "fr": [
        "Pouvez-vous m'alerter quand vous aurez une offre en data ?",
        "je voudrais faire partie de votre communauté de talents",
        "Comment m'inscrire pour recevoir vos futures offres d'emploi ?",
        "Aucun poste ne me va pour l'instant, tenez-moi informé",
        "Mettez-moi dans votre vivier, je reviendrai plus tard",
        "je ne cherche pas maintenant mais prévenez-moi pour les prochaines ouvertures",
        "Je veux recevoir une alerte pour les postes à Lyon",
        "Je souhaiterais être averti par e-mail des prochaines offres",
        "ça m'intéresse d'être tenu au courant des recrutements futurs",
        "Gardez-moi en tête pour vos prochains recrutements",
    ],
    "en": [
        "Could you ping me when a suitable role opens up?",
        "I'd love to be part of your talent community",
        "How can I sign up to hear about future vacancies?",
        "Add my e-mail to your list for upcoming openings",
        "Please notify me if a data engineering job opens",
        "Please let me know about future openings in data",
        "I'm not looking right now but I'd like to hear about future jobs",
        "Put me in your talent pool please",
        "Let me know when you open a senior backend position",
        "Nothing matches me today, please keep me in the loop",
    ],
}
CONSENT = {"fr": "J'accepte", "en": "I agree"}
SUBJECT = {"fr": "Confirmez votre inscription", "en": "Confirm your sign-up"}
CONFIRMED = {"fr": "bienvenue dans la communauté", "en": "welcome to the community"}
NO_MATCH = {
    "fr": ("un poste de designer à Marseille en full remote", "Me prévenir quand"),
    "en": ("I'm looking for a designer job in Marseille, fully remote", "Tell me when"),
}


@pytest.fixture(scope="module")
def hiring(assistant):
    """The running assistant's database with the default open positions."""
    return with_records(assistant)


def form_of(replies: list[dict]) -> dict | None:
    found = [p for p in payloads(replies) if p.get("type") == "community_form"]
    return found[0] if found else None


def result_of(replies: list[dict]) -> dict:
    (found,) = [p for p in payloads(replies) if p.get("type") == "community"]
    return found


def subject(mail: Message) -> str:
    return str(make_header(decode_header(mail["Subject"] or "")))


def members(hiring, **where: str) -> list[CommunityMember]:
    """The sign-ups of a conversation (`conversation_id`) or an address (`email`)."""
    column, value = next(iter(where.items()))
    condition = (
        CommunityMember.email_key == value.lower()
        if column == "email"
        else CommunityMember.conversation_id == value
    )
    with transaction(hiring.settings.database_url) as session:
        found = list(session.execute(select(CommunityMember).where(condition)).scalars())
        session.expunge_all()
    return found


def filled(form: dict, email: str) -> dict:
    """The form as a candidate fills it: the first team, two cities, fully remote, the
    last level, both languages, consent."""
    return {
        "email": email,
        "teams": [form["teams"][0]["id"]],
        "locations": form["locations"][:2],
        "remote": True,
        "level": form["levels"][-1]["id"],
        "languages": [language["id"] for language in form["languages"]],
        "consent": True,
    }


def confirm_by_link(hiring, mailbox, email: str, language: str) -> None:
    """The confirmation e-mail came in `language`; its page confirms only on POST."""
    mail = mailbox.wait_for(lambda m: m["To"] == email, timeout=20)
    assert subject(mail).startswith(SUBJECT[language])
    body = mail.get_payload(decode=True).decode()
    link = re.search(r"https?://\S+/community/confirm/\S+", body)
    assert link is not None, body
    page = requests.get(link.group(0), timeout=15)
    assert page.status_code == 200 and email in page.text
    assert f'lang="{language}"' in page.text
    (pending,) = members(hiring, email=email)
    assert pending.confirmed_at is None  # looking at the page confirms nothing
    done = requests.post(link.group(0), timeout=15)
    assert done.status_code == 200 and CONFIRMED[language] in done.text


def test_the_requests_are_new():
    known = NearDuplicateIndex(training_examples())
    for language, requests_ in REQUESTS.items():
        assert len(requests_) >= 10, language
        for request in requests_:
            assert known.closest(request) is None, request  # not even a near-copy


@pytest.mark.parametrize("language", ["fr", "en"])
def test_ten_new_phrasings_per_language_lead_to_the_form(hiring, language):
    missed = []
    for request in REQUESTS[language]:
        replies = hiring.ask(new_sender(), request, metadata={"language": language})
        form = form_of(replies)
        if form is None:
            missed.append((request, [p.get("type") for p in payloads(replies)]))
            continue
        assert form["teams"] and form["locations"] and form["levels"] and form["languages"]
        assert CONSENT[language] in form["consent"]
        assert isinstance(form["chosen"], dict)
    assert_phrasings_understood(missed, len(REQUESTS[language]))


async def test_a_sign_up_over_socketio_in_french_is_confirmed_by_the_emails_link(hiring, mailbox):
    candidate = Candidate(hiring.url)
    try:
        await candidate.start()
        _, replies = await candidate.say(
            "je voudrais faire partie de votre communauté de talents", language="fr"
        )
        (form,) = [c for c in customs(replies) if c.get("type") == "community_form"]
        email = f"{candidate.session_id[:12]}@example.org"
        data = filled(form, email)
        _, replies = await candidate.say("/join_community" + json.dumps(data), language="fr")
        (result,) = [c for c in customs(replies) if c.get("type") == "community"]
        assert result == {
            "type": "community",
            "status": "pending_confirmation",
            "field": None,
            "mail_sent": True,
        }
        assert email in " ".join(m.get("text", "") for m in replies)
        confirm_by_link(hiring, mailbox, email, "fr")
        (member,) = members(hiring, email=email)
        assert member.confirmed_at is not None and member.expires_at is not None
        assert member.conversation_id == candidate.session_id
        assert (member.teams, member.locations, member.remote, member.level) == (
            data["teams"],
            data["locations"],
            True,
            data["level"],
        )
        assert member.language == "fr" and "J'accepte" in member.consent_text
    finally:
        await candidate.close()


def test_a_sign_up_over_rest_in_english_is_confirmed_by_the_emails_link(hiring, mailbox):
    sender = new_sender()
    form = form_of(hiring.ask(sender, "Put me in your talent pool please", {"language": "en"}))
    assert form is not None
    email = f"{sender}@example.org"
    data = {**filled(form, email), "teams": [], "remote": False, "languages": ["en"]}
    del data["level"]  # none chosen: any level
    replies = hiring.ask(sender, "/join_community" + json.dumps(data), {"language": "en"})
    assert result_of(replies)["status"] == "pending_confirmation"
    assert "An e-mail is on its way to " + email in texts(replies)
    confirm_by_link(hiring, mailbox, email, "en")
    (member,) = members(hiring, email=email)
    assert member.confirmed_at is not None
    assert member.conversation_id == rest_conversation(sender)
    assert (member.teams, member.level, member.languages, member.language) == (
        [],
        None,
        ["en"],
        "en",
    )


def test_an_invalid_email_is_named_and_nothing_is_kept(hiring):
    sender = new_sender()
    form = form_of(hiring.ask(sender, "Put me in your talent pool please", {"language": "en"}))
    assert form is not None
    data = filled(form, "not an address")
    replies = hiring.ask(sender, "/join_community" + json.dumps(data), {"language": "en"})
    assert result_of(replies) == {
        "type": "community",
        "status": "invalid",
        "field": "email",
        "code": "email_invalid",
    }
    assert "the e-mail address is not valid" in texts(replies)
    unticked = {**filled(form, f"{sender}@example.org"), "consent": False}
    refused = result_of(hiring.ask(sender, "/join_community" + json.dumps(unticked)))
    assert (refused["field"], refused["code"]) == ("consent", "consent_missing")
    assert members(hiring, conversation_id=rest_conversation(sender)) == []
    assert members(hiring, email=f"{sender}@example.org") == []


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_search_with_no_match_offers_the_form_with_its_wishes(hiring, language):
    search, title = NO_MATCH[language]
    sender = new_sender()
    replies = hiring.ask(sender, search, {"language": language})
    offers = [b for m in replies for b in m.get("buttons") or [] if b["title"].startswith(title)]
    assert len(offers) == 1, replies
    offer = offers[0]
    assert offer["payload"].startswith("/join_community{")
    wishes = json.loads(offer["payload"].removeprefix("/join_community"))
    assert "email" not in wishes and "consent" not in wishes
    assert wishes["remote"] is True and "Marseille" in wishes["locations"]
    assert "design" in wishes["teams"]
    form = form_of(hiring.ask(sender, offer["payload"], {"language": language}))
    assert form is not None
    assert form["chosen"] == {key: value for key, value in wishes.items() if value != []}
    assert set(wishes["teams"]) <= {team["id"] for team in form["teams"]}
    assert set(wishes["locations"]) <= set(form["locations"])
