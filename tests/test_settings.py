from __future__ import annotations

import pytest

from bot.core.settings import (
    SettingsError,
    action_token,
    rasa_environment,
    rasa_token,
    settings_from,
)


def test_embedded_defaults(tmp_path):
    settings = settings_from({"VAR_DIR": str(tmp_path)})
    assert settings.database_url == f"sqlite:///{tmp_path / 'ardoise.db'}"
    assert settings.tracker_store_url == settings.database_url
    assert settings.lock_store_url is None
    assert (settings.rasa_port, settings.action_port, settings.default_language) == (
        5005,
        5055,
        "fr",
    )
    assert settings.cors_origins == ()


def test_production_values(tmp_path):
    settings = settings_from(
        {
            "DATABASE_URL": "postgresql://u@db/app",
            "TRACKER_STORE_URL": "postgresql://u@db/tracker",
            "LOCK_STORE_URL": "redis://cache:6379/1",
            "CORS_ORIGINS": "https://careers.example.org, https://jobs.example.org",
            "DEFAULT_LANGUAGE": "EN",
            "RETENTION_DAYS": "30",
        }
    )
    assert settings.tracker_store_url == "postgresql://u@db/tracker"
    assert settings.cors_origins == ("https://careers.example.org", "https://jobs.example.org")
    assert (settings.default_language, settings.retention_days) == ("en", 30)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"RASA_PORT": "abc"}, "RASA_PORT must be a whole number"),
        ({"ACTION_PORT": "70000"}, "between 1 and 65535"),
        ({"DEFAULT_LANGUAGE": "de"}, "DEFAULT_LANGUAGE must be one of fr, en"),
        ({"ANSWER_THRESHOLD": "1.5"}, "between 0 and 1"),
        ({"ANSWER_THRESHOLD": "0.2", "CLARIFY_THRESHOLD": "0.4"}, "must not be above"),
        ({"RETENTION_DAYS": "-3"}, "RETENTION_DAYS must be a number of days"),
    ],
)
def test_bad_values_fail_fast_with_a_clear_message(env, message):
    with pytest.raises(SettingsError, match=message):
        settings_from(env)


def test_the_api_token_is_generated_once_and_kept_private(tmp_path):
    settings = settings_from({"VAR_DIR": str(tmp_path)})
    token = rasa_token(settings)
    assert len(token) >= 32 and rasa_token(settings) == token
    assert (tmp_path / "rasa-token").stat().st_mode & 0o777 == 0o600
    assert rasa_token(settings_from({"VAR_DIR": str(tmp_path), "RASA_TOKEN": "given"})) == "given"


def test_the_action_server_secret_is_generated_once_kept_private_and_passed_to_rasa(tmp_path):
    settings = settings_from({"VAR_DIR": str(tmp_path / "var")})
    secret = action_token(settings)
    assert len(secret) >= 32 and action_token(settings) == secret != rasa_token(settings)
    assert (tmp_path / "var" / "action-token").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "var").stat().st_mode & 0o777 == 0o700
    assert rasa_environment(settings)["ACTION_TOKEN"] == secret
    given = settings_from({"VAR_DIR": str(tmp_path), "ACTION_TOKEN": "given"})
    assert action_token(given) == "given"


@pytest.mark.parametrize(
    ("host", "endpoint"),
    [
        (None, "http://127.0.0.1:5055/webhook"),
        ("10.0.0.7", "http://10.0.0.7:5055/webhook"),
        ("0.0.0.0", "http://127.0.0.1:5055/webhook"),
        ("::1", "http://[::1]:5055/webhook"),
    ],
)
def test_the_action_server_listens_on_loopback_unless_told(tmp_path, host, endpoint):
    env = {"VAR_DIR": str(tmp_path)} | ({"ACTION_HOST": host} if host else {})
    settings = settings_from(env)
    assert settings.action_host == (host or "127.0.0.1")
    assert settings.action_endpoint_url == endpoint
