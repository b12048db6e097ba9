"""The channels: their input, their use of Rasa's tracker store, their socket.io events."""

from __future__ import annotations

import json
from contextlib import asynccontextmanager
from types import SimpleNamespace

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, ConversationPaused, UserUttered

from bot.candidate import history, inputs
from bot.candidate.channels import CandidateRestInput, WidgetSocket
from bot.core import texts
from bot.core.db import transaction
from bot.core.settings import rasa_token
from bot.inbox.service import open_items


def test_a_good_message():
    assert inputs.read_candidate_message(
        {"sender": " c1 ", "message": " hello ", "metadata": {"language": "en"}}
    ) == (
        "c1",
        "hello",
        {"language": "en"},
    )
    assert (
        inputs.read_candidate_message({"sender": 7, "message": "x" * inputs.MAX_MESSAGE_CHARS})[0]
        == "7"
    )


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (None, 400),
        ("text", 400),
        ({}, 400),
        ({"sender": True, "message": "hi"}, 400),
        ({"sender": "a", "message": None}, 400),
        ({"sender": "a", "message": ["hi"]}, 400),
        ({"sender": "a", "message": "x" * (inputs.MAX_MESSAGE_CHARS + 1)}, 413),
        ({"sender": "a", "message": "hi", "metadata": []}, 400),
    ],
)
def test_bad_messages(body, status):
    with pytest.raises(inputs.BadMessage) as caught:
        inputs.read_candidate_message(body)
    assert caught.value.status == status
    assert str(caught.value)


# ------------------------------------------------------------------ inputs


def test_a_socket_message_keeps_only_the_language_and_the_button_title():
    message = inputs.read_socket_message(
        {
            "message": " /request_human ",
            "message_id": "m" * (inputs.MAX_MESSAGE_ID_CHARS + 1),
            "customData": {"language": "en", "display": " Talk to a recruiter ", "x": 1},
        }
    )
    assert message == inputs.SocketMessage(
        "/request_human", None, {"language": "en", "display": "Talk to a recruiter"}
    )
    assert (
        inputs.read_socket_message({"message": "hi", "metadata": {"language": "de"}}).metadata == {}
    )
    with pytest.raises(inputs.BadMessage, match="must be an object"):
        inputs.read_socket_message("hi")


def test_a_relay_keeps_texts_payloads_and_recruiters_only():
    relay = inputs.read_relay(
        {
            "conversation_id": "c1",
            "messages": [
                {"text": "Bonjour", "sender": {"role": "recruiter", "name": "Camille"}},
                {"text": "", "custom": {"type": "handoff"}, "sender": {"role": "admin"}},
            ],
            "resume": 1,
        }
    )
    assert relay == (
        "c1",
        [
            {"text": "Bonjour", "sender": {"role": "recruiter", "name": "Camille"}},
            {"text": "", "custom": {"type": "handoff"}},
        ],
        True,
    )
    for body, status in [
        ([], 400),
        ({"conversation_id": ""}, 400),
        ({"conversation_id": "c1", "messages": [{}] * 11}, 400),
        ({"conversation_id": "c1", "messages": [{"custom": {}}]}, 400),
        (
            {"conversation_id": "c1", "messages": [{"text": "x" * (inputs.MAX_MESSAGE_CHARS + 1)}]},
            413,
        ),
    ]:
        with pytest.raises(inputs.BadMessage) as caught:
            inputs.read_relay(body)
        assert caught.value.status == status


def test_feedback_input_and_its_language():
    assert inputs.read_feedback({"article": "a", "rating": "up", "language": "en"}) == (
        "a",
        "up",
        "en",
    )
    assert inputs.read_feedback({"article": "a", "rating": "up", "language": "de"}).language == ""
    with pytest.raises(inputs.BadMessage, match="'article' and 'rating'"):
        inputs.read_feedback(None)


# ------------------------------------------------------------------ the tracker store


def rasa_agent(store=None) -> SimpleNamespace:
    """What the channels use of Rasa's agent: its tracker store and its lock store."""
    return SimpleNamespace(
        tracker_store=store or InMemoryTrackerStore(Domain.empty()), lock_store=InMemoryLockStore()
    )


async def say(agent, conversation_id: str, *events) -> None:
    tracker = await agent.tracker_store.get_or_create_tracker(conversation_id)
    for event in events:
        tracker.update(event)
    await agent.tracker_store.save(tracker)


def answered(text: str, article: str) -> BotUttered:
    return BotUttered(text, {"custom": {"type": "answer", "article": article}})


async def test_history_reads_the_question_behind_an_answer_and_the_pause():
    agent = rasa_agent()
    await say(
        agent,
        "c1",
        UserUttered("Télétravail ?"),
        answered("2 jours", "remote-work"),
        UserUttered("Et la mutuelle ?"),
        answered("Oui", "health"),
    )
    assert await history.question_before(agent, "c1", "health") == "Et la mutuelle ?"
    assert await history.question_before(agent, "c1", "remote-work") == "Télétravail ?"
    assert await history.question_before(agent, "c1", "other") is None
    assert await history.question_before(agent, "nobody", "health") is None
    assert [m["from"] for m in await history.widget_history(agent, "c1")] == [
        "candidate",
        "assistant",
        "candidate",
        "assistant",
    ]
    assert not await history.is_paused(agent, "c1")
    await say(agent, "c1", ConversationPaused())
    assert await history.is_paused(agent, "c1")
    assert await history.widget_history(None, "c1") == []
    assert not await history.is_paused(None, "c1")


@pytest.mark.parametrize("store", ["memory", "sql"])
async def test_appended_messages_show_in_the_history_and_a_resume_unpauses(tmp_path, store):
    tracker_store = (
        SQLTrackerStore(domain=Domain.empty(), host=f"sqlite:///{tmp_path / 'tracker.db'}")
        if store == "sql"
        else None
    )
    agent = rasa_agent(tracker_store)
    await say(agent, "c1", UserUttered("Un humain ?"), ConversationPaused())
    sent = [
        inputs.OutgoingMessage(
            text="Bonjour, ici Camille", sender={"role": "recruiter", "name": "C"}
        ),
        inputs.OutgoingMessage(text="", custom={"type": "handoff", "status": "returned"}),
    ]
    await history.append(agent, "c1", history.sent_events(sent, resume=True))
    candidate = inputs.SocketMessage("Merci", "m1", {"language": "fr"})
    await history.append(
        agent, "c1", [history.candidate_event(candidate, message_id="m1", input_channel="socketio")]
    )
    shown = await history.widget_history(agent, "c1")
    assert [(m["from"], m["text"]) for m in shown] == [
        ("candidate", "Un humain ?"),
        ("recruiter", "Bonjour, ici Camille"),
        ("assistant", ""),
        ("candidate", "Merci"),
    ]
    assert shown[2]["custom"] == {"type": "handoff", "status": "returned"}
    assert shown[3]["message_id"] == "m1"
    assert not await history.is_paused(agent, "c1")
    if tracker_store is not None:
        tracker_store.engine.dispose()


# ------------------------------------------------------------------ the socket.io events


class FakeServer:
    """The part of socketio.AsyncServer the handlers use, recording what they emit."""

    def __init__(self) -> None:
        self.emitted: list[tuple[str, dict, str]] = []
        self.states: dict[str, dict] = {}
        self.rooms: dict[str, str] = {}

    async def emit(self, event: str, data: dict, room: str) -> None:
        self.emitted.append((event, data, room))

    @asynccontextmanager
    async def session(self, sid: str):
        yield self.states.setdefault(sid, {})

    async def get_session(self, sid: str) -> dict:
        return self.states.setdefault(sid, {})

    async def enter_room(self, sid: str, room: str) -> None:
        self.rooms[sid] = room

    async def leave_room(self, sid: str, room: str) -> None:
        assert self.rooms.pop(sid) == room

    def sent(self, event: str = "bot_uttered") -> list[dict]:
        return [data for name, data, _ in self.emitted if name == event]


class FakeRasa:
    """Rasa's message handling: answers with `replies` (none: a part of it is down)."""

    def __init__(self, agent, replies=({"text": "Bonjour !"},)) -> None:
        self.agent = agent
        self.replies = list(replies)
        self.received: list = []

    async def __call__(self, message) -> None:
        self.received.append(message)
        said = [BotUttered(reply["text"]) for reply in self.replies]
        await say(self.agent, message.sender_id, UserUttered(message.text), *said)
        for reply in self.replies:
            await message.output_channel.send_response(message.sender_id, reply)


@pytest.fixture
def socket(settings):
    sio, agent = FakeServer(), rasa_agent()
    rasa = FakeRasa(agent)
    handlers = WidgetSocket(
        sio=sio,
        webhook=SimpleNamespace(agent=agent),
        on_new_message=rasa,
        settings=settings,
        bot_message_evt="bot_uttered",
    )
    return SimpleNamespace(sio=sio, agent=agent, rasa=rasa, handlers=handlers, settings=settings)


async def test_a_session_is_issued_then_resumed_with_its_history_and_ratings(socket):
    await socket.handlers.session_request("sid-1", {"session_id": "made-up"})
    (confirm,) = socket.sio.sent("session_confirm")
    conversation_id = confirm["session_id"]
    assert conversation_id != "made-up" and confirm["new"] is True
    assert socket.sio.rooms["sid-1"] == conversation_id
    ack = await socket.handlers.user_uttered("sid-1", {"message": "Salut", "message_id": "m1"})
    assert ack == {"ok": True, "message_id": "m1"}
    assert socket.sio.sent()[0]["text"] == "Bonjour !"
    await say(socket.agent, conversation_id, answered("2 jours", "remote-work"))
    rated = {"article": "remote-work", "rating": "down", "language": "fr"}
    assert await socket.handlers.feedback("sid-1", rated) == {"ok": True}

    await socket.handlers.session_request("sid-2", conversation_id)  # rasa-webchat sends it bare
    resumed = socket.sio.sent("session_confirm")[-1]
    assert (resumed["session_id"], resumed["new"]) == (conversation_id, False)
    assert [m["text"] for m in resumed["history"]] == ["Salut", "Bonjour !", "2 jours"]
    assert resumed["feedback"] == {"remote-work": "down"}
    with transaction(socket.settings.database_url) as session:
        (flagged,) = open_items(session=session, reason="not_helpful")
    assert flagged.text == "Salut"


async def test_a_message_without_session_request_gets_a_session_and_duplicates_are_dropped(socket):
    ack = await socket.handlers.user_uttered("sid-1", {"message": "Hello"})
    assert ack["ok"] is True and len(ack["message_id"]) == 32
    (confirm,) = socket.sio.sent("session_confirm")
    assert confirm["new"] is True
    again = await socket.handlers.user_uttered(
        "sid-1", {"message": "Hello", "message_id": ack["message_id"]}
    )
    assert again == {"ok": True, "message_id": ack["message_id"], "duplicate": True}
    assert len(socket.rasa.received) == 1
    refused = await socket.handlers.user_uttered("sid-1", {"message": " "})
    assert refused == {"ok": False, "error": "'message' is empty", "status": 400}


async def test_an_apology_when_the_assistant_says_nothing_unless_paused(socket):
    socket.rasa.replies = []
    await socket.handlers.session_request("sid-1")
    await socket.handlers.user_uttered(
        "sid-1", {"message": "Hello", "metadata": {"language": "en"}}
    )
    apology, error = socket.sio.sent()
    assert apology["text"] == texts.text("apology", "en") and error["custom"] == {"type": "error"}
    conversation_id = socket.sio.states["sid-1"]["conversation_id"]
    await say(socket.agent, conversation_id, ConversationPaused())
    await socket.handlers.user_uttered("sid-1", {"message": "Hello?"})
    assert len(socket.sio.sent()) == 2


async def test_during_a_handoff_messages_are_stored_without_the_assistant(socket, monkeypatch):
    monkeypatch.setattr("bot.candidate.channels.in_handoff", lambda url, conversation: True)
    await socket.handlers.session_request("sid-1")
    ack = await socket.handlers.user_uttered(
        "sid-1", {"message": "Vous êtes là ?", "message_id": "m9", "metadata": {"language": "fr"}}
    )
    assert ack == {"ok": True, "message_id": "m9"}
    assert socket.rasa.received == [] and socket.sio.sent() == []
    conversation_id = socket.sio.states["sid-1"]["conversation_id"]
    tracker = await socket.agent.tracker_store.retrieve(conversation_id)
    (event,) = [e for e in tracker.events if isinstance(e, UserUttered)]
    assert (event.text, event.message_id, event.metadata) == (
        "Vous êtes là ?",
        "m9",
        {"language": "fr"},
    )
    assert event.intent == {}


async def test_feedback_and_callbacks_need_a_session(socket):
    assert await socket.handlers.feedback("sid-1", {"article": "a", "rating": "up"}) == {
        "ok": False,
        "error": "no conversation: send session_request first",
    }
    assert await socket.handlers.callback_request("sid-1", {}) == {
        "ok": False,
        "errors": {"form": "send session_request first"},
    }
    await socket.handlers.session_request("sid-1")
    bad = await socket.handlers.feedback("sid-1", {"article": "a", "rating": "meh"})
    assert bad == {"ok": False, "error": "'rating' must be 'up' or 'down'"}


async def test_a_callback_request_is_confirmed_and_kept_in_the_history(socket):
    await socket.handlers.session_request("sid-1")
    refused = await socket.handlers.callback_request("sid-1", {"name": "", "consent": False})
    assert refused["ok"] is False and "consent" in refused["errors"]
    accepted = await socket.handlers.callback_request(
        "sid-1",
        {
            "name": "Grace Hopper",
            "email": "grace@example.org",
            "question": "Mon visa ?",
            "consent": True,
            "language": "en",
        },
    )
    assert accepted["ok"] is True
    (confirmation,) = socket.sio.sent()
    assert confirmation["custom"] == {
        "type": "handoff",
        "status": "callback",
        "expected": accepted["expected"],
    }
    assert accepted["expected"] in confirmation["text"] and "e-mail" in confirmation["text"]
    conversation_id = socket.sio.states["sid-1"]["conversation_id"]
    shown = await history.widget_history(socket.agent, conversation_id)
    assert shown[-1]["custom"] == confirmation["custom"]


class FakeRequest:
    def __init__(self, body, token: str | None) -> None:
        self.json = body
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}


async def test_the_relay_needs_rasas_token_then_sends_and_stores(socket):
    body = {
        "conversation_id": "c1",
        "messages": [{"text": "Bonjour", "sender": {"role": "recruiter", "name": "Camille"}}],
        "resume": True,
    }
    for token in (None, "wrong"):
        refused = await socket.handlers.relay(FakeRequest(body, token))
        assert refused.status == 401
    token = rasa_token(socket.settings)
    assert (await socket.handlers.relay(FakeRequest({"messages": []}, token))).status == 400
    await say(socket.agent, "c1", ConversationPaused())
    sent = await socket.handlers.relay(FakeRequest(body, token))
    assert (sent.status, json.loads(sent.body)) == (200, {"ok": True})
    (event, message, room) = socket.sio.emitted[0]
    assert (event, room) == ("bot_uttered", "c1")
    assert message["from"] == "recruiter" and message["sender"]["name"] == "Camille"
    assert not await history.is_paused(socket.agent, "c1")
    assert (await history.widget_history(socket.agent, "c1"))[0]["text"] == "Bonjour"


async def test_the_rest_channel_apologizes_when_nothing_was_said():
    async def silent(message) -> None:
        return None

    channel = CandidateRestInput()
    reply = await channel._receive(
        FakeRequest({"sender": "c1", "message": "hi", "metadata": {"language": "en"}}, None),
        silent,
    )
    assert json.loads(reply.body) == [
        {"recipient_id": "c1", "text": texts.text("apology", "en")},
        {"recipient_id": "c1", "custom": {"type": "error"}},
    ]
    bad = await channel._receive(FakeRequest({"sender": "c1"}, None), silent)
    assert bad.status == 400
