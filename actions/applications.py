"""Applying from the conversation (issue 14): the form, and the filled-in form.

"Je veux postuler", "how do I apply for the SRE job?" or the button under a position
answer with the form (`apply_form`: the open positions, the one named pre-selected,
the consent sentence, where a CV is uploaded). The filled-in form comes back as one
structured message, `/apply{"job", "first_name", "last_name", "email", "url", "cv",
"message", "consent"}`: the application is taken (bot.applications.service) and
confirmed in the chat and by e-mail with what comes next and when; recruiters get an
e-mail and the team-chat webhook. A refusal names the field at fault, nothing saved.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions.community import answer_wish
from actions.reading import candidate_language, entities, typed_words, yes_no
from bot.applications import ats
from bot.applications.files import MAX_CV_BYTES
from bot.applications.service import ApplicationError, applications_of, take_application
from bot.applications.views import erase_url
from bot.candidate.jobs import preselected_job
from bot.core import replies
from bot.core.application_texts import (
    APPLICATION_WORDS,
    APPLY_WORDS,
    REPLY_WORKING_DAYS,
    SENDING_WORDS,
    STATUS_WORDS,
    application_problem,
)
from bot.core.clock import utcnow
from bot.core.dates import date_in_words, working_days_after
from bot.core.db import in_transaction
from bot.core.mail import send_mail
from bot.core.settings import Settings, get_settings
from bot.core.texts import text
from bot.handoff.notify import notify
from bot.meetings.slots import fold
from bot.records.service import list_jobs, local_today

logger = logging.getLogger(__name__)
# Fields that make `/apply{...}` a filled-in form (a button's `/apply{"job"}` only opens it).
FORM_FIELDS = ("first_name", "last_name", "email", "url", "cv", "message", "consent")
UPLOAD_PATH = "/apply/cv"


@dataclass(frozen=True)
class Received:
    """What the confirmations say about a new application (read inside its transaction)."""

    public_id: str
    first_name: str
    last_name: str
    email: str
    job: str
    job_id: str
    language: str
    created_at: dt.datetime
    cv_kind: str | None
    url: str | None
    message: bool


def _form(session: Session, language: str, said: str, named: Any) -> dict[str, Any] | None:
    jobs = list_jobs(session=session, status="open")
    if not jobs:
        return None
    ids = {job.id for job in jobs}
    job = named if named in ids else (preselected_job(session=session, said=said) if said else None)
    return {"jobs": [{"id": j.id, "title": j.title(language)} for j in jobs], "job": job}


def _take(
    session: Session,
    data: dict[str, Any],
    conversation_id: str,
    language: str,
    consent: str,
    settings: Settings,
) -> Received:
    now = utcnow()
    taken = take_application(
        session=session,
        data=data,
        conversation_id=conversation_id,
        language=language,
        consent_text=consent,
        now=now,
    )
    application = taken.application
    if settings.ats_webhook_url:  # forwarded to the company's ATS by the web's sweep
        ats.enqueue(
            session=session, kind="application.created", application=application.public_id, now=now
        )
    return Received(
        public_id=application.public_id,
        first_name=application.first_name,
        last_name=application.last_name,
        email=application.email,
        job=application.job_title,
        job_id=application.job_id,
        language=language,
        created_at=application.created_at,
        cv_kind=taken.cv.kind if taken.cv else None,
        url=application.url,
        message=bool(application.message),
    )


def _reply_by(settings: Settings) -> dt.date:
    return working_days_after(local_today(settings.office_timezone), REPLY_WORKING_DAYS)


def send_confirmations(settings: Settings, received: Received) -> None:
    """The candidate's confirmation and the recruiters' notice; blocking, never raises."""
    language = received.language
    what = []
    if received.cv_kind:
        what.append(text("application_email_cv", language, kind=received.cv_kind.upper()))
    if received.url:
        what.append(text("application_email_link", language, url=received.url))
    if received.message:
        what.append(text("application_email_message", language))
    try:
        send_mail(
            settings,
            to=[received.email],
            subject=text("application_email_subject", language, job=received.job),
            body=text(
                "application_email_body",
                language,
                first_name=received.first_name,
                job=received.job,
                received=date_in_words(received.created_at.date(), language),
                days=REPLY_WORKING_DAYS,
                date=date_in_words(_reply_by(settings), language),
                what=", ".join(what),
                retention=settings.application_retention_days,
                erase=erase_url(
                    settings, public_id=received.public_id, created_at=received.created_at
                ),
            ),
        )
    except Exception:  # noqa: BLE001 - the application is taken; the mail is best effort
        logger.exception("the confirmation of application %s was not sent", received.public_id)
    console = f"{(settings.public_url or settings.web_url).rstrip('/')}/console#applications"
    notify(
        settings,
        f"New application: {received.job}",
        f"{received.first_name} {received.last_name} applied for {received.job} "
        f"({received.job_id}) from the chat, in {language}. Open it in the console: {console}",
    )


class ActionApply(Action):
    def name(self) -> str:
        return "action_apply"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        settings, language = get_settings(), candidate_language(tracker)
        found = entities(tracker)
        if any(field in found for field in FORM_FIELDS):
            return await self._submitted(dispatcher, tracker, settings, language, found)
        if not wants_to_apply(tracker):  # a job search the model read as applying
            searched = await answer_wish(dispatcher, tracker)
            if searched is not None:
                return searched
        said = typed_words(tracker.latest_message)
        form = await in_transaction(
            settings.database_url, lambda s: _form(s, language, said, found.get("job"))
        )
        if form is None:  # nothing open: a recruiter, or the talent community
            joining = {
                "title": text("community_offer_button", language),
                "payload": replies.command("join_community"),
            }
            dispatcher.utter_message(
                text=text("apply_no_position", language),
                buttons=[*yes_no(language), joining],
                json_message=replies.handoff_offered("personal"),
            )
            return [SlotSet("offer", "human")]
        consent = text("application_consent", language, days=settings.application_retention_days)
        dispatcher.utter_message(
            text=text("apply_form", language),
            json_message=replies.apply_form(
                jobs=form["jobs"],
                job=form["job"],
                consent=consent,
                upload=UPLOAD_PATH,
                max_mb=MAX_CV_BYTES // (1024 * 1024),
            ),
        )
        return [SlotSet("offer", None)]

    async def _submitted(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        settings: Settings,
        language: str,
        data: dict[str, Any],
    ) -> list[EventType]:
        consent = text("application_consent", language, days=settings.application_retention_days)
        try:
            received = await in_transaction(
                settings.database_url,
                lambda s: _take(s, data, tracker.sender_id, language, consent, settings),
            )
        except ApplicationError as refused:
            dispatcher.utter_message(
                text=text(
                    "application_invalid",
                    language,
                    problem=application_problem(refused.code, language),
                ),
                json_message=replies.application("invalid", field=refused.field, code=refused.code),
            )
            return [SlotSet("offer", None)]
        dispatcher.utter_message(
            text=text(
                "application_received",
                language,
                first_name=received.first_name,
                job=received.job,
                days=REPLY_WORKING_DAYS,
                date=date_in_words(_reply_by(settings), language),
                email=received.email,
            ),
            json_message=replies.application("received", application=received.public_id),
        )
        await asyncio.to_thread(send_confirmations, settings, received)
        return [SlotSet("offer", None)]


def wants_to_apply(tracker: Tracker) -> bool:
    """Whether the latest typed message asks to apply (not about an application sent)."""
    return _typed_says(tracker, APPLY_WORDS)


def sends_application(tracker: Tracker) -> bool:
    """Whether the latest typed message says the candidate sends their application now
    ("c'est possible de vous envoyer mon CV maintenant ?"), not asks about one sent."""
    return _typed_says(tracker, SENDING_WORDS)


def _typed_says(tracker: Tracker, phrases: tuple[str, ...]) -> bool:
    """Whether the latest typed message holds one of `phrases` (folded) and is not about
    an application already sent."""
    words = f" {fold(typed_words(tracker.latest_message))} "
    return any(w in words for w in phrases) and not any(w in words for w in STATUS_WORDS)


async def application_status(tracker: Tracker) -> str | None:
    """ "Où en est ma candidature ?" from a conversation that applied: when and for what,
    said honestly (the assistant cannot see its review); None otherwise."""
    words = fold(typed_words(tracker.latest_message))
    if not any(word in words for word in APPLICATION_WORDS):  # not about an application
        return None
    settings, language = get_settings(), candidate_language(tracker)

    def latest(session: Session) -> tuple[str, dt.date] | None:
        sent = applications_of(session=session, conversation_id=tracker.sender_id)
        return (sent[0].job_title, sent[0].created_at.date()) if sent else None

    found = await in_transaction(settings.database_url, latest)
    if found is None:
        return None
    return text(
        "application_status", language, job=found[0], date=date_in_words(found[1], language)
    )
