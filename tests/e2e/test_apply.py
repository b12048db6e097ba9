"""Applying from the chat end to end (issue 14): the trained assistant, the action
server and the web server's upload route, REST and socket.io, French and English.

The phrasings are not training examples (checked first, not even near-copies); each
must lead to the application form in its language. A filled-in form is one structured
message; the confirmation comes in the chat and by e-mail (a local SMTP server), the
recruiters get an e-mail and the team-chat webhook."""

from __future__ import annotations

import json
import re

import pytest
import requests
from sqlalchemy import select

from bot.applications.models import Application, CvFile
from bot.candidate.sessions import rest_conversation
from bot.core.db import transaction
from bot.knowledge.similarity import NearDuplicateIndex
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.applications.cvs import pdf
from tests.e2e.conftest import assert_phrasings_understood, new_sender, payloads
from tests.e2e.socket_client import Candidate, customs
from tests.e2e.test_events import training_examples

pytestmark = pytest.mark.e2e

REQUESTS = {
    "fr": [
        "Je souhaite déposer ma candidature chez vous",
        "comment je fais pour postuler au poste de data scientist ?",
        "ok je suis partant, je veux candidater",
        "Où puis-je vous transmettre mon curriculum vitae ?",
        "je voudrais postuler à l'offre SRE que j'ai vue",
        "Je désire envoyer ma candidature pour le poste de designer",
        "est-ce que je peux postuler directement ici",
        "c'est possible de vous envoyer mon CV maintenant ?",
        "Je me lance : je postule !",
        "j'aimerais candidater au job de développeur backend senior",
    ],
    "en": [
        "I would like to apply to Ardoise Labs",
        "How can I submit an application for the data scientist role?",
        "I'm sold, let me apply",
        "Is there somewhere I can upload my résumé?",
        "I want to apply for the SRE opening I saw",
        "Can I apply straight from this chat?",
        "I'd like to send you my resume now",
        "Applying for the product designer job please",
        "how do I put in my application for the backend position",
        "Let me submit my candidacy",
    ],
}


@pytest.fixture(scope="module")
def hiring(assistant):
    """The running assistant's database with the default open positions."""
    with transaction(assistant.settings.database_url) as session:
        prepare_records(session=session, today=local_today(assistant.settings.office_timezone))
    return assistant


def form_of(replies: list[dict]) -> dict | None:
    found = [p for p in payloads(replies) if p.get("type") == "apply_form"]
    return found[0] if found else None


def result_of(replies: list[dict]) -> dict:
    (found,) = [p for p in payloads(replies) if p.get("type") == "application"]
    return found


@pytest.mark.parametrize("language", ["fr", "en"])
def test_ten_new_phrasings_per_language_lead_to_the_form(hiring, language):
    known = NearDuplicateIndex(training_examples())
    missed = []
    for request in REQUESTS[language]:
        assert known.closest(request) is None, request  # not even a near-copy
        replies = hiring.ask(new_sender(), request, metadata={"language": language})
        form = form_of(replies)
        if form is None or not form["jobs"]:
            missed.append((request, [p.get("type") for p in payloads(replies)]))
            continue
        consent = form["consent"]
        assert ("J'accepte" in consent) if language == "fr" else ("I agree" in consent)
    assert_phrasings_understood(missed, len(REQUESTS[language]))


def test_the_position_named_is_preselected_and_a_job_answer_offers_to_apply(hiring):
    form = form_of(hiring.ask(new_sender(), "Je veux postuler au poste de SRE", {"language": "fr"}))
    assert form is not None and form["job"] is not None
    titles = {job["id"]: job["title"] for job in form["jobs"]}
    assert "SRE" in titles[form["job"]] or "Site Reliability" in titles[form["job"]]
    sender = new_sender()
    replies = hiring.ask(sender, '/choose_article{"article": "open-positions"}', {"language": "fr"})
    assert replies
    button = '/apply{"job": "' + form["job"] + '"}'
    opened = form_of(hiring.ask(sender, button))
    assert opened is not None and opened["job"] == form["job"]


def upload(hiring, content: bytes) -> str:
    answer = requests.post(
        f"{hiring.settings.web_url}/apply/cv",
        files={"cv": ("mon cv.pdf", content, "application/pdf")},
        timeout=30,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()["cv"]


def test_apply_with_a_cv_over_rest_confirmed_in_the_chat_and_by_email(hiring, mailbox, hooks):
    sender = new_sender()
    form = form_of(hiring.ask(sender, "je veux postuler", {"language": "fr"}))
    job = form["jobs"][0]
    email = f"{sender}@example.org"
    data = {
        "job": job["id"],
        "first_name": "Léa",
        "last_name": "Martin",
        "email": email,
        "message": "<b>Bonjour</b> !",
        "consent": True,
    }
    # a bad field first: named, nothing saved
    refused = result_of(hiring.ask(sender, "/apply" + json.dumps({**data, "email": "nope"})))
    assert refused == {
        "type": "application",
        "status": "invalid",
        "application": None,
        "field": "email",
        "code": "email_invalid",
    }
    missing = result_of(hiring.ask(sender, "/apply" + json.dumps(data)))
    assert (missing["field"], missing["code"]) == ("cv", "cv_or_url_missing")
    data["cv"] = upload(hiring, pdf())
    replies = hiring.ask(sender, "/apply" + json.dumps(data))
    received = result_of(replies)
    assert received["status"] == "received" and received["application"]
    said = " ".join(r.get("text", "") for r in replies)
    assert "Merci Léa" in said and job["title"] in said and "5 jours ouvrés" in said
    mail = mailbox.wait_for(lambda m: m["To"] == email)
    body = mail.get_payload(decode=True).decode()
    assert "30 minutes" in body and "5 jours ouvrés" in body and "votre CV (PDF)" in body
    notice = mailbox.wait_for(
        lambda m: "New application" in m["Subject"] and job["title"] in m["Subject"]
    )
    assert "Léa Martin" in notice.get_payload(decode=True).decode()
    hooks.wait_for(lambda b: "New application" in b["text"] and "Léa Martin" in b["text"])
    with transaction(hiring.settings.database_url) as session:
        saved = session.execute(
            select(Application).where(Application.public_id == received["application"])
        ).scalar_one()
        assert saved.conversation_id == rest_conversation(sender)
        assert saved.message == "<b>Bonjour</b> !"
        assert "J'accepte" in saved.consent_text
        cv = session.execute(select(CvFile).where(CvFile.application_id == saved.id)).scalar_one()
        assert cv.kind == "pdf"
    again = result_of(hiring.ask(sender, "/apply" + json.dumps(data)))
    assert (again["status"], again["field"]) == ("invalid", "cv")  # the CV went with the first
    # later: where is it? Honest, dated, and a recruiter offered
    replies = hiring.ask(sender, "où en est ma candidature ?")
    said = " ".join(r.get("text", "") for r in replies)
    assert job["title"] in said and "Je ne vois pas où en est son examen" in said
    assert {"type": "handoff", "status": "offered", "reason": "personal"} in payloads(replies)


async def test_apply_with_a_link_over_socketio_in_english(hiring, mailbox):
    candidate = Candidate(hiring.url)
    try:
        await candidate.start()
        _, replies = await candidate.say("I'd like to apply for a job", language="en")
        (form,) = [c for c in customs(replies) if c.get("type") == "apply_form"]
        job = form["jobs"][-1]
        email = f"{candidate.session_id[:12]}@example.org"
        data = {
            "job": job["id"],
            "first_name": "Sam",
            "last_name": "Lee",
            "email": email,
            "url": "https://www.linkedin.com/in/sam-lee",
            "consent": True,
        }
        _, replies = await candidate.say("/apply" + json.dumps(data), language="en")
        (result,) = [c for c in customs(replies) if c.get("type") == "application"]
        assert result["status"] == "received"
        said = " ".join(m.get("text", "") for m in replies)
        assert "Thank you Sam" in said and "5 working days" in said
        mail = mailbox.wait_for(lambda m: m["To"] == email)
        body = mail.get_payload(decode=True).decode()
        assert "https://www.linkedin.com/in/sam-lee" in body and "30-minute call" in body
        # the e-mail's one-click erasure link, followed: the application is gone
        link = re.search(r"https?://\S+/applications/erase/\S+", body)
        assert link is not None, body
        page = requests.get(link.group(0), timeout=15)
        assert page.status_code == 200 and job["title"] in page.text
        done = requests.post(link.group(0), timeout=15)
        assert done.status_code == 200 and "1 application(s)" in done.text
        with transaction(hiring.settings.database_url) as session:
            kept = session.execute(
                select(Application).where(Application.email_key == email.lower())
            ).first()
        assert kept is None
    finally:
        await candidate.close()
