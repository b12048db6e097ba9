"""The data files are the owner's alone: var/ 0700, what is in it 0600.

var/ holds the SQLite database and its WAL (password hashes, sign-in sessions,
contact details, conversations), the tokens and the logs. The processes we
start create files with umask 077 (bot.ops.logs.PRIVATE_UMASK); at every start
`secure_data_files` also takes group and other permissions off what an older
version, a copy or a restore left readable, and says what it changed.
"""

from __future__ import annotations

import stat
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.core.settings import Settings

SQLITE_COMPANIONS = ("", "-wal", "-shm", "-journal")


def sqlite_files(database_url: str) -> list[Path]:
    """The database file and its companions, for a SQLite URL; nothing for a server database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return []
    return [Path(url.database + suffix) for suffix in SQLITE_COMPANIONS]


def _tighten(path: Path, private: int) -> str | None:
    """Take group/other bits off `path`; a sentence when it had any."""
    try:
        mode = stat.S_IMODE(path.lstat().st_mode)
    except FileNotFoundError:
        return None
    if path.is_symlink() or not mode & 0o077:
        return None
    path.chmod(private)
    return f"{path} was readable by other users ({mode:o}): now {private:o}"


def secure_data_files(settings: Settings) -> list[str]:
    """Make var/ (created if missing) and the SQLite files private; what was fixed, in words."""
    var_dir = settings.var_dir
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    fixed = [_tighten(var_dir, 0o700)]
    for path in sorted(var_dir.rglob("*")):
        fixed.append(_tighten(path, 0o700 if path.is_dir() else 0o600))
    for database in (settings.database_url, settings.tracker_store_url):
        for path in sqlite_files(database):
            fixed.append(_tighten(path, 0o600))
    return list(dict.fromkeys(f for f in fixed if f))


LOG_MAX_BYTES = 10 * 1024 * 1024


def rotate_log(path: Path, *, max_bytes: int = LOG_MAX_BYTES) -> bool:
    """At a process's start, a log over `max_bytes` becomes `<name>.1` (replacing the one
    before), so each process keeps at most two log files: its current one and the last."""
    try:
        if path.stat().st_size <= max_bytes:
            return False
    except FileNotFoundError:
        return False
    path.replace(path.with_name(path.name + ".1"))
    return True
