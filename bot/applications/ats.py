"""The generic outgoing webhook to the company's applicant tracking system (ATS).

When ATS_WEBHOOK_URL is set, each application taken in the chat and each erased one
is written to an outbox (`ats_delivery`) in the same transaction, then POSTed by the
web processes' sweep (`deliver_due`, every few seconds) as JSON:

    {"event": "application.created" | "application.deleted", "delivery": "<key>",
     "sent_at": "<ISO 8601>", "application": {...}}

`application.created` carries the whole application (position, names, e-mail, link,
message, language, the consent sentence and when it was given, and the CV as base64
with its kind); `application.deleted` only its id: the receiver deletes its copy.
Headers: `X-Ardoise-Event`, `X-Ardoise-Delivery` and `Idempotency-Key` (the same key
on every attempt of one event), `X-Ardoise-Timestamp` (Unix seconds) and
`X-Ardoise-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>" with
ATS_WEBHOOK_SECRET>`. Anything but a 2xx is retried with exponential backoff (30 s,
1 min, 2 min… at most 6 h apart) up to MAX_ATTEMPTS; a delivery in flight is leased
with a conditional UPDATE, so several web processes never send one twice at once.
The outbox holds no personal data: the body is built from the application when sent,
and an application erased before its `created` went out is skipped.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import logging
import secrets
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.applications import files
from bot.applications.models import Application, AtsDelivery, CvFile
from bot.core.db import transaction
from bot.core.settings import Settings

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 12
FIRST_RETRY = dt.timedelta(seconds=30)
LONGEST_RETRY = dt.timedelta(hours=6)
LEASE = dt.timedelta(minutes=2)
BATCH = 20
TIMEOUT = 10.0
# (status, error) of one POST: status 0 when it never reached the receiver.
Post = Callable[[str, bytes, dict[str, str]], tuple[int, str]]


def enqueue(*, session: Session, kind: str, application: str, now: dt.datetime) -> AtsDelivery:
    """An event to send (in the caller's transaction)."""
    delivery = AtsDelivery(
        key=secrets.token_urlsafe(24),
        kind=kind,
        application=application,
        attempts=0,
        next_attempt_at=now,
        last_error="",
        created_at=now,
    )
    session.add(delivery)
    return delivery


def signature(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the `attempts`-th failure."""
    return min(FIRST_RETRY * (2 ** max(0, attempts - 1)), LONGEST_RETRY)


def _stamp(value: dt.datetime) -> str:
    return value.isoformat(timespec="seconds") + "Z"


def _application(session: Session, settings: Settings, public_id: str) -> dict[str, Any] | None:
    application = session.execute(
        select(Application).where(Application.public_id == public_id)
    ).scalar_one_or_none()
    if application is None:
        return None
    cv = session.execute(
        select(CvFile).where(CvFile.application_id == application.id)
    ).scalar_one_or_none()
    cv_json = None
    path = files.stored_path(settings, cv.stored_as) if cv is not None else None
    if cv is not None and path is not None:
        cv_json = {
            "kind": cv.kind,
            "size": cv.size,
            "content_base64": base64.b64encode(path.read_bytes()).decode(),
        }
    return {
        "id": application.public_id,
        "job": {"id": application.job_id, "title": application.job_title},
        "first_name": application.first_name,
        "last_name": application.last_name,
        "email": application.email,
        "url": application.url,
        "message": application.message,
        "language": application.language,
        "consent": {"text": application.consent_text, "at": _stamp(application.consented_at)},
        "created_at": _stamp(application.created_at),
        "cv": cv_json,
    }


def body_of(
    *, session: Session, settings: Settings, delivery: AtsDelivery, now: dt.datetime
) -> bytes | None:
    """The JSON body of a delivery, or None when there is nothing left to send."""
    if delivery.kind == "application.deleted":
        described: dict[str, Any] | None = {"id": delivery.application}
    else:
        described = _application(session, settings, delivery.application)
    if described is None:
        return None
    event = {
        "event": delivery.kind,
        "delivery": delivery.key,
        "sent_at": _stamp(now),
        "application": described,
    }
    return json.dumps(event, ensure_ascii=False).encode()


def http_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310 - configured URL
            return response.status, ""
    except urllib.error.HTTPError as error:
        return error.code, f"HTTP {error.code}"
    except (OSError, ValueError) as error:
        return 0, str(error)[:300]


def _claim(settings: Settings, now: dt.datetime) -> list[int]:
    """Lease the due deliveries (a conditional UPDATE each: one process gets each)."""
    claimed = []
    with transaction(settings.database_url) as session:
        due = session.execute(
            select(AtsDelivery.id, AtsDelivery.next_attempt_at)
            .where(AtsDelivery.finished_at.is_(None), AtsDelivery.next_attempt_at <= now)
            .order_by(AtsDelivery.id)
            .limit(BATCH)
        ).all()
    for delivery_id, planned in due:
        with transaction(settings.database_url) as session:
            leased = session.execute(
                update(AtsDelivery)
                .where(
                    AtsDelivery.id == delivery_id,
                    AtsDelivery.next_attempt_at == planned,
                    AtsDelivery.finished_at.is_(None),
                )
                .values(next_attempt_at=now + LEASE)
            ).rowcount
        if leased:
            claimed.append(delivery_id)
    return claimed


def _send_one(settings: Settings, delivery_id: int, now: dt.datetime, post: Post) -> bool:
    url, secret = settings.ats_webhook_url or "", settings.ats_webhook_secret or ""
    with transaction(settings.database_url) as session:
        delivery = session.get(AtsDelivery, delivery_id)
        if delivery is None:
            return False
        body = body_of(session=session, settings=settings, delivery=delivery, now=now)
        if body is None:
            delivery.finished_at, delivery.outcome = now, "skipped"
            return False
        kind, key = delivery.kind, delivery.key
    timestamp = str(int(now.replace(tzinfo=dt.timezone.utc).timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "ardoise-assistant",
        "X-Ardoise-Event": kind,
        "X-Ardoise-Delivery": key,
        "Idempotency-Key": key,
        "X-Ardoise-Timestamp": timestamp,
        "X-Ardoise-Signature": signature(secret, timestamp, body),
    }
    status, error = post(url, body, headers)
    with transaction(settings.database_url) as session:
        delivery = session.get(AtsDelivery, delivery_id)
        if delivery is None:
            return False
        delivery.attempts += 1
        if 200 <= status < 300:
            delivery.finished_at, delivery.outcome, delivery.last_error = now, "delivered", ""
            return True
        delivery.last_error = (error or f"HTTP {status}")[:300]
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.finished_at, delivery.outcome = now, "failed"
            logger.error("ATS delivery %s given up: %s", key, delivery.last_error)
        else:
            delivery.next_attempt_at = now + backoff(delivery.attempts)
    return False


def deliver_due(settings: Settings, now: dt.datetime, post: Post = http_post) -> int:
    """Send what is due; how many were delivered. Nothing when no ATS is configured."""
    if not settings.ats_webhook_url or not settings.ats_webhook_secret:
        return 0
    return sum(_send_one(settings, i, now, post) for i in _claim(settings, now))
