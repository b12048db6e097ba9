"""The JSON the recruiter console reads: handoffs, transcript lines, notes, callback requests.

One shape each, shared by the HTTP routes and the live socket (console.js reads them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.core.meeting_texts import TEAMS
from bot.core.transcript import Line
from bot.handoff.models import CallbackRequest, HandoffNote
from bot.handoff.service import Listed

LINE_FIELDS = ("sender", "text", "at", "author", "custom")
# What the console (in French) calls a handoff's topic: a team, else a knowledge-base topic;
# a topic HR made up since is shown as it is written.
TOPIC_NAMES = {
    **TEAMS["fr"],
    "careers": "Carrières",
    "company": "Entreprise",
    "csr": "RSE",
    "culture": "Culture",
    "diversity": "Diversité",
    "early-careers": "Débuts de carrière",
    "events": "Événements",
    "hiring": "Recrutement",
    "international": "International",
    "jobs": "Postes",
    "pay": "Rémunération",
    "recruiters": "Recruteurs",
    "remote": "Télétravail",
    "teams": "Équipes",
    "values": "Valeurs",
}
# The JSON key, and the request's attribute it shows.
CALLBACK_FIELDS = {
    "id": "id",
    "conversation": "conversation_id",
    "name": "name",
    "email": "email",
    "question": "question",
    "language": "language",
    "status": "status",
    "consent": "consent_text",
}


def _utc(moment: datetime) -> str:
    return moment.isoformat() + "Z"


def handoff_json(listed: Listed) -> dict[str, Any]:
    h = listed.handoff
    return {
        "id": h.id,
        "conversation": h.conversation_id,
        "status": h.status,
        "reason": h.reason,
        "language": h.language,
        "topic": h.topic,
        "topic_label": TOPIC_NAMES.get(h.topic, h.topic),
        "routed_to": h.routed_to,
        "summary": h.summary,
        "requested_at": _utc(h.requested_at),
        "claimed_at": _utc(h.claimed_at) if h.claimed_at else None,
        "claimed_by": listed.claimed_by,
        "claimed_by_id": h.claimed_by,
    }


def line_json(line: Line) -> dict[str, Any]:
    return {name: getattr(line, name) for name in LINE_FIELDS}


def note_json(note: HandoffNote) -> dict[str, Any]:
    return {"author": note.author_name, "text": note.text, "at": _utc(note.created_at)}


def callback_json(request: CallbackRequest) -> dict[str, Any]:
    fields = {key: getattr(request, name) for key, name in CALLBACK_FIELDS.items()}
    return {**fields, "created_at": _utc(request.created_at)}
