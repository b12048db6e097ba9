"""The outgoing ATS webhook against a local receiver over real HTTP: signed, retried with
backoff when the receiver fails, never sent twice, and a deletion event on erasure."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from sqlalchemy import select

from bot.applications import ats, files
from bot.applications.models import AtsDelivery, CvFile
from bot.applications.service import erase_conversation_applications, take_application
from bot.core.db import transaction
from bot.core.settings import SettingsError
from bot.records.defaults import prepare_records
from bot.records.service import local_today
from tests.applications.cvs import pdf
from tests.conftest import make_settings, port

SECRET = "a-long-shared-ats-secret"
NOW = dt.datetime(2026, 12, 1, 9, 0)


class Receiver:
    """An ATS on this machine: answers `failures` times 500, then 200; keeps every request."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the standard library's name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append({"headers": dict(self.headers), "body": body})
                failing = receiver.failures > 0
                receiver.failures -= 1
                self.send_response(500 if failing else 200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", port(18930)), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/ats"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    made = Receiver()
    yield made
    made.close()


@pytest.fixture
def settings(tmp_path, kb_url, receiver):
    with transaction(kb_url) as session:
        prepare_records(session=session, today=local_today("Europe/Paris"))
    return make_settings(
        tmp_path, database_url=kb_url, ATS_WEBHOOK_URL=receiver.url, ATS_WEBHOOK_SECRET=SECRET
    )


def apply(settings, conversation: str = "c1") -> str:
    stored = files.store(settings, files.check_cv(pdf()))
    with transaction(settings.database_url) as session:
        session.add(CvFile(token="tok", stored_as=stored, kind="pdf", size=7, created_at=NOW))
        session.flush()
        taken = take_application(
            session=session,
            data={
                "job": "sre",
                "first_name": "Léa",
                "last_name": "Martin",
                "email": "lea@example.org",
                "cv": "tok",
                "message": "Bonjour",
                "consent": True,
            },
            conversation_id=conversation,
            language="fr",
            consent_text="J'accepte",
            now=NOW,
        )
        public_id = taken.application.public_id
        ats.enqueue(session=session, kind="application.created", application=public_id, now=NOW)
    return public_id


def verified(request: dict[str, Any]) -> dict[str, Any]:
    """The body, once the signature is checked as a receiver would."""
    headers = request["headers"]
    expected = hmac.new(
        SECRET.encode(),
        headers["X-Ardoise-Timestamp"].encode() + b"." + request["body"],
        hashlib.sha256,
    ).hexdigest()
    assert hmac.compare_digest(headers["X-Ardoise-Signature"], "sha256=" + expected)
    assert headers["Idempotency-Key"] == headers["X-Ardoise-Delivery"]
    return json.loads(request["body"])


def test_an_application_is_forwarded_signed_with_its_cv(settings, receiver):
    public_id = apply(settings)
    assert ats.deliver_due(settings, NOW) == 1
    (request,) = receiver.requests
    event = verified(request)
    assert request["headers"]["X-Ardoise-Event"] == "application.created"
    assert event["event"] == "application.created"
    application = event["application"]
    assert application["id"] == public_id and application["job"]["id"] == "sre"
    assert (application["first_name"], application["email"]) == ("Léa", "lea@example.org")
    assert application["consent"] == {"text": "J'accepte", "at": "2026-12-01T09:00:00Z"}
    assert application["cv"]["kind"] == "pdf"
    import base64

    assert base64.b64decode(application["cv"]["content_base64"])[:5] == b"%PDF-"
    # delivered: never again
    assert ats.deliver_due(settings, NOW + dt.timedelta(hours=1)) == 0
    assert len(receiver.requests) == 1


def test_a_failing_receiver_is_retried_with_backoff_under_one_key(settings, receiver):
    apply(settings)
    receiver.failures = 2
    assert ats.deliver_due(settings, NOW) == 0
    assert ats.deliver_due(settings, NOW + dt.timedelta(seconds=29)) == 0  # not due yet
    assert len(receiver.requests) == 1
    assert ats.deliver_due(settings, NOW + dt.timedelta(seconds=30)) == 0  # second failure
    assert ats.deliver_due(settings, NOW + dt.timedelta(seconds=89)) == 0  # 1 min after it
    assert ats.deliver_due(settings, NOW + dt.timedelta(seconds=90)) == 1
    keys = {r["headers"]["Idempotency-Key"] for r in receiver.requests}
    assert len(receiver.requests) == 3 and len(keys) == 1
    for request in receiver.requests:
        verified(request)
    with transaction(settings.database_url) as session:
        delivery = session.execute(select(AtsDelivery)).scalar_one()
        assert (delivery.attempts, delivery.outcome) == (3, "delivered")


def test_an_unreachable_receiver_is_given_up_after_the_last_attempt(settings, receiver):
    apply(settings)
    receiver.close()
    moment = NOW
    for _ in range(ats.MAX_ATTEMPTS):
        assert ats.deliver_due(settings, moment) == 0
        moment += ats.LONGEST_RETRY
    with transaction(settings.database_url) as session:
        delivery = session.execute(select(AtsDelivery)).scalar_one()
        assert (delivery.attempts, delivery.outcome) == (ats.MAX_ATTEMPTS, "failed")
        assert delivery.last_error
    assert ats.backoff(1) == dt.timedelta(seconds=30) and ats.backoff(2) == dt.timedelta(minutes=1)
    assert ats.backoff(30) == ats.LONGEST_RETRY


def test_two_processes_sweeping_at_once_send_each_event_once(settings, receiver):
    apply(settings)
    results: list[int] = []
    sweeps = [
        threading.Thread(target=lambda: results.append(ats.deliver_due(settings, NOW)))
        for _ in range(2)
    ]
    for sweep in sweeps:
        sweep.start()
    for sweep in sweeps:
        sweep.join()
    assert sorted(results) == [0, 1]
    assert len(receiver.requests) == 1


def test_an_erasure_sends_a_deletion_and_skips_what_had_not_gone(settings, receiver):
    public_id = apply(settings)
    with transaction(settings.database_url) as session:
        erase_conversation_applications(session=session, conversation_id="c1", announce=NOW)
    assert ats.deliver_due(settings, NOW) == 1
    (request,) = receiver.requests  # the creation had not gone: skipped, not sent
    event = verified(request)
    assert event["event"] == "application.deleted"
    assert event["application"] == {"id": public_id}  # nothing personal
    with transaction(settings.database_url) as session:
        outcomes = session.execute(select(AtsDelivery.kind, AtsDelivery.outcome)).all()
    assert sorted(outcomes) == [
        ("application.created", "skipped"),
        ("application.deleted", "delivered"),
    ]


def test_no_url_no_delivery_and_a_url_needs_a_secret(tmp_path, kb_url):
    quiet = make_settings(tmp_path, database_url=kb_url)
    assert ats.deliver_due(quiet, NOW) == 0
    with pytest.raises(SettingsError, match="ATS_WEBHOOK_SECRET"):
        make_settings(tmp_path, database_url=kb_url, ATS_WEBHOOK_URL="https://ats.example.org/h")


async def test_the_web_servers_sweep_sends_what_is_due(settings, receiver):
    """The sweep runs in every web process once an ATS is configured."""
    import asyncio

    from aiohttp.test_utils import TestServer
    from sqlalchemy import update

    from bot.core.clock import utcnow
    from bot.web.app import create_app

    apply(settings)
    with transaction(settings.database_url) as session:  # due now, by the server's clock
        session.execute(update(AtsDelivery).values(next_attempt_at=utcnow()))
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    try:
        for _ in range(100):
            if receiver.requests:
                break
            await asyncio.sleep(0.1)
    finally:
        await server.close()
    (request,) = receiver.requests
    assert verified(request)["event"] == "application.created"
