"""Starting the whole assistant: database, knowledge base, model, action server, Rasa server.

`make run` ends here. The same `Services` group starts the real processes for
the end-to-end tests and the benchmark.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

from bot.core.db import transaction
from bot.core.settings import PROJECT_ROOT, Settings, rasa_environment
from bot.handoff.canned import seed_replies
from bot.hr.retraining.deployment import deployed_model
from bot.hr.retraining.model import model_path, train
from bot.knowledge.files import load_directory
from bot.knowledge.service import article_count, import_docs
from bot.meetings.defaults import prepare_ambassadors
from bot.ops.files import rotate_log, secure_data_files
from bot.ops.logs import PRIVATE_UMASK
from bot.ops.privacy import purge_expired
from bot.ops.schema import upgrade
from bot.records.defaults import prepare_records
from bot.records.service import local_today

READY_TIMEOUT = 300.0


class StartupFailed(RuntimeError):
    """A process exited or never became ready; the message says which and why."""


def prepare(settings: Settings, *, prefer_deployed: bool = True) -> Path:
    """Schema up to date, default knowledge base loaded into an empty database, a model.

    The model is the one for the current training data; failing that (HR
    changed example questions without retraining yet) the one HR last put
    live; failing that, a new training.
    """
    for fixed in secure_data_files(settings):
        print(f"permissions: {fixed}", flush=True)
    upgrade(settings.database_url)
    with transaction(settings.database_url) as session:
        if article_count(session=session) == 0:
            docs = load_directory(settings.knowledge_dir)
            import_docs(session=session, docs=docs, author="default knowledge base")
            print(f"loaded the default knowledge base: {len(docs)} articles", flush=True)
        prepare_records(session=session, today=local_today(settings.office_timezone))
        prepare_ambassadors(session=session)
        seed_replies(session=session)
    removed = purge_expired(settings=settings)
    if any(
        (removed.events, removed.inbox_items, removed.ratings, removed.sessions, removed.handoffs)
    ):
        print(f"retention: deleted {removed}")
    if prefer_deployed and not model_path(settings).exists():
        deployed = deployed_model(settings)
        if deployed is not None:
            print(
                f"serving {deployed.name}, the model last put live from the HR workspace "
                "(the knowledge base changed since: retrain from the workspace)",
                flush=True,
            )
            return deployed
    print(
        "training the model if the training data changed (a few minutes the first time)…",
        flush=True,
    )
    return train(settings, env=rasa_environment(settings))


def _get(url: str, timeout: float = 2.0) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)
    except (urllib.error.URLError, OSError):
        return 0


@dataclass
class Services:
    """The action server and the Rasa server as child processes, stopped together."""

    settings: Settings
    model: Path
    log_dir: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)
    rasa_ports: dict[str, int] = field(default_factory=dict)
    # var/ is checked before the first process only: what the processes create after
    # that is private already (umask 077, logs opened 0600)
    files_checked: bool = False
    # Rasa's endpoints file (the production shape adds an event broker to a copy)
    endpoints: str = "endpoints.yml"

    def _spawn_command(
        self, name: str, command: list[str], extra: dict[str, str] | None = None
    ) -> None:
        """`command` as a child process logging to <log_dir>/<name>.log, its files private."""
        env = {**os.environ, **rasa_environment(self.settings), **(extra or {})}
        if not self.files_checked:
            for fixed in secure_data_files(self.settings):
                print(f"permissions: {fixed}", flush=True)
            self.files_checked = True
        self.log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        path = self.log_dir / f"{name}.log"
        rotate_log(path)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "ab") as log:
            self.processes[name] = subprocess.Popen(
                command,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                umask=PRIVATE_UMASK,
            )

    def start_actions(self, name: str = "actions") -> None:
        """The action server (bot.ops.action_server): ACTION_HOST, Rasa's token required."""
        self._spawn_command(name, [sys.executable, "-m", "bot.ops.action_server"])

    def start_rasa(self, name: str = "rasa", port: int | None = None) -> None:
        """A Rasa server; several can run side by side (shared stores, one port each)."""
        self.rasa_ports[name] = port or self.settings.rasa_port
        # The token goes through the environment (bot.ops.rasa_server), not the process list.
        self._spawn_command(
            name,
            [
                sys.executable,
                "-m",
                "bot.ops.rasa_server",
                "run",
                "--model",
                str(self.model),
                "--port",
                str(self.rasa_ports[name]),
                "--interface",
                self.settings.rasa_host,
                "--endpoints",
                self.endpoints,
                "--credentials",
                "credentials.yml",
                "--enable-api",
                *(["--cors", *self.settings.cors_origins] if self.settings.cors_origins else []),
            ],
        )

    def start_stream(self, name: str, *, broker_url: str, queue: str, health_port: int) -> None:
        """The event stream's consumer (bot.ops.stream), its /ready on `health_port`; the
        broker's URL (its password) goes through the environment, not the process list."""
        command = [sys.executable, "-m", "bot", "events", "consume", "--queue", queue]
        command += ["--health-port", str(health_port)]
        self._spawn_command(name, command, {"EVENT_BROKER_URL": broker_url})

    def start_web(self, name: str = "web") -> None:
        """The careers page and the widget's files."""
        self._spawn_command(name, [sys.executable, "-m", "bot", "web"])

    def start(self) -> None:
        self.start_actions()
        self.start_rasa()
        self.start_web()
        self.wait_ready()

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> None:
        checks = {
            "actions": self.settings.action_endpoint_url.removesuffix("/webhook") + "/ready",
            "web": f"{self.settings.web_url}/ready",
        }
        for name, port in self.rasa_ports.items():
            checks[name] = f"http://{self.settings.rasa_host}:{port}/webhooks/health/ready"
        deadline = time.monotonic() + timeout
        pending = {name: url for name, url in checks.items() if name in self.processes}
        while pending:
            for name, url in list(pending.items()):
                process = self.processes[name]
                if process.poll() is not None:
                    log = self.log_dir / f"{name}.log"
                    raise StartupFailed(f"{name} exited ({process.returncode}); see {log}")
                if _get(url) == 200:
                    del pending[name]
            if pending and time.monotonic() > deadline:
                raise StartupFailed(f"not ready after {timeout:.0f}s: {', '.join(pending)}")
            time.sleep(0.5)

    def stop(self, name: str | None = None, timeout: float = 20.0) -> None:
        names = [name] if name else list(self.processes)
        for key in names:
            process = self.processes.get(key)
            if process and process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for key in names:
            process = self.processes.pop(key, None)
            self.rasa_ports.pop(key, None)
            if process is None:
                continue
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()

    def exited(self) -> str | None:
        return next((n for n, p in self.processes.items() if p.poll() is not None), None)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def run_all(settings: Settings) -> int:
    """Prepare, start everything, print where to talk to it, stop it all on Ctrl-C."""
    # Both signals stop everything, even when started from a script that ignores SIGINT.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    services: Services | None = None
    try:
        model = prepare(settings)
        services = Services(settings=settings, model=model, log_dir=settings.var_dir / "logs")
        print(
            "starting the action server, the Rasa server and the web server (about a minute)…",
            flush=True,
        )
        services.start()
        print(
            "\nThe assistant is ready.\n"
            f"  Careers page with the chat widget:  {settings.web_url}/\n"
            f"  Recruiter console:  {settings.web_url}/console  (python -m bot users add)\n"
            f"  HR workspace:       {settings.web_url}/console/hr  (an account with --role hr)\n"
            f"  REST API:    curl -s -XPOST {settings.rasa_url}/webhooks/rest/webhook "
            "-H 'Content-Type: application/json' "
            '-d \'{"sender": "me", "message": "Quels sont vos avantages ?"}\'\n'
            f"  Logs:        {services.log_dir}\n"
            "  Stop:        Ctrl-C\n",
            flush=True,
        )
        while True:
            crashed = services.exited()
            if crashed:
                print(f"{crashed} stopped unexpectedly; see {services.log_dir}/{crashed}.log")
                return 1
            time.sleep(0.5)
    except KeyboardInterrupt:
        return 0
    except StartupFailed as error:
        print(f"could not start: {error}", file=sys.stderr)
        return 1
    finally:
        if services is not None:
            print("stopping…", flush=True)
            services.stop()
            print("stopped.", flush=True)
