"""The production shape (`python -m bot run --production`) started for a test or the soak:
on a PostgreSQL database of its own, the machine's Redis and RabbitMQ (a queue of its own),
stopped and cleaned up at the end."""

from __future__ import annotations

import asyncio
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import aio_pika
import redis
import requests
from sqlalchemy import create_engine, text

from bot.core.settings import PROJECT_ROOT
from tests.conftest import POSTGRES_ADMIN_URL, TEST_IP_LIMITS

BROKER = "amqp://guest:guest@127.0.0.1:5672/"
NGINX = os.environ.get("NGINX") or shutil.which("nginx") or "/usr/sbin/nginx"
START_SECONDS = 1200.0


class ShapeFailed(RuntimeError):
    """The production shape did not do what was awaited; the message holds its logs."""


@dataclass(frozen=True)
class Ports:
    """nginx on `entry` (web processes on +1 and +2, the stream's health on +3)."""

    entry: int
    rasa: tuple[int, int]
    actions: tuple[int, int]

    @property
    def web(self) -> tuple[int, int]:
        return (self.entry + 1, self.entry + 2)

    @property
    def stream(self) -> int:
        return self.entry + 3


@dataclass
class Shape:
    """The launcher process, its output so far, and where it keeps its files."""

    process: subprocess.Popen
    var: Path
    database_url: str
    ports: Ports
    output: list[str] = field(default_factory=list)
    lines: queue.Queue[str | None] = field(default_factory=queue.Queue)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.ports.entry}"

    def read_until(self, done: Callable[[str], bool], seconds: float) -> None:
        """Collect the launcher's output until a line satisfies `done` (or it ends)."""
        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                raise ShapeFailed(f"no such line after {seconds:.0f}s:\n{self.report()}") from None
            if line is None:
                return
            self.output.append(line)
            if done(line):
                return

    def report(self) -> str:
        """The launcher's output and the end of every log, for a failure message."""
        logs = "\n".join(
            f"--- {log.name}:\n{log.read_text(errors='replace')[-2500:]}"
            for log in sorted((self.var / "logs").glob("*.log"))
        )
        return "".join(self.output) + "\n" + logs

    def pid(self, name: str) -> int:
        return int((self.var / "run" / f"{name}.pid").read_text())

    def ready_url(self, name: str) -> str:
        """Where process `name` (rasa-1, actions-2, web-1, stream...) says it is ready."""
        kind, _, number = name.partition("-")
        index = int(number or 1) - 1
        if kind == "rasa":
            return f"http://127.0.0.1:{self.ports.rasa[index]}/webhooks/health/ready"
        if kind == "actions":
            return f"http://127.0.0.1:{self.ports.actions[index]}/ready"
        if kind == "web":
            return f"http://127.0.0.1:{self.ports.web[index]}/ready"
        return f"http://127.0.0.1:{self.ports.stream}/ready"

    def ask(self, sender: str, message: str) -> list[dict]:
        reply = requests.post(
            f"{self.url}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=60,
        )
        if reply.status_code != 200:
            raise ShapeFailed(f"{reply.status_code}: {reply.text}")
        return reply.json()


async def delete_queue(name: str) -> None:
    """A durable queue bound to Rasa's exchange would keep filling after the run."""
    connection = await aio_pika.connect(BROKER)
    async with connection:
        channel = await connection.channel()
        await channel.queue_delete(name)


@contextmanager
def running_shape(
    model: Path, root: Path, ports: Ports, extra_env: Mapping[str, str] | None = None
) -> Iterator[Shape]:
    """The whole shape with the event stream, ready; stopped and its data dropped after."""
    name = f"ardoise_shape_{uuid.uuid4().hex[:12]}"
    events_queue = f"{name}_events"
    # pre-ping: the soak restarts PostgreSQL, which closes the connection kept in the pool
    admin = create_engine(
        POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True, pool_pre_ping=True
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    redis.Redis(host="127.0.0.1", port=6379).ping()
    models = root / "models"
    models.mkdir(parents=True, exist_ok=True)
    shutil.copy2(model, models / model.name)
    env = {
        **os.environ,
        "DATABASE_URL": POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}",
        "LOCK_STORE_URL": "redis://127.0.0.1:6379/3",
        "VAR_DIR": str(root / "var"),
        "MODELS_DIR": str(models),
        "WEB_PORT": str(ports.entry),
        "RASA_PORT": str(ports.rasa[0]),
        "ACTION_PORT": str(ports.actions[0]),
        "RASA_TOKEN": "shape-test-token",
        "OFFICE_HOURS": "mon-sun 00:00-24:00",
        # Redis keeps per-IP counts across runs; the suite all comes from 127.0.0.1
        "LIMITS": TEST_IP_LIMITS,
        "EVENT_BROKER_URL": BROKER,
        **(extra_env or {}),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            *("-m", "bot", "run", "--production", "--nginx", NGINX),
            *("--event-queue", events_queue),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    started = Shape(
        process=process, var=root / "var", database_url=env["DATABASE_URL"], ports=ports
    )

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            started.lines.put(line)
        started.lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    try:
        started.read_until(lambda line: "Stop:" in line, START_SECONDS)
        if "The assistant is ready, behind nginx" not in "".join(started.output):
            raise ShapeFailed(f"the production shape did not start:\n{started.report()}")
        yield started
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(120)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        # Whatever the launcher left behind (it should leave nothing) goes too.
        for pid_file in (root / "var" / "run").glob("*.pid"):
            try:
                os.killpg(int(pid_file.read_text()), signal.SIGKILL)
            except (ProcessLookupError, PermissionError, ValueError):
                pass
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
        asyncio.run(delete_queue(events_queue))
