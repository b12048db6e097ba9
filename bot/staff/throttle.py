"""Sign-in throttling: back off per account and per address, lock after repeated failures.

Failures are counted in bot.core.limits (Redis when configured, so the counts hold
across web processes). Two tiers each: a short window that makes a guesser wait
a few minutes, and a day-long one that locks the account (or the address) until
it passes or an administrator lifts it (`python -m bot users unlock <login>`).

An attempt on an account is counted *before* its password is hashed, so a burst
of simultaneous guesses cannot all get through; a good password clears the
account's count. Failures per address are counted after the check and never
cleared by a success (else a guesser could clear them with an account of its own).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

from bot.core.limits import Limit, Limiter, configured, limiter_for
from bot.core.settings import Settings

ACCOUNT_BACKOFF = Limit("sign-in-account", count=5, seconds=300)
ACCOUNT_LOCK = Limit("sign-in-account-day", count=20, seconds=86400)
ADDRESS_BACKOFF = Limit("sign-in-ip", count=20, seconds=300)
ADDRESS_LOCK = Limit("sign-in-ip-day", count=100, seconds=86400)
ACCOUNT_LIMITS = (ACCOUNT_BACKOFF, ACCOUNT_LOCK)
ADDRESS_LIMITS = (ADDRESS_BACKOFF, ADDRESS_LOCK)


class SignInLocked(Exception):
    """Too many attempts on this account or from this address; `seconds` until the next."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"sign-in locked for {seconds:.0f} s")
        self.seconds = seconds

    @property
    def minutes(self) -> int:
        """The wait rounded up to whole minutes (at least one), as the page says it."""
        return max(1, math.ceil(self.seconds / 60))


def account_key(login: str) -> str:
    """Accounts are counted by login as the sign-in reads it (trimmed, lower case)."""
    return login.strip().lower()[:64]


@dataclass(frozen=True)
class SignInThrottle:
    """The sign-in counts of one web app; `limiter` is bot.core.limits' (tests pass one)."""

    settings: Settings
    limiter: Limiter

    @classmethod
    def of(cls, settings: Settings, limiter: Limiter | None = None) -> SignInThrottle:
        return cls(settings, limiter or limiter_for(settings.limits_url))

    def _limits(self, limits: Iterable[Limit]) -> list[Limit]:
        return [configured(self.settings, limit) for limit in limits]

    def _wait(self, checks: Iterable[tuple[Limit, str]]) -> float:
        """The longest wait among the (limit, key) already at their count; 0 when none is."""
        waits = [
            self.limiter.retry_after(limit, key) or 1.0
            for limit, key in checks
            if self.limiter.count(limit, key) >= limit.count
        ]
        return max(waits, default=0.0)

    def attempt(self, *, login: str, address: str) -> None:
        """Count one attempt on `login` from `address`; SignInLocked when either is locked."""
        account, accounts = account_key(login), self._limits(ACCOUNT_LIMITS)
        checks = [(limit, account) for limit in accounts]
        checks += [(limit, address) for limit in self._limits(ADDRESS_LIMITS)]
        wait = self._wait(checks)
        if wait:
            raise SignInLocked(wait)
        for limit in accounts:
            if not self.limiter.hit(limit, account):  # a simultaneous attempt got there first
                raise SignInLocked(self.limiter.retry_after(limit, account) or 1.0)

    def failed(self, *, address: str) -> None:
        """A wrong password from `address` (the account's attempt is already counted)."""
        for limit in self._limits(ADDRESS_LIMITS):
            self.limiter.hit(limit, address)

    def succeeded(self, *, login: str) -> None:
        """A good password: the account's failed attempts are forgotten."""
        self.unlock(login=login)

    def unlock(self, *, login: str) -> None:
        """Lift the account's back-off and lock (an administrator's decision, or a success)."""
        for limit in self._limits(ACCOUNT_LIMITS):
            self.limiter.clear(limit, account_key(login))


def unlock_account(settings: Settings, *, login: str) -> None:
    """Lift `login`'s sign-in lock in every web process sharing this limiter."""
    SignInThrottle.of(settings).unlock(login=login)
