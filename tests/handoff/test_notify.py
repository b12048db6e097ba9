"""Notifications for real: a local SMTP server and a local webhook receiver."""

from __future__ import annotations

import socket

from aiosmtpd.controller import Controller

from bot.handoff.notify import notify, post_webhook, send_email
from tests.conftest import make_settings
from tests.inbox_servers import start_smtp, start_webhook


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_e_mail_and_webhook_are_sent(tmp_path):
    smtp_port, hook_port = free_port(), free_port()
    controller, mailbox = start_smtp(smtp_port)
    server, hooks = start_webhook(hook_port)
    try:
        settings = make_settings(
            tmp_path,
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=str(smtp_port),
            NOTIFY_EMAILS="a@ardoise.test,b@ardoise.test",
            NOTIFY_WEBHOOK_URL=f"http://127.0.0.1:{hook_port}/hook",
        )
        notify(settings, "A candidate is waiting", "Asked: <b>visa</b>")
        mail = mailbox.wait_for(lambda m: m["Subject"] == "A candidate is waiting")
        assert mail["To"] == "a@ardoise.test, b@ardoise.test"
        assert "Asked: <b>visa</b>" in mail.get_payload()
        body = hooks.wait_for(lambda b: "A candidate is waiting" in b["text"])
        assert set(body) == {"text"}  # what Slack and Teams incoming webhooks accept
        hooks.status = 500
        assert post_webhook(settings, "again") is False
    finally:
        controller.stop()
        server.shutdown()


def test_a_failing_notifier_never_raises(tmp_path):
    settings = make_settings(
        tmp_path,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(free_port()),  # nobody listens
        NOTIFY_EMAILS="a@ardoise.test",
        NOTIFY_WEBHOOK_URL=f"http://127.0.0.1:{free_port()}/hook",
    )
    assert send_email(settings, "s", "b") is False
    assert post_webhook(settings, "t") is False
    notify(settings, "s", "b")  # does not raise


def test_nothing_configured_sends_nothing(tmp_path):
    settings = make_settings(tmp_path)
    assert send_email(settings, "s", "b") is False and post_webhook(settings, "t") is False


class RefusingMailbox:
    """An SMTP server that takes the connection and refuses every message."""

    def __init__(self) -> None:
        self.refused = 0

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        self.refused += 1
        return "554 5.7.1 Message refused"


def local_settings(tmp_path, smtp_port: int, hook_port: int):
    return make_settings(
        tmp_path,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(smtp_port),
        NOTIFY_EMAILS="a@ardoise.test",
        NOTIFY_WEBHOOK_URL=f"http://127.0.0.1:{hook_port}/hook",
    )


def test_a_line_break_in_a_subject_cancels_neither_notification(tmp_path):
    smtp_port, hook_port = free_port(), free_port()
    controller, mailbox = start_smtp(smtp_port)
    server, hooks = start_webhook(hook_port)
    try:
        settings = local_settings(tmp_path, smtp_port, hook_port)
        sent = notify(settings, "Callback request from Ada\nBcc: all@example.org (fr)", "Visa ?")
        assert sent == {"email": True, "webhook": True}
        mail = mailbox.wait_for(lambda m: "Ada" in m["Subject"])
        assert mail["Subject"] == "Callback request from Ada Bcc: all@example.org (fr)"
        assert mail["Bcc"] is None
        body = hooks.wait_for(lambda b: "Ada" in b["text"])
        assert body["text"] == "Callback request from Ada Bcc: all@example.org (fr)\nVisa ?"
    finally:
        controller.stop()
        server.shutdown()


def test_a_refusing_smtp_server_does_not_stop_the_webhook(tmp_path):
    smtp_port, hook_port = free_port(), free_port()
    refusing = RefusingMailbox()
    controller = Controller(refusing, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    server, hooks = start_webhook(hook_port)
    try:
        settings = local_settings(tmp_path, smtp_port, hook_port)
        assert notify(settings, "A candidate is waiting", "Asked: visa") == {
            "email": False,
            "webhook": True,
        }
        assert refusing.refused == 1  # the server did get the message, and said no
        hooks.wait_for(lambda b: b["text"] == "A candidate is waiting\nAsked: visa")
    finally:
        controller.stop()
        server.shutdown()


def test_an_unreachable_webhook_does_not_stop_the_e_mail(tmp_path):
    smtp_port = free_port()
    controller, mailbox = start_smtp(smtp_port)
    try:
        settings = local_settings(tmp_path, smtp_port, free_port())  # nobody listens there
        assert notify(settings, "A candidate is waiting", "Asked: visa") == {
            "email": True,
            "webhook": False,
        }
        mailbox.wait_for(lambda m: m["Subject"] == "A candidate is waiting")
    finally:
        controller.stop()
