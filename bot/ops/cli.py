"""Command line: `python -m bot kb|db|model|run ...` (see `python -m bot --help`)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.core.db import transaction
from bot.core.settings import Settings, SettingsError, get_settings
from bot.knowledge.files import KnowledgeFileError, load_directory, write_directory
from bot.knowledge.service import all_docs, import_docs
from bot.ops import logs
from bot.ops.schema import upgrade
from bot.ops.stream import EVENT_QUEUE


def _author(args: argparse.Namespace) -> str:
    return args.author or f"cli:{getpass.getuser()}"


def cmd_db_upgrade(settings: Settings, args: argparse.Namespace) -> int:
    upgrade(settings.database_url)
    print("database schema is up to date")
    return 0


def cmd_kb_validate(settings: Settings, args: argparse.Namespace) -> int:
    docs = load_directory(Path(args.dir or settings.knowledge_dir))
    topics = {d.topic for d in docs}
    print(f"ok: {len(docs)} articles in {len(topics)} topics")
    return 0


def cmd_kb_import(settings: Settings, args: argparse.Namespace) -> int:
    docs = load_directory(Path(args.dir or settings.knowledge_dir))
    upgrade(settings.database_url)
    with transaction(settings.database_url) as session:
        report = import_docs(session=session, docs=docs, author=_author(args), prune=args.prune)
    print(
        f"imported: {len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.deleted)} deleted"
    )
    if report.only_in_database:
        print(
            "only in the database (kept; use --prune to delete): "
            + ", ".join(report.only_in_database)
        )
    return 0


def cmd_kb_export(settings: Settings, args: argparse.Namespace) -> int:
    upgrade(settings.database_url)
    with transaction(settings.database_url) as session:
        docs = sorted(all_docs(session=session), key=lambda d: (d.topic, d.id))
    if not docs:
        print("the knowledge base is empty: nothing exported", file=sys.stderr)
        return 1
    written = write_directory(Path(args.dir or settings.knowledge_dir), docs)
    print(f"exported {len(docs)} articles to {len(written)} files")
    return 0


def cmd_kb_list(settings: Settings, args: argparse.Namespace) -> int:
    upgrade(settings.database_url)
    with transaction(settings.database_url) as session:
        docs = all_docs(session=session)
    needle = (args.search or "").casefold()
    shown = 0
    for doc in docs:
        if args.topic and doc.topic != args.topic or args.status and doc.status != args.status:
            continue
        haystack = " ".join(
            [doc.id, *doc.tags, *(t.title + " " + t.answer for t in doc.texts.values())]
        ).casefold()
        if needle and needle not in haystack:
            continue
        reviewed = doc.reviewed.isoformat() if doc.reviewed else "never"
        title = doc.texts["en"].title if "en" in doc.texts else ""
        print(f"{doc.id:28} {doc.topic:14} {doc.status:10} reviewed {reviewed}  {title}")
        shown += 1
    print(f"{shown} article(s)")
    return 0


def cmd_kb_status(settings: Settings, args: argparse.Namespace) -> int:
    """Which articles differ between the knowledge files and the database (exit 1 if any)."""
    from bot.knowledge.diff import snapshot_diff

    folder = Path(args.dir or settings.knowledge_dir)
    files = {doc.id: doc for doc in load_directory(folder)}
    upgrade(settings.database_url)
    with transaction(settings.database_url) as session:
        database = {doc.id: doc for doc in all_docs(session=session)}
    only_files = sorted(set(files) - set(database))
    only_database = sorted(set(database) - set(files))
    differ = sorted(i for i in set(files) & set(database) if files[i] != database[i])
    for article_id in only_files:
        print(f"only in the files:    {article_id} ({files[article_id].topic})")
    for article_id in only_database:
        print(f"only in the database: {article_id} ({database[article_id].topic})")
    for article_id in differ:
        changes = snapshot_diff(
            {"topic": database[article_id].topic, **database[article_id].to_dict()},
            {"topic": files[article_id].topic, **files[article_id].to_dict()},
        )
        fields = ", ".join(change["field"] for change in changes)
        print(f"differs:              {article_id} ({fields})")
    if only_files or only_database or differ:
        print(
            f"{len(only_files) + len(only_database) + len(differ)} article(s) out of sync "
            f"between {folder} and the database: `kb import` applies the files, "
            "`kb export` writes the database"
        )
        return 1
    print(f"in sync: {len(files)} articles")
    return 0


def cmd_model_train(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ops.launcher import prepare

    # The database may be new: schema and default knowledge base first.
    print(prepare(settings, prefer_deployed=False))
    return 0


def cmd_model_build(settings: Settings, args: argparse.Namespace) -> int:
    """The process behind the workspace's retrain button (see bot/hr/retraining/run.py)."""
    from bot.hr.retraining.run import run_build

    return run_build(settings, args.build)


def cmd_model_path(settings: Settings, args: argparse.Namespace) -> int:
    from bot.hr.retraining.model import model_path

    path = model_path(settings)
    print(path)
    return 0 if path.exists() else 3


def cmd_privacy_purge(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ops.privacy import purge_expired

    upgrade(settings.database_url)
    removed = purge_expired(settings=settings)
    print(f"older than {settings.retention_days} days: deleted {removed}")
    return 0


def cmd_privacy_erase(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ops.privacy import erase_conversation

    upgrade(settings.database_url)
    removed = erase_conversation(settings=settings, conversation_id=args.conversation)
    print(f"conversation {args.conversation!r}: deleted {removed}")
    return 0


def cmd_backup(settings: Settings, args: argparse.Namespace) -> int:
    import datetime as dt

    from bot.ops.backup import backup

    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    target = (
        Path(args.output)
        if args.output
        else settings.var_dir / "backups" / f"ardoise-{stamp}.tar.gz"
    )
    if target.exists():
        print(f"{target} exists: choose another file", file=sys.stderr)
        return 1
    manifest = backup(settings, target)
    rows = sum(manifest.tables.values())
    print(
        f"backup written to {target}: {rows} rows in {len(manifest.tables)} tables, "
        f"{manifest.tracker_events} conversation events, {manifest.files} files "
        f"(schema {manifest.revision}); it holds candidates' data: keep it private"
    )
    return 0


def cmd_events_consume(settings: Settings, args: argparse.Namespace) -> int:
    import asyncio
    import signal

    from bot.ops.stream import Tally, broker_of, consume, serve_health

    args.broker = args.broker or os.environ.get("EVENT_BROKER_URL") or ""
    args.queue = args.queue or os.environ.get("EVENT_QUEUE") or EVENT_QUEUE
    if not settings.read_model_url:
        print("set READ_MODEL_URL: the read model the stream is kept in", file=sys.stderr)
        return 2
    if not args.broker:
        print("set EVENT_BROKER_URL (or --broker amqp://user:password@host:5672/)", file=sys.stderr)
        return 2
    try:
        broker_of(args.broker)
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2

    async def run() -> Tally:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for number in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(number, stop.set)
        tally = Tally()
        runner = (
            await serve_health("127.0.0.1", args.health_port, tally) if args.health_port else None
        )
        try:
            url = settings.read_model_url or ""
            return await consume(args.broker, args.queue, url, stop=stop, tally=tally)
        finally:
            if runner is not None:
                await runner.cleanup()

    tally = asyncio.run(run())
    print(f"stopped: {tally.stored} events kept, {tally.duplicates} duplicates, {tally.bad} bad")
    return 0


def cmd_events_replay(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ops.stream import replay

    if not settings.read_model_url:
        print("set READ_MODEL_URL: the read model to rebuild", file=sys.stderr)
        return 2
    tally = replay(settings.tracker_store_url, settings.read_model_url)
    print(
        f"replayed the tracker store: {tally.stored} events added, "
        f"{tally.duplicates} already there, {tally.bad} unreadable"
    )
    return 0


def cmd_restore(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ops.backup import RestoreRefused, restore

    source = Path(args.backup)
    if not source.is_file():
        print(f"no backup at {source}", file=sys.stderr)
        return 1
    try:
        manifest = restore(settings, source, replace=args.replace)
    except RestoreRefused as refused:
        print(f"not restored: {refused}", file=sys.stderr)
        return 1
    print(
        f"restored {source} (taken {manifest.created_at}): {sum(manifest.tables.values())} "
        f"rows, {manifest.tracker_events} conversation events, {manifest.files} files"
    )
    return 0


def cmd_run(settings: Settings, args: argparse.Namespace) -> int:
    from bot.ops.launcher import run_all

    # Files this process (and the processes it starts) creates are the user's alone,
    # and no SQL parameter (candidate text) reaches a log line.
    logs.install()
    if args.production:
        from bot.ops.production import run_production

        return run_production(
            settings,
            nginx=args.nginx,
            # the environment after .env (read with the settings)
            event_broker=args.event_broker or os.environ.get("EVENT_BROKER_URL") or None,
            event_queue=args.event_queue or os.environ.get("EVENT_QUEUE") or EVENT_QUEUE,
        )
    return run_all(settings)


def cmd_users_add(settings: Settings, args: argparse.Namespace) -> int:
    import getpass

    from bot.staff.accounts import AccountError, add_user

    upgrade(settings.database_url)
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("password: ")
        if getpass.getpass("again: ") != password:
            print("the two passwords differ", file=sys.stderr)
            return 2
    try:
        with transaction(settings.database_url) as session:
            user = add_user(
                session=session,
                login=args.login,
                display_name=args.name,
                role=args.role,
                password=password,
                covers=args.covers or "",
            )
            print(f"added {user.role} {user.login} ({user.display_name})")
    except AccountError as error:
        print(f"could not add the account: {error}", file=sys.stderr)
        return 2
    return 0


def cmd_users_list(settings: Settings, args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from bot.staff.accounts import StaffUser

    upgrade(settings.database_url)
    with transaction(settings.database_url) as session:
        for user in session.execute(select(StaffUser).order_by(StaffUser.login)).scalars():
            print(f"{user.login:<20} {user.role:<10} {user.display_name}")
    return 0


def cmd_users_unlock(settings: Settings, args: argparse.Namespace) -> int:
    from bot.staff.throttle import unlock_account

    if not settings.limits_url:
        # in-process limits live in the web server's memory, out of this command's reach
        print(
            "sign-in locks are kept in the web server's memory (no LIMITS_URL or "
            "LOCK_STORE_URL): restart the web server to lift them",
            file=sys.stderr,
        )
        return 1
    unlock_account(settings, login=args.login)
    print(f"unlocked: {args.login}")
    return 0


def cmd_web(settings: Settings, args: argparse.Namespace) -> int:
    from bot.web.app import run

    logs.install()  # private files, no SQL parameters in the log (see cmd_run)
    run(settings)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True)

    db = groups.add_parser("db", help="database schema").add_subparsers(
        dest="command", required=True
    )
    db.add_parser("upgrade", help="apply migrations").set_defaults(func=cmd_db_upgrade)

    kb = groups.add_parser("kb", help="knowledge base").add_subparsers(
        dest="command", required=True
    )
    for name, func, text in (
        ("validate", cmd_kb_validate, "check the knowledge files"),
        ("import", cmd_kb_import, "load the knowledge files into the database"),
        ("export", cmd_kb_export, "write the database's articles to the knowledge files"),
        ("status", cmd_kb_status, "compare the knowledge files with the database"),
    ):
        sub = kb.add_parser(name, help=text)
        sub.add_argument("--dir", help="knowledge folder (default: KNOWLEDGE_DIR)")
        sub.set_defaults(func=func)
        if name == "import":
            sub.add_argument("--prune", action="store_true", help="delete articles the files lack")
            sub.add_argument("--author", help="name recorded in the revisions")
    listing = kb.add_parser("list", help="list the articles in the database")
    listing.add_argument("--topic")
    listing.add_argument("--status", choices=("draft", "published"))
    listing.add_argument("--search", help="text to look for in ids, tags, titles and answers")
    listing.set_defaults(func=cmd_kb_list)

    model = groups.add_parser("model", help="the trained model").add_subparsers(
        dest="command", required=True
    )
    model.add_parser("train", help="train unless a model for this data exists").set_defaults(
        func=cmd_model_train
    )
    model.add_parser("path", help="print the current model's path").set_defaults(
        func=cmd_model_path
    )
    building = model.add_parser("build", help="run a build started from the HR workspace")
    building.add_argument("build", type=int)
    building.set_defaults(func=cmd_model_build)

    privacy = groups.add_parser("privacy", help="candidates' data").add_subparsers(
        dest="command", required=True
    )
    privacy.add_parser("purge", help="delete what is older than RETENTION_DAYS").set_defaults(
        func=cmd_privacy_purge
    )
    erase = privacy.add_parser("erase", help="delete everything kept about one conversation")
    erase.add_argument("conversation", help="the conversation (sender) id")
    erase.set_defaults(func=cmd_privacy_erase)

    saving = groups.add_parser("backup", help="the database, conversations and uploaded files")
    saving.add_argument("--output", help="the .tar.gz to write (default var/backups/…)")
    saving.set_defaults(func=cmd_backup)
    restoring = groups.add_parser("restore", help="put a backup back")
    restoring.add_argument("backup", help="a .tar.gz written by `backup`")
    restoring.add_argument(
        "--replace", action="store_true", help="delete what the database holds first"
    )
    restoring.set_defaults(func=cmd_restore)

    stream = groups.add_parser("events", help="the event stream's read model").add_subparsers(
        dest="command", required=True
    )
    consuming = stream.add_parser("consume", help="keep the read model from RabbitMQ")
    consuming.add_argument(
        "--broker", help="amqp://user:password@host:5672/ (default EVENT_BROKER_URL)"
    )
    consuming.add_argument(
        "--queue", help=f"the queue Rasa publishes to (default EVENT_QUEUE, else {EVENT_QUEUE})"
    )
    consuming.add_argument(
        "--health-port", type=int, default=0, help="serve /alive and /ready on 127.0.0.1:PORT"
    )
    consuming.set_defaults(func=cmd_events_consume)
    stream.add_parser("replay", help="rebuild the read model from the tracker store").set_defaults(
        func=cmd_events_replay
    )

    users = groups.add_parser("users", help="staff accounts for the consoles").add_subparsers(
        dest="command", required=True
    )
    adding = users.add_parser("add", help="create a recruiter or HR account")
    adding.add_argument("login")
    adding.add_argument("--name", required=True, help="display name shown to candidates")
    adding.add_argument("--role", required=True, choices=("recruiter", "hr"))
    adding.add_argument("--covers", help="teams or topics covered (informative)")
    adding.add_argument(
        "--password-stdin", action="store_true", help="read the password from standard input"
    )
    adding.set_defaults(func=cmd_users_add)
    users.add_parser("list", help="list the accounts").set_defaults(func=cmd_users_list)
    unlocking = users.add_parser("unlock", help="lift an account's sign-in lock")
    unlocking.add_argument("login")
    unlocking.set_defaults(func=cmd_users_unlock)

    running = groups.add_parser("run", help="start everything")
    running.add_argument(
        "--production",
        action="store_true",
        help="nginx in front of two Rasa, two action and two web processes, supervised",
    )
    running.add_argument("--nginx", default="/usr/sbin/nginx", help="nginx's executable")
    running.add_argument(
        "--event-broker",
        help="RabbitMQ for Rasa's events, amqp://user:password@host:5672/ "
        "(default EVENT_BROKER_URL)",
    )
    running.add_argument(
        "--event-queue", help=f"RabbitMQ queue (default EVENT_QUEUE, else {EVENT_QUEUE})"
    )
    running.set_defaults(func=cmd_run)
    groups.add_parser("web", help="the web server alone (careers page, widget)").set_defaults(
        func=cmd_web
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(get_settings(), args))
    except KnowledgeFileError as error:
        print(f"{len(error.problems)} problem(s) in the knowledge files:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 2
    except SettingsError as error:
        print(f"configuration error: {error}", file=sys.stderr)
        return 2
