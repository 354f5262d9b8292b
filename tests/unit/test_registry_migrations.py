"""Migrations written with sqlite-utils: a registry an older venvreg wrote keeps every row, a new
registry gets the tables the hand-written SQL migrations made, and sqlite-utils' writes stay
inside the registry's own transaction."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from venvreg.registry import db, envs
from venvreg.registry.schema import SCHEMA_VERSION
from venvreg.registry.tables import database

DATA = Path(__file__).parent / "data"


def _load(path: Path, dump: str) -> None:
    conn = sqlite3.connect(path)
    conn.executescript((DATA / dump).read_text(encoding="utf-8"))
    conn.close()


def _shape(conn: sqlite3.Connection) -> dict[str, object]:
    """Each table's columns (name, affinity, not null, default, pk) and indexes (columns,
    unique); FLOAT and REAL name the same affinity."""
    shape: dict[str, object] = {}
    tables = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    for (table,) in tables.fetchall():
        columns = [
            (name, kind.replace("FLOAT", "REAL"), notnull, default, pk)
            for _, name, kind, notnull, default, pk in conn.execute(f"PRAGMA table_info([{table}])")
        ]
        indexes = sorted(
            (
                tuple(row[2] for row in conn.execute(f"PRAGMA index_info([{index[1]}])")),
                index[2],
            )
            for index in conn.execute(f"PRAGMA index_list([{table}])")
        )
        shape[table] = (columns, indexes)
    return shape


def test_a_schema_1_registry_migrates_without_losing_a_row(tmp_path: Path) -> None:
    path = tmp_path / "registry.sqlite3"
    _load(path, "registry-schema-1.sql")
    conn = db.connect(path)
    try:
        assert db.migrate(conn) is True
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        demo, found = envs.get_by_name(conn, "demo"), envs.get_by_name(conn, "FOUND")
        assert demo is not None and found is not None
        assert (demo.path, demo.status, demo.origin, demo.use_count, demo.created_at) == (
            "/home/me/.virtualenvs/demo", "ready", "created", 7, 1700000000.5
        )  # fmt: skip
        assert demo.user_project == "/home/me/src/demo"  # created by venvreg: its own link
        assert (found.status, found.project_path, found.user_project) == (
            "missing", "/tmp/elsewhere", None
        )  # fmt: skip
        assert envs.snapshot_summary(conn, "/home/me/.virtualenvs/old") == (1, 1700000200.0)
        versions = [row[0] for row in conn.execute("SELECT version FROM migrations")]
        assert versions == list(range(1, SCHEMA_VERSION + 1))
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def test_a_new_registry_has_the_shape_the_sql_migrations_made(tmp_path: Path) -> None:
    old, new = tmp_path / "old.sqlite3", tmp_path / "new.sqlite3"
    _load(old, "registry-schema-4.sql")
    conn = db.connect(new)
    reference = sqlite3.connect(old)
    try:
        db.migrate(conn)
        assert _shape(conn) == _shape(reference)
    finally:
        conn.close()
        reference.close()


def test_the_checks_of_the_envs_table_hold(tmp_path: Path) -> None:
    conn = db.connect(tmp_path / "registry.sqlite3")
    try:
        db.migrate(conn)
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            conn.execute(
                "INSERT INTO envs (name, name_key, path, origin, created_at, status) "
                "VALUES ('x', 'x', '/x', 'created', 0, 'lost')"
            )
    finally:
        conn.close()


def test_sqlite_utils_writes_stay_in_the_registry_transaction(tmp_path: Path) -> None:
    """A write through sqlite-utils is undone with the transaction it ran in, and nothing
    commits that transaction early."""
    conn = db.connect(tmp_path / "registry.sqlite3")
    try:
        db.migrate(conn)
        with pytest.raises(RuntimeError), db.write_transaction(conn):
            database(conn).table("meta").insert({"key": "k", "value": "v"})
            assert conn.in_transaction
            raise RuntimeError("stop")
        assert envs.get_meta(conn, "k") is None
        with db.write_transaction(conn):
            database(conn).table("meta").insert({"key": "k", "value": "v"})
            assert conn.in_transaction
        assert envs.get_meta(conn, "k") == "v"
    finally:
        conn.close()
