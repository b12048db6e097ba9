"""The soak (issue 17): candidates chatting over socket.io through nginx on the production
shape while its processes are killed and its services restarted, then what became of every
message, read from the tracker store.

Each candidate behaves as the widget does: one message at a time, each with its own id,
sent again with the same id (the widget's outbox) until the server acknowledges it, on a
new connection when the old one broke; the server stores a message id once per process.
Candidates connect from their own loopback address (127.0.N.1) so that nginx's ip_hash
spreads them over both Rasa processes. Some candidates ask for a recruiter; a scripted
recruiter claims the conversation in the console, writes, and hands it back.

What is counted, per message: sent, acknowledged, stored (lost = acknowledged but not in
the tracker store; must be 0), duplicated (stored more than once: a message in flight in
a killed process, sent again to the other one), out of order (a conversation whose stored
messages are not in the order sent; must be 0), answered (an assistant message follows
before the candidate's next one), and the apologies the assistant sent instead of an
answer while a part was down.
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import subprocess
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import requests
import socketio
from sqlalchemy import create_engine, text

from bot.core.db import transaction
from bot.staff.accounts import add_user
from tests.e2e.console_client import Recruiter
from tests.e2e.shape import Shape

QUESTIONS = {
    "fr": [
        "Combien de jours de télétravail par semaine ?",
        "Quels sont les avantages ?",
        "Comment se passe le recrutement ?",
        "Quelles sont vos valeurs ?",
        "Il y a des tickets resto ?",
        "Vous recrutez des juniors ?",
        "C'est quoi la stack technique ?",
        "Et le salaire pour un SRE ?",
    ],
    "en": [
        "How many remote days a week?",
        "What are the benefits?",
        "How does the hiring process work?",
        "What are your values?",
        "Do you hire juniors?",
        "What is the tech stack?",
        "What's the pay for a data scientist?",
        "Is there an on-call rotation?",
    ],
}
# Asked by one candidate in ten, then a slot of the offer booked with /book{...}.
COFFEE = {
    "fr": "Je veux prendre un café avec une personne de l'équipe plateforme",
    "en": "I'd like to book a coffee with a person from the platform team",
}
ACK_SECONDS = 30.0
RECONNECT_SECONDS = 1.0
GRACE_SECONDS = 120.0  # after the end, to get every message acknowledged
PASSWORD = "a-long-soak-recruiter-password"


@dataclass
class Sent:
    conversation: str
    message_id: str
    seq: int
    sent_at: float
    acked_at: float | None = None
    retries: int = 0
    refused: str | None = None


@dataclass
class Fault:
    at: float  # seconds after the start
    name: str  # "kill rasa", "kill actions-1", "kill web-1", "restart redis|rabbitmq|postgresql"
    started: float | None = None
    recovered: float | None = None
    note: str = ""


@dataclass
class Run:
    sent: list[Sent] = field(default_factory=list)
    apologies: int = 0
    replies: int = 0
    reconnects: int = 0
    handoffs_done: int = 0
    handoffs_failed: list[str] = field(default_factory=list)
    bookings: dict[str, int] = field(default_factory=dict)  # booking status -> count
    faults: list[Fault] = field(default_factory=list)
    started: float = 0.0
    ended: float = 0.0


class SoakCandidate:
    """One candidate's connection, remade when it breaks (session resumed by id)."""

    def __init__(self, shape: Shape, number: int, run: Run) -> None:
        self.shape = shape
        self.address = f"127.0.{number % 250 + 1}.1"
        self.run = run
        self.session_id: str | None = None
        self.sio: socketio.AsyncClient | None = None
        self.http: aiohttp.ClientSession | None = None
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def _on_message(self, message: dict[str, Any]) -> None:
        self.run.replies += 1
        if (message.get("custom") or {}).get("type") == "error":
            self.run.apologies += 1
        await self.received.put(message)

    async def connect(self) -> None:
        await self.close()
        connector = aiohttp.TCPConnector(local_addr=(self.address, 0))
        self.http = aiohttp.ClientSession(connector=connector)
        self.sio = socketio.AsyncClient(reconnection=False, http_session=self.http)
        self.sio.on("bot_uttered", self._on_message)
        confirms: asyncio.Queue[Any] = asyncio.Queue()
        self.sio.on("session_confirm", confirms.put)
        await self.sio.connect(
            self.shape.url,
            transports=["polling"],  # engineio 4.15 upgrades with aiohttp >= 3.10 only
            headers={"Origin": self.shape.url},
            wait_timeout=10,
        )
        await self.sio.emit("session_request", {"session_id": self.session_id})
        confirm = await asyncio.wait_for(confirms.get(), 15)
        if self.session_id and confirm["session_id"] != self.session_id:
            raise RuntimeError("the session was not resumed")
        self.session_id = confirm["session_id"]

    async def ensure(self, deadline: float) -> None:
        while self.sio is None or not self.sio.connected:
            try:
                await self.connect()
            except Exception:  # noqa: BLE001 - any failure to connect: try again
                self.run.reconnects += 1
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(RECONNECT_SECONDS)

    async def say(self, sent: Sent, text: str, language: str, deadline: float) -> None:
        """Until acknowledged (or refused), as the widget's outbox does."""
        while True:
            await self.ensure(deadline)
            assert self.sio is not None
            payload = {
                "message": text,
                "session_id": self.session_id,
                "message_id": sent.message_id,
                "metadata": {"language": language},
            }
            try:
                ack = await self.sio.call("user_uttered", payload, timeout=ACK_SECONDS)
            except Exception:  # noqa: BLE001 - a timeout or a broken connection: again
                sent.retries += 1
                await self.close()
                if time.monotonic() > deadline:
                    return
                continue
            if isinstance(ack, dict) and ack.get("ok"):
                sent.acked_at = time.monotonic()
                return
            retry = (ack or {}).get("retry_after") if isinstance(ack, dict) else None
            if retry is not None:
                sent.retries += 1
                await asyncio.sleep(float(retry))
                continue
            sent.refused = json.dumps(ack)[:200]
            return

    def drain(self) -> list[dict[str, Any]]:
        """The messages received since the last drain."""
        got = []
        while not self.received.empty():
            got.append(self.received.get_nowait())
        return got

    async def close(self) -> None:
        if self.sio is not None and self.sio.connected:
            try:
                await self.sio.eio.disconnect(abort=True)
            except Exception:  # noqa: BLE001 - already gone
                pass
        if self.http is not None:
            await self.http.close()
        self.sio = self.http = None


async def candidate_loop(
    shape: Shape,
    number: int,
    run: Run,
    until: float,
    think: tuple[float, float],
    recruiter: Recruiter | None,
) -> None:
    language = "fr" if number % 2 == 0 else "en"
    me = SoakCandidate(shape, number, run)
    rng = random.Random(number)
    seq = 0
    hard_deadline = until + GRACE_SECONDS
    try:
        await me.ensure(hard_deadline)
        while time.monotonic() < until:
            if recruiter is not None and seq == 2:
                await handoff(me, recruiter, run, language, hard_deadline)
                recruiter = None
            if number % 10 == 3 and seq == 3:
                await book_coffee(me, run, language, number, hard_deadline)
            question = rng.choice(QUESTIONS[language])
            seq += 1
            sent = Sent(me.session_id or "", f"soak-{number}-{seq}", seq, time.monotonic())
            run.sent.append(sent)
            await me.say(sent, question, language, hard_deadline)
            await asyncio.sleep(rng.uniform(*think))
    finally:
        await me.close()


async def handoff(
    me: SoakCandidate, recruiter: Recruiter, run: Run, language: str, deadline: float
) -> None:
    """Ask for a recruiter, who claims, writes twice while the candidate writes twice,
    and hands the conversation back."""
    sent = Sent(me.session_id or "", f"{me.session_id}-human", 0, time.monotonic())
    # the widget's "talk to a recruiter" button
    await me.say(sent, "/request_human", language, deadline)
    try:
        found = None
        for _ in range(60):
            found = await asyncio.to_thread(
                lambda: next(
                    (h for h in recruiter.queue() if h["conversation"] == me.session_id), None
                )
            )
            if found:
                break
            await asyncio.sleep(0.5)
        if not found:
            run.handoffs_failed.append(f"{me.session_id}: never queued")
            return
        base = f"/console/api/handoffs/{found['id']}"
        claimed = await asyncio.to_thread(recruiter.post, f"{base}/claim")
        if claimed.status_code != 200:
            run.handoffs_failed.append(f"{me.session_id}: claim {claimed.status_code}")
            return
        for turn in range(2):
            await asyncio.to_thread(
                recruiter.post, f"{base}/messages", {"text": f"Bonjour, message {turn + 1}"}
            )
            during = Sent(me.session_id or "", f"{me.session_id}-h{turn}", 0, time.monotonic())
            run.sent.append(during)
            await me.say(during, f"Merci, question {turn + 1} pour vous", language, deadline)
        back = await asyncio.to_thread(recruiter.post, f"{base}/return")
        if back.status_code != 200:
            run.handoffs_failed.append(f"{me.session_id}: return {back.status_code}")
            return
        run.handoffs_done += 1
    except Exception as error:  # noqa: BLE001 - counted and said, the soak goes on
        run.handoffs_failed.append(f"{me.session_id}: {error!r}"[:200])


def payload_of(messages: list[dict[str, Any]], kind: str) -> dict[str, Any] | None:
    return next(
        (m["custom"] for m in messages if (m.get("custom") or {}).get("type") == kind), None
    )


async def book_coffee(
    me: SoakCandidate, run: Run, language: str, number: int, deadline: float
) -> None:
    """Ask for a coffee with an engineer, then book a slot of the offer (name, e-mail,
    consent in one /book command, as the widget's form sends it)."""
    me.drain()
    asking = Sent(me.session_id or "", f"soak-{number}-coffee", 0, time.monotonic())
    run.sent.append(asking)
    await me.say(asking, COFFEE[language], language, deadline)
    await asyncio.sleep(0.2)
    offer = payload_of(me.drain(), "meeting_offer")
    if not offer or not offer.get("slots"):
        run.bookings["no offer"] = run.bookings.get("no offer", 0) + 1
        return
    slots = offer["slots"]
    slot = slots[number % len(slots)]["id"]
    fields = {
        "slot": slot,
        "name": f"Soak {number}",
        "email": f"soak{number}@example.org",
        "consent": True,
    }
    booking = Sent(me.session_id or "", f"soak-{number}-book", 0, time.monotonic())
    run.sent.append(booking)
    await me.say(booking, "/book" + json.dumps(fields), language, deadline)
    await asyncio.sleep(0.2)
    result = payload_of(me.drain(), "booking") or {}
    status = str(result.get("status") or "no reply")
    run.bookings[status] = run.bookings.get(status, 0) + 1


# ---------------------------------------------------------------- faults


def ready(url: str) -> bool:
    """Under the soak's load a busy process takes seconds to answer: that is not down."""
    try:
        return requests.get(url, timeout=10).status_code == 200
    except requests.RequestException:
        return False


def serving_rasa(shape: Shape) -> str:
    """The Rasa process nginx sent most of the candidates' requests to."""
    log = (shape.var / "logs" / "nginx-access.log").read_text(errors="replace")
    counts = {
        name: log.count(f"upstream=127.0.0.1:{p}")
        for name, p in (("rasa-1", shape.ports.rasa[0]), ("rasa-2", shape.ports.rasa[1]))
    }
    return max(counts, key=lambda n: counts[n])


SERVICE_RESTARTS: dict[str, list[list[str]]] = {
    "postgresql": [["service", "postgresql", "restart"]],
    # As this machine runs it: keeping nothing on disk (Debian's script would start it
    # with the packaged file's snapshots, which this machine's Redis cannot write).
    "redis": [
        ["redis-cli", "-h", "127.0.0.1", "shutdown", "nosave"],
        [
            "redis-server",
            "/etc/redis/redis.conf",
            "--save",
            "",
            "--daemonize",
            "yes",
            "--stop-writes-on-bgsave-error",
            "no",
        ],
    ],
    # The broker inside its VM (Debian's script waits for a pid file this machine lacks).
    "rabbitmq": [["rabbitmqctl", "-q", "stop_app"], ["rabbitmqctl", "-q", "start_app"]],
}
EVERY_PROCESS = ("rasa-1", "rasa-2", "actions-1", "actions-2", "web-1", "web-2", "stream")


def inject(shape: Shape, fault: Fault) -> None:
    """Do the fault, then wait until what it broke is ready again (at most 10 minutes)."""
    fault.started = time.monotonic()
    deadline = fault.started + 600
    verb, _, target = fault.name.partition(" ")
    if verb == "kill":
        name = serving_rasa(shape) if target == "rasa" else target
        fault.note = name
        old = shape.pid(name)
        subprocess.run(["kill", "-9", str(old)], check=False)
        while time.monotonic() < deadline:
            try:
                restarted = shape.pid(name) != old
            except (FileNotFoundError, ValueError):
                restarted = False
            if restarted and ready(shape.ready_url(name)):
                fault.recovered = time.monotonic()
                return
            time.sleep(0.2)
        return
    for command in SERVICE_RESTARTS[target]:
        subprocess.run(command, check=False, capture_output=True, timeout=120)
    while time.monotonic() < deadline:
        if all(ready(shape.ready_url(n)) for n in EVERY_PROCESS):
            fault.recovered = time.monotonic()
            return
        time.sleep(0.2)


async def fault_loop(shape: Shape, run: Run, faults: Iterable[Fault]) -> None:
    for fault in sorted(faults, key=lambda f: f.at):
        await asyncio.sleep(max(0.0, run.started + fault.at - time.monotonic()))
        run.faults.append(fault)
        await asyncio.to_thread(inject, shape, fault)


# ---------------------------------------------------------------- bursts


@dataclass
class Bursts:
    bursts: int = 0
    messages: int = 0
    lost: int = 0
    mismatched: int = 0  # a message whose reply was another message's answer
    interleaved: int = 0  # a conversation where two messages were handled at once
    reordered: int = 0  # handled in another order than sent (see `bursts`)
    failed: list[str] = field(default_factory=list)


BURST_ARTICLES = ("remote-work", "training", "hiring-process")


def choose(article: str) -> str:
    return "/choose_article" + json.dumps({"article": article})


async def bursts(shape: Shape, count: int, concurrency: int = 8, gap: float = 0.02) -> Bursts:
    """`count` conversations, each three messages over REST `gap` seconds apart without
    waiting for replies, the first and the third to one Rasa process, the second to the
    other. Must be 0: lost, a reply that answers another message, and two messages of a
    conversation handled at once (the tracker store's user and assistant events
    interleaved). Reported: conversations handled in another order than sent, which the
    servers cannot know (each process takes its place in line when its event loop reads
    the request; a process busy with other conversations reads it later)."""
    result = Bursts()
    gate = asyncio.Semaphore(concurrency)
    senders: list[str] = []

    async def post(http: aiohttp.ClientSession, rasa: int, body: dict[str, str]) -> Any:
        url = f"http://127.0.0.1:{rasa}/webhooks/rest/webhook"
        async with http.post(url, json=body, timeout=aiohttp.ClientTimeout(total=120)) as answer:
            if answer.status != 200:
                raise RuntimeError(f"HTTP {answer.status}")
            return await answer.json()

    async def one(number: int, http: aiohttp.ClientSession) -> None:
        sender = f"burst-{number}-{random.getrandbits(32):08x}"
        senders.append(sender)
        async with gate:
            tasks = []
            for turn, article in enumerate(BURST_ARTICLES):
                body = {"sender": sender, "message": choose(article)}
                tasks.append(asyncio.ensure_future(post(http, shape.ports.rasa[turn % 2], body)))
                await asyncio.sleep(gap)
            for article, task in zip(BURST_ARTICLES, tasks, strict=True):
                try:
                    items = await task
                except Exception as error:  # noqa: BLE001 - counted
                    result.failed.append(f"{sender}: {error!r}"[:200])
                    continue
                answered = [i["custom"].get("article") for i in items if "custom" in i]
                if article not in answered or any(a and a != article for a in answered):
                    result.mismatched += 1
            result.bursts += 1
            result.messages += len(BURST_ARTICLES)

    async with aiohttp.ClientSession() as http:
        await asyncio.gather(*(one(n, http) for n in range(count)))
    stored = stored_messages(shape.database_url, [f"rest:{s}" for s in senders])
    wanted = [choose(a) for a in BURST_ARTICLES]
    for sender in senders:
        said = conversation_turns(stored.get(f"rest:{sender}", []))
        asked = [t for kind, t in said if kind == "user" and t in wanted]
        result.lost += len(set(wanted) - set(asked))
        if asked != [w for w in wanted if w in asked]:
            result.reordered += 1
        # each message answered before the next one was read
        pending: str | None = None
        for kind, value in said:
            if kind == "user":
                if pending is not None:
                    result.interleaved += 1
                    break
                pending = value if value in wanted else None
            elif value and pending is not None:
                if choose(value) != pending:
                    result.interleaved += 1
                    break
                pending = None
    return result


def stored_messages(database_url: str, conversations: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Each conversation's user and bot events in the tracker store, in order (Rasa's JSON),
    read in batches of 500 conversations."""
    engine = create_engine(database_url, future=True)
    found: dict[str, list[dict[str, Any]]] = defaultdict(list)
    try:
        with engine.connect() as connection:
            for start in range(0, len(conversations), 500):
                rows = connection.execute(
                    text(
                        "SELECT sender_id, data FROM events WHERE type_name IN ('user', 'bot') "
                        "AND sender_id = ANY(:ids) ORDER BY id"
                    ),
                    {"ids": conversations[start : start + 500]},
                )
                for sender, data in rows:
                    found[sender].append(json.loads(data))
    finally:
        engine.dispose()
    return found


def conversation_turns(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """("user", text) and ("bot", answered article or "") in order."""
    turns = []
    for event in events:
        if event.get("event") == "user":
            turns.append(("user", str(event.get("text"))))
        else:
            custom = (event.get("data") or {}).get("custom") or {}
            article = custom.get("article") if custom.get("type") == "answer" else ""
            turns.append(("bot", str(article or "")))
    return turns


def user_messages(events: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """The candidate's messages: (message id, text)."""
    return [
        (str(e.get("message_id") or ""), str(e.get("text")))
        for e in events
        if e.get("event") == "user"
    ]


def answered_share(stored: dict[str, list[dict[str, Any]]]) -> tuple[int, int]:
    """(candidate messages followed by an assistant or recruiter message, all of them)."""
    answered = total = 0
    for events in stored.values():
        previous = None
        for event in events:
            kind = event.get("event")
            if kind == "user":
                total += 1
            elif previous == "user":
                answered += 1
            previous = kind
    return answered, total


@dataclass
class Outcome:
    sent: int
    acknowledged: int
    refused: int
    stored: int
    lost: list[str]
    duplicated: int
    out_of_order: list[str]
    answered: int
    candidate_messages: int
    retries: int


def outcome(run: Run, database_url: str) -> Outcome:
    conversations = sorted({s.conversation for s in run.sent if s.conversation})
    stored = stored_messages(database_url, conversations)
    lost, out_of_order = [], []
    duplicated = stored_count = 0
    by_conversation: dict[str, list[Sent]] = defaultdict(list)
    for sent in run.sent:
        by_conversation[sent.conversation].append(sent)
    for conversation, sents in by_conversation.items():
        ids = [m for m, _ in user_messages(stored.get(conversation, []))]
        seen: dict[str, int] = {}
        for m in ids:
            seen[m] = seen.get(m, 0) + 1
        duplicated += sum(n - 1 for m, n in seen.items() if m and n > 1)
        order = {s.message_id: k for k, s in enumerate(sents)}
        firsts = [order[m] for m in dict.fromkeys(ids) if m in order]
        if firsts != sorted(firsts):
            out_of_order.append(conversation)
        for sent in sents:
            if sent.message_id in seen:
                stored_count += 1
            elif sent.acked_at is not None:
                lost.append(sent.message_id)
    answered, total = answered_share(stored)
    return Outcome(
        sent=len(run.sent),
        acknowledged=sum(1 for s in run.sent if s.acked_at is not None),
        refused=sum(1 for s in run.sent if s.refused),
        stored=stored_count,
        lost=lost,
        duplicated=duplicated,
        out_of_order=out_of_order,
        answered=answered,
        candidate_messages=total,
        retries=sum(s.retries for s in run.sent),
    )


def p95(values: list[float]) -> float | None:
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=20)[18]


def latencies(run: Run) -> dict[str, float | None]:
    """p95 seconds from sending to the acknowledgement (the reply delivered), by period."""
    if not run.faults:
        return {"before": p95([s.acked_at - s.sent_at for s in run.sent if s.acked_at])}
    first = min(f.started or run.ended for f in run.faults)
    last = max((f.recovered or run.ended) for f in run.faults)
    periods: dict[str, Callable[[Sent], bool]] = {
        "before": lambda s: s.sent_at < first,
        "during": lambda s: first <= s.sent_at <= last,
        "after": lambda s: s.sent_at > last,
    }
    return {
        name: p95([s.acked_at - s.sent_at for s in run.sent if s.acked_at and keep(s)])
        for name, keep in periods.items()
    }


# ---------------------------------------------------------------- the whole run


async def soak(
    shape: Shape,
    *,
    candidates: int,
    seconds: float,
    handoffs: int,
    faults: list[Fault],
    think: tuple[float, float] = (1.0, 4.0),
) -> Run:
    run = Run()
    recruiters: list[Recruiter] = []
    with transaction(shape.database_url) as session:
        for number in range(handoffs):
            add_user(
                session=session,
                login=f"soak-{number}",
                display_name=f"Recrutrice {number}",
                role="recruiter",
                password=PASSWORD,
            )
    for number in range(handoffs):
        recruiter = Recruiter(shape.url)
        await asyncio.to_thread(recruiter.sign_in, f"soak-{number}", PASSWORD)
        await asyncio.to_thread(recruiter.queue)  # on duty from now on
        recruiters.append(recruiter)
    run.started = time.monotonic()
    until = run.started + seconds
    faulting = asyncio.create_task(fault_loop(shape, run, faults))
    await asyncio.gather(
        *(
            candidate_loop(
                shape,
                number,
                run,
                until,
                think,
                recruiters[number] if number < len(recruiters) else None,
            )
            for number in range(candidates)
        )
    )
    await faulting
    run.ended = time.monotonic()
    return run


def table(run: Run, result: Outcome, burst: Bursts | None) -> str:
    """The soak's figures as a plain-text table."""
    late = latencies(run)
    lines = [
        f"{'messages sent':<44}{result.sent:>10}",
        f"{'acknowledged':<44}{result.acknowledged:>10}",
        f"{'refused by the server':<44}{result.refused:>10}",
        f"{'stored in the tracker store':<44}{result.stored:>10}",
        f"{'LOST (acknowledged, not stored; must be 0)':<44}{len(result.lost):>10}",
        f"{'duplicated (stored twice)':<44}{result.duplicated:>10}",
        f"{'OUT OF ORDER conversations (must be 0)':<44}{len(result.out_of_order):>10}",
        f"{'candidate messages answered':<44}{result.answered:>5} / {result.candidate_messages}",
        f"{'sent again by the client (outbox)':<44}{result.retries:>10}",
        f"{'reconnections':<44}{run.reconnects:>10}",
        f"{'assistant replies received':<44}{run.replies:>10}",
        f"{'apologies received':<44}{run.apologies:>10}",
        f"{'live handoffs completed':<44}{run.handoffs_done:>10}",
        f"{'handoffs that failed':<44}{len(run.handoffs_failed):>10}",
        *(
            f"{'coffee bookings: ' + status:<44}{count:>10}"
            for status, count in sorted(run.bookings.items())
        ),
    ]
    for name, value in late.items():
        shown = f"{value:.2f} s" if value is not None else "-"
        lines.append(f"{'p95 send to acknowledged, ' + name:<44}{shown:>10}")
    for fault in run.faults:
        took = (
            f"{fault.recovered - fault.started:.1f} s"
            if fault.recovered and fault.started
            else "NOT RECOVERED"
        )
        label = f"{fault.name} ({fault.note})" if fault.note else fault.name
        lines.append(
            f"{'recovered after ' + label + ' at ' + str(int(fault.at)) + ' s':<44}{took:>10}"
        )
    if burst is not None:
        lines += [
            f"{'bursts of 3 over two Rasa processes':<44}{burst.bursts:>10}",
            f"{'  burst messages lost (must be 0)':<44}{burst.lost:>10}",
            f"{'  replies to another message (must be 0)':<44}{burst.mismatched:>10}",
            f"{'  handled two at once (must be 0)':<44}{burst.interleaved:>10}",
            f"{'  handled in another order than sent':<44}{burst.reordered:>10}",
            f"{'  burst requests failed':<44}{len(burst.failed):>10}",
        ]
    return "\n".join(lines)
