"""The production shape's plan (bot/ops/production.py), without starting anything: which
settings it refuses, where each process listens, and nginx's generated routing."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.core.settings import PROJECT_ROOT, settings_from
from bot.ops.production import (
    ProductionRefused,
    check_nginx,
    check_settings,
    event_broker_endpoints,
    layout_of,
    nginx_config,
    process_settings,
    run_production,
)
from tests.deploy.test_manifests import nginx_problems

POSTGRES = "postgresql://ardoise:secret@db.internal:5432/ardoise"
REDIS = "redis://127.0.0.1:6379/0"


def production_settings(tmp_path: Path, **env: str):
    return settings_from(
        {
            "VAR_DIR": str(tmp_path / "var"),
            "DATABASE_URL": POSTGRES,
            "LOCK_STORE_URL": REDIS,
            "WEB_PORT": "8000",
            "RASA_PORT": "5005",
            "ACTION_PORT": "5055",
            **env,
        }
    )


def upstream(config: str, name: str) -> str:
    found = re.search(rf"upstream {name} \{{(.*?)\}}", config, re.S)
    assert found, config
    return found.group(1)


def test_sqlite_is_refused_with_what_to_set(tmp_path):
    settings = settings_from({"VAR_DIR": str(tmp_path), "LOCK_STORE_URL": REDIS})
    with pytest.raises(ProductionRefused) as refused:
        check_settings(settings)
    message = str(refused.value)
    assert "DATABASE_URL is sqlite, not PostgreSQL" in message
    assert "postgresql://" in message


def test_a_sqlite_tracker_store_is_refused_too(tmp_path):
    settings = production_settings(tmp_path, TRACKER_STORE_URL=f"sqlite:///{tmp_path}/t.db")
    with pytest.raises(ProductionRefused, match="TRACKER_STORE_URL is sqlite, not PostgreSQL"):
        check_settings(settings)


def test_without_redis_locks_it_is_refused(tmp_path):
    settings = production_settings(tmp_path, LOCK_STORE_URL="")
    with pytest.raises(ProductionRefused, match="LOCK_STORE_URL is nothing, not Redis"):
        check_settings(settings)


def test_the_refusal_never_shows_the_database_password(tmp_path):
    settings = production_settings(tmp_path, TRACKER_STORE_URL="mysql://u:secret@h/db")
    with pytest.raises(ProductionRefused) as refused:
        check_settings(settings)
    assert "secret" not in str(refused.value)


def test_postgresql_and_redis_are_accepted(tmp_path):
    check_settings(production_settings(tmp_path))


def test_the_command_line_refuses_sqlite_before_starting_anything(tmp_path, capsys):
    settings = settings_from({"VAR_DIR": str(tmp_path / "var"), "LOCK_STORE_URL": REDIS})
    assert run_production(settings, nginx="/nonexistent/nginx") == 2
    error = capsys.readouterr().err
    assert "cannot run the production shape: DATABASE_URL is sqlite" in error
    assert not (tmp_path / "var").exists()


def test_a_missing_nginx_is_refused_with_how_to_install_it(tmp_path, capsys):
    with pytest.raises(ProductionRefused, match="run scripts/install-nginx"):
        check_nginx(str(tmp_path / "nginx"))
    settings = production_settings(tmp_path)
    assert run_production(settings, nginx=str(tmp_path / "nginx")) == 2
    assert "cannot run the production shape: no nginx at" in capsys.readouterr().err


def test_a_bad_event_broker_is_refused_before_starting_anything(tmp_path, capsys):
    settings = production_settings(tmp_path)
    nginx = tmp_path / "nginx"
    nginx.write_text("#!/bin/sh\n")
    nginx.chmod(0o700)
    assert run_production(settings, nginx=str(nginx), event_broker="kafka://x:9092") == 2
    assert "the event broker must be like amqp://" in capsys.readouterr().err
    assert not (tmp_path / "var").exists()


def test_nginx_listens_on_web_port_and_the_processes_around_it(tmp_path):
    shape = layout_of(production_settings(tmp_path))
    assert (shape.entry_host, shape.entry_port) == ("127.0.0.1", 8000)
    assert shape.web_ports == (8001, 8002)
    assert shape.rasa_ports == (5005, 5006)
    assert shape.action_ports == (5055, 5056)
    assert shape.entry_url == "http://127.0.0.1:8000"


def test_overlapping_ports_are_refused(tmp_path):
    with pytest.raises(ProductionRefused, match="ports overlap"):
        layout_of(production_settings(tmp_path, RASA_PORT="8001"))
    with pytest.raises(ProductionRefused, match="exceed 65535"):
        layout_of(production_settings(tmp_path, WEB_PORT="65535"))


def test_each_lane_has_its_own_ports_and_knows_both_rasa_processes(tmp_path):
    settings = production_settings(tmp_path)
    shape = layout_of(settings)
    second = process_settings(settings, shape, 1)
    assert (second.rasa_port, second.action_port, second.web_port) == (5006, 5056, 8002)
    assert second.action_endpoint_url == "http://127.0.0.1:5056/webhook"
    assert second.web_host == "127.0.0.1"
    # the widget opens its socket on nginx, which is allowed to embed it
    assert second.public_socket_url == "http://127.0.0.1:8000"
    assert "http://127.0.0.1:8000" in second.widget_origins
    assert "127.0.0.1/32" in second.trusted_proxies
    assert second.rasa_servers == ("http://127.0.0.1:5005", "http://127.0.0.1:5006")


def test_nginx_routes_socket_io_and_the_webhook_to_rasa_sticky_by_address(tmp_path):
    settings = production_settings(tmp_path)
    config = nginx_config(
        settings, layout_of(settings), root=tmp_path / "nginx", logs=tmp_path / "logs"
    )
    rasa = upstream(config, "rasa")
    assert "ip_hash;" in rasa
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", rasa) == ["5005", "5006"]
    web = upstream(config, "web")
    assert "ip_hash" not in web
    assert re.findall(r"server 127\.0\.0\.1:(\d+)", web) == ["8001", "8002"]
    assert re.search(r"location /socket\.io/ \{\s*proxy_pass http://rasa;", config)
    assert re.search(r"location /webhooks/ \{\s*proxy_pass http://rasa;", config)
    assert re.search(r"location = /webhooks/socketio/relay \{\s*return 404;", config)
    assert re.search(r"location / \{\s*proxy_pass http://web;", config)
    assert "listen 127.0.0.1:8000;" in config
    # the same routing rules deploy/nginx.conf is checked against
    rasa_servers = {"127.0.0.1:5005", "127.0.0.1:5006"}
    assert nginx_problems(config, rasa_servers, {"127.0.0.1:8001", "127.0.0.1:8002"}) == []
    assert "daemon off;" in config
    assert f"pid {tmp_path / 'nginx' / 'nginx.pid'};" in config


@pytest.mark.skipif(not shutil.which("nginx"), reason="nginx is not installed")
def test_nginx_accepts_the_generated_configuration(tmp_path):
    settings = production_settings(tmp_path, WEB_HOST="0.0.0.0")
    root, logs = tmp_path / "nginx", tmp_path / "logs"
    (root / "tmp").mkdir(parents=True)
    logs.mkdir()
    config = root / "nginx.conf"
    config.write_text(nginx_config(settings, layout_of(settings), root=root, logs=logs))
    checked = subprocess.run(
        ["nginx", "-p", str(root), "-c", str(config), "-e", "stderr", "-t", "-q"],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr


def test_the_event_broker_is_added_to_rasa_endpoints():
    base = (PROJECT_ROOT / "endpoints.yml").read_text()
    endpoints = yaml.safe_load(
        event_broker_endpoints(base, "amqp://bot:p%40ss'w@rabbit:5673/", "events")
    )
    assert endpoints["event_broker"] == {
        "type": "pika",
        "url": "rabbit",
        "port": 5673,
        "username": "bot",
        "password": "p@ss'w",
        "queues": ["events"],
    }
    assert endpoints["tracker_store"] == yaml.safe_load(base)["tracker_store"]


def test_an_event_broker_that_is_not_rabbitmq_is_refused():
    with pytest.raises(ProductionRefused, match="amqp://"):
        event_broker_endpoints("", "redis://127.0.0.1:6379/", "events")
