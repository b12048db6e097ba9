"""Loading a new model while candidates chat: our reload beside Rasa's `PUT /model`.

Starts the action server and a Rasa server on the trained model, keeps four
clients sending questions over the REST channel without pause, then swaps the
model twice in the same run: once with our route (bot/rasa_plugins/reload.py: the model is
loaded in a worker thread, then swapped), once with Rasa's own `PUT /model`
(loaded on the event loop). For each swap it prints how long the load took,
how many messages were sent while it ran, how many failed, and the reply
latencies of those messages beside the latencies before any swap.
Figures, not a test: `python scripts/bench_swap.py`.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.core.db import transaction  # noqa: E402
from bot.core.settings import settings_from  # noqa: E402
from bot.knowledge.files import load_directory  # noqa: E402
from bot.knowledge.service import import_docs  # noqa: E402
from bot.ops.launcher import Services, prepare  # noqa: E402
from bot.ops.schema import upgrade  # noqa: E402

QUESTIONS = [
    "Quels sont vos avantages ?",
    "Can I work from home?",
    "Comment se passe le recrutement ?",
    "What is the salary for a backend engineer?",
    "Vous avez des postes ouverts ?",
    "Tell me about your values",
]
CLIENTS = 4


class Load:
    """Clients sending questions back to back; each result is (sent at, seconds, ok)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.results: list[tuple[float, float, bool]] = []
        self.stop = threading.Event()
        self.lock = threading.Lock()

    def client(self, number: int) -> None:
        session = requests.Session()
        sent = 0
        while not self.stop.is_set():
            text = QUESTIONS[sent % len(QUESTIONS)]
            started = time.monotonic()
            try:
                response = session.post(
                    f"{self.url}/webhooks/rest/webhook",
                    json={"sender": f"swap-{number}-{sent // 8}", "message": text},
                    timeout=60,
                )
                ok = response.status_code == 200 and bool(response.json())
            except (requests.RequestException, ValueError):
                ok = False
            with self.lock:
                self.results.append((started, time.monotonic() - started, ok))
            sent += 1

    def between(self, start: float, end: float) -> list[tuple[float, float, bool]]:
        """Messages in flight at any moment of [start, end]."""
        with self.lock:
            return [r for r in self.results if r[0] <= end and r[0] + r[1] >= start]


def figures(label: str, seconds: float, results: list[tuple[float, float, bool]]) -> str:
    latencies = sorted(r[1] * 1000 for r in results)
    failed = sum(1 for r in results if not r[2])
    if not latencies:
        return f"{label:34}{seconds:>9.1f}{0:>10}{failed:>8}"
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    return (
        f"{label:34}{seconds:>9.1f}{len(results):>10}{failed:>8}"
        f"{statistics.median(latencies):>9.0f}{p95:>9.0f}{latencies[-1]:>9.0f}"
    )


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="bench-swap-"))
    models = work / "models"
    models.mkdir()
    env = {
        "VAR_DIR": str(work / "var"),
        "DATABASE_URL": f"sqlite:///{work / 'app.db'}",
        "MODELS_DIR": str(ROOT / "models"),
        "RASA_PORT": "17005",
        "ACTION_PORT": "17055",
        "WEB_PORT": "17080",
        "RASA_TOKEN": "bench-token",
        # the four clients share one address: the per-IP limits would answer for them
        "LIMITS": "messages-ip=100000/60,sessions-ip=100000/3600",
    }
    settings = settings_from(env)
    upgrade(settings.database_url)
    with transaction(settings.database_url) as session:
        import_docs(session=session, docs=load_directory(settings.knowledge_dir), author="bench")
    trained = prepare(settings, prefer_deployed=False)
    first, second = models / "model-a.tar.gz", models / "model-b.tar.gz"
    shutil.copy2(trained, first)
    shutil.copy2(trained, second)
    settings = settings_from({**env, "MODELS_DIR": str(models)})
    services = Services(settings=settings, model=first, log_dir=work / "logs")
    services.start_actions()
    services.start_rasa()
    services.wait_ready()
    token = {"Authorization": "Bearer bench-token"}
    load = Load(settings.rasa_url)
    threads = [threading.Thread(target=load.client, args=(n,), daemon=True) for n in range(CLIENTS)]
    rows = []
    try:
        for thread in threads:
            thread.start()
        time.sleep(15)
        start = time.monotonic()
        time.sleep(15)
        rows.append(figures("no swap (15 s)", 15.0, load.between(start, time.monotonic())))

        start = time.monotonic()
        answer = requests.post(
            f"{settings.rasa_url}/webhooks/model_reload/load",
            json={"model_file": second.name},
            headers=token,
            timeout=600,
        )
        answer.raise_for_status()
        end = time.monotonic()
        time.sleep(5)  # let the messages in flight at the end come back
        rows.append(figures("ours: load beside, then swap", end - start, load.between(start, end)))

        start = time.monotonic()
        answer = requests.put(
            f"{settings.rasa_url}/model",
            params={"token": "bench-token"},
            json={"model_file": str(first)},
            timeout=600,
        )
        answer.raise_for_status()
        end = time.monotonic()
        time.sleep(5)
        rows.append(figures("Rasa PUT /model (on the loop)", end - start, load.between(start, end)))
    finally:
        load.stop.set()
        for thread in threads:
            thread.join(timeout=70)
        services.stop()
    print("messages: every message in flight at some moment of the swap (or of the 15 s)")
    cpus = os.cpu_count()
    print(f"\nmodel swap while {CLIENTS} clients chat non-stop (REST, {cpus} CPUs)")
    print(
        f"{'':34}{'swap s':>9}{'messages':>10}{'failed':>8}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
    )
    for row in rows:
        print(row)
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
