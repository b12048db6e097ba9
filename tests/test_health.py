"""Every process answers /alive (it runs) and /ready (it can serve now) without a token
(issue 17): the web and action servers are ready when their database answers and say so
with a 503 while it does not, still alive; the Rasa server's routes are in
tests/e2e/test_health_rasa.py, the stream consumer's in tests/test_event_stream.py."""

from __future__ import annotations

import time

import aiohttp
import pytest
import requests
from aiohttp.test_utils import TestServer

from bot.core.settings import settings_from
from bot.ops.launcher import Services
from bot.web.app import create_app
from tests.conftest import make_settings, port

# Nothing listens there: a database that went away.
UNREACHABLE = "postgresql://postgres@127.0.0.1:1/gone"


async def answers(settings) -> dict[str, tuple[int, dict]]:
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    said = {}
    try:
        async with aiohttp.ClientSession(base_url=str(server.make_url(""))) as client:
            for path in ("/alive", "/ready"):
                async with client.get(path) as answer:
                    said[path] = (answer.status, await answer.json())
    finally:
        await server.close()
    return said


async def test_the_web_server_is_ready_when_its_database_answers(tmp_path):
    ready = await answers(make_settings(tmp_path, WEB_PORT=str(port(18942))))
    assert ready == {"/alive": (200, {"status": "alive"}), "/ready": (200, {"status": "ready"})}
    away = await answers(make_settings(tmp_path, UNREACHABLE, WEB_PORT=str(port(18942))))
    assert away["/alive"] == (200, {"status": "alive"})
    assert away["/ready"] == (503, {"status": "database unreachable"})


@pytest.mark.parametrize("database", ["sqlite", "unreachable"])
def test_the_action_server_is_ready_when_its_database_answers(tmp_path, database):
    url = f"sqlite:///{tmp_path / 'app.db'}" if database == "sqlite" else UNREACHABLE
    settings = settings_from(
        {
            "VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": url,
            "ACTION_PORT": str(port(18944)),
            "ACTION_TOKEN": "a-health-test-token",
        }
    )
    services = Services(settings=settings, model=tmp_path / "no-model", log_dir=tmp_path / "logs")
    services.start_actions()
    base = settings.action_endpoint_url.removesuffix("/webhook")
    try:
        for _ in range(600):
            try:
                alive = requests.get(f"{base}/alive", timeout=2)
                break
            except requests.ConnectionError:
                if services.processes["actions"].poll() is not None:
                    pytest.fail((tmp_path / "logs" / "actions.log").read_text())
                time.sleep(0.2)
        else:
            pytest.fail("the action server did not start")
        assert (alive.status_code, alive.json()) == (200, {"status": "alive"})
        ready = requests.get(f"{base}/ready", timeout=10)
        expected = (
            (200, {"status": "ready"})
            if database == "sqlite"
            else (503, {"status": "database unreachable"})
        )
        assert (ready.status_code, ready.json()) == expected
        # the token still guards everything else
        assert requests.get(f"{base}/actions", timeout=10).status_code == 401
    finally:
        services.stop()
