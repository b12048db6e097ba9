"""Production settings for real: PostgreSQL for data and conversations, Redis
locks, two Rasa processes sharing the same conversations (the `production`
assistant of tests/e2e/conftest.py)."""

from __future__ import annotations

import shutil

import pytest
import requests
from sqlalchemy import create_engine, text

from bot.candidate.sessions import rest_conversation
from bot.hr.retraining.servers import DeployFailed, load_everywhere, serving_models
from tests.conftest import port
from tests.e2e.conftest import new_sender, payloads

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]


def ask(number: int, sender: str, message: str) -> list[dict]:
    reply = requests.post(
        f"http://127.0.0.1:{number}/webhooks/rest/webhook",
        json={"sender": sender, "message": message},
        timeout=30,
    )
    reply.raise_for_status()
    return reply.json()


def test_two_rasa_processes_share_one_conversation(production):
    settings, services, url = production
    sender = new_sender()
    first = ask(port(16005), sender, "Hello! What's your remote work policy?")
    assert {"type": "disclosure"} in payloads(first)
    assert any(p.get("article") == "remote-work" for p in payloads(first))
    second = ask(port(16006), sender, "and is there a home office allowance?")
    # the second process continues the same session: no new disclosure, English kept
    assert {"type": "disclosure"} not in payloads(second)
    assert any(p.get("type") == "answer" and p.get("language") == "en" for p in payloads(second))
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        users = connection.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s AND type_name = 'user'"),
            {"s": rest_conversation(sender)},
        ).scalar_one()
    engine.dispose()
    assert users == 2


def test_unknown_questions_land_in_postgresql(production):
    settings, services, url = production
    sender = new_sender()
    assert {"type": "no_answer"} in payloads(
        ask(port(16006), sender, "Do you reimburse gym memberships?")
    )
    engine = create_engine(url, future=True)
    with engine.connect() as connection:
        stored = (
            connection.execute(
                text("SELECT text FROM inbox_item WHERE conversation_id = :s"),
                {"s": rest_conversation(sender)},
            )
            .scalars()
            .all()
        )
    engine.dispose()
    assert stored == ["Do you reimburse gym memberships?"]


async def test_socket_messages_cross_processes_through_redis(production):
    from tests.e2e.socket_client import Candidate

    settings, services, url = production
    candidate = Candidate(f"http://127.0.0.1:{port(16005)}")
    try:
        confirm = await candidate.start()
        ack, replies = await candidate.say("Hello, can I work remotely?", language="en")
        assert ack["ok"] and replies
        # a message put into the conversation through the *other* process's API
        response = requests.post(
            f"http://127.0.0.1:{port(16006)}/conversations/{confirm['session_id']}/tracker/events",
            params={
                "token": settings.rasa_token,
                "output_channel": "socketio",
                "execute_side_effects": "true",
            },
            json={"event": "bot", "text": "Hi, Camille here."},
            timeout=10,
        )
        assert response.status_code == 200
        message = await candidate.next_message()
        assert message["text"] == "Hi, Camille here."
    finally:
        await candidate.close()
    # and the conversation resumes on the other process with its history
    elsewhere = Candidate(f"http://127.0.0.1:{port(16006)}")
    try:
        resumed = await elsewhere.start(confirm["session_id"])
        assert resumed["new"] is False
        assert [m["text"] for m in resumed["history"] if m["from"] == "candidate"] == [
            "Hello, can I work remotely?"
        ]
    finally:
        await elsewhere.close()


def test_a_retrained_model_reaches_every_rasa_process(production):
    settings, services, url = production
    before = serving_models(settings)
    assert set(before) == {f"http://127.0.0.1:{port(16005)}", f"http://127.0.0.1:{port(16006)}"}
    broken = settings.models_dir / "assistant-broken.tar.gz"
    broken.write_bytes(b"not a model")
    with pytest.raises(DeployFailed, match="could not load"):
        load_everywhere(settings, broken)
    assert serving_models(settings) == before  # a failed load changes nothing
    retrained = settings.models_dir / "assistant-0000000000000002.tar.gz"
    shutil.copy2(services.model, retrained)
    seconds = load_everywhere(settings, retrained)
    assert set(seconds) == set(before)
    assert set(serving_models(settings).values()) == {retrained.name}
    for number in (port(16005), port(16006)):
        # a conversation each: the same article twice in a row would be a follow-up
        answered = payloads(ask(number, new_sender(), "remote work?"))
        assert any(p.get("type") == "answer" for p in answered)
