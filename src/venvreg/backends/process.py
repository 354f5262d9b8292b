"""Running a child (pip, venv, uv) with its output streamed to stderr, never to stdout.

A child must never outlive venvreg: after a kill -9 the next command rolls back the half-made
env, and a pip still writing into that folder would leave a half folder behind. So the child
stays in venvreg's process group (a kill -9 of the group or a Ctrl-C at the terminal reaches it
too), on Linux it is killed by the kernel when venvreg dies (PR_SET_PDEATHSIG), and it inherits
the operation locks venvreg holds: a lock whose holder is gone is how a leftover is recognised,
so a leftover is never cleaned while any child that could write into it still runs.

The kernel only kills the direct child; what that child started (venv's ensurepip, pip's build
hooks) would live on. So every child carries VENVREG_OPERATION, the tokens written into the
locks held when it was started (new with each hold), and passes it down the line; before a
leftover is cleaned, `stop_stragglers` kills every process still carrying its lock's token.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

from ..errors import VenvregError
from ..fs import locks

OutputSink = Callable[[str], None]

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
TOKEN_VARIABLE = "VENVREG_OPERATION"
PROC = "/proc"


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
    cwd: str | None = None,
) -> None:
    """Run `command`, passing each output line to `sink`; kill it if we are interrupted."""
    child_env = {**os.environ, **(env or {}), TOKEN_VARIABLE: " ".join(locks.held_tokens())}
    child_env.pop("PYTHONHOME", None)
    child = subprocess.Popen(
        list(command),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=child_env,
        cwd=cwd,
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


def stop_stragglers(lock_path: str | os.PathLike[str], within: float = 10.0) -> list[int]:
    """Kill the processes still working for the killed operation whose (abandoned) lock is at
    `lock_path`, and wait until they are gone; their pids. Linux only (reads /proc)."""
    token = locks.holder_token(lock_path)
    if token is None or token in locks.held_tokens():
        return []
    prefix, wanted = f"{TOKEN_VARIABLE}=".encode(), token.encode()
    try:
        pids = [int(name) for name in os.listdir(PROC) if name.isdigit()]
    except OSError:
        return []
    found = []
    for pid in pids:
        try:
            with open(f"{PROC}/{pid}/environ", "rb") as handle:
                variables = handle.read().split(b"\0")
        except OSError:
            continue
        tokens = [v[len(prefix) :].split() for v in variables if v.startswith(prefix)]
        if tokens and wanted in tokens[0]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                continue
            found.append(pid)
    deadline = time.monotonic() + within
    while any(_running(pid) for pid in found) and time.monotonic() < deadline:
        time.sleep(0.01)  # SIGKILL is delivered at once; this only waits for the exit itself
    return found


def _running(pid: int) -> bool:
    """True until `pid` has exited (a zombie has: it writes nothing any more)."""
    try:
        with open(f"{PROC}/{pid}/stat", "rb") as handle:
            state = handle.read().rsplit(b")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in (b"Z", b"X")
