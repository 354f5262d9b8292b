"""Environment rows: the record the rest of venvreg sees, and the queries over them."""

from __future__ import annotations

import sqlite3
import time

from ..names import name_key
from .quick import names, record_use

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Literal

    # A row's life: `creating` until create marks it ready, `removing` while rm moves it to the
    # trash, `missing` when its folder is gone.
    Status = Literal["creating", "ready", "removing", "missing"]
    # `created` by venvreg create, `found` in WORKON_HOME, `adopted` from elsewhere (docs/json.md).
    Origin = Literal["created", "found", "adopted"]

# The columns of a row, in the order of EnvRecord's parameters and of SELECT_COLUMNS.
FIELDS = (
    "id", "name", "path", "status", "origin", "created_at", "tool", "backend", "interpreter",
    "python_version", "site_packages", "project_path", "identity", "last_used_at", "use_count",
    "size_bytes", "size_measured_at", "pending_trash", "base_home", "health_problems",
    "fingerprint", "recreated_at", "creation_token", "user_project",
)  # fmt: skip


class EnvRecord:
    """One registered environment as the registry knows it. (A plain class: dataclasses would
    load inspect and the parser of Python source on every `ls`.)"""

    __slots__ = FIELDS

    def __init__(
        self,
        id: int | None,
        name: str,
        path: str,
        status: Status,
        origin: Origin,
        created_at: float,
        tool: str = "unknown",
        backend: str | None = None,
        interpreter: str | None = None,
        python_version: str | None = None,
        site_packages: str | None = None,
        project_path: str | None = None,
        identity: str | None = None,
        last_used_at: float | None = None,
        use_count: int = 0,
        size_bytes: int | None = None,
        size_measured_at: float | None = None,
        pending_trash: str | None = None,
        base_home: str | None = None,
        health_problems: str | None = None,
        fingerprint: str | None = None,
        recreated_at: float | None = None,
        creation_token: str | None = None,
        # The project link the user made through venvreg (schema 4): auto-activation follows
        # project_path only while it equals this (registry/links.py).
        user_project: str | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.path = path
        self.status = status
        self.origin = origin
        self.created_at = created_at
        self.tool = tool
        self.backend = backend
        self.interpreter = interpreter
        self.python_version = python_version
        self.site_packages = site_packages
        self.project_path = project_path
        self.identity = identity
        self.last_used_at = last_used_at
        self.use_count = use_count
        self.size_bytes = size_bytes
        self.size_measured_at = size_measured_at
        self.pending_trash = pending_trash
        self.base_home = base_home
        self.health_problems = health_problems
        self.fingerprint = fingerprint
        self.recreated_at = recreated_at
        self.creation_token = creation_token
        self.user_project = user_project

    @property
    def problems(self) -> tuple[str, ...]:
        """The cached health verdict's causes (empty: healthy)."""
        return tuple(self.health_problems.split("\n")) if self.health_problems else ()

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> EnvRecord:
        """From a row selected with SELECT_COLUMNS (positional: fast for a thousand rows)."""
        return cls(*row)

    def as_dict(self) -> dict[str, object]:
        """Every column and its value, in FIELDS order."""
        return {column: getattr(self, column) for column in FIELDS}


__all__ = ["EnvRecord", "names", "record_use"]  # names, record_use: see quick.py

_COLUMNS = [column for column in FIELDS if column != "id"]
SELECT_COLUMNS = ", ".join(FIELDS)


def row_values(record: EnvRecord) -> dict[str, object]:
    """The record as the columns of its row (no id: SQLite gives it), its name key included."""
    values = {column: getattr(record, column) for column in _COLUMNS}
    values["name_key"] = name_key(record.name)
    return values


def check_columns(changes: dict[str, object]) -> None:
    """Refuse a change to a column EnvRecord does not have (a typo would add nothing)."""
    unknown = set(changes) - set(_COLUMNS)
    if unknown:
        raise ValueError(f"unknown columns {sorted(unknown)}")


def insert(conn: sqlite3.Connection, record: EnvRecord) -> int:
    """Insert a row (the caller holds the write transaction); returns its id."""
    values = row_values(record)
    cursor = conn.execute(
        f"INSERT INTO envs ({', '.join(values)}) VALUES ({', '.join('?' for _ in values)})",
        list(values.values()),
    )
    assert cursor.lastrowid is not None
    record.id = cursor.lastrowid
    return cursor.lastrowid


def update(conn: sqlite3.Connection, env_id: int, **changes: object) -> None:
    """Set some columns of one row."""
    check_columns(changes)
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(f"UPDATE envs SET {assignments} WHERE id = ?", [*changes.values(), env_id])


def delete(conn: sqlite3.Connection, env_id: int) -> None:
    conn.execute("DELETE FROM envs WHERE id = ?", (env_id,))


def get_by_name(conn: sqlite3.Connection, name: str) -> EnvRecord | None:
    """The row whose name equals `name` after case folding and NFC normalisation."""
    row = conn.execute(
        f"SELECT {SELECT_COLUMNS} FROM envs WHERE name_key = ?", (name_key(name),)
    ).fetchone()
    return EnvRecord.from_row(row) if row else None


def get_by_path(conn: sqlite3.Connection, path: str) -> EnvRecord | None:
    row = conn.execute(f"SELECT {SELECT_COLUMNS} FROM envs WHERE path = ?", (path,)).fetchone()
    return EnvRecord.from_row(row) if row else None


def get_by_id(conn: sqlite3.Connection, env_id: int) -> EnvRecord | None:
    row = conn.execute(f"SELECT {SELECT_COLUMNS} FROM envs WHERE id = ?", (env_id,)).fetchone()
    return EnvRecord.from_row(row) if row else None


def unfinished(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    """(id, name, status) of the rows a creation or a removal has not finished yet."""
    rows = conn.execute(
        "SELECT id, name, status FROM envs WHERE status IN ('creating', 'removing')"
    ).fetchall()
    return [(env_id, name, status) for env_id, name, status in rows]


def names_keys_paths(conn: sqlite3.Connection) -> list[tuple[str, str, str]]:
    """(name, name key, path) of every row: enough to tell a folder from its case twin."""
    rows = conn.execute("SELECT name, name_key, path FROM envs").fetchall()
    return [(name, key, path) for name, key, path in rows]


def pending_trash_ids(conn: sqlite3.Connection) -> set[str]:
    """The trash entries that removals under way are filling."""
    rows = conn.execute("SELECT pending_trash FROM envs WHERE pending_trash IS NOT NULL")
    return {row[0] for row in rows}


def snapshot_summary(conn: sqlite3.Connection, env_path: str) -> tuple[int, float | None]:
    """How many package snapshots the env at `env_path` has, and when the last was taken."""
    count, last = conn.execute(
        "SELECT COUNT(*), MAX(taken_at) FROM snapshots WHERE env_path = ?", (env_path,)
    ).fetchone()
    return int(count), last


def all_records(conn: sqlite3.Connection) -> list[EnvRecord]:
    rows = conn.execute(f"SELECT {SELECT_COLUMNS} FROM envs ORDER BY name")
    return [EnvRecord(*row) for row in rows]


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute(
        "INSERT INTO meta (key, value) VALUES (?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (key, value),
    )


def add_snapshot(
    conn: sqlite3.Connection, env_name: str, env_path: str, reason: str, requirements: Iterable[str]
) -> None:
    """Keep the package list taken before a destructive operation."""
    conn.execute(
        "INSERT INTO snapshots (env_name, env_path, taken_at, reason, requirements) "
        "VALUES (?, ?, ?, ?, ?)",
        (env_name, env_path, time.time(), reason, "\n".join(requirements)),
    )
