"""Signed, expiring links for people without an account: the candidate's
cancel/reschedule link and the ambassador's decline link.

A token names the booking by its `public_id` (never the database id), says what
it is for (its purpose) and until when it works, and carries an HMAC-SHA256 of
those three under a secret only the server knows. So a token cannot be made up,
widened to another booking, extended, or turned into another purpose: a decline
token presented where a cancel is expected is refused as `WrongPurpose`, and any
change to its text breaks the signature (`TokenTampered`). Signatures are
compared in constant time.

The standard library is enough (hmac, hashlib, base64): the format is four fields,
and a dependency such as itsdangerous would add nothing but another pin.

Format: `<payload>.<signature>`, both URL-safe base64 without padding, where the
payload is `<purpose>:<expires, Unix seconds>:<public_id>`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import hmac
from typing import Literal

from bot.core.settings import Settings, meeting_link_secret

# "registration", "seat_offer" and "event_feedback" are event registrations' links
# (bot.events.messages): manage a place and ask the leaders, take an offered seat,
# answer the thank-you question. A token names a registration's public id for them.
# "application_erase" is the one-click erasure link of an application's e-mail
# (bot.applications.views); its token names the application's public id. The
# "community_*" links confirm, renew and end a talent-community membership
# (bot.community.views); their token names the member's public id.
Purpose = Literal[
    "manage",
    "decline",
    "registration",
    "seat_offer",
    "event_feedback",
    "application_erase",
    "community_confirm",
    "community_leave",
    "community_renew",
]
PURPOSES: tuple[Purpose, ...] = (
    "manage",
    "decline",
    "registration",
    "seat_offer",
    "event_feedback",
    "application_erase",
    "community_confirm",
    "community_leave",
    "community_renew",
)
# Separates this use of the secret from any other it might ever be given.
CONTEXT = b"ardoise/meeting-link/v1\x00"
# Where the web server serves each link's page (GET shows the page, a POST acts).
PATHS: dict[Purpose, str] = {
    "manage": "/meetings/manage",
    "decline": "/meetings/decline",
    "registration": "/events/registration",
    "seat_offer": "/events/offer",
    "event_feedback": "/events/feedback",
    "application_erase": "/applications/erase",
    "community_confirm": "/community/confirm",
    "community_leave": "/community/leave",
    "community_renew": "/community/renew",
}
MAX_TOKEN_LENGTH = 512


class BadToken(ValueError):
    """A link token the server does not honour."""


class TokenTampered(BadToken):
    """The token is malformed or its signature does not match (changed or made up)."""


class TokenExpired(BadToken):
    """The token was genuine but its time is over."""


class WrongPurpose(BadToken):
    """A genuine token used for something else (a decline token cannot cancel)."""


def link_secret(settings: Settings) -> bytes:
    """The signing key: random, made once, kept in var/ readable by its owner only
    (as the Rasa and action tokens are). Every process sharing VAR_DIR signs and
    checks with the same key."""
    return meeting_link_secret(settings).encode()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signature(secret: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, CONTEXT + payload, hashlib.sha256).digest()


def _epoch(naive_utc: dt.datetime) -> int:
    return int(naive_utc.replace(tzinfo=dt.timezone.utc).timestamp())


def make_token(*, secret: bytes, purpose: Purpose, public_id: str, expires: dt.datetime) -> str:
    """A token for `purpose` on booking `public_id`, valid until `expires` (naive UTC)."""
    if purpose not in PURPOSES:
        raise ValueError(f"unknown link purpose {purpose!r}")
    if not public_id:
        raise ValueError("a link needs the booking's public id")
    payload = f"{purpose}:{_epoch(expires)}:{public_id}".encode()
    return f"{_b64(payload)}.{_b64(_signature(secret, payload))}"


def read_token(*, secret: bytes, token: str, purpose: Purpose, now: dt.datetime) -> str:
    """The booking's `public_id` named by a genuine, unexpired `purpose` token.

    Raises TokenTampered, WrongPurpose or TokenExpired (all BadToken), checked in
    that order: nothing in an unsigned token is believed, not even its purpose.
    """
    if not token or len(token) > MAX_TOKEN_LENGTH or token.count(".") != 1:
        raise TokenTampered("not a link token")
    encoded_payload, encoded_signature = token.split(".")
    try:
        payload = _unb64(encoded_payload)
        signature = _unb64(encoded_signature)
    except (binascii.Error, ValueError):
        raise TokenTampered("not a link token") from None
    if not hmac.compare_digest(signature, _signature(secret, payload)):
        raise TokenTampered("the link's signature does not match")
    try:
        found_purpose, expires, public_id = payload.decode("ascii").split(":", 2)
        expires_at = int(expires)
    except (UnicodeDecodeError, ValueError):
        raise TokenTampered("not a link token") from None
    if found_purpose != purpose:
        raise WrongPurpose(f"this link is for {found_purpose!r}, not {purpose!r}")
    if _epoch(now) >= expires_at:
        raise TokenExpired("the link has expired")
    return public_id


def link_expiry(start_utc: dt.datetime) -> dt.datetime:
    """Until when a booking's links work: its start (after that there is nothing
    left to cancel, move or decline). A move sends new links with the new time."""
    return start_utc


def link_url(
    settings: Settings,
    *,
    purpose: Purpose,
    public_id: str,
    start_utc: dt.datetime,
    expires: dt.datetime | None = None,
) -> str:
    """The full address of a booking's link, on PUBLIC_URL (else the web server's own);
    it works until `expires` when given, else until `start_utc` (link_expiry)."""
    token = make_token(
        secret=link_secret(settings),
        purpose=purpose,
        public_id=public_id,
        expires=expires or link_expiry(start_utc),
    )
    base = settings.public_url or settings.web_url
    return f"{base}{PATHS[purpose]}/{token}"
