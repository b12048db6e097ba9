"""Human handoff end to end: candidate on socket.io, recruiters in the console, real servers."""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, update

from bot.core.clock import utcnow
from bot.core.dates import date_in_words
from bot.core.db import transaction
from bot.handoff.models import CallbackRequest, Handoff, Presence
from bot.staff.accounts import add_user
from tests.conftest import port
from tests.e2e.console_client import Recruiter
from tests.e2e.socket_client import Candidate, customs
from tests.e2e.tracker_faults import refusing, stored_texts

pytestmark = pytest.mark.e2e

PASSWORD = "a-long-test-password"


@pytest.fixture(scope="module")
def accounts(assistant):
    with transaction(assistant.settings.database_url) as session:
        for login, name, role in (
            ("camille", "Camille Roux", "recruiter"),
            ("malik", "Malik Benali", "recruiter"),
            ("helene", "Hélène Durand", "hr"),
        ):
            add_user(session=session, login=login, display_name=name, role=role, password=PASSWORD)
    yield
    with transaction(assistant.settings.database_url) as session:
        session.execute(delete(Presence))
        session.execute(
            Handoff.__table__.update()
            .where(Handoff.status.in_(("queued", "claimed")))
            .values(status="closed")
        )


@pytest.fixture
def web_url(assistant):
    return assistant.settings.web_url


@pytest.fixture
def camille(accounts, web_url):
    recruiter = Recruiter(web_url)
    assert recruiter.sign_in("camille", PASSWORD).status_code == 302
    yield recruiter
    recruiter.sign_out()


@pytest.fixture
async def candidate(assistant):
    client = Candidate(assistant.url)
    yield client
    await client.close()


async def ask_for_a_human(candidate: Candidate) -> dict:
    await candidate.start()
    await candidate.say("Combien de jours de télétravail par semaine ?", language="fr")
    ack, replies = await candidate.say("Je voudrais parler à un humain", language="fr")
    queued = [c for c in customs(replies) if c.get("type") == "handoff"]
    assert queued and queued[0]["status"] == "queued", replies
    return queued[0]


async def test_a_recruiter_takes_over_and_hands_back(candidate, camille, mailbox, hooks):
    queued = await ask_for_a_human(candidate)
    assert queued["wait_minutes"] >= 1
    # recruiters are told, by e-mail and on the team's chat
    mailbox.wait_for(
        lambda m: (
            "waiting for a recruiter" in m["Subject"]
            and "Combien de jours de télétravail" in m.get_payload(decode=True).decode()
        )
    )
    hooks.wait_for(
        lambda body: (
            "waiting for a recruiter" in body["text"]
            and "Combien de jours de télétravail" in body["text"]
        )
    )
    # while queued the assistant stays quiet, but the message is kept, and said so once
    ack, replies = await candidate.say("Vous êtes là ?", language="fr")
    noted = {"type": "handoff", "status": "noted"}
    if queued.get("recruiter"):
        noted["recruiter"] = queued["recruiter"]
    assert ack["ok"] and [m.get("custom") for m in replies] == [noted]
    assert "C'est noté" in replies[0]["text"]
    ack, replies = await candidate.say("Je patiente", language="fr")
    assert ack["ok"] and replies == []

    handoff = camille.handoff_for(candidate.session_id)
    assert handoff["status"] == "queued" and handoff["language"] == "fr"
    assert handoff["summary"]["asked"] == ["Combien de jours de télétravail par semaine ?"]
    assert handoff["summary"]["answered"]  # the remote-work article's title
    detail = camille.get(f"/console/api/conversations/{candidate.session_id}").json()
    assert [line["text"] for line in detail["transcript"] if line["sender"] == "candidate"] == [
        "Combien de jours de télétravail par semaine ?",
        "Je voudrais parler à un humain",
        "Vous êtes là ?",
        "Je patiente",
    ]

    live = await camille.live()
    try:
        claimed = camille.post(f"/console/api/handoffs/{handoff['id']}/claim")
        assert claimed.status_code == 200 and claimed.json()["candidate_notified"]
        joined = await candidate.next_message()
        assert joined["custom"] == {
            "type": "handoff",
            "status": "claimed",
            "recruiter": "Camille Roux",
        }
        assert "Camille Roux" in joined["text"]

        sent = camille.post(
            f"/console/api/handoffs/{handoff['id']}/messages", {"text": "Bonjour, c'est Camille."}
        )
        assert sent.status_code == 200
        message = await candidate.next_message()
        assert message["from"] == "recruiter" and message["sender"]["name"] == "Camille Roux"
        assert message["text"] == "Bonjour, c'est Camille."

        # the candidate's answer reaches the console by itself, pushed on the live socket
        # (how fast is a benchmark figure: `make bench` measures the relay)
        await candidate.say("Merci ! J'ai une question sur mon dossier.", language="fr")
        line = await _next_line(
            live, candidate.session_id, "Merci ! J'ai une question sur mon dossier."
        )
        assert line["sender"] == "candidate"
        assert candidate.drain() == []  # the assistant did not answer it

        camille.post(
            f"/console/api/conversations/{candidate.session_id}/notes", {"text": "Rappeler lundi"}
        )
        returned = camille.post(f"/console/api/handoffs/{handoff['id']}/return")
        assert returned.status_code == 200
        left = await candidate.next_message()
        assert left["custom"]["status"] == "returned"
    finally:
        await camille.close_live()

    # the assistant is back, on the next question only (not the backlog)
    ack, replies = await candidate.say("Combien de jours de congés avez-vous ?", language="fr")
    answers = [c for c in customs(replies) if c.get("type") == "answer"]
    assert len(answers) == 1 and answers[0]["article"] == "time-off"
    detail = camille.get(f"/console/api/conversations/{candidate.session_id}").json()
    assert detail["notes"][0]["text"] == "Rappeler lundi"
    assert detail["handoffs"][0]["status"] == "returned"
    # the recruiter's messages are in the stored history, with their name
    resumed = await candidate.start(candidate.session_id)
    recruiter_lines = [m for m in resumed["history"] if m["from"] == "recruiter"]
    assert [(m["sender"]["name"], m["text"]) for m in recruiter_lines] == [
        ("Camille Roux", "Bonjour, c'est Camille.")
    ]


async def _next_line(live, conversation_id: str, text: str, timeout: float = 30) -> dict:
    """The console's next live line with this text (earlier lines may arrive first)."""

    async def wanted() -> dict:
        while True:
            data = json.loads((await live.receive()).data)
            if (
                data.get("type") == "line"
                and data["conversation"] == conversation_id
                and data["line"]["text"] == text
            ):
                return data["line"]

    return await asyncio.wait_for(wanted(), timeout)


@pytest.fixture(scope="module")
def second_web(assistant, web_servers, tmp_path_factory):
    """Another web server process on the same database (a second console server)."""
    port = assistant.settings.web_port + 1
    return web_servers(assistant.settings, port, tmp_path_factory.mktemp("second-web"))


@pytest.fixture(scope="module")
def postgres_consoles(production, web_servers, tmp_path_factory):
    """Two console servers on the PostgreSQL-backed assistant, as in production, and the
    recruiters' accounts in its database."""
    settings, _, url = production
    with transaction(url) as session:
        for login, name in (("camille", "Camille Roux"), ("malik", "Malik Benali")):
            add_user(
                session=session, login=login, display_name=name, role="recruiter", password=PASSWORD
            )
    logs = tmp_path_factory.mktemp("postgres-consoles")
    return settings, [
        web_servers(settings, number, logs / str(number)) for number in (port(16080), port(16081))
    ]


async def claim_at_once(candidate: Candidate, camille: Recruiter, malik: Recruiter) -> None:
    """Both recruiters click "take" on the same queued handoff at the same instant:
    exactly one wins, the other is told who, the candidate hears it once."""
    await ask_for_a_human(candidate)
    handoff = camille.handoff_for(candidate.session_id)
    barrier = threading.Barrier(2)
    results = {}

    def click(name, recruiter):
        barrier.wait()
        results[name] = recruiter.post(f"/console/api/handoffs/{handoff['id']}/claim")

    threads = [
        threading.Thread(target=click, args=("camille", camille)),
        threading.Thread(target=click, args=("malik", malik)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    statuses = sorted(r.status_code for r in results.values())
    assert statuses == [200, 409]
    winner = next(n for n, r in results.items() if r.status_code == 200)
    loser = next(r for r in results.values() if r.status_code == 409)
    assert loser.json()["by"] == {"camille": "Camille Roux", "malik": "Malik Benali"}[winner]
    joined = await candidate.next_message()
    assert joined["custom"]["status"] == "claimed"
    assert candidate.drain() == []  # announced once
    holder = camille if winner == "camille" else malik
    assert holder.post(f"/console/api/handoffs/{handoff['id']}/close").status_code == 200


async def test_two_recruiters_clicking_at_once_one_wins(candidate, camille, second_web):
    malik = Recruiter(second_web)  # on the other console server
    assert malik.sign_in("malik", PASSWORD).status_code == 302
    try:
        await claim_at_once(candidate, camille, malik)
    finally:
        malik.sign_out()


@pytest.mark.postgres
async def test_two_recruiters_clicking_at_once_one_wins_on_postgresql(postgres_consoles):
    settings, (first, second) = postgres_consoles
    camille, malik = Recruiter(first), Recruiter(second)
    assert camille.sign_in("camille", PASSWORD).status_code == 302
    assert malik.sign_in("malik", PASSWORD).status_code == 302
    candidate = Candidate(settings.rasa_url)
    try:
        await claim_at_once(candidate, camille, malik)
    finally:
        await candidate.close()
        camille.sign_out()
        malik.sign_out()


async def test_a_rasa_restart_mid_handoff_loses_nothing(assistant, candidate, camille):
    await ask_for_a_human(candidate)
    handoff = camille.handoff_for(candidate.session_id)
    assert camille.post(f"/console/api/handoffs/{handoff['id']}/claim").status_code == 200
    await candidate.next_message()
    camille.post(
        f"/console/api/handoffs/{handoff['id']}/messages", {"text": "Avant le redémarrage"}
    )
    await candidate.next_message()
    await candidate.close()

    # the Rasa server, the action server and the console all restart
    for name in ("rasa", "actions", "web"):
        assistant.services.stop(name)
    assistant.services.start_actions()
    assistant.services.start_rasa()
    assistant.services.start_web()
    assistant.services.wait_ready()

    back = Candidate(assistant.url)
    try:
        resumed = await back.start(candidate.session_id)
        assert resumed["new"] is False
        assert "Avant le redémarrage" in [m["text"] for m in resumed["history"]]
        # still paused: the assistant does not answer; still claimed: the console says so
        ack, replies = await back.say("Toujours là ?", language="fr")
        assert ack["ok"] and replies == []
        # the recruiter's sign-in survived too (sessions live in the database)
        assert camille.handoff_for(candidate.session_id)["status"] == "claimed"
        detail = camille.get(f"/console/api/conversations/{candidate.session_id}").json()
        assert "Toujours là ?" in [line["text"] for line in detail["transcript"]]
        sent = camille.post(f"/console/api/handoffs/{handoff['id']}/messages", {"text": "Oui !"})
        assert sent.status_code == 200
        assert (await back.next_message())["text"] == "Oui !"
        assert camille.post(f"/console/api/handoffs/{handoff['id']}/return").status_code == 200
    finally:
        await back.close()


async def test_markup_travels_as_text_both_ways(candidate, camille):
    await ask_for_a_human(candidate)
    handoff = camille.handoff_for(candidate.session_id)
    camille.post(f"/console/api/handoffs/{handoff['id']}/claim")
    await candidate.next_message()
    hostile = '<img src=x onerror=alert(1)><script>alert("x")</script>'
    camille.post(f"/console/api/handoffs/{handoff['id']}/messages", {"text": hostile})
    assert (await candidate.next_message())["text"] == hostile
    await candidate.say(hostile, language="fr")
    detail = camille.get(f"/console/api/conversations/{candidate.session_id}").json()
    assert detail["transcript"][-1]["text"] == hostile  # JSON text, rendered with textContent
    camille.post(f"/console/api/handoffs/{handoff['id']}/close")


def test_every_console_route_needs_a_session(web_url, accounts):
    anonymous = Recruiter(web_url)
    for path in (
        "/console/api/queue",
        "/console/api/me",
        "/console/api/search",
        "/console/api/conversations/abc",
    ):
        assert anonymous.get(path).status_code == 401
    assert anonymous.post("/console/api/handoffs/1/claim").status_code == 401
    page = anonymous.http.get(f"{web_url}/console", allow_redirects=False, timeout=10)
    assert page.status_code == 302 and page.headers["Location"] == "/console/login"
    assert anonymous.sign_in("camille", "wrong password!").status_code == 401
    assert anonymous.sign_in("nobody", PASSWORD).status_code == 401


def test_forms_and_changes_need_the_csrf_token(web_url, accounts):
    import requests

    # the sign-in form without its token
    response = requests.post(
        f"{web_url}/console/login",
        data={"login": "camille", "password": PASSWORD},
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 403
    recruiter = Recruiter(web_url)
    recruiter.sign_in("camille", PASSWORD)
    del recruiter.http.headers["X-CSRF-Token"]
    assert recruiter.post("/console/api/handoffs/1/claim").status_code == 403
    recruiter.http.headers["X-CSRF-Token"] = "forged"
    assert recruiter.post("/console/api/conversations/x/notes", {"text": "hi"}).status_code == 403
    recruiter.http.headers["X-CSRF-Token"] = recruiter.csrf
    recruiter.sign_out()
    assert recruiter.get("/console/api/queue").status_code == 401


def test_hr_reads_but_does_not_take_conversations(web_url, accounts):
    hr = Recruiter(web_url)
    assert hr.sign_in("helene", PASSWORD).status_code == 302
    # HR sees questions in its inbox, not the queue with who asked (README, "HR")
    assert hr.get("/console/api/queue").status_code == 403
    assert hr.post("/console/api/handoffs/1/claim").status_code == 403
    hr.sign_out()


def test_bad_requests_get_clear_errors(camille):
    assert camille.post("/console/api/handoffs/999999/claim").status_code == 404
    assert camille.post("/console/api/handoffs/abc/claim").status_code == 404
    assert camille.post("/console/api/handoffs/999999/messages", {"text": "hi"}).status_code == 409
    bad = camille.http.post(
        f"{camille.web_url}/console/api/handoffs/1/messages",
        data="{not json",
        headers={"Content-Type": "application/json"},
        timeout=10,
    )
    assert bad.status_code == 400 and "JSON" in bad.json()["error"]
    assert camille.post("/console/api/handoffs/1/messages", {"text": ""}).status_code == 400
    assert camille.post("/console/api/handoffs/1/messages", {"text": "x" * 2001}).status_code == 413
    assert camille.post("/console/api/handoffs/1/messages", ["list"]).status_code == 400
    assert camille.post("/console/api/conversations/x/notes", {"text": 42}).status_code == 400
    assert camille.get("/console/api/search", **{"from": "yesterday"}).status_code == 400
    assert camille.get("/console/api/search", language="de").status_code == 400


async def test_the_live_socket_refuses_other_sites_and_strangers(web_url, camille):
    import aiohttp

    async with aiohttp.ClientSession() as session:
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(f"{web_url.replace('http', 'ws')}/console/ws")
        cookies = "; ".join(f"{k}={v}" for k, v in camille.http.cookies.get_dict().items())
        with pytest.raises(aiohttp.WSServerHandshakeError):
            await session.ws_connect(
                f"{web_url.replace('http', 'ws')}/console/ws",
                headers={"Cookie": cookies, "Origin": "http://evil.example"},
            )


async def test_past_conversations_are_searchable(candidate, camille):
    await ask_for_a_human(candidate)
    handoff = camille.handoff_for(candidate.session_id)
    camille.post(f"/console/api/handoffs/{handoff['id']}/claim")
    await candidate.next_message()
    await candidate.say("Ma question porte sur le poste de Product Designer", language="fr")
    camille.post(f"/console/api/handoffs/{handoff['id']}/close")
    found = camille.get("/console/api/search", q="product designer", status="closed", language="fr")
    assert candidate.session_id in [h["conversation"] for h in found.json()["handoffs"]]
    accented = camille.get("/console/api/search", q="TÉLÉTRAVAIL par semaine")
    assert candidate.session_id in [h["conversation"] for h in accented.json()["handoffs"]]
    nothing = camille.get("/console/api/search", q="product designer", language="en")
    assert candidate.session_id not in [h["conversation"] for h in nothing.json()["handoffs"]]


async def test_nobody_available_a_callback_with_consent(
    assistant, candidate, accounts, mailbox, hooks
):
    with transaction(assistant.settings.database_url) as session:
        session.execute(delete(Presence))  # every recruiter signed out
    await candidate.start()
    await candidate.say("Est-ce que vous sponsorisez les visas ?", language="fr")
    ack, replies = await candidate.say("Je voudrais parler à un humain", language="fr")
    offer = next(c for c in customs(replies) if c.get("type") == "handoff")
    assert offer == {
        "type": "handoff",
        "status": "offered",
        "reason": "unavailable",
        "callback": True,
        # what the e-mail form starts from: the question, not "a human please"
        "question": "Est-ce que vous sponsorisez les visas ?",
    }

    refused = await candidate.sio.call(
        "callback_request", {"name": "", "email": "nope", "question": " ", "consent": False}
    )
    assert refused["ok"] is False
    assert set(refused["errors"]) == {"name", "email", "question", "consent"}
    with transaction(assistant.settings.database_url) as session:
        assert (
            session.query(CallbackRequest).filter_by(conversation_id=candidate.session_id).count()
            == 0
        )

    accepted = await candidate.sio.call(
        "callback_request",
        {
            "name": "Grace Hopper",
            "email": "grace@example.org",
            "question": "Mon visa <b>?</b>",
            "consent": True,
            "language": "fr",
        },
    )
    assert accepted["ok"] is True
    confirmation = await candidate.next_message()
    assert confirmation["custom"] == {
        "type": "handoff",
        "status": "callback",
        "expected": accepted["expected"],
    }
    expected = date.fromisoformat(accepted["expected"])
    assert date_in_words(expected, "fr") in confirmation["text"]  # "3 décembre 2026"
    assert accepted["expected"] not in confirmation["text"]
    with transaction(assistant.settings.database_url) as session:
        stored = (
            session.query(CallbackRequest).filter_by(conversation_id=candidate.session_id).one()
        )
        assert (stored.name, stored.email, stored.status) == (
            "Grace Hopper",
            "grace@example.org",
            "new",
        )
        assert "180 jours" in stored.consent_text
    mail = mailbox.wait_for(lambda m: "Grace Hopper" in m["Subject"])
    assert "Mon visa <b>?</b>" in mail.get_payload(decode=True).decode()
    hooks.wait_for(lambda body: "Grace Hopper" in body["text"])
    resumed = await candidate.start(candidate.session_id)
    assert resumed["history"][-1]["custom"]["status"] == "callback"

    recruiter = Recruiter(assistant.settings.web_url)
    assert recruiter.sign_in("malik", PASSWORD).status_code == 302
    listed = recruiter.get("/console/api/callbacks").json()["callbacks"]
    mine = next(c for c in listed if c["conversation"] == candidate.session_id)
    assert mine["question"] == "Mon visa <b>?</b>" and mine["status"] == "new"
    assert (
        recruiter.post(f"/console/api/callbacks/{mine['id']}", {"status": "done"}).status_code
        == 200
    )
    assert (
        recruiter.post(f"/console/api/callbacks/{mine['id']}", {"status": "lost"}).status_code
        == 400
    )
    assert recruiter.post("/console/api/callbacks/999999", {"status": "done"}).status_code == 404
    recruiter.sign_out()


async def test_nobody_claims_in_time_the_candidate_is_offered_a_callback(
    assistant, candidate, camille
):
    from bot.handoff.watcher import Watcher as Console

    await ask_for_a_human(candidate)
    watcher = Console(assistant.settings)
    try:
        await watcher.expire()  # just asked: not overdue
        assert candidate.drain() == []
        # Nobody claimed it for longer than the claim timeout: moved into the past in the
        # database instead of waiting for the real timeout.
        overdue = utcnow() - timedelta(seconds=assistant.settings.claim_timeout_seconds + 60)
        with transaction(assistant.settings.database_url) as session:
            session.execute(
                update(Handoff)
                .where(Handoff.conversation_id == candidate.session_id)
                .values(requested_at=overdue)
            )
        await watcher.expire()
        offer = await candidate.next_message()
        assert offer["custom"] == {
            "type": "handoff",
            "status": "offered",
            "reason": "timeout",
            "callback": True,
            "question": "Combien de jours de télétravail par semaine ?",
        }
        await watcher.expire()  # once only
        assert candidate.drain() == []
    finally:
        await watcher.relay.close()
    with transaction(assistant.settings.database_url) as session:
        handoff = session.query(Handoff).filter_by(conversation_id=candidate.session_id).one()
        assert handoff.status == "callback"
    # the assistant is back
    ack, replies = await candidate.say("Combien de jours de congés avez-vous ?", language="fr")
    assert any(c.get("type") == "answer" for c in customs(replies))


async def test_a_message_for_the_recruiter_the_database_refused_is_sent_again(
    assistant, candidate, camille
):
    """While waiting for a recruiter, a message is stored for them without the assistant;
    the database refusing it, the channel says so (503) instead of leaving the client
    without an answer, and the copy sent again is kept once."""
    await ask_for_a_human(candidate)
    url = assistant.settings.tracker_store_url
    conversation = candidate.session_id
    assert conversation is not None
    line, message_id = "Je suis disponible demain après-midi", uuid.uuid4().hex
    with refusing(url, conversation):
        ack, _ = await candidate.say(line, language="fr", message_id=message_id)
        assert ack["ok"] is False and ack["status"] == 503 and ack["message_id"] == message_id
    ack, said = await candidate.say(line, language="fr", message_id=message_id)
    assert ack == {"ok": True, "message_id": message_id}
    assert stored_texts(url, conversation).count(line) == 1
    detail = camille.get(f"/console/api/conversations/{conversation}").json()
    assert [t["text"] for t in detail["transcript"]].count(line) == 1


async def test_a_waiting_candidate_cancels_and_the_assistant_is_back(candidate, camille):
    queued = await ask_for_a_human(candidate)
    assert queued["status"] == "queued"
    assert camille.handoff_for(candidate.session_id)["status"] == "queued"
    ack, replies = await candidate.say("/cancel_handoff", language="fr")
    assert ack["ok"] and [m.get("custom") for m in replies] == [
        {"type": "handoff", "status": "cancelled"}
    ]
    assert "Demande annulée" in replies[0]["text"]
    assert candidate.session_id not in [h["conversation"] for h in camille.queue()]
    # the assistant answers again, and the command is nowhere in the transcript
    ack, replies = await candidate.say("Combien de jours de congés avez-vous ?", language="fr")
    assert any(c.get("type") == "answer" for c in customs(replies))
    detail = camille.get(f"/console/api/conversations/{candidate.session_id}").json()
    assert "/cancel_handoff" not in [line["text"] for line in detail["transcript"]]


async def test_cancelling_once_a_recruiter_joined_changes_nothing(candidate, camille):
    await ask_for_a_human(candidate)
    handoff = camille.handoff_for(candidate.session_id)
    assert camille.post(f"/console/api/handoffs/{handoff['id']}/claim").status_code == 200
    await candidate.next_message()  # "Camille joined"
    ack, replies = await candidate.say("/cancel_handoff", language="fr")
    assert ack["ok"] and [m.get("custom", {}).get("status") for m in replies] == ["claimed"]
    assert "a déjà rejoint la conversation" in replies[0]["text"]
    assert camille.handoff_for(candidate.session_id)["status"] == "claimed"
    detail = camille.get(f"/console/api/conversations/{candidate.session_id}").json()
    assert "/cancel_handoff" not in [line["text"] for line in detail["transcript"]]
    camille.post(f"/console/api/handoffs/{handoff['id']}/close")
