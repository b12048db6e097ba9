"""Everyday French that candidates type, the cases issue 15 found misread: an acronym
(RSE), slang for the company ("la boîte") and for working from home ("le télétaf"),
disability asked about as inclusiveness, asking for someone from HR or to be called back
instead of "a recruiter", and help with code (off topic, not the tech stack). Over REST
against the real servers; none of the phrasings is a training example."""

from __future__ import annotations

import pytest

from bot.candidate.sessions import rest_conversation
from bot.knowledge.similarity import NearDuplicateIndex
from tests.e2e.conftest import new_sender, payloads
from tests.e2e.test_events import training_examples

pytestmark = pytest.mark.e2e

ANSWERED = [
    ("Concrètement, vous faites quoi en matière de RSE ?", "csr-overview"),
    ("vous avez une démarche RSE ?", "csr-overview"),
    ("votre boîte est sur quel marché ?", "company-overview"),
    ("le télétaf, vous le pratiquez comment ?", "remote-work"),
    ("un candidat en fauteuil roulant, vous êtes inclusifs ?", "disability"),
]
HUMAN = [
    "quelqu'un des RH pourrait m'appeler ?",
    "est-ce qu'on peut me rappeler demain ?",
    "je voudrais échanger avec une personne des ressources humaines",
]
CODE = [
    "j'ai une erreur dans mon code Java, tu peux m'aider ?",
    "écris-moi un script bash pour renommer des fichiers",
]


def test_the_phrasings_are_new():
    known = NearDuplicateIndex(training_examples())
    for said in [q for q, _ in ANSWERED] + HUMAN + CODE:
        assert known.closest(said) is None, said


@pytest.mark.parametrize(("said", "article"), ANSWERED)
def test_acronyms_and_slang_get_the_right_article(assistant, said, article):
    replies = assistant.ask(new_sender(), said, metadata={"language": "fr"})
    answers = [p for p in payloads(replies) if p.get("type") == "answer"]
    assert [a["article"] for a in answers] == [article], payloads(replies)


@pytest.mark.parametrize("said", HUMAN)
def test_asking_for_hr_or_a_call_back_is_asking_for_a_human(assistant, said):
    sender = new_sender()
    replies = assistant.ask(sender, said, metadata={"language": "fr"})
    tracker = assistant.tracker(rest_conversation(sender))
    assert tracker["latest_message"]["intent"]["name"] == "request_human", payloads(replies)
    assert not [p for p in payloads(replies) if p.get("type") == "answer"]


@pytest.mark.parametrize("said", CODE)
def test_help_with_code_is_off_topic_not_the_tech_stack(assistant, said):
    replies = assistant.ask(new_sender(), said, metadata={"language": "fr"})
    kinds = [p.get("type") for p in payloads(replies)]
    assert "off_topic" in kinds and "answer" not in kinds, payloads(replies)
