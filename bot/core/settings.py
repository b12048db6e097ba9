"""The assistant's settings: the only module that reads the environment.

Values come from the process environment, after `.env` (python-dotenv) has
filled in what the environment does not set. Everything has an embedded
default, so a laptop runs the assistant with no configuration at all.
"""

from __future__ import annotations

import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from dotenv import load_dotenv
from sqlalchemy.engine import make_url

from bot.core.office_hours import parse_office_hours

PROJECT_ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "en")


class SettingsError(ValueError):
    """A setting has a value the assistant cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything the processes need to know about their environment."""

    database_url: str
    tracker_store_url: str
    lock_store_url: str | None = None
    # The dashboard's read model, kept by the event stream's consumer (bot/ops/stream.py);
    # unset, the dashboard reads Rasa's tracker store itself.
    read_model_url: str | None = None
    rasa_host: str = "127.0.0.1"
    rasa_port: int = 5005
    action_port: int = 5055
    action_host: str = "127.0.0.1"
    action_token: str | None = None
    meeting_link_secret: str | None = None
    coffee_video_url: str | None = None
    rasa_token: str | None = None
    default_language: str = "fr"
    answer_threshold: float = 0.45
    clarify_threshold: float = 0.35
    retention_days: int = 180
    # Applications and their CVs: two years (CNIL guidance for candidates not hired).
    application_retention_days: int = 730
    # Days before an article HR has not checked is answered with a caveat (freshness.py).
    review_max_days: int = 180
    cors_origins: tuple[str, ...] = ()
    web_host: str = "127.0.0.1"
    web_port: int = 8000
    widget_origins: tuple[str, ...] = ()
    public_socket_url: str | None = None
    # Where people reach the web server (https behind a proxy): Secure cookies and HSTS.
    public_url: str | None = None
    socketio_redis_url: str | None = None
    limits_url: str | None = None
    limits: tuple[tuple[str, int, int], ...] = ()
    # reverse proxies (nginx) whose X-Forwarded-For the candidate channels believe
    trusted_proxies: tuple[str, ...] = ()
    privacy_url: str | None = None
    office_hours: str = "mon-fri 09:00-18:00"
    office_timezone: str = "Europe/Paris"
    claim_timeout_seconds: int = 300
    presence_seconds: int = 60
    routing_file: Path = PROJECT_ROOT / "data" / "handoff" / "routing.yml"
    smtp_host: str | None = None
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    notify_from: str = "assistant@localhost"
    notify_emails: tuple[str, ...] = ()
    notify_webhook_url: str | None = None
    # The company's applicant tracking system: each application (and each erasure) is
    # POSTed there, HMAC-signed with the secret (bot/applications/ats.py).
    ats_webhook_url: str | None = None
    ats_webhook_secret: str | None = None
    knowledge_dir: Path = PROJECT_ROOT / "data" / "knowledge"
    models_dir: Path = PROJECT_ROOT / "models"
    var_dir: Path = PROJECT_ROOT / "var"
    training_config: Path = PROJECT_ROOT / "config.yml"
    rasa_servers: tuple[str, ...] = ()

    @property
    def analytics_url(self) -> str:
        """Where the dashboard's figures are read: the read model, else the tracker store."""
        return self.read_model_url or self.tracker_store_url

    @property
    def rasa_url(self) -> str:
        return f"http://{self.rasa_host}:{self.rasa_port}"

    @property
    def serving_rasa_urls(self) -> tuple[str, ...]:
        """Every Rasa process a new model must reach: RASA_SERVERS, else this one."""
        return self.rasa_servers or (self.rasa_url,)

    @property
    def https(self) -> bool:
        """Whether people reach the web server over https (PUBLIC_URL): Secure cookies, HSTS."""
        return bool(self.public_url and self.public_url.startswith("https://"))

    @property
    def web_url(self) -> str:
        return f"http://{self.web_host}:{self.web_port}"

    @property
    def allowed_widget_origins(self) -> tuple[str, ...]:
        """Pages allowed to open a chat: WIDGET_ORIGINS, else the demo site's own addresses."""
        if self.widget_origins:
            return self.widget_origins
        return (f"http://localhost:{self.web_port}", f"http://127.0.0.1:{self.web_port}")

    @property
    def action_endpoint_url(self) -> str:
        """Where Rasa calls the action server: ACTION_HOST (loopback if it listens everywhere)."""
        host = "127.0.0.1" if self.action_host in ("0.0.0.0", "::") else self.action_host
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.action_port}/webhook"


def _int(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
    if not 0 < value < 65536:
        raise SettingsError(f"{name} must be between 1 and 65535, got {value}")
    return value


def _days(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 3650:
        raise SettingsError(f"{name} must be a number of days between 1 and 3650, got {raw!r}")
    return int(raw)


def _fraction(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number between 0 and 1, got {raw!r}") from None
    if not 0.0 <= value <= 1.0:
        raise SettingsError(f"{name} must be between 0 and 1, got {value}")
    return value


def _origins(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """A comma-separated list of origins (scheme://host[:port], no path), or '*'."""
    origins = tuple(o.strip().rstrip("/") for o in env.get(name, "").split(",") if o.strip())
    for origin in origins:
        if origin != "*" and not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", origin):
            raise SettingsError(
                f"{name}: {origin!r} is not an origin like https://careers.example.com"
            )
    return origins


def _url(env: Mapping[str, str], name: str) -> str | None:
    raw = env.get(name, "").strip()
    if raw and not re.fullmatch(r"https?://\S+", raw):
        raise SettingsError(f"{name} must be an http(s) URL, got {raw!r}")
    return raw.rstrip("/") or None


def _seconds(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= 86400:
        raise SettingsError(f"{name} must be a number of seconds between 1 and 86400, got {raw!r}")
    return int(raw)


def _urls(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    return tuple(url for part in env.get(name, "").split(",") if (url := _url({name: part}, name)))


def _limits(env: Mapping[str, str]) -> tuple[tuple[str, int, int], ...]:
    """LIMITS overrides abuse limits: `name=count/seconds`, comma-separated
    (e.g. `messages-ip=120/60,sessions-ip=50/3600`)."""
    found = []
    for item in (i.strip() for i in env.get("LIMITS", "").split(",")):
        if not item:
            continue
        match = re.fullmatch(r"([a-z][a-z-]{0,40})=(\d{1,9})/(\d{1,9})", item)
        if not match or int(match[2]) == 0 or int(match[3]) == 0:
            raise SettingsError(f"LIMITS: {item!r} is not like messages-ip=60/60 (count/seconds)")
        found.append((match[1], int(match[2]), int(match[3])))
    return tuple(found)


def _networks(env: Mapping[str, str], name: str) -> tuple[str, ...]:
    """Comma-separated IP addresses or networks (`10.0.0.1`, `10.0.0.0/8`), normalized."""
    found = []
    for item in (i.strip() for i in env.get(name, "").split(",")):
        if not item:
            continue
        try:
            found.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError:
            raise SettingsError(f"{name}: {item!r} is not an IP address or network") from None
    return tuple(found)


def _office_hours(env: Mapping[str, str]) -> str:
    text = (env.get("OFFICE_HOURS") or "mon-fri 09:00-18:00").strip()
    try:
        parse_office_hours(text, (env.get("OFFICE_TIMEZONE") or "Europe/Paris").strip())
    except ValueError as error:
        raise SettingsError(f"OFFICE_HOURS / OFFICE_TIMEZONE: {error}") from None
    return text


def settings_from(env: Mapping[str, str]) -> Settings:
    """Build settings from a mapping of environment variables (tests pass their own)."""
    var_dir = Path(env.get("VAR_DIR") or PROJECT_ROOT / "var")
    database_url = env.get("DATABASE_URL") or f"sqlite:///{var_dir / 'ardoise.db'}"
    language = (env.get("DEFAULT_LANGUAGE") or "fr").strip().lower()
    if language not in LANGUAGES:
        raise SettingsError(f"DEFAULT_LANGUAGE must be one of {', '.join(LANGUAGES)}")
    answer = _fraction(env, "ANSWER_THRESHOLD", 0.45)
    clarify = _fraction(env, "CLARIFY_THRESHOLD", 0.35)
    if clarify > answer:
        raise SettingsError("CLARIFY_THRESHOLD must not be above ANSWER_THRESHOLD")
    tracker_store_url = env.get("TRACKER_STORE_URL") or database_url
    if env.get("READ_MODEL_URL") and env["READ_MODEL_URL"] == tracker_store_url:
        raise SettingsError(
            "READ_MODEL_URL must not be the tracker store: both keep a table named events "
            "(give the read model its own database, or its own PostgreSQL schema with "
            "?options=-csearch_path%3Dread_model)"
        )
    if env.get("ATS_WEBHOOK_URL") and len(env.get("ATS_WEBHOOK_SECRET") or "") < 16:
        raise SettingsError(
            "ATS_WEBHOOK_URL needs ATS_WEBHOOK_SECRET (16 characters at least): every "
            "delivery is signed with it"
        )
    return Settings(
        database_url=database_url,
        tracker_store_url=tracker_store_url,
        lock_store_url=env.get("LOCK_STORE_URL") or None,
        read_model_url=env.get("READ_MODEL_URL") or None,
        rasa_host=env.get("RASA_HOST") or "127.0.0.1",
        rasa_port=_int(env, "RASA_PORT", 5005),
        action_port=_int(env, "ACTION_PORT", 5055),
        action_host=(env.get("ACTION_HOST") or "127.0.0.1").strip(),
        action_token=env.get("ACTION_TOKEN") or None,
        meeting_link_secret=env.get("MEETING_LINK_SECRET") or None,
        coffee_video_url=_url(env, "COFFEE_VIDEO_URL"),
        rasa_token=env.get("RASA_TOKEN") or None,
        default_language=language,
        answer_threshold=answer,
        clarify_threshold=clarify,
        retention_days=_days(env, "RETENTION_DAYS", 180),
        application_retention_days=_days(env, "APPLICATION_RETENTION_DAYS", 730),
        review_max_days=_days(env, "REVIEW_MAX_DAYS", 180),
        cors_origins=tuple(o.strip() for o in env.get("CORS_ORIGINS", "").split(",") if o.strip()),
        web_host=env.get("WEB_HOST") or "127.0.0.1",
        web_port=_int(env, "WEB_PORT", 8000),
        widget_origins=_origins(env, "WIDGET_ORIGINS"),
        public_socket_url=_url(env, "PUBLIC_SOCKET_URL"),
        public_url=_url(env, "PUBLIC_URL"),
        socketio_redis_url=env.get("SOCKETIO_REDIS_URL") or env.get("LOCK_STORE_URL") or None,
        limits_url=env.get("LIMITS_URL") or env.get("LOCK_STORE_URL") or None,
        limits=_limits(env),
        trusted_proxies=_networks(env, "TRUSTED_PROXIES"),
        privacy_url=_url(env, "PRIVACY_URL"),
        office_hours=_office_hours(env),
        office_timezone=(env.get("OFFICE_TIMEZONE") or "Europe/Paris").strip(),
        claim_timeout_seconds=_seconds(env, "CLAIM_TIMEOUT_SECONDS", 300),
        presence_seconds=_seconds(env, "PRESENCE_SECONDS", 60),
        smtp_host=env.get("SMTP_HOST") or None,
        smtp_port=_int(env, "SMTP_PORT", 25),
        smtp_user=env.get("SMTP_USER") or None,
        smtp_password=env.get("SMTP_PASSWORD") or None,
        smtp_starttls=(env.get("SMTP_STARTTLS") or "").strip().lower() in ("1", "true", "yes"),
        notify_from=(env.get("NOTIFY_FROM") or "assistant@localhost").strip(),
        notify_emails=tuple(
            e.strip() for e in env.get("NOTIFY_EMAILS", "").split(",") if e.strip()
        ),
        notify_webhook_url=_url(env, "NOTIFY_WEBHOOK_URL"),
        ats_webhook_url=_url(env, "ATS_WEBHOOK_URL"),
        ats_webhook_secret=env.get("ATS_WEBHOOK_SECRET") or None,
        routing_file=Path(
            env.get("ROUTING_FILE") or PROJECT_ROOT / "data" / "handoff" / "routing.yml"
        ),
        knowledge_dir=Path(env.get("KNOWLEDGE_DIR") or PROJECT_ROOT / "data" / "knowledge"),
        models_dir=Path(env.get("MODELS_DIR") or PROJECT_ROOT / "models"),
        var_dir=var_dir,
        training_config=Path(env.get("TRAINING_CONFIG") or PROJECT_ROOT / "config.yml"),
        rasa_servers=_urls(env, "RASA_SERVERS"),
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read once from `.env` and the environment.

    `get_settings.cache_clear()` makes the next call read them again.
    """
    load_dotenv(PROJECT_ROOT / ".env", override=False)
    return settings_from(os.environ)


def _kept_secret(var_dir: Path, name: str) -> str:
    """A random secret generated once and kept in var/<name>, readable by its owner only."""
    path = var_dir / name
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    # Created 0600 from the start: never readable by others, not even for a moment.
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it just now
        return path.read_text().strip()
    with os.fdopen(descriptor, "w") as file:
        file.write(token)
    return token


def rasa_token(settings: Settings) -> str:
    """The token protecting Rasa's HTTP API: the configured one, else one kept under var/."""
    return settings.rasa_token or _kept_secret(settings.var_dir, "rasa-token")


def action_token(settings: Settings) -> str:
    """The secret Rasa sends the action server (ACTION_TOKEN, else one kept under var/)."""
    return settings.action_token or _kept_secret(settings.var_dir, "action-token")


def meeting_link_secret(settings: Settings) -> str:
    """The key signing coffee links in e-mails (MEETING_LINK_SECRET, else one kept under
    var/); every web process that serves the link pages needs the same one."""
    return settings.meeting_link_secret or _kept_secret(settings.var_dir, "meeting-link-secret")


def rasa_environment(settings: Settings) -> dict[str, str]:
    """Variables that endpoints.yml expands, plus ours for the child processes."""
    env = {
        "DATABASE_URL": settings.database_url,
        "TRACKER_STORE_URL": settings.tracker_store_url,
        "ACTION_ENDPOINT_URL": settings.action_endpoint_url,
        # Reproducible TensorFlow: the same data trains the same model (and the same
        # held-out figures) on every machine of the same kind, here and in CI.
        "TF_DETERMINISTIC_OPS": "1",
        "LOCK_STORE_TYPE": "in_memory",
        "LOCK_STORE_HOST": "",
        "LOCK_STORE_PORT": "6379",
        "LOCK_STORE_DB": "0",
        "VAR_DIR": str(settings.var_dir),
        "MODELS_DIR": str(settings.models_dir),
        "TRAINING_CONFIG": str(settings.training_config),
        "RASA_SERVERS": ",".join(settings.rasa_servers),
        "KNOWLEDGE_DIR": str(settings.knowledge_dir),
        "DEFAULT_LANGUAGE": settings.default_language,
        "ANSWER_THRESHOLD": str(settings.answer_threshold),
        "CLARIFY_THRESHOLD": str(settings.clarify_threshold),
        "RASA_PORT": str(settings.rasa_port),
        "ACTION_PORT": str(settings.action_port),
        "ACTION_HOST": settings.action_host,
        "ACTION_TOKEN": action_token(settings),
        "WEB_HOST": settings.web_host,
        "WEB_PORT": str(settings.web_port),
        "RETENTION_DAYS": str(settings.retention_days),
        "APPLICATION_RETENTION_DAYS": str(settings.application_retention_days),
        "REVIEW_MAX_DAYS": str(settings.review_max_days),
        "WIDGET_ORIGINS": ",".join(settings.widget_origins),
        "PUBLIC_SOCKET_URL": settings.public_socket_url or "",
        "SOCKETIO_REDIS_URL": settings.socketio_redis_url or "",
        "PRIVACY_URL": settings.privacy_url or "",
        "LOCK_STORE_URL": settings.lock_store_url or "",
        "READ_MODEL_URL": settings.read_model_url or "",
        "LIMITS_URL": settings.limits_url or "",
        "LIMITS": ",".join(f"{name}={count}/{seconds}" for name, count, seconds in settings.limits),
        "TRUSTED_PROXIES": ",".join(settings.trusted_proxies),
        "RASA_TOKEN": rasa_token(settings),
        "OFFICE_HOURS": settings.office_hours,
        "OFFICE_TIMEZONE": settings.office_timezone,
        "CLAIM_TIMEOUT_SECONDS": str(settings.claim_timeout_seconds),
        "PRESENCE_SECONDS": str(settings.presence_seconds),
        "ROUTING_FILE": str(settings.routing_file),
        "SMTP_HOST": settings.smtp_host or "",
        "SMTP_PORT": str(settings.smtp_port),
        "SMTP_USER": settings.smtp_user or "",
        "SMTP_PASSWORD": settings.smtp_password or "",
        "SMTP_STARTTLS": "true" if settings.smtp_starttls else "",
        "NOTIFY_FROM": settings.notify_from,
        "NOTIFY_EMAILS": ",".join(settings.notify_emails),
        "NOTIFY_WEBHOOK_URL": settings.notify_webhook_url or "",
        "ATS_WEBHOOK_URL": settings.ats_webhook_url or "",
        "ATS_WEBHOOK_SECRET": settings.ats_webhook_secret or "",
        "PUBLIC_URL": settings.public_url or "",
        "MEETING_LINK_SECRET": meeting_link_secret(settings),
        "COFFEE_VIDEO_URL": settings.coffee_video_url or "",
        # Rasa's telemetry would try to reach the network at every start.
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    if settings.lock_store_url:
        url = make_url(settings.lock_store_url)
        env.update(
            # Rasa's RedisLockStore with atomic tickets (its own races lose messages)
            LOCK_STORE_TYPE="bot.rasa_plugins.locks.AtomicRedisLockStore",
            LOCK_STORE_HOST=url.host or "127.0.0.1",
            LOCK_STORE_PORT=str(url.port or 6379),
            LOCK_STORE_DB=str(url.database or "0"),
        )
    return env
