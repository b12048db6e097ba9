"""Abuse limits: how many times one key (an IP, a conversation, an account) may do one
thing within a sliding window.

In-process by default. When Redis is configured (`LIMITS_URL`, else `LOCK_STORE_URL`)
the counts live there, so a limit holds across every Rasa and web process.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from bot.core.settings import Settings


@dataclass(frozen=True)
class Limit:
    """At most `count` hits of `name` per key within `seconds`."""

    name: str
    count: int
    seconds: float


def configured(settings: Settings, limit: Limit) -> Limit:
    """`limit` with the count and window the LIMITS setting gives it, if any."""
    for name, count, seconds in settings.limits:
        if name == limit.name:
            return Limit(name, count, seconds)
    return limit


class Limiter(Protocol):
    def hit(self, limit: Limit, key: str) -> bool:
        """Count one hit; True when it is within the limit (a refused hit is not counted)."""
        ...

    def count(self, limit: Limit, key: str) -> int:
        """Hits of `key` in the current window."""
        ...

    def retry_after(self, limit: Limit, key: str) -> float:
        """Seconds until `key` may hit again (0 when it may now)."""
        ...

    def clear(self, limit: Limit, key: str) -> None:
        """Forget `key`'s hits (e.g. failures after a successful sign-in)."""
        ...


class MemoryLimiter:
    """Sliding-window counts in this process, thread-safe."""

    def __init__(self, clock=time.monotonic) -> None:
        self._clock = clock
        self._hits: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    def _window(self, limit: Limit, key: str, now: float) -> deque[float]:
        hits = self._hits.setdefault((limit.name, key), deque())
        while hits and hits[0] <= now - limit.seconds:
            hits.popleft()
        return hits

    def hit(self, limit: Limit, key: str) -> bool:
        with self._lock:
            now = self._clock()
            hits = self._window(limit, key, now)
            if len(hits) >= limit.count:
                return False
            hits.append(now)
            if len(self._hits) > 100_000:  # keys of the past: drop the empty windows
                self._prune(now, limit)
            return True

    def _prune(self, now: float, limit: Limit) -> None:
        for name_key in [k for k, v in self._hits.items() if not v]:
            del self._hits[name_key]

    def count(self, limit: Limit, key: str) -> int:
        with self._lock:
            return len(self._window(limit, key, self._clock()))

    def retry_after(self, limit: Limit, key: str) -> float:
        with self._lock:
            now = self._clock()
            hits = self._window(limit, key, now)
            if len(hits) < limit.count:
                return 0.0
            return max(0.0, hits[len(hits) - limit.count] + limit.seconds - now)

    def clear(self, limit: Limit, key: str) -> None:
        with self._lock:
            self._hits.pop((limit.name, key), None)


class RedisLimiter:
    """Sliding-window counts in a Redis sorted set per (limit, key), shared by processes."""

    def __init__(self, url: str, prefix: str = "ardoise:limits") -> None:
        import redis

        self._redis = redis.Redis.from_url(url)
        self._prefix = prefix

    def _key(self, limit: Limit, key: str) -> str:
        return f"{self._prefix}:{limit.name}:{key}"

    def hit(self, limit: Limit, key: str) -> bool:
        name, now = self._key(limit, key), time.time()
        with self._redis.pipeline() as pipe:
            pipe.zremrangebyscore(name, 0, now - limit.seconds)
            pipe.zcard(name)
            _, current = pipe.execute()
        if current >= limit.count:
            return False
        with self._redis.pipeline() as pipe:
            pipe.zadd(name, {f"{now}:{uuid.uuid4().hex[:8]}": now})
            pipe.expire(name, int(limit.seconds) + 1)
            pipe.zcard(name)
            *_, after = pipe.execute()
        # two processes may both have passed the check: the later one gives its hit back
        if after > limit.count:
            self._redis.zpopmax(name)
            return False
        return True

    def count(self, limit: Limit, key: str) -> int:
        name = self._key(limit, key)
        self._redis.zremrangebyscore(name, 0, time.time() - limit.seconds)
        return int(self._redis.zcard(name))

    def retry_after(self, limit: Limit, key: str) -> float:
        name, now = self._key(limit, key), time.time()
        self._redis.zremrangebyscore(name, 0, now - limit.seconds)
        hits = self._redis.zrange(name, 0, -1, withscores=True)
        if len(hits) < limit.count:
            return 0.0
        return max(0.0, hits[len(hits) - limit.count][1] + limit.seconds - now)

    def clear(self, limit: Limit, key: str) -> None:
        self._redis.delete(self._key(limit, key))


@lru_cache(maxsize=8)
def limiter_for(url: str | None) -> Limiter:
    """One limiter per process and URL: Redis when a URL is given, else in-process."""
    return RedisLimiter(url) if url else MemoryLimiter()
