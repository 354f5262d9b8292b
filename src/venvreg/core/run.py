"""Running a command inside an environment without activating it.

The child gets what activation would give it: VIRTUAL_ENV, the env's bin/ first on PATH, and no
PYTHONHOME (which would point any python at another installation). It inherits the terminal;
while it runs, Ctrl-C reaches it directly from the terminal (venvreg ignores it), and SIGTERM or
SIGHUP sent to venvreg are passed on, so venvreg always exits with the child's status.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from types import FrameType
from typing import Any

from ..errors import VenvregError
from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from ..settings.paths import env_bin_dir
from ..text import quoted
from .context import Context


class CommandNotFound(VenvregError):
    """The command does not exist in the env's bin/ or on PATH (the shell's 127)."""

    exit_code = 127


class CommandNotExecutable(VenvregError):
    """The command exists but cannot be executed (the shell's 126)."""

    exit_code = 126


def child_environment(path: str, base: dict[str, str] | None = None) -> dict[str, str]:
    """os.environ (or `base`) as activating the env at `path` would leave it."""
    environment = dict(os.environ if base is None else base)
    environment.pop("PYTHONHOME", None)
    environment["VIRTUAL_ENV"] = path
    rest = environment.get("PATH", "")
    environment["PATH"] = env_bin_dir(path) + (os.pathsep + rest if rest else "")
    return environment


@contextlib.contextmanager
def _signals_to(child: subprocess.Popen[bytes]) -> Iterator[None]:
    """While the child runs: SIGINT ignored here (the terminal sends it to the child too),
    SIGTERM and SIGHUP forwarded to it."""

    def forward(signum: int, _frame: FrameType | None) -> None:
        with contextlib.suppress(ProcessLookupError):
            child.send_signal(signum)

    wanted: dict[int, Any] = {signal.SIGINT: signal.SIG_IGN}
    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):
            wanted[getattr(signal, name)] = forward
    previous = {signum: signal.signal(signum, handler) for signum, handler in wanted.items()}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def run_in(path: str, argv: list[str]) -> int:
    """Run `argv` with the env at `path` in front; the exit status, 128+N for signal N."""
    if not argv:
        raise VenvregError("no command given: venvreg run NAME -- COMMAND [ARGS...]")
    try:
        child = subprocess.Popen(argv, env=child_environment(path))
    except FileNotFoundError:
        raise CommandNotFound(f"command not found: {quoted(argv[0])}") from None
    except PermissionError:
        raise CommandNotExecutable(f"cannot execute {quoted(argv[0])}: permission denied") from None
    with _signals_to(child):
        status = child.wait()
    return 128 - status if status < 0 else status


def record_use(context: Context, record: EnvRecord) -> None:
    """Count a run as a use, as workon does (prune reads it as evidence)."""
    if record.id is not None:
        with write_transaction(context.conn):
            envs.record_use(context.conn, record.id)
