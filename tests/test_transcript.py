"""Tracker events read as a conversation."""

from __future__ import annotations

from bot.core.transcript import lines, widget_message

EVENTS = [
    {"event": "action", "name": "action_session_start", "timestamp": 1.0},
    {"event": "user", "text": "Bonjour", "timestamp": 2.0, "message_id": "m1", "metadata": {}},
    {
        "event": "bot",
        "text": "Voici nos avantages",
        "timestamp": 3.0,
        "data": {
            "buttons": [{"title": "Télétravail", "payload": "/choose_article"}],
            "custom": {"type": "answer", "article": "benefits"},
        },
        "metadata": {},
    },
    {
        "event": "user",
        "text": '/choose_article{"article":"remote-work"}',
        "timestamp": 4.0,
        "metadata": {"display": "Télétravail"},
    },
    {"event": "bot", "text": "", "timestamp": 5.0, "data": {}, "metadata": {}},
    {
        "event": "bot",
        "text": "Bonjour, c'est Camille",
        "timestamp": 6.0,
        "data": {},
        "metadata": {"sender": {"role": "recruiter", "name": "Camille"}},
    },
]


def test_lines_keep_what_people_said_in_order():
    result = lines(EVENTS)
    assert [(x.sender, x.text) for x in result] == [
        ("candidate", "Bonjour"),
        ("assistant", "Voici nos avantages"),
        ("candidate", "Télétravail"),
        ("recruiter", "Bonjour, c'est Camille"),
    ]
    assert result[0].message_id == "m1"
    assert result[3].author == "Camille"


def test_widget_messages_have_the_bot_uttered_shape():
    messages = [widget_message(x) for x in lines(EVENTS)]
    assert messages[1]["quick_replies"] == [
        {"content_type": "text", "title": "Télétravail", "payload": "/choose_article"}
    ]
    assert messages[1]["custom"] == {"type": "answer", "article": "benefits"}
    assert messages[3]["sender"] == {"role": "recruiter", "name": "Camille"}
    assert messages[0] == {
        "from": "candidate",
        "text": "Bonjour",
        "timestamp": 2.0,
        "message_id": "m1",
    }


def test_a_sessions_opening_lines_follow_the_message_that_opened_it():
    events = [
        {"event": "session_started", "timestamp": 1.0},
        {"event": "bot", "text": "I'm a virtual assistant", "timestamp": 1.1, "data": {}},
        {"event": "user", "text": "Hello", "timestamp": 1.2},
        {"event": "bot", "text": "Hi!", "timestamp": 1.3, "data": {}},
        {"event": "session_started", "timestamp": 9.0},
        {"event": "bot", "text": "Welcome back", "timestamp": 9.1, "data": {}},
    ]
    assert [x.text for x in lines(events)] == [
        "Hello",
        "I'm a virtual assistant",
        "Hi!",
        "Welcome back",
    ]


def test_only_the_last_lines_are_kept():
    many = [{"event": "user", "text": f"q{i}", "timestamp": i} for i in range(50)]
    assert [x.text for x in lines(many, limit=3)] == ["q47", "q48", "q49"]
