"""The abuse limiter, in-process and on the machine's real Redis."""

from __future__ import annotations

import threading
import uuid

import pytest

from bot.core.limits import Limit, Limiter, MemoryLimiter, RedisLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_memory_limiter_refuses_past_the_count_and_forgets_after_the_window():
    clock = Clock()
    limiter = MemoryLimiter(clock=clock)
    limit = Limit("ratings", count=3, seconds=60)
    assert [limiter.hit(limit, "ip-1") for _ in range(5)] == [True, True, True, False, False]
    assert limiter.count(limit, "ip-1") == 3
    assert limiter.hit(limit, "ip-2")  # another key has its own count
    clock.now += 30
    assert limiter.retry_after(limit, "ip-1") == pytest.approx(30)
    clock.now += 30.5
    assert limiter.retry_after(limit, "ip-1") == 0
    assert limiter.hit(limit, "ip-1")


def test_clear_forgets_a_key():
    limiter = MemoryLimiter()
    limit = Limit("sign-in", count=1, seconds=60)
    assert limiter.hit(limit, "camille")
    assert not limiter.hit(limit, "camille")
    limiter.clear(limit, "camille")
    assert limiter.hit(limit, "camille")


@pytest.fixture
def redis_limiter() -> Limiter:
    return RedisLimiter("redis://127.0.0.1:6379/5", prefix=f"test-{uuid.uuid4().hex[:8]}")


def test_redis_limiter_holds_across_instances(redis_limiter):
    limit = Limit("messages", count=4, seconds=60)
    other_process = RedisLimiter(
        "redis://127.0.0.1:6379/5",
        prefix=redis_limiter._prefix,  # type: ignore[attr-defined]
    )
    assert redis_limiter.hit(limit, "ip") and redis_limiter.hit(limit, "ip")
    assert other_process.hit(limit, "ip") and other_process.hit(limit, "ip")
    assert not redis_limiter.hit(limit, "ip")
    assert not other_process.hit(limit, "ip")
    assert other_process.count(limit, "ip") == 4
    assert 59 < redis_limiter.retry_after(limit, "ip") <= 60
    other_process.clear(limit, "ip")
    assert redis_limiter.hit(limit, "ip")


def test_redis_limiter_never_lets_more_through_under_concurrency(redis_limiter):
    limit = Limit("sessions", count=10, seconds=60)
    allowed: list[bool] = []

    def hammer() -> None:
        for _ in range(10):
            allowed.append(redis_limiter.hit(limit, "ip"))

    threads = [threading.Thread(target=hammer) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(allowed) <= 10
    assert redis_limiter.count(limit, "ip") <= 10
