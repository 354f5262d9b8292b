"""sqlite-utils over the registry's own connection: migrations and the writes of the commands
off the hot path. Importing sqlite_utils costs 100-200 ms, so the shell hot path, `ls`, `show`
and `rm` never import this module (docs/registry.md says which commands do)."""

from __future__ import annotations

import sqlite3
from typing import Any, cast

from sqlite_utils import Database

from .envs import EnvRecord, check_columns, row_values


class _Shared:
    """The registry's connection as sqlite-utils sees it: every call goes to the connection,
    but `with conn:` neither commits nor rolls back. sqlite-utils 3.x wraps each write in
    `with conn:`, which would commit the caller's BEGIN IMMEDIATE midway: the transaction
    belongs to db.write_transaction, which ends it."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def __enter__(self) -> _Shared:
        return self

    def __exit__(self, *_: object) -> None:
        return None


def database(conn: sqlite3.Connection) -> Database:
    """sqlite-utils on `conn`, inside whatever transaction the caller holds. No plugins and no
    connection-wide PRAGMA: the registry's connection stays as db.connect made it."""
    return Database(
        cast(sqlite3.Connection, _Shared(conn)), recursive_triggers=False, execute_plugins=False
    )


def insert_env(conn: sqlite3.Connection, record: EnvRecord) -> int:
    """Insert the record's row (the caller holds the write transaction); returns its id."""
    table = database(conn).table("envs")
    table.insert(row_values(record))
    assert table.last_pk is not None
    record.id = int(table.last_pk)
    return record.id


def update_env(conn: sqlite3.Connection, env_id: int, changes: dict[str, object]) -> None:
    """Set some columns of one row."""
    check_columns(changes)
    database(conn).table("envs").update(env_id, changes)
