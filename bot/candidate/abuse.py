"""Abuse limits on what candidates can trigger: messages, new sessions, ratings, callback
requests. Per IP and per conversation; shared across processes when Redis is configured
(see bot.core.limits). A refused request gets the polite `slow_down` text, never an error.

Each `wait_*` function counts one request and returns 0 when it is allowed, else the
seconds to wait before the next one.
"""

from __future__ import annotations

import ipaddress
import math
from collections.abc import Iterable

from bot.candidate.inputs import filled_form
from bot.core.limits import Limit, configured, limiter_for
from bot.core.settings import Settings
from bot.core.texts import text

MESSAGES_PER_IP = Limit("messages-ip", count=60, seconds=60)
MESSAGES_PER_CONVERSATION = Limit("messages-conversation", count=20, seconds=60)
SESSIONS_PER_IP = Limit("sessions-ip", count=20, seconds=3600)
RATINGS_PER_IP = Limit("ratings-ip", count=30, seconds=3600)
RATINGS_PER_CONVERSATION = Limit("ratings-conversation", count=10, seconds=3600)
CALLBACKS_PER_IP = Limit("callbacks-ip", count=5, seconds=86400)
# Filled-in forms (an application, a talent-community sign-up): each sends e-mails.
FORMS_PER_IP = Limit("forms-ip", count=10, seconds=3600)


def _wait(settings: Settings, checks: tuple[tuple[Limit, str], ...]) -> float:
    """Count one hit against every (limit, key) if none is full; else the longest wait.

    A refused request counts against none of its limits (a conversation held back
    does not also use up its address's allowance).
    """
    limiter = limiter_for(settings.limits_url)
    checks = tuple((configured(settings, limit), key) for limit, key in checks)
    full = max((limiter.retry_after(limit, key) for limit, key in checks), default=0.0)
    if full > 0:
        return full
    # Another process may have filled a limit in between: that hit is refused too.
    refused = [(limit, key) for limit, key in checks if not limiter.hit(limit, key)]
    return max((limiter.retry_after(limit, key) or 1.0 for limit, key in refused), default=0.0)


def wait_message(settings: Settings, *, ip: str, conversation: str, text: str = "") -> float:
    """A message; a filled-in form (`text`) also counts against FORMS_PER_IP."""
    checks: tuple[tuple[Limit, str], ...] = (
        (MESSAGES_PER_IP, ip),
        (MESSAGES_PER_CONVERSATION, conversation),
    )
    if filled_form(text):
        checks = (*checks, (FORMS_PER_IP, ip))
    return _wait(settings, checks)


def wait_session(settings: Settings, *, ip: str) -> float:
    return _wait(settings, ((SESSIONS_PER_IP, ip),))


def wait_rating(settings: Settings, *, ip: str, conversation: str) -> float:
    return _wait(settings, ((RATINGS_PER_IP, ip), (RATINGS_PER_CONVERSATION, conversation)))


def wait_callback(settings: Settings, *, ip: str) -> float:
    return _wait(settings, ((CALLBACKS_PER_IP, ip),))


def whole_seconds(seconds: float) -> int:
    """A wait as the candidate reads it (and Retry-After says it): rounded up, at least 1."""
    return max(1, math.ceil(seconds))


def slow_down_text(language: str, seconds: float) -> str:
    """The polite sentence for a refused request, with the wait rounded up."""
    return text("slow_down", language, seconds=whole_seconds(seconds))


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


def client_ip(peer: str, forwarded_for: str | None, trusted_proxies: Iterable[str]) -> str:
    """The address the per-IP limits count: the peer's, or, when the peer is a trusted
    proxy (TRUSTED_PROXIES), the right-most address of X-Forwarded-For that is not one.

    Only proxies we trust append to X-Forwarded-For truthfully; anything left of the
    first untrusted hop was written by the client and is ignored.
    """
    networks = [ipaddress.ip_network(network) for network in trusted_proxies]

    def trusted(address: ipaddress.IPv4Address | ipaddress.IPv6Address | None) -> bool:
        return address is not None and any(address in network for network in networks)

    if not networks or not trusted(_address(peer)):
        return peer or "unknown"
    hops = [hop for hop in (forwarded_for or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a malformed hop: trust nothing further left
        if not trusted(address):
            return str(address)
    return peer
