"""What our processes' logs may hold: no candidate text, even when a query fails.

A failed SQL statement's error message carries its parameters, and those are
the candidate's words (a question, a name, an e-mail address) whenever the
statement stored or searched them. Logs are kept outside the database, so
erasing a conversation would not reach them. Two layers keep them out:

- every engine our code makes, and every engine made in a process where
  `install()` ran (Rasa's tracker store included), hides its parameters
  (SQLAlchemy `hide_parameters`);
- every log line is scrubbed as it is formatted: what follows `[parameters:`
  in an SQLAlchemy message is replaced by `[parameters hidden]`.
"""

from __future__ import annotations

import logging
import os
import re

from sqlalchemy.engine import Connection

PRIVATE_UMASK = 0o077
PARAMETERS = re.compile(r"\[parameters: .*?(?=\n\(Background on this error|\Z)", re.DOTALL)
HIDDEN = "[parameters hidden]"

_installed = False


def scrub(text: str) -> str:
    """The log text without SQL statement parameters."""
    return PARAMETERS.sub(HIDDEN, text) if "[parameters: " in text else text


def _hide_parameters(connection: Connection, branch: bool = False) -> None:
    # Engines made elsewhere (Rasa's tracker store) get the setting on first use.
    connection.engine.hide_parameters = True


def install() -> None:
    """In this process: files private to the user, SQL parameters out of every log line."""
    global _installed
    os.umask(PRIVATE_UMASK)
    if _installed:
        return
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    event.listen(Engine, "engine_connect", _hide_parameters)
    original = logging.Formatter.format

    def format(self: logging.Formatter, record: logging.LogRecord) -> str:
        return scrub(original(self, record))

    logging.Formatter.format = format  # type: ignore[method-assign]
    _installed = True
