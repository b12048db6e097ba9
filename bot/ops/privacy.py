"""Candidates' data: kept no longer than the retention period, erased on request.

What a candidate leaves: Rasa's tracker store (the `events` table, every
message of every conversation), the HR inbox (questions the assistant could
not settle), their ratings of answers, their chat session, handoffs and
callback requests, team-coffee bookings (with contact details and note), and event
registrations, questions for the leaders (anonymised when HR made an article of one;
votes keep their count) and "tell me when" alerts, and applications with their CVs
(kept APPLICATION_RETENTION_DAYS, two years by default; a CV no application took, a day),
and talent-community sign-ups (a membership lasts 24 months unless renewed; a sign-up
never confirmed, a week).
Purging removes what is older than the retention period (a coffee: once it
ended that long ago); erasing removes one conversation entirely, and an
upcoming coffee's host gets the cancellation so the calendar entry goes too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from bot.applications import files as cv_files
from bot.applications.service import (
    erase_conversation_applications,
    purge_old_applications,
    purge_unclaimed_cvs,
)
from bot.candidate.feedback import AnswerFeedback
from bot.candidate.sessions import ChatSession
from bot.community.service import erase_conversation_members, purge_community
from bot.core.clock import utcnow
from bot.core.db import transaction
from bot.core.settings import Settings
from bot.core.tracker_store import EVENTS_TABLE, has_events_table, tracker_engine
from bot.events.messages import send_registration_email
from bot.events.models import Registration
from bot.events.privacy import erase_conversation_registrations, purge_old_registrations
from bot.events.terms import Terms, event_terms
from bot.handoff.models import CallbackRequest, Handoff, HandoffNote
from bot.inbox.models import InboxItem
from bot.meetings.booking import erase_conversation_bookings, purge_old_bookings
from bot.meetings.messages import send_booking_emails
from bot.meetings.models import Ambassador, Booking
from bot.records.models import Event


@dataclass(frozen=True)
class Removed:
    events: int
    inbox_items: int
    ratings: int = 0
    sessions: int = 0
    handoffs: int = 0
    bookings: int = 0
    registrations: int = 0
    applications: int = 0
    community: int = 0

    def __str__(self) -> str:
        return (
            f"{self.events} conversation events, {self.inbox_items} inbox items, "
            f"{self.ratings} answer ratings, {self.sessions} chat sessions, "
            f"{self.handoffs} handoffs, notes and callback requests, "
            f"{self.bookings} team-coffee bookings, "
            f"{self.registrations} event registrations, questions and alerts, "
            f"{self.applications} applications and CVs, "
            f"{self.community} talent-community sign-ups"
        )


def _remove(
    settings: Settings,
    events_where: str,
    params: dict[str, Any],
    inbox_where: Any,
    ratings_where: Any,
    sessions_where: Any,
    handoff_where: tuple[Any, Any, Any],
    bookings: Callable[[Session], int],
    registrations: Callable[[Session], int],
    applications: Callable[[Session], tuple[int, list[str]]],
    community: Callable[[Session], int],
) -> Removed:
    """Delete matching tracker events (if Rasa ever created its table) and our rows."""
    events = 0
    if has_events_table(tracker_engine(settings.tracker_store_url)):
        with transaction(settings.tracker_store_url) as session:
            result = session.execute(
                text(f"DELETE FROM {EVENTS_TABLE} WHERE {events_where}"), params
            )
            events = result.rowcount or 0
    with transaction(settings.database_url) as session:
        items = session.execute(delete(InboxItem).where(inbox_where)).rowcount or 0
        ratings = session.execute(delete(AnswerFeedback).where(ratings_where)).rowcount or 0
        sessions = session.execute(delete(ChatSession).where(sessions_where)).rowcount or 0
        handoffs = sum(
            session.execute(delete(model).where(where)).rowcount or 0
            for model, where in zip(
                (HandoffNote, CallbackRequest, Handoff), handoff_where, strict=True
            )
        )
        coffees = bookings(session)
        events_kept = registrations(session)
        applied, files = applications(session)
        members = community(session)
    for stored_as in files:  # once the rows are gone for good
        cv_files.remove(settings, stored_as)
    return Removed(
        events=events,
        inbox_items=items,
        ratings=ratings,
        sessions=sessions,
        handoffs=handoffs,
        bookings=coffees,
        registrations=events_kept,
        applications=applied,
        community=members,
    )


def _old_applications(
    settings: Settings, now: datetime
) -> Callable[[Session], tuple[int, list[str]]]:
    """Applications past their own retention period, and uploads no application took."""
    cutoff = (now - timedelta(days=settings.application_retention_days)).replace(tzinfo=None)

    told = now.replace(tzinfo=None) if settings.ats_webhook_url else None

    def purge(session: Session) -> tuple[int, list[str]]:
        count, files = purge_old_applications(session=session, cutoff=cutoff, announce=told)
        unclaimed = purge_unclaimed_cvs(session=session, now=now.replace(tzinfo=None))
        return count, files + unclaimed

    return purge


def purge_expired(*, settings: Settings, now: datetime | None = None) -> Removed:
    """Delete what is older than the retention period (a session: unused for that long)."""
    moment = now or datetime.now(timezone.utc)
    cutoff = moment - timedelta(days=settings.retention_days)
    naive = cutoff.replace(tzinfo=None)
    return _remove(
        settings,
        "timestamp < :cutoff",
        {"cutoff": cutoff.timestamp()},
        InboxItem.created_at < naive,
        AnswerFeedback.created_at < naive,
        ChatSession.last_seen_at < naive,
        (
            HandoffNote.created_at < naive,
            CallbackRequest.created_at < naive,
            Handoff.requested_at < naive,
        ),
        lambda session: purge_old_bookings(session=session, cutoff=naive),
        lambda session: purge_old_registrations(session=session, cutoff=naive),
        _old_applications(settings, moment),
        # a membership lasts its own 24 months (renewable); a sign-up unconfirmed, a week
        lambda session: purge_community(session=session, now=moment.replace(tzinfo=None)),
    )


def erase_conversation(*, settings: Settings, conversation_id: str) -> Removed:
    """Delete everything kept about one conversation (a candidate's erasure request); the
    host of each upcoming coffee (and the recruiters) get its cancellation afterwards."""
    cancelled: list[tuple[Booking, Ambassador]] = []
    offered: list[tuple[Registration, Event, Terms]] = []

    def bookings(session: Session) -> int:
        erased = erase_conversation_bookings(
            session=session, conversation_id=conversation_id, now=utcnow()
        )
        cancelled.extend(erased.upcoming)
        return erased.removed

    def registrations(session: Session) -> int:
        erased = erase_conversation_registrations(
            session=session,
            conversation_id=conversation_id,
            now=utcnow(),
            office_timezone=settings.office_timezone,
        )
        for registration in erased.offers:  # the seats freed go to the next in line
            event = session.get(Event, registration.event_id)
            if event is not None:
                terms = event_terms(
                    session=session, event=event, office_timezone=settings.office_timezone
                )
                offered.append((registration, event, terms))
        return erased.registrations + erased.questions + erased.alerts

    removed = _remove(
        settings,
        "sender_id = :sender",
        {"sender": conversation_id},
        InboxItem.conversation_id == conversation_id,
        AnswerFeedback.conversation_id == conversation_id,
        ChatSession.id == conversation_id,
        (
            HandoffNote.conversation_id == conversation_id,
            CallbackRequest.conversation_id == conversation_id,
            Handoff.conversation_id == conversation_id,
        ),
        bookings,
        registrations,
        lambda session: erase_conversation_applications(
            session=session,
            conversation_id=conversation_id,
            announce=utcnow() if settings.ats_webhook_url else None,
        ),
        lambda session: erase_conversation_members(
            session=session, conversation_id=conversation_id
        ),
    )
    for registration, event, terms in offered:
        send_registration_email(
            "offered", settings=settings, registration=registration, event=event, terms=terms
        )
    for booking, host in cancelled:
        send_booking_emails(
            "cancelled",
            settings=settings,
            booking=booking,
            ambassador=host,
            roles=("ambassador", "recruiters"),
        )
    return removed
