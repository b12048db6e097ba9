"""A database fault on one conversation, for real: the tracker store's SQLite database
refuses every new row of it (a trigger), as a database away would."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from bot.core.tracker_store import candidate_messages


@contextmanager
def refusing(url: str, conversation_id: str) -> Iterator[None]:
    """While inside, the tracker store at `url` refuses the conversation's new rows."""
    engine = create_engine(url)
    name = f"refuse_{uuid.uuid4().hex[:8]}"
    quoted = conversation_id.replace("'", "''")
    with engine.begin() as connection:
        connection.execute(
            text(
                f"CREATE TRIGGER {name} BEFORE INSERT ON events "
                f"WHEN NEW.sender_id = '{quoted}' "
                "BEGIN SELECT RAISE(ABORT, 'the database is away'); END"
            )
        )
    try:
        yield
    finally:
        with engine.begin() as connection:
            connection.execute(text(f"DROP TRIGGER {name}"))
        engine.dispose()


def stored_texts(url: str, conversation_id: str) -> list[str]:
    """What the candidate said in the conversation, as stored."""
    return [e["text"] for e in candidate_messages(url, [conversation_id]).get(conversation_id, [])]
