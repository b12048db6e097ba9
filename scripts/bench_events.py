"""`make bench`: event registration under concurrency, and the reverse Q&A's session page.

- Registration: rounds of 40 threads registering at the same instant for an open
  house with 5 of its 25 seats left, each in its own transaction; p50/p95/max of
  one registration (from the start signal to the commit, waiting for a connection
  included) and, per round, whether exactly 5 were confirmed and 35 waitlisted
  (WRONG otherwise), on SQLite and, when it is reachable (TEST_POSTGRES_URL,
  default postgresql://postgres@127.0.0.1:5432/test), on PostgreSQL in a
  throw-away database.
- Session page: a reverse Q&A with 520 confirmed registrations, 500 questions and
  their votes; the web server (`python -m bot web`) on a free local port serves a
  candidate's /events/registration/<token> page: p50/p95 of ~30 GETs and its size.
  With Chromium (CHROMIUM, else /usr/bin/chromium): the time from navigation until
  the 500th question is in the browser's DOM, p50 of 5 loads. On both databases.
  The page has no script, so there is no separate JSON call to time.
Figures, not a test: `python scripts/bench_events.py`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, select, text  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402

from bot.core.clock import utcnow  # noqa: E402
from bot.core.db import session_factory, transaction  # noqa: E402
from bot.core.settings import Settings, settings_from  # noqa: E402
from bot.events.messages import registration_link  # noqa: E402
from bot.events.models import Registration  # noqa: E402
from bot.events.panel import submit_question, vote  # noqa: E402
from bot.events.registrations import RegistrationError, register  # noqa: E402
from bot.events.terms import event_terms, save_terms  # noqa: E402
from bot.ops.launcher import Services, StartupFailed  # noqa: E402
from bot.ops.schema import upgrade  # noqa: E402
from bot.records.models import Event  # noqa: E402

OFFICE = "Europe/Paris"
# Monday 30 November 2026, 10:00 in Paris; the open house is on Thursday 3 December.
NOW = dt.datetime(2026, 11, 30, 9, 0)
SEATS, TAKEN, RACERS = 25, 20, 40
CONSENT = "We keep your first name and e-mail until the event, then 180 days."
POSTGRES_ADMIN_URL = os.environ.get(
    "TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def report(label: str, timings: list[float], extra: str = "") -> None:
    print(
        f"{label}  p50 {statistics.median(timings):.1f} ms  "
        f"p95 {percentile(timings, 0.95):.1f} ms  max {max(timings):.1f} ms  "
        f"({len(timings)} samples{extra})"
    )


def add_event(url: str, **values: Any) -> int:
    """A dated event (default: the open house of Thursday 3 December 2026); its id."""
    data: dict[str, Any] = {
        "kind": "open_house",
        "date": dt.date(2026, 12, 3),
        "start_time": dt.time(17, 30),
        "end_time": dt.time(19, 30),
        "place_fr": "Siège de Lyon, 12 rue de la Charité",
        "place_en": "Lyon headquarters, 12 rue de la Charité",
        "status": "scheduled",
        **values,
    }
    with transaction(url) as session:
        event = Event(**data)
        session.add(event)
        session.flush()
        return int(event.id)


def enrol(session: Session, event_id: int, email: str, now: dt.datetime) -> Registration:
    return register(
        session=session,
        event_id=event_id,
        conversation_id=f"conv-{email}",
        first_name="Camille",
        email=email,
        language="fr",
        consent=True,
        now=now,
        office_timezone=OFFICE,
        consent_text=CONSENT,
    )


# ---------------------------------------------------------------- registration race


def last_seats_round(url: str, round_number: int) -> tuple[list[float], Counter, list[int]]:
    """40 candidates at once for the last 5 seats: per-registration milliseconds, the
    outcomes by name, and the seats the confirmed registrations hold."""
    event_id = add_event(url)
    with transaction(url) as session:
        save_terms(session=session, event_id=event_id, capacity=SEATS, author="bench")
        for n in range(TAKEN):
            enrol(session, event_id, f"early{n}-{round_number}@example.org", NOW)
    barrier = threading.Barrier(RACERS)
    timings: list[float] = []
    outcomes: Counter = Counter()
    lock = threading.Lock()

    def run(number: int) -> None:
        email = f"c{number}-{round_number}@example.org"
        barrier.wait()
        began = time.perf_counter()
        try:
            with transaction(url) as session:
                outcome = enrol(session, event_id, email, NOW).status
        except RegistrationError as error:
            outcome = type(error).__name__
        except Exception as error:  # noqa: BLE001 - counted and shown: a lock error is a figure
            outcome = f"{type(error).__name__}: {str(error).splitlines()[0][:80]}"
        elapsed = (time.perf_counter() - began) * 1000
        with lock:
            timings.append(elapsed)
            outcomes[outcome] += 1

    workers = [threading.Thread(target=run, args=(n,)) for n in range(RACERS)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    with transaction(url) as session:
        seats = sorted(
            seat
            for seat in session.execute(
                select(Registration.seat).where(
                    Registration.event_id == event_id, Registration.status == "confirmed"
                )
            ).scalars()
            if seat is not None
        )
    return timings, outcomes, seats


def bench_registrations(name: str, url: str, rounds: int) -> None:
    left = SEATS - TAKEN
    expected = Counter({"confirmed": left, "waitlisted": RACERS - left})
    timings: list[float] = []
    wrong = 0
    for round_number in range(rounds):
        round_timings, outcomes, seats = last_seats_round(url, round_number)
        timings += round_timings
        said = ", ".join(f"{count} {outcome}" for outcome, count in outcomes.most_common())
        if outcomes == expected and seats == list(range(1, SEATS + 1)):
            print(f"  {name} round {round_number + 1}: {said}, seats 1..{SEATS} held once: ok")
        else:
            wrong += 1
            print(
                f"  WRONG!!! {name} round {round_number + 1}: {said}; confirmed seats {seats} "
                f"(expected {expected['confirmed']} confirmed, {expected['waitlisted']} "
                f"waitlisted, seats 1..{SEATS} each once)"
            )
    report(
        f"events: one registration among {RACERS} at once for the last {left} seats on {name}",
        timings,
        f", {rounds} rounds, {wrong} WRONG" if wrong else f", {rounds} rounds all right",
    )


# ---------------------------------------------------------------- session page


def seed_session(url: str, registrations: int, questions: int) -> tuple[int, int, int]:
    """A reverse Q&A nine days ahead: `registrations` confirmed places, one question from
    each of the first `questions`, a varying number of votes on each (and twenty from
    the first candidate, whose page is measured). Its id, the viewer's id, the votes."""
    now = utcnow()
    event_id = add_event(
        url,
        kind="reverse_qa",
        date=(now + dt.timedelta(days=9)).date(),
        start_time=dt.time(12, 30),
        end_time=dt.time(13, 15),
        place_fr=None,
        place_en=None,
    )
    with transaction(url) as session:
        save_terms(session=session, event_id=event_id, capacity=registrations, author="bench")
        people = [
            enrol(session, event_id, f"p{n}@example.org", now).public_id
            for n in range(registrations)
        ]
    asked = []
    with transaction(url) as session:
        for n in range(questions):
            question = submit_question(
                session=session,
                registration_id=people[n],
                text=f"Question {n}: how does the team decide what to build next, and why?",
                now=now,
                office_timezone=OFFICE,
            )
            asked.append(question.public_id)
    votes = 0
    with transaction(url) as session:
        for n, question_id in enumerate(asked):
            voters = [people[(n + 1 + k) % registrations] for k in range((n * 37) % 13)]
            voters += [people[0]] if 1 <= n <= 20 else []
            for voter in voters:
                vote(
                    session=session,
                    registration_id=voter,
                    question_id=question_id,
                    now=now,
                    office_timezone=OFFICE,
                )
                votes += 1
    with transaction(url) as session:
        viewer = session.execute(
            select(Registration.id).where(Registration.public_id == people[0])
        ).scalar_one()
    return event_id, int(viewer), votes


def page_path(settings: Settings, registration_id: int) -> str:
    """The registration link the e-mails carry, as a path on the web server."""
    with transaction(settings.database_url) as session:
        registration = session.get(Registration, registration_id)
        event = session.get(Event, registration.event_id)
        terms = event_terms(session=session, event=event, office_timezone=OFFICE)
        link = registration_link(settings, "registration", registration, terms)
    return urlsplit(link).path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM") or "/usr/bin/chromium"
    return path if os.path.exists(path) else None


def browser_timings(address: str, loads: int, questions: int) -> dict[str, list[float]]:
    """Per load, milliseconds from navigation to the `questions`-th question in the DOM
    (as Playwright sees it), and the page's own Navigation Timing: document parsed
    (domInteractive) and load event end."""
    from playwright.sync_api import sync_playwright

    timings: dict[str, list[float]] = {"seen": [], "parsed": [], "loaded": []}
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            for number in range(loads + 1):  # the first load warms the browser up
                context = browser.new_context(viewport={"width": 390, "height": 844})
                page = context.new_page()
                began = time.perf_counter()
                page.goto(address, wait_until="commit")
                page.locator("li.question").nth(questions - 1).wait_for(state="attached")
                seen = (time.perf_counter() - began) * 1000
                page.wait_for_load_state("load")
                parsed, loaded = page.evaluate(
                    "() => { const n = performance.getEntriesByType('navigation')[0];"
                    " return [n.domInteractive, n.loadEventEnd]; }"
                )
                context.close()
                if number:
                    timings["seen"].append(seen)
                    timings["parsed"].append(float(parsed))
                    timings["loaded"].append(float(loaded))
        finally:
            browser.close()
    return timings


def page_gets(address: str, gets: int) -> tuple[list[float], str, int]:
    """Milliseconds of `gets` GETs of the page (after a few to warm up), its HTML, its bytes."""
    with requests.Session() as http:
        first = http.get(address, timeout=30)
        first.raise_for_status()
        for _ in range(3):  # the first requests open files and connections
            http.get(address, timeout=30).raise_for_status()
        timings = []
        for _ in range(gets):
            start = time.perf_counter()
            http.get(address, timeout=30).raise_for_status()
            timings.append((time.perf_counter() - start) * 1000)
    return timings, first.text, len(first.content)


def bench_page(name: str, url: str, folder: Path, gets: int, loads: int) -> None:
    registrations, questions = 520, 500
    began = time.perf_counter()
    _, viewer, votes = seed_session(url, registrations, questions)
    seeded = time.perf_counter() - began
    web_port = free_port()
    settings = settings_from(
        {
            "VAR_DIR": str(folder / "var"),
            "DATABASE_URL": url,
            "WEB_PORT": str(web_port),
            "RASA_PORT": str(free_port()),
            "ACTION_PORT": str(free_port()),
            "RASA_TOKEN": "bench-token",
        }
    )
    address = f"http://127.0.0.1:{web_port}{page_path(settings, viewer)}"
    services = Services(settings=settings, model=Path(), log_dir=folder / "logs")
    try:
        services.start_web()
        services.wait_ready(timeout=60)
        timings, page, size = page_gets(address, gets)
        shown = page.count('<li class="question')
        report(
            f"events: session page of a reverse Q&A, {questions} questions, GET on {name}",
            timings,
            f", {size / 1024:.0f} KB, {shown} questions shown, {votes} votes; "
            f"data made in {seeded:.1f} s",
        )
        if shown != questions:
            print(f"  WRONG!!! the page shows {shown} questions, {questions} were asked")
        if name == "SQLite" and "<script" in page:
            print("  the page has a script: a JSON call of its own is not timed here")
        elif name == "SQLite":
            print("  no separate JSON call: the page is plain HTML, its questions come with it")
        if chromium_path() is None:
            print(
                "  browser figure skipped: no Chromium at CHROMIUM or /usr/bin/chromium "
                "(scripts/install-browser installs Debian's)"
            )
            return
        seen = browser_timings(address, loads, questions)
        print(
            f"events: session page in headless Chromium on {name}, navigation to the "
            f"{questions}th question in the DOM  p50 {statistics.median(seen['seen']):.0f} ms  "
            f"max {max(seen['seen']):.0f} ms  ({len(seen['seen'])} loads; in the page: "
            f"parsed p50 {statistics.median(seen['parsed']):.0f} ms, "
            f"load event p50 {statistics.median(seen['loaded']):.0f} ms)"
        )
    except StartupFailed as error:
        print(f"events: session page on {name}: the web server did not start ({error})")
    finally:
        services.stop()


# ---------------------------------------------------------------- databases


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
    parser.add_argument("--rounds", type=int, default=5, help="rounds of 40 registrations")
    parser.add_argument("--gets", type=int, default=30, help="GETs of the session page")
    parser.add_argument("--loads", type=int, default=5, help="loads in the browser")
    args = parser.parse_args()
    # The database files private from the start, as the launcher wants them (no warning).
    os.umask(0o077)
    with tempfile.TemporaryDirectory(prefix="bench-events-") as folder:
        databases = [("SQLite", f"sqlite:///{Path(folder) / 'bench.db'}")]
        pg = postgres_url()
        if pg is not None:
            databases.append(("PostgreSQL", pg))
        try:
            for name, url in databases:
                upgrade(url)
                bench_registrations(name, url, args.rounds)
            if pg is None:
                print("events: PostgreSQL not reachable, its figures skipped")
            for name, url in databases:
                bench_page(name, url, Path(folder) / name.lower(), args.gets, args.loads)
        finally:
            session_factory(databases[0][1]).kw["bind"].dispose()
            if pg is not None:
                drop_postgres(pg)
    return 0


if __name__ == "__main__":
    sys.exit(main())
