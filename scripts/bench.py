"""`make bench`: our assistant side by side with a stock `rasa init` assistant.

Both are trained and started here, in the same run, on this machine, then
driven over the REST channel: one client at a time, then 20 at once, each
client holding conversations of 8 messages. Also measures the NLU pipeline
alone (/model/parse), to see how much of the latency is NLU.
Prints one table: training time from nothing (a Rasa cache of its own for each,
so nothing is reused), cold start, latency p50/p95, messages per second,
resident memory after 1,000 messages and again after three model swaps (ours:
the reload route; stock: Rasa's `PUT /model`), and, for ours, the time from
HR's click on "retrain" (an example question just added in the workspace) to
the new model serving. Then our held-out report per language and kind, the
chat widget in headless Chromium against our running assistant (page load to
widget ready, send to first reply painted, the widget's gzipped size) and the
handoff relay. Figures, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.core.db import transaction  # noqa: E402
from bot.core.settings import PROJECT_ROOT, rasa_environment, settings_from  # noqa: E402
from bot.hr.retraining.model import train  # noqa: E402
from bot.knowledge.files import load_directory  # noqa: E402
from bot.knowledge.service import import_docs  # noqa: E402
from bot.ops.launcher import Services  # noqa: E402
from bot.ops.schema import upgrade  # noqa: E402

RASA = str(Path(sys.executable).parent / "rasa")
CONVERSATION_LENGTH = 8
MEMORY_AFTER = 1000  # messages before resident memory is read
STOCK_MESSAGES = [
    "hello",
    "I am sad",
    "yes",
    "great",
    "bye",
    "are you a bot?",
    "no",
    "good morning",
]
OUR_MESSAGES = [
    "télétravail ?",
    "What are the perks?",
    "Combien de jours de congés ?",
    "how long is the hiring process",
    "bonjour",
    "is there on-call in the platform team?",
    "vous avez une salle de sport ?",
    "c'est quoi la fourchette de salaire pour le poste SRE ?",
]


@dataclass
class Figures:
    name: str
    training_s: float = 0.0
    startup_s: float = 0.0
    rss_mb: dict[str, float] = field(default_factory=dict)
    # conversations -> (p50, p95, msg/s, errors)
    load: dict[int, tuple[float, float, float, int]] = field(default_factory=dict)
    parse_p50_ms: float | None = None  # NLU alone (/model/parse): where the time goes
    messages_sent: int = 0
    hr_change_live_s: float | None = None  # ours: "retrain" clicked -> new model serving
    hr_change_note: str = ""
    heldout: str = ""  # ours: the held-out report's tables
    widget: dict[str, str] = field(default_factory=dict)  # browser figures (ours only)


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def wait_http(url: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} not ready after {timeout}s")


def drive(
    url: str, messages: list[str], conversations: int, per_conversation: int
) -> tuple[float, float, float, int]:
    """`conversations` clients at once, each sending its messages one after the other.

    Each client starts a new conversation every CONVERSATION_LENGTH messages,
    as candidates do (a few questions each), so trackers stay realistic.
    """
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()

    def client(index: int) -> None:
        nonlocal errors
        session = requests.Session()
        for n in range(per_conversation):
            if n % CONVERSATION_LENGTH == 0:
                sender = f"bench-{uuid.uuid4().hex[:8]}"
            text = messages[(index + n) % len(messages)]
            start = time.perf_counter()
            try:
                response = session.post(url, json={"sender": sender, "message": text}, timeout=60)
                ok = response.status_code == 200 and isinstance(response.json(), list)
            except (requests.RequestException, ValueError):
                ok = False
            elapsed = time.perf_counter() - start
            with lock:
                latencies.append(elapsed)
                errors += 0 if ok else 1

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(conversations)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    latencies.sort()
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    return statistics.median(latencies), p95, len(latencies) / wall, errors


def parse_latency(base: str, token: str, messages: list[str], rounds: int = 50) -> float:
    """Median time of the NLU pipeline alone, to split latency between NLU and the rest."""
    timings = []
    for n in range(rounds):
        start = time.perf_counter()
        requests.post(
            f"{base}/model/parse",
            params={"token": token},
            json={"text": messages[n % len(messages)]},
            timeout=60,
        ).raise_for_status()
        timings.append(time.perf_counter() - start)
    return statistics.median(timings) * 1000


def measure_load(fig: Figures, url: str, messages: list[str], rounds: int) -> None:
    drive(url, messages, 1, 5)  # warm-up
    fig.load[1] = drive(url, messages, 1, rounds)
    fig.load[20] = drive(url, messages, 20, max(5, rounds // 10))
    sent = 5 + rounds + 20 * max(5, rounds // 10)
    if sent < MEMORY_AFTER:  # memory is read after the same number of messages for both
        per_client = -(-(MEMORY_AFTER - sent) // 20)  # rounded up
        drive(url, messages, 20, per_client)
        sent += 20 * per_client
    fig.messages_sent = sent


def swap_three_times(swap: Callable[[int], None], url: str, messages: list[str]) -> None:
    """Three model swaps, each followed by ten messages on the model just loaded."""
    for number in range(3):
        swap(number)
        drive(url, messages, 1, 10)


def bench_stock(workdir: Path, port: int, rounds: int) -> Figures:
    fig = Figures("stock rasa init (moodbot)")
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "RASA_CACHE_DIRECTORY": str(workdir / "rasa-cache"),
    }
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    subprocess.run(
        [RASA, "init", "--no-prompt", "--init-dir", str(workdir)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    fig.training_s = time.perf_counter() - start
    start = time.perf_counter()
    process = subprocess.Popen(
        [RASA, "run", "--port", str(port), "--enable-api"],
        cwd=workdir,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_http(f"http://127.0.0.1:{port}/status")
        fig.startup_s = time.perf_counter() - start
        base = f"http://127.0.0.1:{port}"
        measure_load(fig, f"{base}/webhooks/rest/webhook", STOCK_MESSAGES, rounds)
        fig.parse_p50_ms = parse_latency(base, "", STOCK_MESSAGES)
        fig.rss_mb["rasa"] = rss_mb(process.pid)
        (model,) = (workdir / "models").glob("*.tar.gz")

        def swap(number: int) -> None:
            requests.put(f"{base}/model", json={"model_file": str(model)}, timeout=600)

        swap_three_times(swap, f"{base}/webhooks/rest/webhook", STOCK_MESSAGES)
        fig.rss_mb["rasa after 3 swaps"] = rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return fig


def bench_ours(workdir: Path, port: int, rounds: int) -> Figures:
    fig = Figures("our assistant (KB, actions, SQL tracker)")
    url = f"sqlite:///{workdir / 'app.db'}"
    settings = settings_from(
        {
            "VAR_DIR": str(workdir / "var"),
            "DATABASE_URL": url,
            "MODELS_DIR": str(workdir / "models"),
            "RASA_PORT": str(port),
            "ACTION_PORT": str(port + 50),
            "RASA_TOKEN": "bench",
            "OFFICE_HOURS": "mon-sun 00:00-24:00",
            "WEB_PORT": str(port + 80),
            # every client of the bench comes from 127.0.0.1: the per-IP abuse limits
            # (hundreds of conversations an hour) would refuse the widget's visits
            "LIMITS": "messages-ip=100000/60,sessions-ip=100000/3600",
        }
    )
    upgrade(url)
    with transaction(url) as session:
        import_docs(
            session=session,
            docs=load_directory(PROJECT_ROOT / "data" / "knowledge"),
            author="bench",
        )
    start = time.perf_counter()
    model = train(
        settings,
        env={**rasa_environment(settings), "RASA_CACHE_DIRECTORY": str(workdir / "rasa-cache")},
    )
    fig.training_s = time.perf_counter() - start
    services = Services(settings=settings, model=model, log_dir=workdir / "logs")
    start = time.perf_counter()
    try:
        services.start()
        fig.startup_s = time.perf_counter() - start
        measure_load(fig, f"{settings.rasa_url}/webhooks/rest/webhook", OUR_MESSAGES, rounds)
        fig.parse_p50_ms = parse_latency(settings.rasa_url, "bench", OUR_MESSAGES)
        for name, process in services.processes.items():
            fig.rss_mb[name] = rss_mb(process.pid)
        fig.heldout = asyncio.run(heldout_tables(settings))
        for number in range(2):  # two copies of the model to swap between, as HR's builds are
            shutil.copy2(model, settings.models_dir / f"swap-{number}.tar.gz")

        def swap(number: int) -> None:
            requests.post(
                f"{settings.rasa_url}/webhooks/model_reload/load",
                json={"model_file": f"swap-{number % 2}.tar.gz"},
                headers={"Authorization": f"Bearer {settings.rasa_token}"},
                timeout=600,
            ).raise_for_status()

        swap_three_times(swap, f"{settings.rasa_url}/webhooks/rest/webhook", OUR_MESSAGES)
        fig.rss_mb["rasa after 3 swaps"] = rss_mb(services.processes["rasa"].pid)
        fig.hr_change_live_s, fig.hr_change_note = hr_change_live(settings)
        fig.widget = measure_widget(settings.web_url)
        fig.widget.update(asyncio.run(measure_relay(settings)))
    finally:
        services.stop()
    return fig


NEW_EXAMPLE = (
    "remote-allowance",
    "fr",
    "le forfait pour bosser depuis chez moi il monte à combien",
)


def signed_in(settings, login: str, role: str):
    """A new staff member of `role`, signed in to the console over HTTP."""
    from bot.staff.accounts import add_user
    from tests.e2e.console_client import Recruiter

    password = "bench-password-1"
    with transaction(settings.database_url) as session:
        add_user(session=session, login=login, display_name=login, role=role, password=password)
    member = Recruiter(settings.web_url)
    member.sign_in(login, password)
    return member


def hr_change_live(settings) -> tuple[float, str]:
    """HR adds an example question in the workspace (HTTP, as the page does) and clicks
    "retrain": seconds from that click until Rasa serves the new model."""
    hr = signed_in(settings, "bench-hr", "hr")
    api = "/console/api/hr"
    article, language, question = NEW_EXAMPLE
    found = hr.get(f"{api}/articles/{article}").json()
    doc = found["article"]
    doc[language] = {**doc[language], "questions": [*doc[language]["questions"], question]}
    saved = hr.http.put(
        f"{settings.web_url}{api}/articles/{article}",
        json={**doc, "expected_revision": found["revision"]},
        timeout=15,
    )
    saved.raise_for_status()
    clicked = time.perf_counter()
    build = hr.post(f"{api}/model/retrain").json()
    note = "went live by itself (held-out accuracy kept)"
    while True:
        state = next(b for b in hr.get(f"{api}/model").json()["builds"] if b["id"] == build["id"])
        if state["status"] == "awaiting_confirmation":
            hr.post(f"{api}/model/builds/{build['id']}/confirm").raise_for_status()
            note = "HR confirmed it (held-out accuracy dropped)"
        elif state["status"] == "failed":
            return float("nan"), f"the build failed: {state.get('error')}"
        elif state["status"] == "live":
            break
        time.sleep(0.2)
    while True:
        served = requests.get(f"{settings.rasa_url}/status", params={"token": settings.rasa_token})
        if Path(served.json().get("model_file", "")).name == state["model_file"]:
            return time.perf_counter() - clicked, note
        time.sleep(0.2)


async def heldout_tables(settings) -> str:
    """Both held-out halves (tests/heldout/), read by the serving model over /model/parse."""
    import aiohttp

    from bot.hr.retraining.evaluation import evaluate, load_questions, report
    from bot.knowledge.search import ArticleIndex
    from bot.knowledge.service import training_examples

    with transaction(settings.database_url) as session:
        index = ArticleIndex(training_examples(session=session))
    tables = []
    async with aiohttp.ClientSession() as http:

        async def parse(text: str) -> dict:
            async with http.post(
                f"{settings.rasa_url}/model/parse",
                params={"token": settings.rasa_token},
                json={"text": text},
            ) as response:
                return await response.json()

        for half in ("dev", "test"):
            outcomes = await evaluate(
                parse,
                load_questions(PROJECT_ROOT / "tests" / "heldout" / f"{half}.yml"),
                answer_threshold=settings.answer_threshold,
                clarify_threshold=settings.clarify_threshold,
                index=index,
            )
            title = {"dev": "development half (thresholds tuned here)", "test": "sealed test half"}
            table = report(outcomes).split("\nmisses:")[0].split("\n", 2)[2]
            tables.append(f"{title[half]}:\n{table.rstrip()}")
    return "\n\n".join(tables)


READY_SCRIPT = """
new MutationObserver((changes, observer) => {
  const host = document.getElementById('ardoise-chat');
  if (host && host.hasAttribute('data-ready')) {
    window.__widgetReady = performance.now();
    observer.disconnect();
  }
}).observe(document, {subtree: true, childList: true, attributes: true});
"""

SEND_SCRIPT = """async (text) => {
  const root = document.querySelector('#ardoise-chat').shadowRoot;
  const log = root.querySelector('.log');
  const before = log.querySelectorAll('.message.assistant').length;
  root.querySelector('textarea').value = text;
  const start = performance.now();
  root.querySelector('form').requestSubmit();
  await new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      if (log.querySelectorAll('.message.assistant').length > before) {
        observer.disconnect();
        requestAnimationFrame(() => requestAnimationFrame(resolve));
      }
    });
    observer.observe(log, {childList: true});
  });
  return performance.now() - start;
}"""


def measure_widget(web_url: str, visits: int = 15) -> dict[str, str]:
    """Page load -> widget ready, and send -> first reply painted, in headless Chromium."""
    import gzip

    from playwright.sync_api import sync_playwright

    from bot.web.app import widget_bundle

    chromium = (
        os.environ.get("CHROMIUM")
        or subprocess.run(
            [str(PROJECT_ROOT / "scripts" / "install-browser")], capture_output=True, text=True
        ).stdout.strip()
    )
    ready: list[float] = []
    painted: list[float] = []
    unanswered = 0
    with sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        for visit in range(visits):
            context = browser.new_context()
            page = context.new_page()
            page.add_init_script(READY_SCRIPT)
            page.goto(f"{web_url}/")
            page.wait_for_function("window.__widgetReady !== undefined")
            ready.append(page.evaluate("window.__widgetReady"))
            page.locator("#ardoise-chat .launcher").click()
            # a reply that never comes is reported, not waited for forever
            page.set_default_timeout(30_000)
            took = page.evaluate(
                f"(text) => Promise.race([({SEND_SCRIPT})(text),"
                " new Promise((done) => setTimeout(() => done(null), 30000))])",
                OUR_MESSAGES[visit % len(OUR_MESSAGES)],
            )
            if took is None:
                unanswered += 1
            else:
                painted.append(took)
            context.close()
        browser.close()
    size = len(gzip.compress(widget_bundle(settings_from({})), 9)) / 1024
    return {
        "page load -> widget ready p50/p95 (ms)": f"{percentile(ready, 50):.0f} / "
        f"{percentile(ready, 95):.0f}",
        "send -> first reply painted p50/p95 (ms)": f"{percentile(painted, 50):.0f} / "
        f"{percentile(painted, 95):.0f}",
        "widget.js + socket.io client, gzipped": f"{size:.1f} KB (budget 60 KB)",
        "visits whose reply never came (30 s)": str(unanswered),
    }


async def measure_relay(settings, handoffs: int = 20, rounds: int = 5) -> dict[str, str]:
    """20 live handoffs at once: recruiter -> candidate and candidate -> console latencies."""
    import json as jsonlib

    from tests.e2e.socket_client import Candidate

    recruiter = signed_in(settings, "bench", "recruiter")
    candidates = [Candidate(settings.rasa_url) for _ in range(handoffs)]
    for candidate in candidates:
        await candidate.start()
        await candidate.say("Je voudrais parler à un humain", language="fr")
    ids = {h["conversation"]: h["id"] for h in recruiter.queue()}
    for candidate in candidates:
        await asyncio.to_thread(
            recruiter.post, f"/console/api/handoffs/{ids[candidate.session_id]}/claim"
        )
        await candidate.next_message()
    live = await recruiter.live()
    to_candidate: list[float] = []
    to_console: list[float] = []
    waiting: dict[str, tuple[float, asyncio.Future]] = {}

    async def read_console() -> None:
        async for message in live:
            data = jsonlib.loads(message.data)
            if data.get("type") == "line" and data["line"]["text"] in waiting:
                started, done = waiting.pop(data["line"]["text"])
                to_console.append(time.perf_counter() - started)
                done.set_result(None)

    reader = asyncio.create_task(read_console())

    async def converse(candidate: Candidate) -> None:
        session_id = candidate.session_id
        assert session_id is not None, "the candidate has no session yet"
        for turn in range(rounds):
            text = f"recruiter {session_id[:6]} {turn}"
            started = time.perf_counter()
            await asyncio.to_thread(
                recruiter.post,
                f"/console/api/handoffs/{ids[session_id]}/messages",
                {"text": text},
            )
            while (await candidate.next_message())["text"] != text:
                pass
            to_candidate.append(time.perf_counter() - started)
            reply = f"candidate {session_id[:6]} {turn}"
            done = asyncio.get_running_loop().create_future()
            waiting[reply] = (time.perf_counter(), done)
            await candidate.say(reply, language="fr")
            await asyncio.wait_for(done, 10)

    await asyncio.gather(*(converse(c) for c in candidates))
    reader.cancel()
    await recruiter.close_live()
    for candidate in candidates:
        await candidate.close()
    ms = [1000 * x for x in to_candidate]
    back = [1000 * x for x in to_console]
    label = f"({handoffs} live handoffs, ms)"
    return {
        f"relay recruiter -> candidate p50/p95 {label}": f"{percentile(ms, 50):.0f} / "
        f"{percentile(ms, 95):.0f}",
        f"relay candidate -> console p50/p95 {label}": f"{percentile(back, 50):.0f} / "
        f"{percentile(back, 95):.0f}",
    }


def percentile(values: list[float], p: int) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def table(results: list[Figures]) -> str:
    rows: list[tuple[str, Callable[[Figures], str]]] = [
        ("training from nothing (s)", lambda f: f"{f.training_s:.0f}"),
        (
            "HR change live: retrain -> serving (s)",
            lambda f: "-" if f.hr_change_live_s is None else f"{f.hr_change_live_s:.0f}",
        ),
        ("cold start with a trained model (s)", lambda f: f"{f.startup_s:.0f}"),
        ("1 conversation: p50 (ms)", lambda f: f"{f.load[1][0] * 1000:.0f}"),
        ("1 conversation: p95 (ms)", lambda f: f"{f.load[1][1] * 1000:.0f}"),
        ("1 conversation: msg/s", lambda f: f"{f.load[1][2]:.1f}"),
        ("20 conversations: p50 (ms)", lambda f: f"{f.load[20][0] * 1000:.0f}"),
        ("20 conversations: p95 (ms)", lambda f: f"{f.load[20][1] * 1000:.0f}"),
        ("20 conversations: msg/s", lambda f: f"{f.load[20][2]:.1f}"),
        ("NLU alone (/model/parse) p50 (ms)", lambda f: f"{f.parse_p50_ms or 0:.0f}"),
        ("failed messages", lambda f: str(f.load[1][3] + f.load[20][3])),
        (
            "Rasa RSS after 1,000 messages (MB)",
            lambda f: f"{f.rss_mb['rasa']:.0f} ({f.messages_sent} messages)",
        ),
        ("Rasa RSS after 3 model swaps (MB)", lambda f: f"{f.rss_mb['rasa after 3 swaps']:.0f}"),
        (
            "other processes' RSS (MB)",
            lambda f: (
                " + ".join(f"{k} {v:.0f}" for k, v in f.rss_mb.items() if not k.startswith("rasa"))
                or "-"
            ),
        ),
    ]
    width = max(len(r[0]) for r in rows) + 2
    cols = [max(len(f.name), 24) + 2 for f in results]
    lines = ["".ljust(width) + "".join(f.name.ljust(c) for f, c in zip(results, cols, strict=True))]
    for label, cell in rows:
        lines.append(
            label.ljust(width)
            + "".join(cell(f).ljust(c) for f, c in zip(results, cols, strict=True))
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--rounds", type=int, default=100, help="messages for the 1-conversation run"
    )
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="ardoise-bench-"))
    try:
        print("training and measuring the stock assistant…", flush=True)
        stock = bench_stock(workdir / "stock", 25005, args.rounds)
        print("training and measuring our assistant…", flush=True)
        ours = bench_ours(workdir / "ours", 25105, args.rounds)
        print()
        print(table([stock, ours]))
        if ours.hr_change_note:
            print(f"\nHR's change: {ours.hr_change_note}")
        print(f"\nheld-out questions, our assistant, per language and kind\n{ours.heldout}")
        print(
            "\nchat widget (headless Chromium, new browser profile each visit) and handoff relay:"
        )
        for label, value in ours.widget.items():
            print(f"  {label:<45}{value}")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
