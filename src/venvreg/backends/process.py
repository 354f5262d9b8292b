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

A child that fails is reported in two lines: the real cause (`cause_line`: pip's `ERROR:` line,
uv's deepest `cause:`, a traceback's exception line; never uv's trailing `hint:`) and the log
file that keeps its whole output.
"""

from __future__ import annotations

import collections
import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Sequence

from ..errors import VenvregError
from ..fs import locks
from ..fs.logs import log_folders

OutputSink = Callable[[str], None]

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
TOKEN_VARIABLE = "VENVREG_OPERATION"
PROC = "/proc"


# Lines of a child's output kept for its log: the first ones (what it was doing) and the last
# ones (where it failed); a child printing more loses the middle, said in the log.
HEAD_LINES, TAIL_LINES = 500, 5000
KEPT_LOGS = 20

_ERROR = re.compile(r"^\s*(?:ERROR|error|Error|FATAL|fatal):\s*(?P<text>.*)$")
_CAUSED_BY = re.compile(r"^\s*(?:[Cc]aused by:|[Cc]ause:|╰─▶|╰─>|\u00d7)\s*(?P<text>.*)$")
_NOISE = re.compile(r"^\s*(?:hint|note|help|warning|WARNING|DEPRECATION|notice)\b:?", re.IGNORECASE)
# pip's boxes end with a pointer, not a cause: `╰─> See above for output.`, `[6 lines of output]`
_POINTER = re.compile(r"^\s*(?:See above|\[\d+ lines? of output\])")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_EXCEPTION = re.compile(r"^(?:[A-Za-z_][\w.]*)(?:Error|Exception|Exit|Interrupt)\b:?.*$")


def cause_line(lines: Sequence[str]) -> str | None:
    """The line of a child's output that names why it failed.

    pip: its last `ERROR:` line. uv: the deepest `cause:` (`Caused by:`, `╰─▶`) under its last
    `error:` line, with the last line of the `[stderr]` it quotes below, else that line. A
    Python traceback: its exception line, not the frames. Otherwise the last line that is not
    a hint, note or warning."""
    text = [_ANSI.sub("", line).rstrip() for line in lines]
    text = [line for line in text if line.strip()]
    errors = [i for i, line in enumerate(text) if _ERROR.match(line)]
    if errors:
        last = errors[-1]
        below = text[last + 1 :]
        for index in range(len(below) - 1, -1, -1):
            cause = _CAUSED_BY.match(below[index])
            if cause and cause.group("text").strip() and not _POINTER.match(cause.group("text")):
                quoted_child = _quoted_stderr(below[index + 1 :])
                found = cause.group("text").strip()
                return f"{found}: {quoted_child}" if quoted_child else found
        head = _ERROR.match(text[last])
        found = head.group("text").strip() if head else ""
        if not found and last + 1 < len(text):  # "error:" alone, the cause on the next line
            found = text[last + 1].strip()
        return found or None
    if any(line.startswith("Traceback (most recent call last)") for line in text):
        exceptions = [line for line in text if _EXCEPTION.match(line)]
        if exceptions:
            return exceptions[-1].strip()
    plain = [line for line in text if not _NOISE.match(line)]
    return plain[-1].strip() if plain else None


def _quoted_stderr(lines: Sequence[str]) -> str | None:
    """The last line of the `[stderr]` block uv prints under a cause (what the interpreter it
    ran said), or None."""
    if not any(line.strip() == "[stderr]" for line in lines):
        return None
    start = max(i for i, line in enumerate(lines) if line.strip() == "[stderr]")
    said = [line.strip() for line in lines[start + 1 :] if not _NOISE.match(line)]
    return said[-1] if said else None


class ProcessFailed(VenvregError):
    """A child exited non-zero: the line of its output naming the cause, and its log file.

    A plain class, not a frozen dataclass: Python sets __traceback__ on exceptions it raises
    through a `with` block, which a frozen instance refuses (a traceback instead of a message).
    """

    def __init__(
        self, what: str, returncode: int, tail: tuple[str, ...], log: str | None = None
    ) -> None:
        super().__init__(what, returncode, tail)
        self.what = what
        self.returncode = returncode
        self.tail = tail
        self.log = log

    def __str__(self) -> str:
        from ..text import escape_text, quoted

        cause = cause_line(self.tail)
        detail = f": {escape_text(cause)}" if cause else ""
        where = f"\n  full output: {quoted(self.log)}" if self.log else ""
        return f"{self.what} failed (exit {self.returncode}){detail}{where}"


def write_log(
    what: str, command: Sequence[str], returncode: int, lines: Sequence[str]
) -> str | None:
    """A failed child's output in a new log file (mode 0600: index URLs may hold tokens); its
    path, or None when no folder can take it. Only the newest KEPT_LOGS logs are kept."""
    import secrets
    import shlex
    import tempfile

    uid = os.getuid() if hasattr(os, "getuid") else None
    shared = os.path.join(tempfile.gettempdir(), f"venvreg-{uid}" if uid is not None else "venvreg")
    folders = [*log_folders, _user_log_folder(), shared]
    slug = re.sub(r"[^a-z0-9]+", "-", what.lower()).strip("-") or "child"
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    body = (
        f"$ {shlex.join(command)}\n"
        + "".join(f"{line}\n" for line in lines)
        + f"[exit status {returncode}]\n"
    )
    for folder in folders:
        try:
            os.makedirs(folder, mode=0o700, exist_ok=True)
            if not _private_folder(folder, uid):  # another user's, in /tmp say, or a link
                continue
            path = os.path.join(folder, f"{stamp}-{slug}-{os.getpid()}-{secrets.token_hex(3)}.log")
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
            descriptor = os.open(path, flags, 0o600)
            with os.fdopen(descriptor, "w", encoding="utf-8", errors="replace") as handle:
                handle.write(body)
        except OSError:
            continue
        _keep_newest(folder)
        return path
    return None


def _user_log_folder() -> str:
    import platformdirs

    return str(platformdirs.user_log_dir("venvreg", appauthor=False))


def _private_folder(folder: str, uid: int | None) -> bool:
    """A real folder (not a link to one) that only this user can write in."""
    import stat

    status = os.lstat(folder)
    if not stat.S_ISDIR(status.st_mode) or status.st_mode & 0o022:
        return False
    return uid is None or status.st_uid == uid


# The names write_log gives its files: only those are ever deleted.
_LOG_NAME = re.compile(r"^\d{8}T\d{6}-[a-z0-9-]+-\d+-[0-9a-f]{6}\.log$")


def _keep_newest(folder: str) -> None:
    try:
        logs = sorted(name for name in os.listdir(folder) if _LOG_NAME.match(name))
    except OSError:
        return
    for name in logs[:-KEPT_LOGS]:
        with contextlib.suppress(OSError):
            os.unlink(os.path.join(folder, name))


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
    head: list[str] = []
    tail: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)
    dropped = 0
    try:
        assert child.stdout is not None
        for raw in child.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if len(head) < HEAD_LINES:
                head.append(line)
            else:
                dropped += len(tail) == TAIL_LINES
                tail.append(line)
            sink(line)
        returncode = child.wait()
    except BaseException:
        child.kill()
        child.wait()
        raise
    if returncode != 0:
        gap = [f"[... {dropped} lines left out ...]"] if dropped else []
        lines = [*head, *gap, *tail]
        log = write_log(what, command, returncode, lines)
        raise ProcessFailed(what, returncode, tuple(lines[-200:]), log)


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
