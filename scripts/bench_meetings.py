"""`make bench`: how long team-coffee slots take to compute, and booking under concurrency.

- Free slots of 50 ambassadors over 14 days (two or three windows each, some
  coffees already booked): p50 and p95 of ~30 runs, in milliseconds.
- Booking: rounds of 20 threads booking different slots at the same instant,
  each in its own transaction; p50/p95 of one booking, on SQLite and, when it is
  reachable (TEST_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432/test),
  on PostgreSQL in a throw-away database.
Figures, not a test: `python scripts/bench_meetings.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, text  # noqa: E402

from bot.core.db import session_factory, transaction  # noqa: E402
from bot.meetings.booking import BookingError, book  # noqa: E402
from bot.meetings.models import Ambassador  # noqa: E402
from bot.meetings.rules import CoffeeRules  # noqa: E402
from bot.meetings.slots import free_slots  # noqa: E402
from bot.ops.schema import upgrade  # noqa: E402

OFFICE = "Europe/Paris"
RULES = CoffeeRules()
NOW = dt.datetime(2026, 11, 30, 9, 0)  # Monday 10:00 in Paris
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday")
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)


def add_ambassadors(url: str, count: int) -> None:
    """`count` ambassadors with two or three windows of two to four hours, cap 3."""
    with transaction(url) as session:
        for n in range(count):
            starts = [9 + (n + k) % 6 for k in range(2 + n % 2)]
            windows = [
                f"{DAYS[(n + k) % 5]} {hour:02d}:00-{hour + 2 + n % 3:02d}:30"
                for k, hour in enumerate(starts)
            ]
            session.add(
                Ambassador(
                    id=f"amb{n:02d}",
                    name=f"Ambassador {n}",
                    role="Engineer",
                    team=("platform", "data_ml", "mobile", "design")[n % 4],
                    languages=["fr", "en"] if n % 3 else ["fr"],
                    topics=["topic"],
                    windows=windows,
                    cap=3,
                    bio_fr="",
                    bio_en="",
                    consent="",
                    email=None,
                    active=True,
                )
            )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def slots_timings(url: str, runs: int) -> tuple[list[float], int]:
    timings, count = [], 0
    for _ in range(runs):
        began = time.perf_counter()
        with transaction(url) as session:
            count = len(free_slots(session=session, now=NOW, office_timezone=OFFICE, rules=RULES))
        timings.append((time.perf_counter() - began) * 1000)
    return timings, count


def booking_timings(url: str, rounds: int, threads: int = 20) -> tuple[list[float], int]:
    """Per-booking milliseconds over `rounds` rounds of `threads` simultaneous bookings."""
    with transaction(url) as session:
        slots = free_slots(session=session, now=NOW, office_timezone=OFFICE, rules=RULES)
    by_host: dict[str, list] = {}
    for slot in slots:
        by_host.setdefault(slot.ambassador_id, []).append(slot)
    timings: list[float] = []
    refused = 0
    lock = threading.Lock()
    for round_number in range(rounds):
        # one slot each of 20 different ambassadors: each booking should succeed
        hosts = [f"amb{(round_number * threads + n) % 50:02d}" for n in range(threads)]
        chosen = [by_host[host][round_number % len(by_host[host])] for host in hosts]
        barrier = threading.Barrier(len(chosen))

        def run(
            number: int,
            slot_id: str,
            round_number: int = round_number,
            barrier: threading.Barrier = barrier,
        ) -> None:
            nonlocal refused
            barrier.wait()
            began = time.perf_counter()
            try:
                with transaction(url) as session:
                    book(
                        session=session,
                        slot_id=slot_id,
                        conversation_id=f"bench-{round_number}-{number}",
                        name="Camille",
                        email=f"c{round_number}-{number}@example.org",
                        language="fr",
                        consent=True,
                        now=NOW,
                        office_timezone=OFFICE,
                        rules=RULES,
                    )
            except BookingError:
                with lock:
                    refused += 1
            with lock:
                timings.append((time.perf_counter() - began) * 1000)

        workers = [threading.Thread(target=run, args=(n, slot.id)) for n, slot in enumerate(chosen)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
    return timings, refused


def report(label: str, timings: list[float], extra: str = "") -> None:
    print(
        f"{label}  p50 {statistics.median(timings):.1f} ms  "
        f"p95 {percentile(timings, 0.95):.1f} ms  ({len(timings)} samples{extra})"
    )


def bench_database(name: str, url: str, ambassadors: int, runs: int, rounds: int) -> None:
    upgrade(url)
    add_ambassadors(url, ambassadors)
    timings, refused = booking_timings(url, rounds)
    report(f"team coffees: one booking among 20 at once on {name}", timings, f", {refused} refused")
    if name == "SQLite":  # with the bookings above in place
        timings, count = slots_timings(url, runs)
        report(
            f"team coffees: free slots of {ambassadors} ambassadors over 14 days",
            timings,
            f", {count} slots",
        )


def postgres_url() -> str | None:
    """A throw-away PostgreSQL database, or None when the server cannot be reached."""
    name = f"ardoise_bench_{uuid.uuid4().hex[:12]}"
    try:
        admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except Exception:  # noqa: BLE001 - no server: the figure is skipped
        return None
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def drop_postgres(url: str) -> None:
    session_factory(url).kw["bind"].dispose()
    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT", future=True)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
    admin.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ambassadors", type=int, default=50)
    parser.add_argument("--runs", type=int, default=30, help="slot computations timed")
    parser.add_argument("--rounds", type=int, default=5, help="rounds of 20 bookings")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-meetings-") as folder:
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        bench_database("SQLite", url, args.ambassadors, args.runs, args.rounds)
        session_factory(url).kw["bind"].dispose()
    pg = postgres_url()
    if pg is None:
        print("team coffees: PostgreSQL not reachable, its booking figure skipped")
        return 0
    try:
        bench_database("PostgreSQL", pg, args.ambassadors, args.runs, args.rounds)
    finally:
        drop_postgres(pg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
