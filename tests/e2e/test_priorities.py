""" "What matters to you?" end to end (issue 13): the trained assistant, the action server,
REST and socket.io, French and English. The candidate picks chips or says it in words (new
phrasings, not training examples); the reply is a personal pitch quoted from the articles,
with the positions and teams that fit, a coffee and a visit to book; the recruiter who
takes the conversation over reads the priorities in the summary; the dashboard counts them."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.candidate.sessions import rest_conversation
from bot.core.db import transaction
from bot.core.priority_texts import PRIORITIES, PRIORITY_ARTICLES
from bot.knowledge.similarity import NearDuplicateIndex
from bot.records.service import local_today
from bot.staff.accounts import add_user
from tests.e2e.conftest import (
    PASSWORD,
    close_open_handoffs,
    new_sender,
    payloads,
    staff_account,
    texts,
    with_records,
)
from tests.e2e.console_client import Recruiter
from tests.e2e.socket_client import Candidate, customs
from tests.e2e.test_events import training_examples

pytestmark = pytest.mark.e2e

# (what the candidate says, the priorities read, in order)
SAID: dict[str, list[tuple[str, list[str]]]] = {
    "fr": [
        (
            "Ce qui compte le plus pour moi, c'est de pouvoir télétravailler et de me former",
            ["remote", "growth"],
        ),
        (
            "pour moi l'important c'est une entreprise stable et un bon salaire",
            ["stability", "pay"],
        ),
        (
            "mes priorités : le congé parental et l'équilibre vie pro vie perso",
            ["parental_leave", "balance"],
        ),
        ("j'accorde beaucoup d'importance à la diversité", ["diversity"]),
        ("ce qui compte pour moi c'est d'avoir de l'impact", ["mission"]),
        ("le plus important pour moi : bosser en anglais", ["language"]),
        (
            "ce que je recherche c'est une petite équipe avec une stack moderne",
            ["team_size", "stack"],
        ),
        ("ce qui m'importe : les bureaux à Nantes et le télétravail", ["location", "remote"]),
    ],
    "en": [
        (
            "Being able to work remotely and keep learning is what matters most to me",
            ["remote", "growth"],
        ),
        ("I care about stability and fair pay", ["stability", "pay"]),
        ("my priorities are parental leave and work-life balance", ["parental_leave", "balance"]),
        ("diversity is really important to me", ["diversity"]),
        ("honestly, I care most about having an impact", ["mission"]),
        ("I value working in English above all", ["language"]),
        ("what I'm looking for: a small team and a modern tech stack", ["team_size", "stack"]),
        ("my top criteria are the office location and remote flexibility", ["location", "remote"]),
    ],
}
COFFEE_AND_VISIT = {"fr": ("Un café", "Visiter nos locaux"), "en": ("coffee", "Visit our offices")}


@pytest.fixture(scope="module")
def records(assistant):
    return with_records(assistant)


def pitch_of(replies: list[dict]) -> dict:
    (found,) = [p for p in payloads(replies) if p.get("type") == "pitch"]
    return found


def buttons_of(replies: list[dict]) -> list[dict]:
    return [b for r in replies for b in r.get("buttons") or []]


def test_the_phrasings_are_new():
    known = NearDuplicateIndex(training_examples())
    for language in ("fr", "en"):
        for said, _ in SAID[language]:
            assert known.closest(said) is None, said


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_assistant_asks_what_matters_with_a_chip_per_priority(records, language):
    replies = records.ask(new_sender(), "/tell_priorities", metadata={"language": language})
    (asked,) = [p for p in payloads(replies) if p.get("type") == "priorities_question"]
    assert [o["id"] for o in asked["options"]] == list(PRIORITIES)
    chips = buttons_of(replies)
    assert len(chips) == len(PRIORITIES)
    first = json.loads(chips[0]["payload"].removeprefix("/tell_priorities"))
    assert first == {"priorities": ["remote"]}
    # the greeting offers it too (a greeting as typed: "/greet" is no command of the
    # widget's, so it is read as text, as the model likes)
    hello = {"fr": "bonjour", "en": "hello"}[language]
    greeted = records.ask(new_sender(), hello, metadata={"language": language})
    assert "/tell_priorities" in [b["payload"] for b in buttons_of(greeted)]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_chips_get_a_pitch_quoted_from_the_articles(records, language):
    chosen = '/tell_priorities{"priorities": ["remote", "growth"]}'
    replies = records.ask(new_sender(), chosen, metadata={"language": language})
    pitch = pitch_of(replies)
    assert pitch["priorities"] == ["remote", "growth"] and pitch["language"] == language
    articles = [p["article"] for p in pitch["points"]]
    assert 3 <= len(articles) <= 5
    assert articles[:2] == ["remote-work", "training"]
    assert set(articles) <= set(PRIORITY_ARTICLES["remote"] + PRIORITY_ARTICLES["growth"])
    said = texts(replies)
    for point in pitch["points"]:
        assert point["text"] in said and point["title"] in said and point["reviewed"]
    # remote work matters: the positions that allow some, each saying why
    assert pitch["jobs"] and all(j["reasons"] for j in pitch["jobs"])
    assert all(j["remote"] in ("hybrid", "full_remote") for j in pitch["jobs"])
    assert pitch["teams"] == list(dict.fromkeys(j["team"] for j in pitch["jobs"]))
    titles = [b["title"] for b in buttons_of(replies)]
    coffee, visit = COFFEE_AND_VISIT[language]
    assert any(coffee.lower() in t.lower() for t in titles) and visit in titles


@pytest.mark.parametrize("language", ["fr", "en"])
def test_words_get_the_pitch_of_what_was_said(records, language):
    missed = []
    for said, expected in SAID[language]:
        replies = records.ask(new_sender(), said, metadata={"language": language})
        found = [p for p in payloads(replies) if p.get("type") == "pitch"]
        if len(found) != 1:
            missed.append((said, [p.get("type") for p in payloads(replies)]))
        elif found[0]["priorities"] != expected or not found[0]["points"]:
            missed.append((said, found[0]["priorities"], len(found[0]["points"])))
    assert missed == []


def test_a_pitch_after_another_keeps_both_for_the_conversation(records):
    sender = new_sender()
    records.ask(sender, '/tell_priorities{"priorities": ["pay"]}', metadata={"language": "en"})
    replies = records.ask(sender, "I also care about parental leave", metadata={"language": "en"})
    assert pitch_of(replies)["priorities"] == ["parental_leave"]  # the new one, pitched
    tracker = records.tracker(rest_conversation(sender))
    assert tracker["slots"]["priorities"] == ["pay", "parental_leave"]


@pytest.mark.parametrize(
    "message",
    [
        '/tell_priorities{"priorities": "remote"}',  # not a list: plain text
        '/tell_priorities{"priorities": ["<script>alert(1)</script>"]}',
        '/tell_priorities{"priorities": []}',
        '/tell_priorities{"priorities": ["remote"], "email": "x@y.z"}',
        "/tell_priorities{" + '"priorities": [' + ",".join(['"remote"'] * 13) + "]}",
    ],
)
def test_malformed_chips_are_plain_text_and_nothing_breaks(records, message):
    replies = records.ask(new_sender(), message, metadata={"language": "en"})
    kinds = [p.get("type") for p in payloads(replies)]
    assert replies and "pitch" not in kinds and "error" not in kinds


def test_unknown_priorities_get_the_question_and_reach_hr(records):
    sender = new_sender()
    replies = records.ask(
        sender, '/tell_priorities{"priorities": ["free_lunch"]}', metadata={"language": "fr"}
    )
    assert [p.get("type") for p in payloads(replies)][-1:] == ["priorities_question"]
    said = "ce qui compte pour moi c'est la cantine du midi"
    replies = records.ask(sender, said, metadata={"language": "fr"})
    kinds = [p.get("type") for p in payloads(replies)]
    assert "pitch" not in kinds, kinds


@pytest.fixture(scope="module")
def camille(records):
    staff_account(records, "camille-p", "Camille Roux")
    recruiter = Recruiter(records.settings.web_url)
    assert recruiter.sign_in("camille-p", PASSWORD).status_code == 302
    yield recruiter
    recruiter.sign_out()
    close_open_handoffs(records)


async def test_the_recruiter_reads_what_matters_to_the_candidate(records, camille):
    candidate = Candidate(records.url)
    try:
        await candidate.start()
        _, replies = await candidate.say(
            '/tell_priorities{"priorities": ["remote", "parental_leave"]}', language="en"
        )
        assert [c for c in customs(replies) if c.get("type") == "pitch"]
        _, replies = await candidate.say("I'd like to talk to a human", language="en")
        assert [c for c in customs(replies) if c.get("status") == "queued"], replies
        handoff = camille.handoff_for(candidate.session_id)
        assert handoff["summary"]["priorities"] == ["Remote work", "Parental leave"]
        camille.post(f"/console/api/handoffs/{handoff['id']}/close")
    finally:
        await candidate.close()


def test_the_dashboard_counts_what_candidates_care_about(records, camille):
    hr_login = "helene-p"
    with transaction(records.settings.database_url) as session:
        add_user(
            session=session, login=hr_login, display_name="Hélène", role="hr", password=PASSWORD
        )
    sender = new_sender()
    records.ask(sender, '/tell_priorities{"priorities": ["mission"]}', metadata={"language": "en"})
    records.ask(sender, '/tell_priorities{"priorities": ["mission"]}', metadata={"language": "en"})
    hr = Recruiter(records.settings.web_url)
    assert hr.sign_in(hr_login, PASSWORD).status_code == 302
    today = local_today(records.settings.office_timezone)
    period = {"from": (today - timedelta(days=1)).isoformat(), "to": today.isoformat()}
    figures = hr.get("/console/api/hr/analytics", **period).json()
    mission = [p for p in figures["priorities"] if p["priority"] == "mission"]
    assert mission and mission[0]["languages"].get("en", 0) >= 1
    csv_text = hr.get("/console/api/hr/analytics.csv", **period).text
    assert "priorities,mission,conversations.en," in csv_text
    assert sender not in csv_text
    hr.sign_out()
