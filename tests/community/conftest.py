"""The community's tests: a local SMTP server (aiosmtpd) and settings that use it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.settings import Settings
from tests.conftest import make_settings, port
from tests.inbox_servers import Mailbox, start_smtp

SMTP = port(29525)


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[Mailbox]:
    controller, box = start_smtp(SMTP)
    yield box
    controller.stop()


@pytest.fixture
def mailbox(smtp_server: Mailbox) -> Mailbox:
    smtp_server.messages.clear()
    return smtp_server


@pytest.fixture
def mail_settings(tmp_path: Path, kb_url: str, mailbox: Mailbox) -> Settings:
    return make_settings(
        tmp_path,
        database_url=kb_url,
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=str(SMTP),
        PUBLIC_URL="https://careers.example.org",
    )
