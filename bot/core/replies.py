"""The reply contract: the `custom` payloads that travel with the assistant's messages.

Widgets, the console, analytics and tests rely on these shapes (README, "Reply
contract"); each is built here and nowhere else in the code. The domain's own
responses (greetings, disclosure, off-topic) carry theirs in domain.yml.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any, Literal

Payload = dict[str, Any]
OfferReason = Literal["personal", "not_helpful", "unavailable", "timeout"]
EndStatus = Literal["returned", "closed"]


def answer(
    *,
    article: str,
    confidence: float,
    language: str,
    owner: str = "",
    owner_label: str = "",
    reviewed: str | None = None,
    stale: bool = False,
) -> Payload:
    """An answer from the knowledge base, with its source: the owner team (id and name in
    the answer's language), the date HR last checked it (ISO) and whether that is too
    long ago (`REVIEW_MAX_DAYS`)."""
    return {
        "type": "answer",
        "article": article,
        "confidence": confidence,
        "language": language,
        "owner": owner,
        "owner_label": owner_label,
        "reviewed": reviewed,
        "stale": stale,
    }


def jobs(items: list[dict[str, Any]], unmatched: list[str]) -> Payload:
    """Open positions found for a search, each with why it fits (`reasons`) and what
    differs when none fits everything; `unmatched`: what the search could not meet."""
    return {"type": "jobs", "jobs": list(items), "unmatched": list(unmatched)}


def priorities_question(options: list[dict[str, str]]) -> Payload:
    """ "What matters most to you?": the priorities offered as chips (`id`, `label`); the
    answer is `/tell_priorities{"priorities": [<id>, ...]}`."""
    return {"type": "priorities_question", "options": list(options)}


def pitch(
    *,
    priorities: list[str],
    language: str,
    points: list[dict[str, Any]],
    jobs: list[dict[str, Any]],
    teams: list[str],
) -> Payload:
    """The personal pitch: what matters to the candidate, each point quoted from an article
    (`article`, `title`, `text`, `reviewed`, `stale`), the open positions and teams that fit,
    in `language`."""
    return {
        "type": "pitch",
        "priorities": list(priorities),
        "language": language,
        "points": list(points),
        "jobs": list(jobs),
        "teams": list(teams),
    }


def follow_up(article: str) -> Payload:
    """A question the same article would answer again, right after it: the assistant moves
    on (to booking or registering, or to a recruiter) instead of repeating `article`."""
    return {"type": "follow_up", "article": article}


def language_switch(language: str) -> Payload:
    """The message was clearly in another language than the page's: the assistant answers
    in `language` from now on (until the page's language is clearly written again)."""
    return {"type": "language", "language": language}


def clarify(articles: list[str]) -> Payload:
    """Did you mean…: the articles offered as buttons."""
    return {"type": "clarify", "articles": list(articles)}


def no_answer() -> Payload:
    """I don't know: the question was kept for HR."""
    return {"type": "no_answer"}


def error() -> Payload:
    """A part of the assistant is down: an apology instead of silence."""
    return {"type": "error"}


def handoff_offered(reason: OfferReason, question: str | None = None) -> Payload:
    """A recruiter is offered; `callback` when the offer is an answer by e-mail, with the
    candidate's last real question (`question`, what the e-mail form starts from)."""
    payload: Payload = {"type": "handoff", "status": "offered", "reason": reason}
    if reason in ("unavailable", "timeout"):
        payload["callback"] = True
        if question:
            payload["question"] = question
    return payload


def handoff_queued(*, recruiter: str | None, wait_minutes: int) -> Payload:
    return {
        "type": "handoff",
        "status": "queued",
        "recruiter": recruiter,
        "wait_minutes": wait_minutes,
    }


def handoff_noted(recruiter: str | None) -> Payload:
    """A message typed while waiting for a recruiter is kept for them (said once a wait)."""
    payload: Payload = {"type": "handoff", "status": "noted"}
    if recruiter:
        payload["recruiter"] = recruiter
    return payload


def handoff_cancelled() -> Payload:
    """The candidate withdrew the request before anyone took it: the assistant is back."""
    return {"type": "handoff", "status": "cancelled"}


def handoff_claimed(recruiter: str) -> Payload:
    return {"type": "handoff", "status": "claimed", "recruiter": recruiter}


def handoff_ended(status: EndStatus, recruiter: str) -> Payload:
    """The recruiter handed the conversation back (`returned`) or closed it."""
    return {"type": "handoff", "status": status, "recruiter": recruiter}


def handoff_callback(expected: date) -> Payload:
    """The candidate's question will be answered by e-mail, by `expected`."""
    return {"type": "handoff", "status": "callback", "expected": expected.isoformat()}


# ------------------------------------------------------------------ team coffees
BookingStatus = Literal["confirmed", "waitlisted", "unavailable", "invalid", "cancelled", "moved"]


def meeting_question(teams: list[str]) -> Payload:
    """Which team would you like to meet: the teams offered as buttons."""
    return {"type": "meeting_question", "teams": list(teams)}


def meeting_offer(
    *,
    hosts: list[dict[str, Any]],
    slots: list[dict[str, Any]],
    timezone: str,
    booking: str | None = None,
) -> Payload:
    """Hosts and free slots (one button per slot). `booking`: the coffee being moved."""
    payload: Payload = {
        "type": "meeting_offer",
        "kind": "coffee",
        "timezone": timezone,
        "hosts": hosts,
        "slots": slots,
    }
    if booking is not None:
        payload["booking"] = booking
    return payload


def meeting_contact(
    *,
    slot: str,
    host: dict[str, Any],
    label: str,
    consent: str,
    fields: dict[str, Any],
    kind: str | None = None,
) -> Payload:
    """Contact details are needed to book `slot`: the widget shows its form, with the
    `fields` asked for. `kind` names an event ("open_house", "reverse_qa", "hackathon");
    without it the slot is a team coffee."""
    payload: Payload = {
        "type": "meeting_contact",
        "slot": slot,
        "host": host,
        "label": label,
        "consent": consent,
        "fields": fields,
    }
    if kind is not None:
        payload["kind"] = kind
    return payload


def booking(
    status: BookingStatus,
    *,
    booking: str | None = None,
    slot: str | None = None,
    field: str | None = None,
    code: str | None = None,
    kind: str | None = None,
) -> Payload:
    """What became of a booking; `invalid` names the `field` at fault and why (`code`).
    `kind` names the event of a registration (none for a coffee)."""
    payload: Payload = {"type": "booking", "status": status, "booking": booking, "slot": slot}
    if kind is not None:
        payload["kind"] = kind
    if status == "invalid":
        payload["field"] = field
        payload["code"] = code
    return payload


def bookings(items: list[dict[str, Any]]) -> Payload:
    """The conversation's upcoming coffees ("when is my coffee?")."""
    return {"type": "bookings", "bookings": list(items)}


def command(intent: str, entities: dict[str, Any] | None = None) -> str:
    """A button's payload: `/intent{"entity": value}` (the JSON on one line)."""
    if not entities:
        return f"/{intent}"
    return f"/{intent}{json.dumps(entities, ensure_ascii=False)}"


# ------------------------------------------------------------------ events


def event_offer(*, kind: str, slots: list[dict[str, Any]], timezone: str) -> Payload:
    """An event's open dates (`seats_left`, `waitlist` per date), one button per date."""
    return {"type": "meeting_offer", "kind": kind, "timezone": timezone, "slots": slots}


def registrations(items: list[dict[str, Any]]) -> Payload:
    """The conversation's upcoming event registrations."""
    return {"type": "registrations", "registrations": list(items)}


def alert_kept(kind: str) -> Payload:
    """The candidate will be told once when `kind`'s registration opens."""
    return {"type": "alert", "kind": kind, "status": "kept"}


def panel_question(
    status: Literal["received", "invalid"],
    *,
    question: str | None = None,
    field: str | None = None,
    code: str | None = None,
) -> Payload:
    """A question for a reverse Q&A's leaders: received, or why not."""
    payload: Payload = {"type": "panel_question", "status": status, "question": question}
    if status == "invalid":
        payload["field"] = field
        payload["code"] = code
    return payload


# ------------------------------------------------------------------ applications

ApplicationStatus = Literal["received", "invalid"]


def apply_form(
    *, jobs: list[dict[str, str]], job: str | None, consent: str, upload: str, max_mb: int
) -> Payload:
    """The application form: the open positions (`job` pre-selected when the candidate
    named one), the consent sentence to show beside its box, where a CV is uploaded."""
    return {
        "type": "apply_form",
        "jobs": list(jobs),
        "job": job,
        "consent": consent,
        "upload": upload,
        "max_cv_mb": max_mb,
    }


CommunityStatus = Literal["pending_confirmation", "invalid"]


def community_form(
    *,
    teams: list[dict[str, str]],
    locations: list[str],
    levels: list[dict[str, str]],
    languages: list[dict[str, str]],
    chosen: dict[str, Any],
    consent: str,
) -> Payload:
    """The talent community's sign-up form: the choices (`id` and `title` each), what the
    candidate already said (`chosen`: teams, locations, remote, level), the consent."""
    return {
        "type": "community_form",
        "teams": list(teams),
        "locations": list(locations),
        "levels": list(levels),
        "languages": list(languages),
        "chosen": dict(chosen),
        "consent": consent,
    }


def community(
    status: CommunityStatus,
    *,
    field: str | None = None,
    code: str | None = None,
    mail_sent: bool | None = None,
) -> Payload:
    """What became of a sign-up; `invalid` names the `field` at fault and why;
    `pending_confirmation` says whether the confirmation e-mail went (`mail_sent`)."""
    payload: Payload = {"type": "community", "status": status, "field": field}
    if status == "invalid":
        payload["code"] = code
    else:
        payload["mail_sent"] = bool(mail_sent)
    return payload


def application(
    status: ApplicationStatus,
    *,
    application: str | None = None,
    field: str | None = None,
    code: str | None = None,
) -> Payload:
    """What became of an application; `invalid` names the `field` at fault and why."""
    payload: Payload = {"type": "application", "status": status, "application": application}
    if status == "invalid":
        payload["field"] = field
        payload["code"] = code
    return payload
