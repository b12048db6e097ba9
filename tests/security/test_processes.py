"""The processes: the action server answers only Rasa, on loopback, and never leaks an
error's text; Rasa's API token is not in the process list; no candidate text and no
false alarm in the logs (issue 16, findings 1, 5 and 12, and the greeting's ERROR lines).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.core.db import transaction
from bot.core.settings import Settings, settings_from
from bot.inbox.service import open_items
from bot.ops.launcher import Services
from bot.ops.schema import upgrade
from tests.conftest import port
from tests.e2e.conftest import start_or_fail

pytestmark = pytest.mark.e2e

ACTION_FIXTURES = Path(__file__).parents[1] / "actions" / "fixtures"
TOKEN = "action-test-secret"
# Words a candidate typed: they must never come back in an error body or a log line.
CANDIDATE_WORDS = "ZORGLUB mes mots secrets 0612345678"


@dataclass
class ActionServer:
    settings: Settings
    services: Services

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.settings.action_port}"

    def log(self) -> str:
        return (self.services.log_dir / "actions.log").read_text(errors="replace")


@pytest.fixture(scope="module")
def action_server(tmp_path_factory) -> Iterator[ActionServer]:
    """The action server alone (no model needed), on a fresh database."""
    root = tmp_path_factory.mktemp("action-server")
    url = f"sqlite:///{root / 'app.db'}"
    upgrade(url)
    settings = settings_from(
        {
            "VAR_DIR": str(root / "var"),
            "DATABASE_URL": url,
            "ACTION_PORT": str(port(18655)),
            "ACTION_TOKEN": TOKEN,
            "WEB_PORT": str(port(18680)),
            # nobody on duty: a human request leaves an inbox item and offers a callback
            "OFFICE_HOURS": "mon-fri 09:00-09:01",
        }
    )
    services = Services(settings=settings, model=root / "no-model", log_dir=root / "logs")
    services.start_actions()
    start_or_fail(services)
    try:
        yield ActionServer(settings, services)
    finally:
        services.stop()


def action_call(action: str, *, language: object = "fr", question: str = CANDIDATE_WORDS) -> dict:
    """What Rasa posts to run `action` for a conversation whose candidate asked `question`."""
    state = json.loads((ACTION_FIXTURES / "faq_remote.json").read_text(encoding="utf-8"))
    sender = f"forged-{uuid.uuid4().hex[:8]}"
    state["sender_id"] = sender
    state["slots"]["language"] = language
    state["latest_message"] = {"text": "/request_human", "intent": {"name": "request_human"}}
    state["events"] = [
        {"event": "user", "text": question, "parse_data": {"intent": {"name": "faq"}}}
    ]
    return {"next_action": action, "sender_id": sender, "tracker": state, "domain": {}}


def listening_addresses(tcp_port: int) -> set[str]:
    """The local addresses (hex, as the kernel writes them) listening on `tcp_port`."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            address, hex_port = fields[1].rsplit(":", 1)
            if int(hex_port, 16) == tcp_port and fields[3] == "0A":  # 0A: LISTEN
                found.add(address)
    return found


def test_the_action_server_listens_on_loopback_only(action_server):
    # 0100007F is 127.0.0.1; 00000000 would be every interface
    assert listening_addresses(action_server.settings.action_port) == {"0100007F"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": TOKEN}, {"X-Token": TOKEN}],
    ids=["none", "wrong", "no-bearer", "other-header"],
)
def test_a_forged_action_call_without_the_secret_is_refused_and_changes_nothing(
    action_server, headers
):
    call = action_call("action_request_human")
    response = requests.post(f"{action_server.url}/webhook", json=call, headers=headers, timeout=30)
    assert response.status_code == 401
    assert response.json() == {
        "error": "wrong or missing action server token",
        "code": "unauthorized",
    }
    listed = requests.get(f"{action_server.url}/actions", headers=headers, timeout=30)
    assert listed.status_code == 401
    with transaction(action_server.settings.database_url) as session:
        assert [i.conversation_id for i in open_items(session=session)] == []


def test_the_health_check_needs_no_secret(action_server):
    response = requests.get(f"{action_server.url}/health", timeout=30)
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_rasa_with_the_secret_runs_actions(action_server):
    call = action_call("action_request_human")
    response = requests.post(
        f"{action_server.url}/webhook",
        json=call,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 200
    assert response.json()["responses"][0]["custom"]["status"] == "offered"
    with transaction(action_server.settings.database_url) as session:
        items = [i for i in open_items(session=session) if i.conversation_id == call["sender_id"]]
    assert [i.text for i in items] == [CANDIDATE_WORDS]


def test_a_failing_action_returns_no_exception_text_and_logs_no_candidate_words(action_server):
    # A wrong-typed slot makes the inbox INSERT fail inside the action server.
    call = action_call("action_request_human", language={"x": 1})
    response = requests.post(
        f"{action_server.url}/webhook",
        json=call,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert response.status_code == 500
    assert response.json() == {
        "error": "the action failed; see the action server's log",
        "code": "internal_error",
    }
    log = action_server.log()
    assert "sqlite3.InterfaceError" in log  # the failure is logged for the developer...
    assert "ZORGLUB" not in log and "0612345678" not in log  # ...without the candidate's words


def test_an_unreadable_body_is_a_400_without_echo(action_server):
    response = requests.post(
        f"{action_server.url}/webhook",
        data=b'{"tracker": "ZORGLUB',
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        timeout=30,
    )
    assert (response.status_code, response.json()) == (
        400,
        {"error": "the request could not be read", "code": "bad_request"},
    )


# ------------------------------------------------- the whole stack (needs the model)


def process_tree(root_pids: list[int]) -> set[int]:
    """The given processes and all their descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), list(root_pids)
    while todo:
        pid = todo.pop()
        if pid not in found:
            found.add(pid)
            todo.extend(children.get(pid, []))
    return found


def command_lines(pids: set[int]) -> dict[int, bytes]:
    """The command line of each process still running, arguments separated by spaces."""
    found = {}
    for pid in pids:
        try:
            found[pid] = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


def test_the_rasa_token_is_not_in_the_process_list(assistant):
    pids = process_tree([p.pid for p in assistant.services.processes.values()])
    lines = command_lines(pids)
    assert any(b"bot.ops.rasa_server" in line for line in lines.values())
    token = assistant.settings.rasa_token.encode()
    assert [pid for pid, line in lines.items() if token in line] == []


@pytest.mark.parametrize(
    ("params", "status"), [({}, 401), ({"token": "wrong"}, 401), (None, 200)], ids=str
)
def test_the_rasa_api_still_checks_its_token(assistant, params, status):
    given = {"token": assistant.settings.rasa_token} if params is None else params
    response = requests.get(f"{assistant.url}/status", params=given, timeout=30)
    assert response.status_code == status


def test_rasa_refuses_the_token_on_its_command_line(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "bot.ops.rasa_server", "run", "--auth-token", "x"],
        capture_output=True,
        text=True,
        env={"VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"},
        cwd=Path(__file__).parents[2],
        timeout=120,
    )
    assert result.returncode == 2
    assert "refused: pass the token in RASA_TOKEN, not --auth-token" in result.stderr


def log_tail(services: Services, name: str, start: int) -> str:
    return (services.log_dir / f"{name}.log").read_bytes()[start:].decode(errors="replace")


def log_size(services: Services, name: str) -> int:
    return (services.log_dir / f"{name}.log").stat().st_size


def error_lines(text: str) -> list[str]:
    """Lines logged at ERROR: `ERROR` (logging) or `[error    ]` (Rasa's structlog)."""
    return [line for line in text.splitlines() if re.search(r"\bERROR\b|\[error\s*\]", line)]


def test_a_greeting_conversation_leaves_no_error_in_the_logs(assistant):
    services = assistant.services
    start = {name: log_size(services, name) for name in ("rasa", "actions")}
    sender = f"greet-{uuid.uuid4().hex[:8]}"
    replies = assistant.ask(sender, "Bonjour")
    payloads = [b["payload"] for r in replies for b in r.get("buttons", [])]
    # the buttons still carry their intent payloads unchanged
    assert '/choose_article{"article": "open-positions"}' in payloads
    assistant.ask(sender, "Hello")
    assistant.ask(sender, "Quels sont vos avantages, ZORGLUB ?")
    for name in ("rasa", "actions"):
        tail = log_tail(services, name, start[name])
        assert error_lines(tail) == [], name
        assert "ZORGLUB" not in tail, name  # what candidates write is not logged


def test_a_failed_action_puts_no_candidate_words_in_rasas_log(assistant):
    """Rasa logs what the action server answers when an action fails: no SQL parameters."""
    services = assistant.services
    start = {name: log_size(services, name) for name in ("rasa", "actions")}
    sender = f"leak-{uuid.uuid4().hex[:8]}"
    token = {"token": assistant.settings.rasa_token}
    events = [
        {"event": "user", "text": CANDIDATE_WORDS, "parse_data": {"intent": {"name": "faq"}}},
        {"event": "slot", "name": "language", "value": {"x": 1}},
    ]
    appended = requests.post(
        f"{assistant.url}/conversations/{sender}/tracker/events",
        params=token,
        json=events,
        timeout=30,
    )
    assert appended.status_code == 200
    executed = requests.post(
        f"{assistant.url}/conversations/{sender}/execute",
        params=token,
        json={"name": "action_request_human"},
        timeout=60,
    )
    assert executed.status_code == 200  # Rasa carries on without the action's events
    rasa_log = log_tail(services, "rasa", start["rasa"])
    # Rasa logs the action server's answer: the fixed sentence, no SQL error, no words
    assert "the action failed; see the action server" in rasa_log
    assert "INSERT INTO" not in rasa_log
    for name in ("rasa", "actions"):
        tail = log_tail(services, name, start[name])
        assert "ZORGLUB" not in tail and "0612345678" not in tail, name
