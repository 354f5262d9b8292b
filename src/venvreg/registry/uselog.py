"""Uses that could not be written at once: `workon` never waits long for the registry.

When another process holds the registry's write lock, workon activates anyway and appends the
use to `.venvreg/uses.log`, one line `ENV_ID TIME NAME_KEY` (the name guards against a row id
that a removal freed and a creation took again before the fold). The next write to the
registry (the next workon, or any command that opens it) folds the log into the envs' use
counts, so no use is lost. Appends and the fold take an exclusive flock on the log, so a fold
never reads half a line nor empties away a line it did not count. A fold commits before it
empties the log: a kill -9 between the two counts those uses twice rather than losing them.

Stdlib only: the shell hot path writes the log.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time

from ..names import name_key
from .db import BUSY_TIMEOUT_SECONDS

LOG_NAME = "uses.log"
# How long workon (and the fold a command starts with) waits for another writer.
QUICK_BUSY_MS = 1000


def log_path(state_dir: str) -> str:
    return os.path.join(state_dir, LOG_NAME)


def _lock(handle: int) -> None:
    if sys.platform != "win32":
        import fcntl

        fcntl.flock(handle, fcntl.LOCK_EX)


Use = tuple[int, float, str]  # row id, when, name key


def append(state_dir: str, use: Use) -> None:
    """Keep one use for the next fold; OSError when even this cannot be written."""
    line = f"{use[0]} {use[1]!r} {use[2]}\n".encode("utf-8", "surrogateescape")
    handle = os.open(log_path(state_dir), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        _lock(handle)
        os.write(handle, line)
    finally:
        os.close(handle)


def _entries(data: bytes) -> list[Use]:
    """Complete, well-formed lines only: anything else in the file is not a use we wrote."""
    found: list[Use] = []
    for line in data.split(b"\n")[:-1]:
        fields = line.split(b" ", 2)
        if len(fields) != 3:
            continue
        try:
            key = fields[2].decode("utf-8", "surrogateescape")
            found.append((int(fields[0]), float(fields[1]), key))
        except ValueError:
            continue
    return found


def is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def record_use(conn: sqlite3.Connection, state_dir: str, env_id: int, name: str) -> bool:
    """Count one use now, folding any logged ones with it; when the registry stays locked for
    QUICK_BUSY_MS, log it instead. True when it was written, False when it was logged."""
    use = (env_id, time.time(), name_key(name))
    conn.execute(f"PRAGMA busy_timeout = {QUICK_BUSY_MS}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if not is_busy(error):
            raise
        append(state_dir, use)
        return False
    _fold_in_transaction(conn, state_dir, [use])
    return True


def fold(conn: sqlite3.Connection, state_dir: str) -> int:
    """Fold the logged uses into the registry; the number folded. A registry still locked after
    QUICK_BUSY_MS leaves them for the next command (nothing waits on them)."""
    if not os.path.exists(log_path(state_dir)):
        return 0
    from .db import check_integrity

    check_integrity(conn)  # the log is emptied only into a registry known to be whole
    conn.execute(f"PRAGMA busy_timeout = {QUICK_BUSY_MS}")
    try:
        conn.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if not is_busy(error):
            raise
        return 0
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
    return _fold_in_transaction(conn, state_dir, [])


def _fold_in_transaction(conn: sqlite3.Connection, state_dir: str, uses: list[Use]) -> int:
    """Inside BEGIN IMMEDIATE: apply `uses` and the log's, COMMIT, then empty the log."""
    handle = None
    try:
        try:
            handle = os.open(log_path(state_dir), os.O_RDWR)
        except FileNotFoundError:
            logged: list[Use] = []
        else:
            _lock(handle)
            logged = _entries(_read_all(handle))
        for env_id, when, key in [*logged, *uses]:
            conn.execute(
                "UPDATE envs SET use_count = use_count + 1, "
                "last_used_at = MAX(COALESCE(last_used_at, 0), ?) WHERE id = ? AND name_key = ?",
                (when, env_id, key),
            )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:  # a failed COMMIT may have ended it already
            conn.execute("ROLLBACK")
        raise
    else:
        if handle is not None:
            os.ftruncate(handle, 0)
    finally:
        if handle is not None:
            os.close(handle)
    return len(logged)


def _read_all(handle: int) -> bytes:
    chunks: list[bytes] = []
    while True:
        chunk = os.read(handle, 65536)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
