"""The registry queries the shell hot path makes (workon, lsvirtualenv), without the EnvRecord
dataclass: importing dataclasses alone costs more than the whole lookup."""

from __future__ import annotations

import sqlite3
import time

from ..names import name_key


class EnvRef:
    """The few columns activation needs."""

    __slots__ = ("id", "name", "path", "status")

    def __init__(self, id: int | None, name: str, path: str, status: str) -> None:
        self.id = id
        self.name = name
        self.path = path
        self.status = status


def find_by_name(conn: sqlite3.Connection, name: str) -> EnvRef | None:
    """The row whose name equals `name` after case folding and NFC normalisation."""
    row = conn.execute(
        "SELECT id, name, path, status FROM envs WHERE name_key = ?", (name_key(name),)
    ).fetchone()
    return EnvRef(*row) if row else None


def names(conn: sqlite3.Connection) -> list[str]:
    """Names of environments that can be activated, for listings and completion."""
    rows = conn.execute("SELECT name FROM envs WHERE status = 'ready' ORDER BY name_key")
    return [row[0] for row in rows]


def record_use(conn: sqlite3.Connection, env_id: int, when: float | None = None) -> None:
    """Count one activation; a single UPDATE, so concurrent shells lose no update."""
    conn.execute(
        "UPDATE envs SET last_used_at = ?, use_count = use_count + 1 WHERE id = ?",
        (when if when is not None else time.time(), env_id),
    )


def set_identity_at(conn: sqlite3.Connection, path: str, identity: str | None) -> None:
    """Record the env's identity anew after venvreg itself changed its pyvenv.cfg."""
    conn.execute("UPDATE envs SET identity = ? WHERE path = ?", (identity, path))
