"""Looking inside the registry for `venvreg registry`: read-only queries and the checks.

The connection is opened read-only (`mode=ro`), with `query_only`, and an authorizer that lets a
statement read and nothing else: a write is refused before SQLite runs any of it."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Literal
from urllib.parse import quote

from .db import BUSY_TIMEOUT_SECONDS
from .schema import SCHEMA_VERSION

# What a read needs; PRAGMA only without a value (`PRAGMA user_version`, not `= 5`), except
# the PRAGMAs whose argument names what to look at (`PRAGMA table_info(envs)`, and the
# `pragma_table_info('envs')` table function, which SQLite authorizes as that PRAGMA).
_READS = frozenset(
    [sqlite3.SQLITE_SELECT, sqlite3.SQLITE_READ, sqlite3.SQLITE_FUNCTION, sqlite3.SQLITE_RECURSIVE]
)
_PRAGMAS_NAMING_WHAT_TO_READ = frozenset(
    [
        "table_info", "table_xinfo", "table_list", "index_list", "index_info", "index_xinfo",
        "foreign_key_list", "foreign_key_check", "integrity_check", "quick_check",
    ]
)  # fmt: skip
# SQLite's result codes for a file that cannot be read, as opposed to a statement that is wrong.
_UNREADABLE = frozenset(
    ["SQLITE_CANTOPEN", "SQLITE_NOTADB", "SQLITE_CORRUPT", "SQLITE_IOERR", "SQLITE_PERM"]
)
_UNREADABLE_MESSAGES = ("unable to open", "not a database", "malformed", "disk i/o error")


class WriteRefused(Exception):
    """The statement would change the registry (or attach another file)."""


ErrorKind = Literal["busy", "unreadable", "bad-sql"]


def error_kind(error: sqlite3.Error) -> ErrorKind:
    """Whether SQLite failed because another process holds the registry, because the file
    cannot be read, or because of the statement itself. Python 3.10 has no error names, so the
    message decides there."""
    name = getattr(error, "sqlite_errorname", "")
    message = str(error).lower()
    if name in ("SQLITE_BUSY", "SQLITE_LOCKED") or "locked" in message or "busy" in message:
        return "busy"
    if name in _UNREADABLE or any(text in message for text in _UNREADABLE_MESSAGES):
        return "unreadable"
    return "bad-sql"


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[tuple[object, ...]]


@dataclass
class CheckResult:
    integrity: list[str]  # ["ok"] when whole
    schema_version: int | None  # None: the file could not be read that far

    @property
    def ok(self) -> bool:
        return (
            self.integrity == ["ok"]
            and self.schema_version is not None
            and self.schema_version <= SCHEMA_VERSION
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
    actions: list[int] = []

    def authorize(action: int, arg1: str | None, arg2: str | None, *_: object) -> int:
        actions.append(action)
        if action in _READS:
            return sqlite3.SQLITE_OK
        if (
            action == sqlite3.SQLITE_UPDATE
            and arg1 == "sqlite_master"
            and actions[0] == sqlite3.SQLITE_SELECT
        ):
            # SQLite's own step when a SELECT first uses a PRAGMA table function
            # (`pragma_table_info('envs')`); nothing can write through this connection anyway.
            return sqlite3.SQLITE_OK
        if action == sqlite3.SQLITE_PRAGMA and (
            arg2 is None or arg1 in _PRAGMAS_NAMING_WHAT_TO_READ
        ):
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
    """The full integrity check and the schema version, read-only."""
    conn = open_read_only(path)
    try:
        integrity = [str(row[0]) for row in conn.execute("PRAGMA integrity_check")]
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()
    return CheckResult(integrity, version)
