"""`venvreg registry path|query|check` as a user runs them, and which commands load
sqlite-utils: real subprocesses on a real registry file."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from venvreg.registry.schema import SCHEMA_VERSION


def _registry(workon_home: Path) -> Path:
    return workon_home / ".venvreg" / "registry.sqlite3"


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def two_envs(workon_home: Path, cli: Any, plain_venv: Any) -> Path:
    for name in ("alpha", "beta"):
        plain_venv(workon_home / name)
    listed = cli("ls")
    assert listed.returncode == 0, listed.stderr
    return _registry(workon_home)


def test_path_names_the_registry_file(cli: Any, workon_home: Path) -> None:
    result = cli("registry", "path")
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"{_registry(workon_home)}\n"


def test_query_json_csv_and_table(cli: Any, two_envs: Path) -> None:
    as_json = cli("registry", "query", "select name from envs order by name", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout) == [{"name": "alpha"}, {"name": "beta"}]
    as_csv = cli("registry", "query", "select name, use_count from envs order by name", "--csv")
    assert as_csv.returncode == 0, as_csv.stderr
    assert list(csv.reader(io.StringIO(as_csv.stdout))) == [
        ["name", "use_count"], ["alpha", "0"], ["beta", "0"]
    ]  # fmt: skip
    table = cli("registry", "query", "pragma user_version")
    assert table.returncode == 0, table.stderr
    assert table.stdout.split() == ["user_version", str(SCHEMA_VERSION)]
    empty = cli("registry", "query", "select name from envs where 0", "--json")
    assert (empty.returncode, json.loads(empty.stdout)) == (0, [])


@pytest.mark.parametrize(
    "sql",
    [
        "delete from envs",
        "update envs set use_count = 99",
        "drop table envs",
        "pragma user_version = 99",
        "create table mine (x)",
    ],
)
def test_a_write_is_refused_and_the_file_unchanged(cli: Any, two_envs: Path, sql: str) -> None:
    before = _digest(two_envs)
    result = cli("registry", "query", sql)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "only reads" in result.stderr and "nothing done" in result.stderr
    assert result.stdout == ""
    assert _digest(two_envs) == before
    names = cli("registry", "query", "select count(*) as n from envs", "--json")
    assert json.loads(names.stdout) == [{"n": 2}]


def test_attaching_another_file_is_refused(cli: Any, two_envs: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.sqlite3"
    result = cli("registry", "query", f"attach '{other}' as other")
    assert result.returncode == 1, result.stderr
    assert not other.exists()


@pytest.mark.parametrize(
    ("sql", "says"),
    [("selec name from envs", "syntax error"), ("select nope from envs", "no such column"),
     ("select 1; select 2", "one statement")],
)  # fmt: skip
def test_bad_sql_is_one_line_and_exit_2(cli: Any, two_envs: Path, sql: str, says: str) -> None:
    result = cli("registry", "query", sql)
    assert result.returncode == 2
    assert result.stderr.startswith("venvreg: error: bad SQL: ")
    assert says in result.stderr and result.stderr.count("\n") == 1


def test_query_and_check_without_a_registry(cli: Any, workon_home: Path) -> None:
    for args in (("query", "select 1"), ("check",)):
        result = cli("registry", *args)
        assert result.returncode == 1
        assert "there is no registry at" in result.stderr and result.stderr.count("\n") == 1
    assert not _registry(workon_home).exists()


def test_check_of_a_whole_registry(cli: Any, two_envs: Path) -> None:
    result = cli("registry", "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"registry: {two_envs}",
        "integrity: ok",
        f"schema: {SCHEMA_VERSION} (current)",
        "verdict: ok",
    ]


def test_check_of_a_damaged_registry_reports_and_moves_nothing(cli: Any, two_envs: Path) -> None:
    data = bytearray(two_envs.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's schema, past the header
    two_envs.write_bytes(bytes(data))
    before = _digest(two_envs)
    result = cli("registry", "check")
    assert result.returncode == 1
    assert result.stdout.splitlines()[-1] == "verdict: problems found"
    assert _digest(two_envs) == before
    assert list(two_envs.parent.glob("registry.sqlite3.damaged-*")) == []


def test_check_of_a_newer_schema(cli: Any, two_envs: Path) -> None:
    import sqlite3

    conn = sqlite3.connect(two_envs)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    result = cli("registry", "check")
    assert result.returncode == 1
    assert f"schema: {SCHEMA_VERSION + 1}, newer than this venvreg knows" in result.stdout


QUICK = [("ls",), ("ls", "--json"), ("show", "alpha"), ("rm", "beta", "--yes")]


@pytest.mark.parametrize("args", QUICK)
def test_the_quick_commands_never_load_sqlite_utils(two_envs: Path, args: tuple[str, ...]) -> None:
    """ls, show and rm stay on the standard library's sqlite3: sqlite-utils costs 100-200 ms
    to import. -X importtime lists every module the real command imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "venvreg", *args],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert "sqlite3" in imported  # the list is real: the registry was opened
    assert not {module for module in imported if module.startswith("sqlite_utils")}


def test_the_registry_commands_load_sqlite_utils_when_migrating(cli: Any, two_envs: Path) -> None:
    """The other side: opening a registry that needs a migration goes through sqlite-utils."""
    import sqlite3

    conn = sqlite3.connect(two_envs)
    conn.execute("ALTER TABLE envs DROP COLUMN user_project")
    conn.execute("DELETE FROM migrations WHERE version = 4")  # as a schema-3 registry has it
    conn.execute("PRAGMA user_version = 3")
    conn.commit()
    conn.close()
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "venvreg", "ls"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in result.stderr.splitlines()}
    assert "sqlite_utils" in imported
    assert "was damaged" not in result.stderr  # migrated, not taken for damage and rebuilt
    version = cli("registry", "query", "pragma user_version", "--json")
    assert json.loads(version.stdout) == [{"user_version": SCHEMA_VERSION}]


@pytest.mark.parametrize(
    "sql",
    ["pragma table_info(envs)", "select name from pragma_table_info('envs')",
     "pragma index_list('envs')", "pragma quick_check"],
)  # fmt: skip
def test_a_pragma_naming_what_to_read_is_a_read(cli: Any, two_envs: Path, sql: str) -> None:
    before = _digest(two_envs)
    result = cli("registry", "query", sql, "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert rows, sql
    if "table_info" in sql:
        assert {"name", "use_count", "project_path"} <= {row["name"] for row in rows}
    assert _digest(two_envs) == before


def test_sql_that_is_not_utf8_is_one_line_and_exit_2(two_envs: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "venvreg", "registry", "query", os.fsdecode(b"select '\xff'")],
        capture_output=True, timeout=120,
    )  # fmt: skip
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "not valid UTF-8" in err and "\\xff" in err
    assert result.stdout == b""


def test_json_of_two_columns_with_one_name_is_refused(cli: Any, two_envs: Path) -> None:
    refused = cli("registry", "query", "select name, 1 as name from envs", "--json")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1 and "'name'" in refused.stderr and "AS" in refused.stderr
    assert refused.stdout == ""
    as_csv = cli("registry", "query", "select name, 1 as name from envs order by 1", "--csv")
    assert as_csv.returncode == 0, as_csv.stderr
    assert as_csv.stdout.splitlines()[:2] == ["name,name", "alpha,1"]


def test_json_with_csv_is_a_usage_error(cli: Any, two_envs: Path) -> None:
    result = cli("registry", "query", "select name from envs", "--json", "--csv")
    assert result.returncode == 2
    assert "--json and --csv cannot be used together" in result.stderr
    assert result.stdout == ""


def test_a_registry_sqlite_cannot_read_is_exit_1_not_bad_sql(cli: Any, two_envs: Path) -> None:
    """A file that is not a database is the registry's problem, not the statement's."""
    two_envs.write_bytes(b"not a database " * 400)
    result = cli("registry", "query", "select name from envs")
    assert result.returncode == 1, result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "bad SQL" not in result.stderr and "not a database" in result.stderr
