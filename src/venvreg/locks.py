"""File locks that die with their holder: how a crashed (kill -9) operation is recognised."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

_HELD: set[int] = set()


def held_descriptors() -> tuple[int, ...]:
    """The descriptors of the locks held now: children inherit them, so a lock stays held
    until every child that works for its operation is gone too (backends/process.py)."""
    return tuple(sorted(_HELD))


@contextlib.contextmanager
def hold(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive lock on `path` for the duration. The file stays: deleting it would let
    a process waiting on the old file and one opening a new file both believe they hold it."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform != "win32":
            import fcntl

            fcntl.flock(handle, fcntl.LOCK_EX)
        os.ftruncate(handle, 0)
        os.write(handle, str(os.getpid()).encode())
        _HELD.add(handle)
        yield
    finally:
        _HELD.discard(handle)
        os.close(handle)


def is_abandoned(path: Path) -> bool:
    """True when nobody holds the lock at `path` (or it does not exist): its owner is gone."""
    try:
        handle = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        if sys.platform == "win32":  # pragma: no cover - no flock: trust the recorded pid
            pid = int(os.read(handle, 32) or b"0")
            return pid == 0 or not _pid_alive(pid)
        import fcntl

        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True
    finally:
        os.close(handle)


def _pid_alive(pid: int) -> bool:  # pragma: no cover - Windows only
    try:
        os.kill(pid, 0)
    except OSError:
        return False
    return True
