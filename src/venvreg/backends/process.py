"""Running a child (virtualenv, pip, uv) with its output streamed to stderr, never to stdout.

A child must never outlive venvreg: after a kill -9 the next command rolls back the half-made
env, and a pip still writing into that folder would leave a half folder behind. So the child
stays in venvreg's process group (a kill -9 of the group or a Ctrl-C at the terminal reaches it
too), on Linux it is killed by the kernel when venvreg dies (PR_SET_PDEATHSIG), and it inherits
the operation locks venvreg holds: a lock whose holder is gone is how a leftover is recognised,
so a leftover is never cleaned while any child that could write into it still runs.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable, Sequence

from .. import locks
from ..errors import VenvregError

OutputSink = Callable[[str], None]

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


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


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn asking Linux to SIGKILL the child when its parent dies; None elsewhere.

    The kernel sends it when the *thread* that forked the child exits: venvreg starts children
    from its main thread only, whose end is the end of the process. The parent may have died
    between fork and prctl; the child then already belongs to another parent and kills itself.
    """
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        prctl = libc.prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def arm() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)

    return arm


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
        pass_fds=locks.held_descriptors(),
        preexec_fn=_die_with_parent(),  # started from the main thread only: see its docstring
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
