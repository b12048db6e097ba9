"""Alembic environment: migrates the database named by the caller's configuration."""

from __future__ import annotations

from alembic import context

import bot.applications.models  # noqa: F401  (registers the applications and CVs)
import bot.candidate.feedback  # noqa: F401  (registers the feedback table)
import bot.candidate.sessions  # noqa: F401  (registers the chat sessions table)
import bot.core.audit  # noqa: F401  (registers the audit log)
import bot.events.models  # noqa: F401  (registers the event registrations)
import bot.handoff.models  # noqa: F401  (registers the handoff tables)
import bot.hr.retraining.builds  # noqa: F401  (registers the model builds)
import bot.hr.triage  # noqa: F401  (registers the inbox tables)
import bot.knowledge.models  # noqa: F401  (registers the knowledge tables)
import bot.meetings.models  # noqa: F401  (registers the ambassadors and bookings)
import bot.records.models  # noqa: F401  (registers the events and job positions)
import bot.staff.accounts  # noqa: F401  (registers the staff accounts table)
import bot.staff.web_sessions  # noqa: F401  (registers the console sessions table)
from bot.core.db import Base, make_engine

config = context.config
url = config.get_main_option("sqlalchemy.url") or ""


def run_migrations() -> None:
    if context.is_offline_mode():
        context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = make_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


run_migrations()
