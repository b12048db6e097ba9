"""Open houses and reverse Q&A sessions end to end: the trained assistant, the action
server, REST and socket.io, French and English.

The phrasings below are not training examples (checked first); each must lead to the
event's dates with a register button, in its language, whether the model reads them
as a request to register or as a question its article answers.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from bot.core.db import transaction
from bot.events.models import PanelQuestion, Registration
from bot.knowledge.similarity import NearDuplicateIndex
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.e2e.conftest import assert_phrasings_understood, new_sender, payloads
from tests.e2e.socket_client import Candidate, customs

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]

REQUESTS = {
    "fr": [
        (
            "Je voudrais m'inscrire pour découvrir vos bureaux lyonnais "
            "lors d'une journée portes ouvertes",
            "open_house",
        ),
        ("Réservez-moi une place à la prochaine visite du siège, merci", "open_house"),
        ("Est-ce que je peux m'inscrire à la visite immersive de décembre ?", "open_house"),
        ("j'aimerais participer aux portes ouvertes, comment je m'inscris ici ?", "open_house"),
        ("Inscrivez-moi à la session où l'on interroge les dirigeants", "reverse_qa"),
        ("je veux une place pour les questions inversées du mois prochain", "reverse_qa"),
        ("Puis-je participer à la prochaine séance de questions inversées ?", "reverse_qa"),
        ("Je souhaite m'inscrire à la session live avec la direction", "reverse_qa"),
        ("Notez-moi pour la visite des locaux de Lyon svp", "open_house"),
        (
            "ça m'intéresse de poser mes questions aux fondateurs, je peux m'inscrire ?",
            "reverse_qa",
        ),
    ],
    "en": [
        ("Count me in for an open house visit in Lyon, please", "open_house"),
        ("Please save me a spot at the headquarters visit", "open_house"),
        ("Could you book me in for the open day at the Lyon office?", "open_house"),
        ("I want to join the next visit of your offices", "open_house"),
        ("Register me for the session where candidates question the leadership", "reverse_qa"),
        ("Can I get a seat at the next reverse Q&A?", "reverse_qa"),
        ("I'd love to attend the Q&A with the founders, can you sign me up?", "reverse_qa"),
        ("Put my name down for the reverse Q&A session please", "reverse_qa"),
        ("How do I register for the open house?", "open_house"),
        ("Is there a seat left for the next live Q&A with the leaders?", "reverse_qa"),
    ],
}


def training_examples() -> list[str]:
    """Every example the model learns from: data/nlu and the knowledge base's questions."""
    found = []
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
            for line in str(block.get("examples") or "").splitlines():
                found.append(line.strip().lstrip("- "))
    for path in (ROOT / "data" / "knowledge").glob("*.yml"):
        for article in yaml.safe_load(path.read_text(encoding="utf-8")).get("articles") or []:
            for language in ("fr", "en"):
                for question in (article.get(language) or {}).get("questions") or []:
                    found.append(question)
    return found


@pytest.fixture(scope="module")
def calendar(assistant):
    """The running assistant's database with the default calendar of events."""
    with transaction(assistant.settings.database_url) as session:
        prepare_records(session=session, today=local_today(assistant.settings.office_timezone))
    return assistant


def offers(replies: list[dict]) -> list[dict]:
    return [p for p in payloads(replies) if p.get("type") == "meeting_offer"]


def one(replies: list[dict], kind: str) -> dict:
    (found,) = [p for p in payloads(replies) if p.get("type") == kind]
    return found


@pytest.mark.parametrize("language", ["fr", "en"])
def test_ten_new_phrasings_per_language_lead_to_the_dates(calendar, language):
    known = NearDuplicateIndex(training_examples())
    missed = []
    for request, kind in REQUESTS[language]:
        assert known.closest(request) is None, request  # not even a near-copy
        replies = calendar.ask(new_sender(), request, metadata={"language": language})
        kinds = [o["kind"] for o in offers(replies) if o["slots"]]
        if kind not in kinds:
            missed.append((request, [p.get("type") for p in payloads(replies)]))
    assert_phrasings_understood(missed, len(REQUESTS[language]))


def test_register_ask_the_leaders_and_cancel_over_rest(calendar, mailbox):
    sender = new_sender()
    (offer,) = offers(
        calendar.ask(sender, "Inscrivez-moi aux questions inversées", {"language": "fr"})
    )
    assert offer["kind"] == "reverse_qa" and offer["slots"][0]["seats_left"] >= 1
    slot = offer["slots"][0]["id"]
    contact = one(calendar.ask(sender, "/book" + json.dumps({"slot": slot})), "meeting_contact")
    assert contact["slot"] == slot
    email = f"{sender}@example.org"
    booked = one(
        calendar.ask(
            sender,
            "/book" + json.dumps({"slot": slot, "name": "Ada", "email": email, "consent": True}),
        ),
        "booking",
    )
    assert (booked["status"], booked["slot"]) == ("confirmed", slot)
    mail = mailbox.wait_for(lambda m: m["To"] == email)
    assert any(p.get_content_type() == "text/calendar" for p in mail.walk())
    question = "<script>alert(1)</script> Comment décidez-vous des salaires ?"
    received = one(
        calendar.ask(sender, "/ask_panel" + json.dumps({"slot": slot, "question": question})),
        "panel_question",
    )
    assert received["status"] == "received"
    stranger = one(
        calendar.ask(new_sender(), "/ask_panel" + json.dumps({"slot": slot, "question": "x ?"})),
        "panel_question",
    )
    assert stranger["status"] == "invalid"
    cancelled = one(
        calendar.ask(sender, "/cancel_booking" + json.dumps({"booking": booked["booking"]})),
        "booking",
    )
    assert cancelled["status"] == "cancelled"
    with transaction(calendar.settings.database_url) as session:
        stored = session.execute(
            select(Registration).where(Registration.public_id == booked["booking"])
        ).scalar_one()
        texts = session.execute(select(PanelQuestion.text)).scalars().all()
    assert stored.status == "cancelled" and question in texts


async def test_register_over_socketio_in_english(calendar):
    candidate = Candidate(calendar.url)
    try:
        await candidate.start()
        ack, got = await candidate.say("Sign me up for the open house please", language="en")
        while not [c for c in customs(got) if c.get("type") == "meeting_offer"]:
            got.append(await candidate.next_message(timeout=30))
        offer = next(c for c in customs(got) if c.get("type") == "meeting_offer")
        assert offer["kind"] == "open_house"
        slot = offer["slots"][0]["id"]
        details = {"slot": slot, "name": "Bea", "email": "bea.events@example.org", "consent": True}
        ack, got = await candidate.say("/book" + json.dumps(details), language="en")
        while not [c for c in customs(got) if c.get("type") == "booking"]:
            got.append(await candidate.next_message(timeout=30))
        booking = next(c for c in customs(got) if c.get("type") == "booking")
        assert booking["status"] in ("confirmed", "waitlisted")
        text = next(m["text"] for m in got if (m.get("custom") or {}).get("type") == "booking")
        assert text.startswith(("You're registered", "That date is full"))
    finally:
        await candidate.close()
