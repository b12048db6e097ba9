"""The channels: their input, their use of Rasa's tracker store, their socket.io events."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, ConversationPaused, UserUttered

from bot.candidate import history, inputs


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
