"""`python -m bot run` (what `make run` starts): ready, answering, and Ctrl-C stops everything."""

from __future__ import annotations

import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
import requests

from bot.core.db import transaction
from bot.core.settings import PROJECT_ROOT
from bot.handoff.canned import list_replies, load_default_replies
from tests.conftest import port
from tests.security.test_files import open_to_others
from tests.security.test_processes import command_lines, process_tree

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
        "RASA_PORT": str(port(17005)),
        "ACTION_PORT": str(port(17055)),
        "WEB_PORT": str(port(17080)),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "bot", "run"],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    # A thread reads the output, so that waiting for a line is bounded by the deadline
    # even when the launcher hangs without printing anything.
    lines: queue.Queue[str | None] = queue.Queue()
    output: list[str] = []

    def read() -> None:
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()

    def read_until(done, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no progress after {seconds:.0f}s:\n{''.join(output)}")
            if line is None:
                return
            output.append(line)
            if done(line):
                return

    try:
        read_until(lambda line: "Stop:" in line, 300)
        assert "The assistant is ready" in "".join(output), "".join(output)
        reply = requests.post(
            f"http://127.0.0.1:{port(17005)}/webhooks/rest/webhook",
            json={"sender": "launcher", "message": "Bonjour"},
            timeout=30,
        )
        assert reply.status_code == 200 and reply.json()
        assert f"http://127.0.0.1:{port(17080)}/" in "".join(output)
        page = requests.get(f"http://127.0.0.1:{port(17080)}/", timeout=10)
        assert page.status_code == 200 and "/widget.js" in page.text
        # the console's shipped canned replies are there from the first start (issue 18)
        with transaction(trained.settings.database_url) as session:
            titles = {r.title for r in list_replies(session=session)}
        assert {r["title"] for r in load_default_replies()} <= titles
        # No secret in the process list; the data files are the user's alone (issue 16).
        secrets = [(tmp_path / name).read_bytes() for name in ("rasa-token", "action-token")]
        running = command_lines(process_tree([process.pid])).values()
        assert len(running) >= 4  # the launcher, Rasa, the action server, the web server
        assert [line for line in running if any(s in line for s in secrets)] == []
        assert open_to_others(tmp_path) == {}
        started = len(output)
        process.send_signal(signal.SIGINT)
        read_until(lambda line: False, 60)  # to the end of the output
        assert process.wait(10) == 0, "".join(output[started:])
        assert "stopped." in "".join(output[started:])
        assert not any(port_open(p) for p in (port(17005), port(17055), port(17080)))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
