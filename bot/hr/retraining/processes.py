"""A build's operating-system process: started apart from the serving ones, and
whether it still lives."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading

from bot.core.settings import PROJECT_ROOT, Settings, rasa_environment


def this_host() -> str:
    """The machine's name: a build's pid means something only on the host that started it."""
    return socket.gethostname()


def spawn_build(settings: Settings, build_id: int) -> int:
    """Start `python -m bot model build <id>`, its output in var/logs; returns its pid."""
    log = settings.var_dir / "logs" / f"build-{build_id}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "model", "build", str(build_id)],
            cwd=PROJECT_ROOT,
            env={**os.environ, **rasa_environment(settings)},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    # Collect the exit status in the background so the build leaves no zombie.
    threading.Thread(target=process.wait, name="build-reaper", daemon=True).start()
    return process.pid


def pid_alive(pid: int | None) -> bool:
    """Whether a process of this machine runs under `pid` (a zombie does not count)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A finished child not yet reaped by its parent is a zombie: not alive.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][:1] != "Z"
    except OSError:
        return True
