"""`make bench`: how long HR's inbox takes to group a few thousand open questions.

The knowledge base's example questions, drawn at random (half of them with one
letter dropped), as 3,000 open inbox items; prints the median time of a few
runs of the grouping HR's inbox page does. Figures, not a test:
`python scripts/bench_inbox.py`.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.settings import LANGUAGES, PROJECT_ROOT  # noqa: E402
from bot.hr.grouping import group_entries  # noqa: E402
from bot.inbox.models import InboxEntry  # noqa: E402
from bot.knowledge.files import load_directory  # noqa: E402


def open_questions(questions: list[str], size: int, seed: int = 7) -> list[InboxEntry]:
    """`size` open items asking the given questions again, every other one with a typo."""
    draw = random.Random(seed)
    first = datetime(2026, 11, 1)
    items = []
    for number in range(size):
        text = draw.choice(questions)
        if number % 2:
            cut = draw.randrange(len(text))
            text = text[:cut] + text[cut + 1 :]
        items.append(
            InboxEntry(
                id=f"inbox:{number}",
                reason="no_answer",
                text=text,
                language="fr",
                conversation_id=f"bench-{number}",
                created_at=first + timedelta(minutes=number),
                status="open",
            )
        )
    return items


def grouping_p50(size: int = 3000, runs: int = 5) -> tuple[float, int]:
    """Median seconds to group `size` items over `runs` runs, and the number of groups."""
    docs = load_directory(PROJECT_ROOT / "data" / "knowledge")
    background = {lang: [q for d in docs for q in d.texts[lang].questions] for lang in LANGUAGES}
    entries = open_questions(background["fr"] + background["en"], size)
    timings = []
    groups = []
    for _ in range(runs):
        began = time.perf_counter()
        groups = group_entries(entries, background=background)
        timings.append(time.perf_counter() - began)
    return statistics.median(timings), len(groups)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=3000, help="open inbox items to group")
    parser.add_argument("--runs", type=int, default=5, help="runs; the median is shown")
    args = parser.parse_args()
    seconds, count = grouping_p50(args.items, args.runs)
    print(
        f"HR inbox: grouping {args.items} items p50 of {args.runs} runs (s)  "
        f"{seconds:.2f}  ({count} groups)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
