"""The channels: their input, their use of Rasa's tracker store, their socket.io events."""

from __future__ import annotations

import json
import uuid
from types import SimpleNamespace

import pytest
from rasa.core.lock_store import InMemoryLockStore
from rasa.core.tracker_store import InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, ConversationPaused, UserUttered

from bot.candidate import history, inputs
from bot.candidate.abuse import client_ip, slow_down_text, wait_rating, whole_seconds
from bot.core.settings import PROJECT_ROOT, SettingsError
from bot.core.transcript import said


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


# ------------------------------------------------------------------ issue 16: inputs


def test_rest_metadata_keeps_only_the_language_and_a_short_display():
    message = inputs.read_candidate_message(
        {
            "sender": "c1",
            "message": "hi",
            "metadata": {"language": "en-GB", "display": " x" * 400, "blob": "y" * 100_000},
        }
    )
    assert set(message.metadata) == {"language", "display"}
    assert message.metadata["language"] == "en"
    assert len(message.metadata["display"]) == inputs.MAX_DISPLAY_CHARS
    assert inputs.read_candidate_message({"sender": "c1", "message": "hi"}).metadata == {}


@pytest.mark.parametrize(
    "text",
    [
        "/affirm",
        "/deny",
        "/request_human",
        '/choose_article{"article": "remote-work"}',
        '/choose_article{"article":"on-call"}',
        "/my_booking",
        "/meet_team",
        '/meet_team{"team": "data_ml"}',
        '/book{"slot": "lea-20261203T1300"}',
        '/book{"slot": "lea-20261203T1300", "name": "Ada", "email": "ada@example.org", '
        '"consent": true}',
        '/book{"slot": "x", "name": "<b>", "email": 12, "note": "a\\nb", "consent": "yes"}',
        '/cancel_booking{"booking": "AbC_123"}',
        '/move_booking{"booking": "AbC_123", "slot": "lea-20261203T1300"}',
    ],
)
def test_the_reply_contracts_commands_reach_the_assistant_as_commands(text):
    command = inputs.structured(text)
    assert command is not None and inputs.for_assistant(text) == command
    intent = text[1:].split("{", 1)[0]
    assert command.split("{", 1)[0] == f"/{intent}"
    # Rasa reads the JSON on one line, the same values as sent
    assert "\n" not in command
    if "{" in text:
        assert json.loads(command[len(intent) + 1 :]) == json.loads(text[len(intent) + 1 :])


@pytest.mark.parametrize(
    "text",
    [
        '/greet{"language": {"x": 1}}',
        '/affirm{"language": "en"}',
        "/greet",
        "/nlu_fallback",
        '/choose_article{"article": {"x": 1}}',
        '/choose_article{"article": "remote-work", "language": "de"}',
        '/choose_article{"article": "../../etc"}',
        '/choose_article{"article": "x"',
        "/choose_article",
        "/affirm@0.99",
        "/etc/passwd, c'est quoi ?",
        "/book",
        '/book{"name": "Ada"}',
        '/book{"slot": "x", "phone": "0600000000"}',
        '/book{"slot": ["x"]}',
        '/book{"slot": "x", "note": {"a": 1}}',
        '/meet_team{"team": "<script>"}',
        "/cancel_booking",
        '/move_booking{"slot": "x"}',
        '/action_book{"slot": "x"}',
    ],
)
def test_any_other_slash_message_is_plain_text(text):
    assert not inputs.structured(text)
    readable = inputs.for_assistant(text)
    assert not readable.startswith("/") and readable.endswith(text)
    # the candidate's words, as typed, in the transcript
    assert said(readable) == text


def test_a_display_is_kept_only_for_a_button_the_assistant_sent():
    sent = {('/choose_article{"article": "remote-work"}', "Remote work"), ("/affirm", "Yes")}
    metadata = {"language": "en", "display": "Remote work"}
    payload = '/choose_article{"article": "remote-work"}'
    assert inputs.checked_display(payload, metadata, sent) == metadata
    assert inputs.checked_display("/affirm", metadata, sent) == {"language": "en"}
    assert inputs.checked_display("I quit", {"display": "Yes"}, sent) == {}
    assert inputs.checked_display("/deny", {"display": "Yes"}, sent) == {}
    # the widget's own "talk to a recruiter" button
    human = "I'd like to talk to a person from the recruiting team."
    assert inputs.checked_display("/request_human", {"display": human}, set()) == {"display": human}


def test_a_starter_chips_command_names_its_article():
    """The widget's starter chips: their title is checked against the article's (channels)."""
    assert inputs.starter_article('/choose_article{"article": "remote-work"}') == "remote-work"
    assert inputs.starter_article('/choose_article{"article":"equity"}') == "equity"
    for other in (
        '/choose_article{"article": "open-positions", "team": "any"}',
        '/choose_article{"article": "<b>"}',
        "/affirm",
        "remote-work",
    ):
        assert inputs.starter_article(other) is None


def test_the_widget_buttons_titles_are_the_widgets():
    widget = (PROJECT_ROOT / "bot" / "web" / "static" / "widget.js").read_text(encoding="utf-8")
    for title in inputs.WIDGET_BUTTONS["/request_human"]:
        assert json.dumps(title, ensure_ascii=False) in widget


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.7", None, (), "203.0.113.7"),
        # not from a trusted proxy: the header is the client's own words
        ("203.0.113.7", "198.51.100.1", (), "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", ("127.0.0.1/32",), "203.0.113.7"),
        # behind nginx: the right-most address nginx did not add itself
        ("127.0.0.1", "198.51.100.1", ("127.0.0.1/32",), "198.51.100.1"),
        ("127.0.0.1", "6.6.6.6, 198.51.100.1", ("127.0.0.1/32",), "198.51.100.1"),
        (
            "127.0.0.1",
            "6.6.6.6, 198.51.100.1, 10.0.0.2",
            ("127.0.0.1/32", "10.0.0.0/8"),
            "198.51.100.1",
        ),
        ("127.0.0.1", "2001:db8::1", ("127.0.0.1/32",), "2001:db8::1"),
        ("127.0.0.1", "not-an-ip", ("127.0.0.1/32",), "127.0.0.1"),
        ("127.0.0.1", "", ("127.0.0.1/32",), "127.0.0.1"),
        ("", None, (), "unknown"),
    ],
)
def test_the_client_address_behind_trusted_proxies(peer, forwarded, trusted, expected):
    assert client_ip(peer, forwarded, trusted) == expected


def test_trusted_proxies_setting(tmp_path):
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8")
    assert settings.trusted_proxies == ("127.0.0.1/32", "10.0.0.0/8")
    with pytest.raises(SettingsError, match="TRUSTED_PROXIES"):
        make_settings(tmp_path, TRUSTED_PROXIES="nginx")


# ------------------------------------------------------------------ issue 16: history


def test_buttons_disclosure_and_what_the_console_relayed_since_the_last_message():
    stored = [
        {"event": "user", "text": "Hello"},
        {"event": "bot", "text": "Hi", "data": {"custom": {"type": "disclosure"}}},
        {
            "event": "bot",
            "text": "Did you mean",
            "data": {"buttons": [{"title": "Remote work", "payload": "/x"}, {"title": "y"}]},
        },
        {"event": "user", "text": "a human please"},
        {"event": "bot", "text": "queued", "data": {"custom": {"type": "handoff"}}},
        {
            "event": "bot",
            "text": "Bonjour, ici Camille",
            "metadata": {"sender": {"role": "recruiter", "name": "Camille"}, "relayed": True},
        },
    ]
    assert history.sent_buttons(stored) == {("/x", "Remote work")}
    assert history.has_disclosure(stored) and not history.has_disclosure(stored[3:])
    # the queued message went out with the candidate's own turn: only the relayed one is new
    assert history.since_last_candidate_message(stored) == [
        {"text": "Bonjour, ici Camille", "sender": {"role": "recruiter", "name": "Camille"}}
    ]
    assert history.since_last_candidate_message([*stored, {"event": "user", "text": "ok"}]) == []


def test_the_disclosure_comes_from_the_domain():
    domain = Domain.from_yaml((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    agent = SimpleNamespace(domain=domain)
    english = history.disclosure(agent, "en")
    assert english is not None and english["custom"] == {"type": "disclosure"}
    assert english["text"].startswith("Hello, I'm Ardoise Labs' virtual assistant")
    both = history.disclosure(agent, None)
    assert both is not None and "assistant virtuel" in both["text"] and "virtual" in both["text"]
    assert history.disclosure(None, "fr") is None


def test_a_refused_request_uses_up_none_of_its_limits(tmp_path):
    from tests.conftest import make_settings

    settings = make_settings(tmp_path, LIMITS="ratings-conversation=1/3600,ratings-ip=2/3600")
    ip = f"198.51.100.{uuid.uuid4().int % 250}-{uuid.uuid4().hex}"
    first, second, third = (uuid.uuid4().hex for _ in range(3))
    assert wait_rating(settings, ip=ip, conversation=first) == 0
    assert 3590 < wait_rating(settings, ip=ip, conversation=first) <= 3600
    # the refused rating did not count against the address
    assert wait_rating(settings, ip=ip, conversation=second) == 0
    assert wait_rating(settings, ip=ip, conversation=third) > 0
    assert slow_down_text("en", 0.2) == slow_down_text("en", 1)
    assert whole_seconds(3599.1) == 3600


async def test_a_message_the_assistant_failed_on_is_not_acknowledged_as_kept(tmp_path):
    """Its database away (the soak's PostgreSQL restart), the assistant raised: the
    candidate gets the apology, and the channels ask the client to send the message
    again (REST 503 + Retry-After, socket.io ack ok: false, status 503, retry_after)
    instead of acknowledging a message that may not have been kept."""
    from bot.candidate.channels import RestOutput, TurnFailed, Turns
    from tests.conftest import make_settings

    async def database_away(message: object) -> None:
        raise RuntimeError("server closed the connection unexpectedly")

    turns = Turns(
        settings=make_settings(tmp_path), on_new_message=database_away, input_channel="rest"
    )
    message = inputs.read_candidate_message({"sender": "s", "message": "Et le télétravail ?"})
    with pytest.raises(TurnFailed) as failed:
        await turns.reply(None, "rest:s", message, None, RestOutput())
    (apology,) = failed.value.said
    assert apology["custom"] == {"type": "error"} and apology["text"]
