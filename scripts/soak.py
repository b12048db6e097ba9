#!/usr/bin/env python3
"""`make soak`: about 100 socket.io candidates (French and English) through nginx on the
production shape for at most 10 minutes, 10 live handoffs with scripted recruiters, one
candidate in ten booking a coffee with an engineer, and faults during the run: kill -9
of the Rasa process serving most candidates, of an action server and of a web process; a
restart of Redis, of RabbitMQ and of PostgreSQL. Then 1,000 bursts of three quick
messages in one conversation spread over both Rasa processes. Prints what became of
every message (tests/soak/engine.py says what is counted).

Loopback only, on this machine's PostgreSQL, Redis and RabbitMQ, which it restarts (as
root, with Debian's scripts; RabbitMQ's application inside its VM). A model is trained
first when none exists for the current data. The short version runs in `make test`
(tests/soak/test_soak_short.py)."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.settings import get_settings  # noqa: E402
from bot.ops.launcher import prepare  # noqa: E402
from tests.e2e.shape import Ports, running_shape  # noqa: E402
from tests.soak.engine import Fault, bursts, outcome, soak, table  # noqa: E402

FAULTS = (
    (0.10, "kill rasa"),
    (0.20, "kill actions-1"),
    (0.30, "kill web-1"),
    (0.45, "restart redis"),
    (0.60, "restart rabbitmq"),
    (0.75, "restart postgresql"),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--candidates", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=420.0, help="chatting (at most 600)")
    parser.add_argument("--handoffs", type=int, default=10)
    parser.add_argument("--bursts", type=int, default=1000)
    parser.add_argument("--no-faults", action="store_true", help="the same load, no fault")
    parser.add_argument("--port", type=int, default=17400, help="nginx; the rest just above")
    args = parser.parse_args()
    seconds = min(args.seconds, 600.0)
    model = prepare(get_settings())
    ports = Ports(
        entry=args.port,
        rasa=(args.port + 10, args.port + 11),
        actions=(args.port + 20, args.port + 21),
    )
    faults = [] if args.no_faults else [Fault(share * seconds, name) for share, name in FAULTS]
    print(
        f"soak: {args.candidates} candidates for {seconds:.0f} s, {args.handoffs} handoffs, "
        f"{len(faults)} faults, then {args.bursts} bursts",
        flush=True,
    )
    with (
        tempfile.TemporaryDirectory(prefix="soak-") as root,
        running_shape(model, Path(root), ports) as shape,
    ):
        started = time.monotonic()
        run = asyncio.run(
            soak(
                shape,
                candidates=args.candidates,
                seconds=seconds,
                handoffs=args.handoffs,
                faults=faults,
            )
        )
        burst = asyncio.run(bursts(shape, args.bursts)) if args.bursts else None
        result = outcome(run, shape.database_url)
        print(f"\nsoak done in {time.monotonic() - started:.0f} s\n", flush=True)
        print(table(run, result, burst))
        if result.lost:
            print(f"\nlost: {result.lost[:20]}")
        if result.out_of_order:
            print(f"out of order: {result.out_of_order[:20]}")
        if run.handoffs_failed:
            print(f"handoffs failed: {run.handoffs_failed[:10]}")
        if burst and burst.failed:
            print(f"burst requests failed: {burst.failed[:10]}")
    broken = (
        result.lost
        or result.out_of_order
        or (burst and (burst.lost or burst.mismatched or burst.interleaved))
    )
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
