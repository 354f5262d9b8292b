"""Running a child (virtualenv, pip, uv) with its output streamed to stderr, never to stdout."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Sequence

from ..errors import VenvregError

OutputSink = Callable[[str], None]


class ProcessFailed(VenvregError):
    """A child exited non-zero; `tail` holds its last lines, where the real cause usually is.

    A plain class, not a frozen dataclass: Python sets __traceback__ on exceptions it raises
    through a `with` block, which a frozen instance refuses (a traceback instead of a message).
    """

    def __init__(self, what: str, returncode: int, tail: tuple[str, ...]) -> None:
        super().__init__(what, returncode, tail)
        self.what = what
        self.returncode = returncode
        self.tail = tail

    def __str__(self) -> str:
        cause = next((line for line in reversed(self.tail) if line.strip()), "")
        detail = f": {cause.strip()}" if cause else ""
        return f"{self.what} failed (exit {self.returncode}){detail}"


def run(
    command: Sequence[str],
    what: str,
    sink: OutputSink,
    env: dict[str, str] | None = None,
) -> None:
    """Run `command`, passing each output line to `sink`; kill it if we are interrupted."""
    child_env = {**os.environ, **(env or {})}
    child_env.pop("PYTHONHOME", None)
    child = subprocess.Popen(
        list(command),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=child_env,
        start_new_session=True,
    )
    tail: list[str] = []
    try:
        assert child.stdout is not None
        for raw in child.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            tail = [*tail[-19:], line]
            sink(line)
        returncode = child.wait()
    except BaseException:
        child.kill()
        child.wait()
        raise
    if returncode != 0:
        raise ProcessFailed(what, returncode, tuple(tail))
