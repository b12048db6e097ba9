"""Local stand-ins for what is outside the machine: an SMTP server and a webhook receiver."""

from __future__ import annotations

import json
import threading
import time
from email import message_from_bytes
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller


class Mailbox:
    """aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"

    def wait_for(self, predicate, timeout: float = 10.0) -> Message:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for message in self.messages:
                if predicate(message):
                    return message
            time.sleep(0.05)
        raise AssertionError(f"no such e-mail; got {[m['Subject'] for m in self.messages]}")


def start_smtp(port: int) -> tuple[Controller, Mailbox]:
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller, mailbox


class Hooks:
    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200

    def wait_for(self, predicate, timeout: float = 10.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body in self.bodies:
                if predicate(body):
                    return body
            time.sleep(0.05)
        raise AssertionError(f"no such webhook call; got {self.bodies}")


def start_webhook(port: int) -> tuple[ThreadingHTTPServer, Hooks]:
    hooks = Hooks()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            hooks.bodies.append(json.loads(self.rfile.read(length) or b"{}"))
            self.send_response(hooks.status)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, hooks
