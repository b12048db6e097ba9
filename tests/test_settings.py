from __future__ import annotations

import pytest

from bot.core.settings import SettingsError, rasa_token, settings_from


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
