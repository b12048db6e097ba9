"""`rasa run` with its API token read from the environment, not the command line.

`rasa run --auth-token <token>` puts the token in the process list
(/proc/<pid>/cmdline, `ps`), readable by every user of the machine. This
module is Rasa's own entry point with the token added to `sys.argv` inside
the process (the kernel's copy of the command line is not changed by that),
read from RASA_TOKEN (or var/rasa-token), whose environment only the same
user can read. It also keeps SQL parameters out of Rasa's log (bot.ops.logs).

`python -m bot.ops.rasa_server run --model ... --enable-api ...` (the launcher
starts it; any `--auth-token` given is refused).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from bot.core.settings import get_settings, rasa_token
from bot.ops import logs


class TokenOnCommandLine(ValueError):
    """The token was passed as an argument, where every user can read it."""


def rasa_arguments(args: Sequence[str], token: str) -> list[str]:
    """Rasa's arguments with the API token added (never taken from `args`)."""
    if any(arg == "--auth-token" or arg.startswith("--auth-token=") for arg in args):
        raise TokenOnCommandLine("pass the token in RASA_TOKEN, not --auth-token")
    return [*args, "--auth-token", token]


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        arguments = rasa_arguments(args, rasa_token(get_settings()))
    except TokenOnCommandLine as error:
        print(f"refused: {error}", file=sys.stderr)
        return 2
    logs.install()
    from rasa.__main__ import main as rasa_main

    sys.argv = ["rasa", *arguments]
    rasa_main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
