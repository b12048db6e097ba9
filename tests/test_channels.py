from __future__ import annotations

import pytest

from bot.candidate.channels import MAX_MESSAGE_CHARS, BadMessage, read_candidate_message


def test_a_good_message():
    assert read_candidate_message(
        {"sender": " c1 ", "message": " hello ", "metadata": {"language": "en"}}
    ) == (
        "c1",
        "hello",
        {"language": "en"},
    )
    assert read_candidate_message({"sender": 7, "message": "x" * MAX_MESSAGE_CHARS})[0] == "7"


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (None, 400),
        ("text", 400),
        ({}, 400),
        ({"sender": True, "message": "hi"}, 400),
        ({"sender": "a", "message": None}, 400),
        ({"sender": "a", "message": ["hi"]}, 400),
        ({"sender": "a", "message": "x" * (MAX_MESSAGE_CHARS + 1)}, 413),
        ({"sender": "a", "message": "hi", "metadata": []}, 400),
    ],
)
def test_bad_messages(body, status):
    with pytest.raises(BadMessage) as caught:
        read_candidate_message(body)
    assert caught.value.status == status
    assert str(caught.value)
