"""File locks that die with their holder: how a crashed (kill -9) operation is recognised."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from pathlib import Path

# Each lock held now: its descriptor and a token new with each hold, written into the lock
# file and given to the children started meanwhile (backends/process.py): after a kill -9, the
# clean-up finds by it what still runs for the dead operation, and only for that operation.
_HELD: dict[int, str] = {}


def held_descriptors() -> tuple[int, ...]:
    """The descriptors of the locks held now: children inherit them, so a lock stays held
    until every child that works for its operation is gone too (backends/process.py)."""
    return tuple(sorted(_HELD))


def held_tokens() -> tuple[str, ...]:
    """The tokens of the locks held now."""
    return tuple(_HELD.values())


class Busy(Exception):
    """The lock is held by another process (raised by `hold(path, wait=False)`)."""


@contextlib.contextmanager
def hold(path: str | os.PathLike[str], wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on `path` for the duration; with `wait=False`, raise Busy at once
    when another process holds it. The file stays: deleting it would let a process waiting on
    the old file and one opening a new file both believe they hold it."""
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if sys.platform != "win32":
            import fcntl

            try:
                fcntl.flock(handle, fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise Busy(os.fspath(path)) from None
        os.ftruncate(handle, 0)
        token = os.urandom(8).hex()
        os.write(handle, f"{os.getpid()} {token}".encode())
        _HELD[handle] = token
        yield
    finally:
        _HELD.pop(handle, None)
        os.close(handle)


@contextlib.contextmanager
def hold_if_free(path: Path) -> Iterator[bool]:
    """Take the lock at `path` without waiting and without writing to it (the dead holder's
    token stays readable for the clean-up); yields whether it was free (and is now held)."""
    if sys.platform == "win32":  # pragma: no cover - no flock: trust the recorded pid
        yield is_abandoned(path)
        return
    import fcntl

    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(handle)


def holder_token(path: str | os.PathLike[str]) -> str | None:
    """The token of the last hold of the lock at `path` (None: none recorded)."""
    try:
        with open(path, "rb") as handle:
            fields = handle.read(64).split()
    except OSError:
        return None
    if len(fields) != 2:
        return None
    token = fields[1].decode("ascii", "replace")
    return token if len(token) == 16 and all(c in "0123456789abcdef" for c in token) else None


def is_abandoned(path: Path) -> bool:
    """True when nobody holds the lock at `path` (or it does not exist): its owner is gone."""
    try:
        handle = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return True
    try:
        if sys.platform == "win32":  # pragma: no cover - no flock: trust the recorded pid
            pid = int((os.read(handle, 64).split() or [b"0"])[0])
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
