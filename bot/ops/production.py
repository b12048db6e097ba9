"""The production shape on this machine: nginx in front of two Rasa, two action and two
web processes, each restarted when it dies (`python -m bot run --production`,
`make run-production`).

The same topology as deploy/ (compose, Kubernetes) without containers: PostgreSQL and
Redis from the settings (two Rasa processes share conversations through them), RabbitMQ
as Rasa's event broker when given, with the stream's consumer keeping the dashboard's
read model (bot.ops.stream; READ_MODEL_URL, else a `read_model` schema of DATABASE_URL).
nginx (Debian's package, scripts/install-nginx) is
the single entry point on WEB_HOST:WEB_PORT and runs as a child of this process on a
configuration generated into VAR_DIR/nginx/. Ports, from the settings:

    nginx          WEB_PORT            the only address people use
    web 1, 2       WEB_PORT+1, +2      careers page, widget.js, consoles
    rasa 1, 2      RASA_PORT, +1       /socket.io/ (sticky by address) and /webhooks/
    actions 1, 2   ACTION_PORT, +1     rasa N calls actions N
    stream         WEB_PORT+3          the consumer's /alive and /ready (with a broker)

Stopping (SIGTERM, SIGINT) drains: nginx first, gracefully (it closes its listening
socket and finishes the requests under way while every server still runs), then the Rasa
and web processes (each finishes what it is doing), the action servers last.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import yaml

from bot.core.settings import PROJECT_ROOT, Settings
from bot.ops.files import rotate_log
from bot.ops.launcher import Services, StartupFailed, _get, prepare
from bot.ops.logs import PRIVATE_UMASK
from bot.ops.stream import EVENT_QUEUE, broker_of

PROCESSES_PER_KIND = 2
READ_MODEL_SCHEMA = "read_model"
READY_TIMEOUT = 900.0  # two Rasa processes loading side by side on two cores take minutes
# Seconds before restarting a child that died; the longer ones after repeated quick
# deaths (a child that stayed up STABLE_SECONDS starts again from the first delay).
RESTART_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0)
STABLE_SECONDS = 60.0
# nginx's graceful stop: requests under way finish, idle and long-polling connections
# are closed after worker_shutdown_timeout.
NGINX_SHUTDOWN_SECONDS = 15
NGINX_STOP_TIMEOUT = 25.0
# Sanic (Rasa, actions) and aiohttp (web) finish the requests under way on SIGTERM.
PROCESS_STOP_TIMEOUT = 30.0


class ProductionRefused(ValueError):
    """The settings cannot run the production shape; the message says what to set."""


@dataclass(frozen=True)
class Layout:
    """Where each process listens, derived from the settings."""

    entry_host: str
    entry_port: int
    rasa_ports: tuple[int, ...]
    action_ports: tuple[int, ...]
    web_ports: tuple[int, ...]
    stream_port: int

    @property
    def entry_url(self) -> str:
        host = "127.0.0.1" if self.entry_host in ("0.0.0.0", "::") else self.entry_host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.entry_port}"


def _loopback(host: str) -> str:
    """An address to reach a server listening on `host` from this machine."""
    if host in ("0.0.0.0", "::"):
        return "127.0.0.1"
    return f"[{host}]" if ":" in host else host


def layout_of(settings: Settings) -> Layout:
    """nginx on WEB_PORT, the web processes just above it, Rasa and actions from theirs."""
    count = range(PROCESSES_PER_KIND)
    shape = Layout(
        entry_host=settings.web_host,
        entry_port=settings.web_port,
        rasa_ports=tuple(settings.rasa_port + i for i in count),
        action_ports=tuple(settings.action_port + i for i in count),
        web_ports=tuple(settings.web_port + 1 + i for i in count),
        stream_port=settings.web_port + 1 + PROCESSES_PER_KIND,
    )
    ports = [
        shape.entry_port,
        *shape.rasa_ports,
        *shape.action_ports,
        *shape.web_ports,
        shape.stream_port,
    ]
    if len(set(ports)) != len(ports) or max(ports) > 65535:
        raise ProductionRefused(
            f"ports overlap or exceed 65535: WEB_PORT {settings.web_port} (+1, +2, +3), "
            f"RASA_PORT {settings.rasa_port} (+1), ACTION_PORT {settings.action_port} (+1)"
        )
    return shape


def _scheme(url: str | None) -> str:
    """A URL's scheme alone, to name it in a message without its password."""
    return (url or "").split(":", 1)[0] or "nothing"


def check_settings(settings: Settings) -> None:
    """Two Rasa processes share conversations only through a shared database and locks."""
    if not settings.database_url.startswith("postgresql"):
        raise ProductionRefused(
            f"DATABASE_URL is {_scheme(settings.database_url)}, not PostgreSQL: the processes "
            "share one database; set DATABASE_URL=postgresql://user@host:5432/name"
        )
    if not settings.tracker_store_url.startswith("postgresql"):
        raise ProductionRefused(
            f"TRACKER_STORE_URL is {_scheme(settings.tracker_store_url)}, not PostgreSQL: "
            "both Rasa processes keep the same conversations; set it to PostgreSQL "
            "(or leave it unset to use DATABASE_URL)"
        )
    if not (settings.lock_store_url or "").startswith(("redis://", "rediss://")):
        raise ProductionRefused(
            f"LOCK_STORE_URL is {_scheme(settings.lock_store_url)}, not Redis: both Rasa "
            "processes lock a conversation in one place; set LOCK_STORE_URL=redis://127.0.0.1:6379/0"
        )


def check_nginx(nginx: str) -> None:
    """nginx's executable is there (scripts/install-nginx installs Debian's)."""
    if not (os.path.isfile(nginx) and os.access(nginx, os.X_OK)):
        raise ProductionRefused(
            f"no nginx at {nginx}: run scripts/install-nginx (make run-production does) "
            "or give --nginx /path/to/nginx"
        )


def process_settings(settings: Settings, shape: Layout, index: int) -> Settings:
    """The settings of the `index`th Rasa, action and web processes.

    Web processes listen on loopback behind nginx and send the widget to nginx's
    address; every process believes nginx's X-Forwarded-For (it connects from
    127.0.0.1); a model reload reaches both Rasa processes.
    """
    rasa_host = _loopback(settings.rasa_host)
    loopback = "127.0.0.1/32"
    return dataclasses.replace(
        settings,
        rasa_port=shape.rasa_ports[index],
        action_port=shape.action_ports[index],
        web_host="127.0.0.1",
        web_port=shape.web_ports[index],
        public_socket_url=settings.public_socket_url or settings.public_url or shape.entry_url,
        widget_origins=settings.allowed_widget_origins,
        trusted_proxies=tuple(dict.fromkeys((*settings.trusted_proxies, loopback))),
        rasa_servers=settings.rasa_servers
        or tuple(f"http://{rasa_host}:{port}" for port in shape.rasa_ports),
    )


def event_broker_endpoints(base: str, broker_url: str, queue: str) -> str:
    """The repository's endpoints.yml plus a RabbitMQ event broker (as deploy/compose.yaml)."""
    try:
        url = broker_of(broker_url)
    except ValueError as error:
        raise ProductionRefused(str(error)) from None
    broker = {
        "type": "pika",
        "url": url.host,
        "port": url.port,
        "username": url.username,
        "password": url.password,
        "queues": [queue],
    }
    return base.rstrip("\n") + "\n\n" + yaml.safe_dump({"event_broker": broker}, sort_keys=False)


def default_read_model(database_url: str) -> str:
    """DATABASE_URL with the `read_model` schema first in its search path."""
    joiner = "&" if "?" in database_url else "?"
    return f"{database_url}{joiner}options=-csearch_path%3D{READ_MODEL_SCHEMA}"


def nginx_config(settings: Settings, shape: Layout, *, root: Path, logs: Path) -> str:
    """deploy/nginx.conf's routing for this machine's ports, run as an ordinary process."""
    rasa_host = _loopback(settings.rasa_host)
    listen = f"[{shape.entry_host}]" if ":" in shape.entry_host else shape.entry_host
    rasa = "\n".join(
        f"        server {rasa_host}:{port} max_fails=1 fail_timeout=10s;"
        for port in shape.rasa_ports
    )
    web = "\n".join(
        f"        server 127.0.0.1:{port} max_fails=1 fail_timeout=5s;" for port in shape.web_ports
    )
    # As root, the workers stay root like every other process here: var/ is private (0700).
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""# Generated by bot/ops/production.py from the settings; changes are overwritten.
# /socket.io/ and /webhooks/ -> the Rasa processes (ip_hash: socket.io's long-polling
# must keep hitting one process), everything else -> the web processes.
{user}daemon off;
worker_processes auto;
pid {root / "nginx.pid"};
error_log {logs / "nginx-error.log"} warn;
worker_shutdown_timeout {NGINX_SHUTDOWN_SECONDS}s;

events {{
    worker_connections 1024;
}}

http {{
    default_type application/octet-stream;
    server_tokens off;
    keepalive_timeout 65s;
    client_body_temp_path {root / "tmp" / "body"};
    proxy_temp_path {root / "tmp" / "proxy"};
    fastcgi_temp_path {root / "tmp" / "fastcgi"};
    uwsgi_temp_path {root / "tmp" / "uwsgi"};
    scgi_temp_path {root / "tmp" / "scgi"};
    # No query string (tokens, socket.io ids) in the log; which process answered, yes.
    log_format entry '$remote_addr [$time_local] "$request_method $uri" $status '
                     '$body_bytes_sent $request_time upstream=$upstream_addr';
    access_log {logs / "nginx-access.log"} entry;

    map $http_upgrade $connection_upgrade {{
        default upgrade;
        ""      "";
    }}

    upstream rasa {{
        ip_hash;
{rasa}
    }}

    upstream web {{
{web}
    }}

    server {{
        listen {listen}:{shape.entry_port};
        # CVs are at most 5 MB (POST /apply/cv); the apps refuse larger bodies themselves.
        client_max_body_size 6m;

        proxy_http_version 1.1;
        proxy_set_header Host $http_host;
        proxy_set_header X-Real-IP $remote_addr;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        # A process that is down (restarting) is skipped: the other one answers.
        proxy_next_upstream error timeout http_502 http_503;
        proxy_connect_timeout 5s;

        location = /nginx-health {{
            access_log off;
            default_type text/plain;
            return 200 "ok\\n";
        }}

        location /socket.io/ {{
            proxy_pass http://rasa;
            proxy_buffering off;
            proxy_read_timeout 120s;
            proxy_send_timeout 120s;
        }}

        # Routes of Rasa's channels meant for the web processes only (they check Rasa's
        # token too): the console's relay and HR's model reload stay off the internet.
        location = /webhooks/socketio/relay {{
            return 404;
        }}
        location /webhooks/model_reload/ {{
            return 404;
        }}
        # Probes reach each process on its own port, not through the entry point.
        location /webhooks/health/ {{
            return 404;
        }}

        location /webhooks/ {{
            proxy_pass http://rasa;
            proxy_read_timeout 60s;
        }}

        # Everything else, the consoles' websocket (/console/ws) included.
        location / {{
            proxy_pass http://web;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


@dataclass
class Child:
    """One supervised process: how to start it, where it says it is ready."""

    name: str
    kind: str
    ready_url: str
    start: Callable[[], subprocess.Popen]
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    quick_deaths: int = 0
    restart_at: float | None = None
    waiting_ready: bool = False


@dataclass
class Production:
    """nginx and the six processes behind it, supervised: a child that dies is restarted."""

    settings: Settings
    model: Path
    nginx: str
    event_broker: str | None = None
    event_queue: str = EVENT_QUEUE
    shape: Layout = field(init=False)
    children: dict[str, Child] = field(default_factory=dict)
    stopping: bool = False

    def __post_init__(self) -> None:
        if self.event_broker and not self.settings.read_model_url:
            # the stream's read model in its own schema of the one database
            self.settings = dataclasses.replace(
                self.settings, read_model_url=default_read_model(self.settings.database_url)
            )
        check_settings(self.settings)
        self.shape = layout_of(self.settings)
        self.var = self.settings.var_dir
        self.nginx_dir = self.var / "nginx"
        self.log_dir = self.var / "logs"
        self.run_dir = self.var / "run"

    # -- files

    def write_files(self) -> tuple[Path, str]:
        """nginx's configuration and Rasa's endpoints, both generated into var/."""
        for folder in (self.nginx_dir, self.nginx_dir / "tmp", self.log_dir, self.run_dir):
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        config = self.nginx_dir / "nginx.conf"
        config.write_text(
            nginx_config(self.settings, self.shape, root=self.nginx_dir, logs=self.log_dir)
        )
        endpoints = "endpoints.yml"
        if self.event_broker:
            base = (PROJECT_ROOT / "endpoints.yml").read_text()
            path = self.var / "production" / "endpoints.yml"
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            # It holds RabbitMQ's password: the owner's alone from the start.
            descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(descriptor, "w") as file:
                file.write(event_broker_endpoints(base, self.event_broker, self.event_queue))
            endpoints = str(path)
        return config, endpoints

    def _pid_file(self, name: str) -> Path:
        return self.run_dir / f"{name}.pid"

    # -- children

    def _nginx_command(self, config: Path) -> list[str]:
        return [self.nginx, "-p", str(self.nginx_dir), "-c", str(config), "-e", "stderr"]

    def _start_nginx(self, config: Path) -> subprocess.Popen:
        path = self.log_dir / "nginx.log"
        rotate_log(path)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        with os.fdopen(descriptor, "ab") as log:
            return subprocess.Popen(
                self._nginx_command(config),
                cwd=self.nginx_dir,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                umask=PRIVATE_UMASK,
            )

    def _add_lane(self, index: int, endpoints: str) -> None:
        """The `index`th Rasa, action and web processes (Rasa N calls actions N)."""
        settings = process_settings(self.settings, self.shape, index)
        services = Services(
            settings=settings, model=self.model, log_dir=self.log_dir, endpoints=endpoints
        )
        number = index + 1
        rasa = f"http://{_loopback(settings.rasa_host)}:{settings.rasa_port}"

        def spawn(name: str, start: Callable[[], None]) -> Callable[[], subprocess.Popen]:
            def run() -> subprocess.Popen:
                start()
                return services.processes[name]

            return run

        for kind, url, start in (
            (
                "actions",
                settings.action_endpoint_url.removesuffix("/webhook") + "/ready",
                lambda: services.start_actions(f"actions-{number}"),
            ),
            (
                "rasa",
                f"{rasa}/webhooks/health/ready",
                lambda: services.start_rasa(f"rasa-{number}", settings.rasa_port),
            ),
            ("web", f"{settings.web_url}/ready", lambda: services.start_web(f"web-{number}")),
        ):
            name = f"{kind}-{number}"
            self.children[name] = Child(name, kind, url, spawn(name, start))

    def _add_stream(self) -> None:
        """The event stream's consumer, keeping the dashboard's read model."""
        services = Services(settings=self.settings, model=self.model, log_dir=self.log_dir)
        port = self.shape.stream_port

        def start() -> subprocess.Popen:
            services.start_stream(
                "stream",
                broker_url=self.event_broker or "",
                queue=self.event_queue,
                health_port=port,
            )
            return services.processes["stream"]

        self.children["stream"] = Child("stream", "stream", f"http://127.0.0.1:{port}/ready", start)

    def _launch(self, child: Child) -> None:
        if child.process is not None:
            # What the dead process left in its group (none expected) goes with it.
            _kill_group(child.process, signal.SIGKILL)
        child.process = child.start()
        child.started_at = time.monotonic()
        child.restart_at = None
        child.waiting_ready = True
        self._pid_file(child.name).write_text(f"{child.process.pid}\n")

    def start(self) -> None:
        """Every process behind nginx, then nginx once they are ready."""
        config, endpoints = self.write_files()
        checked = subprocess.run(
            [*self._nginx_command(config), "-t", "-q"], capture_output=True, text=True
        )
        if checked.returncode != 0:
            raise StartupFailed(f"nginx refused {config}: {checked.stderr.strip()}")
        self._pid_file("production").write_text(f"{os.getpid()}\n")
        for index in range(PROCESSES_PER_KIND):
            self._add_lane(index, endpoints)
        if self.event_broker:
            self._add_stream()
        for child in self.children.values():
            self._launch(child)
        self.wait_ready(list(self.children.values()))
        if self.stopping:
            return
        nginx = Child(
            "nginx",
            "nginx",
            f"{self.shape.entry_url}/nginx-health",
            lambda: self._start_nginx(config),
        )
        self.children["nginx"] = nginx
        self._launch(nginx)
        self.wait_ready([nginx])

    def wait_ready(self, children: list[Child], timeout: float = READY_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        pending = list(children)
        while pending and not self.stopping:
            for child in list(pending):
                assert child.process is not None
                if child.process.poll() is not None:
                    raise StartupFailed(
                        f"{child.name} exited ({child.process.returncode}); "
                        f"see {self.log_dir / child.name}.log"
                    )
                if _get(child.ready_url) == 200:
                    child.waiting_ready = False
                    pending.remove(child)
            if pending and time.monotonic() > deadline:
                names = ", ".join(c.name for c in pending)
                raise StartupFailed(f"not ready after {timeout:.0f}s: {names}")
            time.sleep(0.5)

    # -- supervision

    def supervise_once(self, now: float) -> None:
        """Restart what died (after its back-off delay); say when a restarted one is ready."""
        for child in self.children.values():
            assert child.process is not None
            code = child.process.poll()
            if code is not None and child.restart_at is None:
                lived = now - child.started_at
                child.quick_deaths = 0 if lived >= STABLE_SECONDS else child.quick_deaths + 1
                delay = RESTART_DELAYS[min(child.quick_deaths, len(RESTART_DELAYS) - 1)]
                child.restart_at = now + delay
                print(
                    f"{child.name} exited ({code}) after {lived:.0f}s; restarting in "
                    f"{delay:.0f}s (log: {self.log_dir / child.name}.log)",
                    flush=True,
                )
            elif code is not None and child.restart_at is not None and now >= child.restart_at:
                self._launch(child)
                print(f"{child.name} restarted (pid {child.process.pid})", flush=True)
            elif code is None and child.waiting_ready and _get(child.ready_url, 1.0) == 200:
                child.waiting_ready = False
                print(f"{child.name} is ready again", flush=True)

    def supervise(self) -> None:
        while not self.stopping:
            self.supervise_once(time.monotonic())
            time.sleep(0.5)

    def stop(self) -> None:
        """nginx first (no new connections; those under way finish), then Rasa and web
        (each finishes its requests), the action servers last (Rasa may still call them)."""
        stages = (("nginx",), ("rasa", "web"), ("actions", "stream"))
        signals = {"nginx": signal.SIGQUIT}
        timeouts = {"nginx": NGINX_STOP_TIMEOUT}
        for kinds in stages:
            group = [
                c
                for c in self.children.values()
                if c.kind in kinds and c.process is not None and c.process.poll() is None
            ]
            for child in group:
                assert child.process is not None
                _kill_group(child.process, signals.get(child.kind, signal.SIGTERM))
            for child in group:
                assert child.process is not None
                try:
                    child.process.wait(timeouts.get(child.kind, PROCESS_STOP_TIMEOUT))
                except subprocess.TimeoutExpired:
                    print(f"{child.name} did not stop in time: killed", flush=True)
                    _kill_group(child.process, signal.SIGKILL)
                    child.process.wait()
        for child in self.children.values():
            self._pid_file(child.name).unlink(missing_ok=True)
        self._pid_file("production").unlink(missing_ok=True)


def _kill_group(process: subprocess.Popen, signum: int) -> None:
    try:
        os.killpg(process.pid, signum)
    except (ProcessLookupError, PermissionError):
        pass


def run_production(
    settings: Settings,
    *,
    nginx: str,
    event_broker: str | None = None,
    event_queue: str = EVENT_QUEUE,
) -> int:
    """Prepare, start the production shape, supervise it until SIGTERM or Ctrl-C."""
    try:
        check_settings(settings)
        layout_of(settings)
        check_nginx(nginx)
        if event_broker:
            event_broker_endpoints("", event_broker, event_queue)
    except ProductionRefused as refused:
        print(f"cannot run the production shape: {refused}", file=sys.stderr)
        return 2
    production = Production(
        settings=settings,
        model=prepare(settings),
        nginx=nginx,
        event_broker=event_broker,
        event_queue=event_queue,
    )

    def request_stop(signum: int, frame: FrameType | None) -> None:
        production.stopping = True

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    shape = production.shape
    try:
        print(
            f"starting {PROCESSES_PER_KIND} Rasa, {PROCESSES_PER_KIND} action and "
            f"{PROCESSES_PER_KIND} web processes, then nginx (a few minutes)…",
            flush=True,
        )
        production.start()
        if production.stopping:
            return 0
        print(
            "\nThe assistant is ready, behind nginx.\n"
            f"  Entry point (careers page, widget, consoles, REST webhook):  {shape.entry_url}/\n"
            f"  Rasa {', '.join(map(str, shape.rasa_ports))}; actions "
            f"{', '.join(map(str, shape.action_ports))}; web "
            f"{', '.join(map(str, shape.web_ports))} (loopback)\n"
            f"  Logs:  {production.log_dir}   pids: {production.run_dir}\n"
            "  Stop:  Ctrl-C or SIGTERM (drains: nginx first, then the processes)\n",
            flush=True,
        )
        production.supervise()
        return 0
    except StartupFailed as error:
        print(f"could not start: {error}", file=sys.stderr)
        return 1
    finally:
        print("stopping: nginx first, then the processes…", flush=True)
        production.stop()
        print("stopped.", flush=True)
