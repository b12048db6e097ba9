"""The Rasa server's health routes (bot/rasa_plugins/health.py): no token needed, ready
once a model is loaded and the tracker store's database answers; nothing else said."""

from __future__ import annotations

import pytest
import requests

pytestmark = pytest.mark.e2e


def test_rasa_says_it_is_alive_and_ready_without_a_token(assistant):
    base = f"{assistant.settings.rasa_url}/webhooks/health"
    alive = requests.get(f"{base}/alive", timeout=10)
    assert (alive.status_code, alive.json()) == (200, {"status": "alive"})
    ready = requests.get(f"{base}/ready", timeout=10)
    assert (ready.status_code, ready.json()) == (200, {"status": "ready"})
    # GET only; the rest of Rasa's API still wants its token
    assert requests.post(f"{base}/ready", json={}, timeout=10).status_code == 405
    assert requests.get(f"{assistant.settings.rasa_url}/status", timeout=10).status_code == 401
