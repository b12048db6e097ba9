"""The faster action-response validation checks exactly what Rasa's does."""

from __future__ import annotations

import asyncio

import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from bot.rasa_plugins import speedups as rasa_speedups


@pytest.fixture
def action() -> RemoteAction:
    rasa_speedups.install()
    return RemoteAction("action_answer", EndpointConfig("http://127.0.0.1:1/webhook"))


def test_valid_responses_pass(action):
    assert action._validate_action_result({"events": [], "responses": [{"text": "hi"}]})
    assert action._validate_action_result(
        {"events": [{"event": "slot", "name": "offer", "value": None}], "responses": []}
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"events": "not a list", "responses": []},
        {"events": [{"name": "no event key"}], "responses": []},
        {"events": [], "responses": "nope"},
    ],
)
def test_invalid_responses_are_refused_as_before(action, bad):
    with pytest.raises(ValidationError) as caught:
        action._validate_action_result(bad)
    assert "Failed to validate Action server response" in caught.value.message


def test_installing_twice_is_harmless(action):
    rasa_speedups.install()
    assert action._validate_action_result({"events": [], "responses": []})


@pytest.mark.parametrize(
    "response",
    [
        {"events": [], "responses": []},
        {"events": "x", "responses": []},
        {"events": [{"event": "bot", "text": "hi"}], "responses": [{"text": 3}]},
        {"events": [{"name": "x"}]},
    ],
)
def test_same_verdict_as_jsonschema_validate(action, response):
    from jsonschema import validate

    def verdict(check) -> bool:
        try:
            check()
            return True
        except ValidationError:
            return False

    expected = verdict(lambda: validate(response, RemoteAction.action_response_format_spec()))
    assert verdict(lambda: action._validate_action_result(response)) == expected


def test_sqlite_connections_of_the_process_are_tuned(action, tmp_path):
    from sqlalchemy import create_engine, text

    engine = create_engine(f"sqlite:///{tmp_path / 'tracker.db'}", future=True)  # as Rasa makes it
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1  # NORMAL
    engine.dispose()


def test_rasa_tracker_store_on_a_sqlite_file_keeps_its_connections(action, tmp_path):
    """One connection serves the reads and saves that follow, instead of one each."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy import event
    from sqlalchemy.pool import QueuePool

    store = SQLTrackerStore(Domain.empty(), db=str(tmp_path / "tracker.db"))
    assert isinstance(store.engine.pool, QueuePool)
    opened = []
    event.listen(store.engine, "connect", lambda *_: opened.append(1))
    tracker = DialogueStateTracker("someone", slots=[])
    for number in range(5):
        tracker.update(UserUttered(f"message {number}"))
        asyncio.run(store.save(tracker))
        assert asyncio.run(store.retrieve("someone")) is not None
    assert len(opened) <= 1
    store.engine.dispose()


def test_an_in_memory_sqlite_tracker_store_keeps_rasa_s_own_pool(action):
    from rasa.core.tracker_store import create_engine_kwargs

    assert create_engine_kwargs("sqlite://") == {}
    assert create_engine_kwargs("postgresql://u@h/db")["pool_size"] > 0
