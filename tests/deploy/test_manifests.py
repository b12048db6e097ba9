"""deploy/ checked offline: schemas, the image's rules, and one topology in both descriptions.

- Kubernetes manifests against the JSON schemas kubernetes-validate bundles (strict:
  an unknown field fails), for KUBERNETES_VERSION.
- deploy/compose.yaml against the Compose specification: `compose-spec.json` beside
  this file is check-jsonschema's vendored copy (0.38.2, Apache-2.0, LICENSE.compose-spec),
  read by jsonschema. check-jsonschema itself cannot be installed beside Rasa 3.6, which
  pins jsonschema <4.18 and ruamel.yaml <0.17.22; every release that vendors the Compose
  schema needs newer ones.
- deploy/Dockerfile parsed by dockerfile-parse: a non-root USER, no secret in ENV/ARG,
  no .env copied.
- compose and Kubernetes agree: process kinds and replicas, the settings every process
  needs, the commands, the health routes, the endpoints Rasa reads, nginx's routing.

Each check is a function returning its problems, and each is also run on a broken copy.
"""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from bot.core.settings import PROJECT_ROOT, settings_from

DEPLOY = PROJECT_ROOT / "deploy"
KUBERNETES_DIR = DEPLOY / "k8s"
KUBERNETES_VERSION = "1.28.0"
COMPOSE_SCHEMA = Path(__file__).with_name("compose-spec.json")
COMPOSE_SCHEMA_SHA256 = "d61cc3df8c6e6a727043e84f3405c69ffd63d341f629db8480f1d2ee5405b10c"

PROCESS_REPLICAS = {"rasa": 2, "actions": 2, "web": 2, "stream": 1}
# What each kind of process must answer without a token (Rasa's /status needs it).
HEALTH_ROUTES = {
    "rasa": (5005, "/webhooks/health/ready"),
    "actions": (5055, "/ready"),
    "web": (8000, "/ready"),
    "stream": (8090, "/ready"),
}
# Liveness differs from readiness: a process whose database or broker is away is alive
# (it reconnects), so it is not restarted for that.
LIVENESS_ROUTES = {
    "rasa": "/webhooks/health/alive",
    "actions": "/alive",
    "web": "/alive",
    "stream": "/alive",
}
# Settings with an embedded default that is wrong once there are several processes or
# machines: each must be set for every process (besides what endpoints.yml expands).
PRODUCTION_SETTINGS = frozenset(
    {
        "DATABASE_URL",
        "TRACKER_STORE_URL",
        "LOCK_STORE_URL",
        "SOCKETIO_REDIS_URL",
        "LIMITS_URL",
        "RASA_TOKEN",
        "ACTION_TOKEN",
        "MEETING_LINK_SECRET",
        "RASA_HOST",
        "RASA_SERVERS",
        "ACTION_HOST",
        "WEB_HOST",
        "PUBLIC_URL",
        "PUBLIC_SOCKET_URL",
        "WIDGET_ORIGINS",
        "TRUSTED_PROXIES",
        "MODELS_DIR",
        "VAR_DIR",
    }
)
SECRET_NAME = re.compile(r"PASSWORD|SECRET|TOKEN|PASSWD|API_?KEY|PRIVATE_KEY", re.IGNORECASE)
PLACEHOLDER = re.compile(r"\$\{([A-Z_][A-Z0-9_]*)\}")

# --- reading ---------------------------------------------------------------------------


def kubernetes_documents() -> list[dict[str, Any]]:
    documents: list[dict[str, Any]] = []
    for path in sorted(KUBERNETES_DIR.glob("*.yaml")):
        documents.extend(d for d in yaml.safe_load_all(path.read_text()) if d)
    return documents


def compose_file() -> dict[str, Any]:
    """The compose file with its YAML anchors expanded into separate copies."""
    loaded: dict[str, Any] = json.loads(
        json.dumps(yaml.safe_load((DEPLOY / "compose.yaml").read_text()))
    )
    return loaded


def workloads(documents: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    return [d for d in documents if d["kind"] in ("Deployment", "StatefulSet", "Job")]


def component(document: Mapping[str, Any]) -> str:
    return str(document["metadata"].get("labels", {}).get("app.kubernetes.io/component", ""))


def app_containers(documents: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The main container of each kind of the assistant's processes (rasa, actions, web...)."""
    return {
        component(d): d["spec"]["template"]["spec"]["containers"][0]
        for d in workloads(documents)
        if component(d)
    }


def compose_services_of(compose: Mapping[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {
        name: service
        for name, service in compose["services"].items()
        if (service.get("labels") or {}).get("ardoise.process") == kind
    }


# --- the checks ------------------------------------------------------------------------


def kubernetes_problems(documents: Iterable[dict[str, Any]]) -> list[str]:
    """Schema errors (strict), and any Secret that carries values."""
    problems = []
    for document in documents:
        name = f"{document.get('kind')}/{document.get('metadata', {}).get('name')}"
        try:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as error:
            path = ".".join(str(p) for p in error.path)
            problems.append(f"{name}: {path}: {error.message}")
        except (kubernetes_validate.SchemaNotFoundError, KeyError) as error:
            problems.append(f"{name}: no schema ({error})")
        if document.get("kind") == "Secret" and (
            document.get("data") or document.get("stringData")
        ):
            problems.append(f"{name}: a Secret with values in a manifest")
    return problems


def compose_problems(compose: Mapping[str, Any]) -> list[str]:
    schema = json.loads(COMPOSE_SCHEMA.read_text())
    validator = jsonschema.Draft202012Validator(schema)
    return [
        f"{'.'.join(str(p) for p in error.absolute_path)}: {error.message}"
        for error in validator.iter_errors(compose)
    ]


def dockerfile_problems(text: str) -> list[str]:
    # An in-memory file: given no file, dockerfile-parse writes ./Dockerfile when set.
    parser = DockerfileParser(fileobj=io.BytesIO())
    parser.content = text
    instructions = parser.structure
    problems = []
    users = [i["value"].split(":")[0].strip() for i in instructions if i["instruction"] == "USER"]
    if not users:
        problems.append("no USER: the processes would run as root")
    elif users[-1] in ("root", "0"):
        problems.append(f"the last USER is {users[-1]}")
    for instruction in instructions:
        kind, value = instruction["instruction"], instruction["value"]
        if kind in ("ENV", "ARG"):
            pairs = re.findall(r"([A-Za-z_][A-Za-z0-9_]*)(?:=(\"[^\"]*\"|'[^']*'|\S*))?", value)
            if kind == "ENV" and "=" not in value:  # legacy `ENV NAME value`
                name, _, rest = value.partition(" ")
                pairs = [(name, rest)]
            for name, assigned in pairs:
                if SECRET_NAME.search(name) and assigned.strip("\"'"):
                    problems.append(f"{kind} {name} has a value in the image")
        if kind in ("COPY", "ADD"):
            sources = [p for p in value.split() if not p.startswith("--")][:-1]
            if any(Path(s).name.startswith(".env") for s in sources):
                problems.append(f"{kind} {value}: copies an .env file into the image")
    return problems


def compose_replicas(compose: Mapping[str, Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for service in compose["services"].values():
        kind = (service.get("labels") or {}).get("ardoise.process")
        if kind in PROCESS_REPLICAS:
            counts[kind] = counts.get(kind, 0) + int(service.get("deploy", {}).get("replicas", 1))
    return counts


def kubernetes_replicas(documents: Iterable[dict[str, Any]]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for document in workloads(documents):
        if component(document) in PROCESS_REPLICAS and document["kind"] != "Job":
            kind = component(document)
            counts[kind] = counts.get(kind, 0) + int(document["spec"].get("replicas", 1))
    return counts


def endpoint_placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def required_settings() -> set[str]:
    """PRODUCTION_SETTINGS and every variable the repository's endpoints.yml expands."""
    return set(PRODUCTION_SETTINGS) | endpoint_placeholders(
        (PROJECT_ROOT / "endpoints.yml").read_text()
    )


def kubernetes_environment(
    container: Mapping[str, Any], documents: list[dict[str, Any]]
) -> set[str]:
    names = {e["name"] for e in container.get("env", [])}
    maps = {d["metadata"]["name"]: d for d in documents if d["kind"] == "ConfigMap"}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            names |= set(maps[source["configMapRef"]["name"]].get("data", {}))
    return names


def missing_settings(environment: set[str], needed: set[str]) -> set[str]:
    return needed - environment


def nginx_problems(conf: str, rasa_servers: set[str], web_servers: set[str]) -> list[str]:
    """/socket.io/ and /webhooks/ to a sticky upstream of the Rasa servers, the rest to web."""
    upstreams = {
        name: body for name, body in re.findall(r"upstream\s+(\S+)\s*\{(.*?)\n\s*\}", conf, re.S)
    }
    locations = {
        path: body
        for path, body in re.findall(r"location\s+(?:=\s*)?(\S+)\s*\{(.*?)\}", conf, re.S)
    }

    def servers(upstream: str) -> set[str]:
        return set(re.findall(r"^\s*server\s+([^\s;]+)", upstreams.get(upstream, ""), re.M))

    def target(path: str) -> str | None:
        found = re.search(r"proxy_pass\s+http://([^\s;/]+)", locations.get(path, ""))
        return found[1] if found else None

    problems = []
    for path in ("/socket.io/", "/webhooks/"):
        upstream = target(path)
        if upstream is None or servers(upstream) != rasa_servers:
            problems.append(f"{path} goes to {upstream} {servers(upstream or '')}, not Rasa")
        elif path == "/socket.io/" and "ip_hash" not in upstreams[upstream]:
            problems.append("socket.io's upstream is not sticky (ip_hash)")
    if target("/") is None or servers(target("/") or "") != web_servers:
        problems.append(f"/ goes to {target('/')}, not the web servers")
    for header in (r"Upgrade\s+\$http_upgrade", r"Connection\s+\$connection_upgrade"):
        if not re.search(r"proxy_set_header\s+" + header, conf):
            problems.append(f"no websocket header {header}")
    return problems


def interpolated(value: str) -> str:
    """A compose value with ${NAME:-default} given its default and ${NAME:?...}, ${NAME}
    a stand-in, as `docker compose` would with those variables set."""
    value = re.sub(r"\$\{([A-Z_][A-Z0-9_]*):-([^}]*)\}", lambda m: m[2], value)
    value = re.sub(
        r"\$\{([A-Z_][A-Z0-9_]*)(?::\?[^}]*)?\}",
        lambda m: (
            "https://careers.example.org"
            if m[1] in ("PUBLIC_URL", "WIDGET_ORIGINS")
            else f"stand-in-{m[1].lower()}"
        ),
        value,
    )
    return value.replace("$$", "$")


# --- the deployment as written ---------------------------------------------------------


def test_every_kubernetes_manifest_validates_against_the_schemas() -> None:
    documents = kubernetes_documents()
    assert len(documents) > 10
    assert kubernetes_problems(documents) == []


def test_the_compose_schema_is_check_jsonschemas_vendored_copy() -> None:
    assert hashlib.sha256(COMPOSE_SCHEMA.read_bytes()).hexdigest() == COMPOSE_SCHEMA_SHA256


def test_the_compose_file_validates_against_the_compose_specification() -> None:
    assert compose_problems(compose_file()) == []


def test_the_dockerfile_runs_as_a_user_with_no_secret_and_no_env_file() -> None:
    assert dockerfile_problems((DEPLOY / "Dockerfile").read_text()) == []


def test_the_image_context_leaves_out_secrets_and_local_state() -> None:
    ignored = set((PROJECT_ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "models", "var", "tests/artifacts"} <= ignored


def test_compose_and_kubernetes_run_two_of_each_process() -> None:
    assert compose_replicas(compose_file()) == PROCESS_REPLICAS
    assert kubernetes_replicas(kubernetes_documents()) == PROCESS_REPLICAS


@pytest.mark.parametrize("kind", [*PROCESS_REPLICAS, "prepare"])
def test_every_process_gets_every_production_setting(kind: str) -> None:
    needed = required_settings()
    for name, service in compose_services_of(compose_file(), kind).items():
        assert missing_settings(set(service["environment"]), needed) == set(), name
    documents = kubernetes_documents()
    container = app_containers(documents)[kind]
    assert missing_settings(kubernetes_environment(container, documents), needed) == set()


def test_secrets_come_from_the_environment_or_a_secret_reference_only() -> None:
    for name, service in compose_file()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key) and value:
                assert re.fullmatch(r"\$\{[A-Z_]+(:[-?][^}]*)?\}", str(value)), (name, key)
    for document in workloads(kubernetes_documents()):
        for container in document["spec"]["template"]["spec"]["containers"]:
            for variable in container.get("env", []):
                if SECRET_NAME.search(variable["name"]):
                    assert "secretKeyRef" in variable.get("valueFrom", {}), variable["name"]
    config = next(d for d in kubernetes_documents() if d["metadata"]["name"] == "ardoise-config")
    assert not [key for key in config["data"] if SECRET_NAME.search(key)]


def test_the_settings_as_deployed_are_accepted() -> None:
    """The values both files give parse (origins, networks, URLs) and say production."""
    compose = compose_file()
    web = next(iter(compose_services_of(compose, "web").values()))
    from_compose = settings_from({k: interpolated(str(v)) for k, v in web["environment"].items()})
    documents = kubernetes_documents()
    container = app_containers(documents)["web"]
    config = next(d for d in documents if d["metadata"]["name"] == "ardoise-config")
    env = dict(config["data"])
    for variable in container["env"]:
        value = variable.get("value", "stand-in")
        env[variable["name"]] = re.sub(r"\$\(([A-Z_]+)\)", "stand-in", value)
    from_kubernetes = settings_from(env)
    for settings in (from_compose, from_kubernetes):
        assert settings.database_url.startswith("postgresql://")
        assert settings.tracker_store_url == settings.database_url
        assert settings.lock_store_url and settings.lock_store_url.startswith("redis://")
        assert len(settings.serving_rasa_urls) == PROCESS_REPLICAS["rasa"]
        assert settings.trusted_proxies and settings.widget_origins
        assert settings.https


def test_both_run_the_same_command_for_each_process() -> None:
    compose = compose_file()
    containers = app_containers(kubernetes_documents())
    for kind in [*PROCESS_REPLICAS, "prepare"]:
        commands = {tuple(s["command"]) for s in compose_services_of(compose, kind).values()}
        assert commands == {tuple(containers[kind]["command"])}, kind
    assert "--auth-token" not in containers["rasa"]["command"]


@pytest.mark.parametrize("kind", list(PROCESS_REPLICAS))
def test_health_checks_use_the_routes_that_need_no_token(kind: str) -> None:
    port, path = HEALTH_ROUTES[kind]
    for name, service in compose_services_of(compose_file(), kind).items():
        assert f"http://127.0.0.1:{port}{path}'" in " ".join(service["healthcheck"]["test"]), name
        assert {c["condition"] for c in service["depends_on"].values()} <= {
            "service_healthy",
            "service_completed_successfully",
        }
    container = app_containers(kubernetes_documents())[kind]
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    for probe, expected in (
        ("readinessProbe", path),
        ("livenessProbe", LIVENESS_ROUTES[kind]),
    ):
        assert container[probe]["httpGet"]["path"] == expected
        assert ports[container[probe]["httpGet"]["port"]] == port
        assert container["resources"]["limits"]["memory"]


def test_rasa_reads_the_repositorys_endpoints_plus_the_event_broker() -> None:
    repository = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())
    in_compose = yaml.safe_load(
        compose_file()["configs"]["rasa-endpoints"]["content"].replace("$$", "$")
    )
    config = next(d for d in kubernetes_documents() if d["metadata"]["name"] == "rasa-endpoints")
    in_kubernetes = yaml.safe_load(config["data"]["endpoints.yml"])
    assert in_compose == in_kubernetes
    broker = in_compose.pop("event_broker")
    assert broker["type"] == "pika"
    assert in_compose == repository


def test_nginx_sends_socketio_and_webhooks_to_rasa_and_the_rest_to_web() -> None:
    compose = compose_file()
    rasa = {f"{name}:5005" for name in compose_services_of(compose, "rasa")}
    web = {f"{name}:8000" for name in compose_services_of(compose, "web")}
    assert nginx_problems((DEPLOY / "nginx.conf").read_text(), rasa, web) == []
    config = next(d for d in kubernetes_documents() if d["metadata"]["name"] == "nginx-config")
    pods = {f"rasa-{i}.rasa-pods.ardoise.svc.cluster.local:5005" for i in range(2)}
    service = {"web.ardoise.svc.cluster.local:8000"}
    assert nginx_problems(config["data"]["nginx.conf"], pods, service) == []


# --- each check fails on a broken copy -------------------------------------------------


def test_a_manifest_with_a_misspelt_field_or_a_secret_value_fails() -> None:
    documents = kubernetes_documents()
    deployment = copy.deepcopy(next(d for d in documents if d["kind"] == "Deployment"))
    deployment["spec"]["replica"] = 2
    wrong_type = copy.deepcopy(next(d for d in documents if d["kind"] == "Deployment"))
    wrong_type["spec"]["replicas"] = "two"
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": "ardoise-secrets"},
        "stringData": {"rasa-token": "hunter2"},
    }
    assert len(kubernetes_problems([deployment, wrong_type, secret])) == 3


def test_a_compose_file_against_the_specification_fails() -> None:
    compose = compose_file()
    compose["services"]["web-1"]["depends_on"]["prepare"]["condition"] = "service_ready"
    problems = compose_problems(compose)
    assert problems and all(p.startswith("services.web-1") for p in problems)
    compose = compose_file()
    compose["services"]["web-2"]["restarts"] = "always"
    problems = compose_problems(compose)
    assert problems and all(p.startswith("services.web-2") for p in problems)


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda t: t.replace("USER ardoise:ardoise", ""), "no USER"),
        (lambda t: t + "\nUSER root\n", "the last USER is root"),
        (lambda t: t + "\nENV DB_PASSWORD=hunter2\n", "ENV DB_PASSWORD has a value"),
        (lambda t: t + "\nARG RASA_TOKEN=abc\n", "ARG RASA_TOKEN has a value"),
        (lambda t: t + "\nCOPY .env /app/.env\n", "copies an .env file"),
    ],
)
def test_a_dockerfile_with_root_a_secret_or_an_env_file_fails(change: Any, problem: str) -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    assert any(problem in p for p in dockerfile_problems(change(text)))
    # an ARG without a value (given at build time) is not a secret in the image
    assert dockerfile_problems(text + "\nARG RASA_TOKEN\n") == []


def test_a_missing_replica_or_setting_is_found() -> None:
    compose = compose_file()
    del compose["services"]["web-2"]
    assert compose_replicas(compose) != PROCESS_REPLICAS
    compose["services"]["actions-1"]["deploy"] = {"replicas": 3}
    assert compose_replicas(compose)["actions"] == 4
    environment = set(compose["services"]["rasa-1"]["environment"]) - {
        "RASA_TOKEN",
        "LOCK_STORE_DB",
    }
    assert missing_settings(environment, required_settings()) == {"RASA_TOKEN", "LOCK_STORE_DB"}
    documents = kubernetes_documents()
    rasa = next(d for d in documents if d["kind"] == "StatefulSet" and component(d) == "rasa")
    rasa["spec"]["replicas"] = 1
    assert kubernetes_replicas(documents)["rasa"] == 1


def test_nginx_routing_webhooks_to_the_web_servers_fails() -> None:
    conf = (DEPLOY / "nginx.conf").read_text()
    rasa, web = {"rasa-1:5005", "rasa-2:5005"}, {"web-1:8000", "web-2:8000"}
    broken = re.sub(
        r"(location /webhooks/ \{\s*proxy_pass http://)rasa", r"\g<1>web", conf, count=1
    )
    assert broken != conf
    assert nginx_problems(broken, rasa, web) == [
        "/webhooks/ goes to web " + repr(web) + ", not Rasa"
    ]
    unsticky = conf.replace("ip_hash;", "")
    assert nginx_problems(unsticky, rasa, web) == ["socket.io's upstream is not sticky (ip_hash)"]
    assert nginx_problems(conf.replace("proxy_set_header Upgrade", "#"), rasa, web)
