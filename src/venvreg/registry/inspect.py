"""Looking inside the registry for `venvreg registry`: read-only queries and the checks.

The connection is opened read-only (`mode=ro`), with `query_only`, and an authorizer that lets a
statement read and nothing else: a write is refused before SQLite runs any of it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from .db import BUSY_TIMEOUT_SECONDS
from .schema import SCHEMA_VERSION

# What a read needs; PRAGMA only without a value (`PRAGMA user_version`, not `= 5`).
_READS = frozenset(
    [sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE]
)


class WriteRefused(Exception):
    """The statement would change the registry (or attach another file)."""


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[object, ...]]


@dataclass
class CheckResult:
    integrity: list[str]  # ["ok"] when whole
    schema_version: int | None  # None: the file could not be read that far
    foreign_key_problems: int

    @property
    def ok(self) -> bool:
        return (
            self.integrity == ["ok"]
            and self.schema_version is not None
            and self.schema_version <= SCHEMA_VERSION
            and not self.foreign_key_problems
        )


def open_read_only(path: Path) -> sqlite3.Connection:
    """The registry file, opened so that nothing can write to it through this connection."""
    uri = f"file:{quote(str(path))}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
    conn.execute("PRAGMA query_only = ON")
    return conn


def query(path: Path, sql: str) -> QueryResult:
    """Run one read-only statement; WriteRefused for anything else, sqlite3.Error for bad SQL."""
    conn = open_read_only(path)
    refused: list[str] = []

    def authorize(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        if action in _READS or (action == sqlite3.SQLITE_PRAGMA and arg2 is None):
            return sqlite3.SQLITE_OK
        refused.append(arg1 or "")
        return sqlite3.SQLITE_DENY

    conn.set_authorizer(authorize)
    try:
        cursor = conn.execute(sql)
        rows = [tuple(row) for row in cursor.fetchall()]
        columns = [column[0] for column in cursor.description or ()]
    except sqlite3.DatabaseError:
        if refused:
            raise WriteRefused from None
        raise
    finally:
        conn.close()
    return QueryResult(columns, rows)


def check(path: Path) -> CheckResult:
    """The full integrity check, the schema version and the foreign key check, read-only."""
    conn = open_read_only(path)
    try:
        integrity = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        problems = len(conn.execute("PRAGMA foreign_key_check").fetchall())
    finally:
        conn.close()
    return CheckResult(integrity, version, problems)
