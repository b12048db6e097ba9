"""`python -m bot run` (what `make run` starts): ready, answering, and Ctrl-C stops everything."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest
import requests

from bot.core.settings import PROJECT_ROOT

pytestmark = pytest.mark.e2e


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_run_starts_everything_and_ctrl_c_stops_it(trained, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": trained.settings.database_url,
        "MODELS_DIR": str(trained.settings.models_dir),
        "VAR_DIR": str(tmp_path),
        "RASA_PORT": "17005",
        "ACTION_PORT": "17055",
        "WEB_PORT": "17080",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = []
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            output.append(line)
            if "Stop:" in line or process.poll() is not None:
                break
        assert "The assistant is ready" in "".join(output), "".join(output)
        reply = requests.post(
            "http://127.0.0.1:17005/webhooks/rest/webhook",
            json={"sender": "launcher", "message": "Bonjour"},
            timeout=30,
        )
        assert reply.status_code == 200 and reply.json()
        assert "http://127.0.0.1:17080/" in "".join(output)
        page = requests.get("http://127.0.0.1:17080/", timeout=10)
        assert page.status_code == 200 and "/widget.js" in page.text
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=60)
        assert process.returncode == 0, rest
        assert "stopped." in rest
        assert not any(port_open(p) for p in (17005, 17055, 17080))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
