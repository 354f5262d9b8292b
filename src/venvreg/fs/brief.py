"""`$WORKON_HOME/.venvreg/brief`: the exact text of `lsvirtualenv -b`, for the shell functions
to print without starting Python.

The CLI writes it only while every folder in WORKON_HOME is a registered env's, and the
functions trust it only while it is strictly newer than WORKON_HOME: making, removing or
renaming anything there changes the folder's time and sends them to the CLI, and no folder is
there in which an env could be made unseen. The file's time is set to one second before the
names were read (kernel file times trail the clock by up to a tick), so that whatever changes
meanwhile is newer than it. A file system with coarse times only sends the functions to the
CLI more often. Standard library only: the shell hot path imports this module.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator

from .atomic import write_bytes_atomically

BRIEF_FILE = "brief"
BRIEF_LOCK = "brief.lock"
# A listing is kept only when WORKON_HOME last changed this long before it began, which puts
# the folder's time safely before the file's (FAT keeps 2-second times).
_SETTLED_NS = 2_000_000_000
_BACKDATE_NS = 1_000_000_000

Publish = Callable[[list[str] | None], None]


@contextlib.contextmanager
def brief_writer(root: str, state: str) -> Iterator[Publish]:
    """Hold the brief's lock while the caller reads the names, then `publish(names)`: the
    listing to keep, or None when the functions cannot print it as it is (no env, or a folder
    in WORKON_HOME that is not a registered env's). Two writers (a listing, a registry
    change) therefore never leave the older names last. Best effort: without the lock, or
    when WORKON_HOME changed too recently, the brief is removed, which costs speed, never a
    listing."""
    try:
        import fcntl
    except ImportError:  # Windows: no shell function reads the brief there
        fcntl = None  # type: ignore[assignment]
    descriptor = None
    with contextlib.suppress(OSError):
        descriptor = os.open(
            os.path.join(state, BRIEF_LOCK),
            os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0),
            0o600,
        )
    try:
        locked = False
        if descriptor is not None and fcntl is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                locked = True
        started = time.time_ns()
        try:
            settled = locked and os.stat(root).st_mtime_ns < started - _SETTLED_NS
        except OSError:
            settled = False
        yield lambda names: _publish(state, names if settled else None, started)
    finally:
        if descriptor is not None:
            os.close(descriptor)


def discard_brief(root: str, state: str) -> None:
    """Remove the brief, under its lock: a change is under way (an env being removed) that the
    functions must not print past, even if the command is killed before it ends."""
    with brief_writer(root, state) as publish:
        publish(None)


def _unlink(state: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(os.path.join(state, BRIEF_FILE))


def _publish(state: str, names: list[str] | None, started: int) -> None:
    if not names:
        _unlink(state)
        return
    target = os.path.join(state, BRIEF_FILE)
    data = "".join(f"{name}\n" for name in names).encode("utf-8", "surrogateescape")
    try:
        with open(target, "rb") as current:
            same = current.read(len(data) + 1) == data
    except OSError:
        same = False
    try:
        if not same:
            write_bytes_atomically(target, data)
        stamp = started - _BACKDATE_NS
        os.utime(target, ns=(stamp, stamp))
    except OSError:
        _unlink(state)  # a brief with the wrong time would be trusted too long
