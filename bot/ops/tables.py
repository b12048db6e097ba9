"""Every table of the assistant, registered on bot.core.db.Base.metadata (for the
migrations and the backups)."""

from __future__ import annotations

import bot.applications.models  # noqa: F401  (registers the applications and CVs)
import bot.candidate.feedback  # noqa: F401  (registers the feedback table)
import bot.candidate.sessions  # noqa: F401  (registers the chat sessions table)
import bot.community.models  # noqa: F401  (registers the talent community)
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
