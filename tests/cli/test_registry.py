"""The registry (hostile group D): concurrent writers and first runs, a newer schema, damaged
files rebuilt from disk, a read-only WORKON_HOME; real processes on a real SQLite file."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from venvreg.registry.schema import SCHEMA_VERSION

WRITERS = 16
USES_EACH = 40

RECORD_USES = """
import sys
from venvreg.core.session import open_context
from venvreg.registry import envs
from venvreg.registry.db import write_transaction
ctx = open_context()
record = envs.get_by_name(ctx.conn, sys.argv[1])
sys.stdin.read(1)  # the start barrier: every writer is ready before any writes
for _ in range(int(sys.argv[2])):
    with write_transaction(ctx.conn):
        envs.record_use(ctx.conn, record.id)
ctx.close()
"""

FIRST_RUN = """
import sys
from venvreg.cli.app import run
sys.stdin.read(1)  # the start barrier: all three open the registry at the same moment
sys.exit(run(["ls", "--json"]))
"""


def _registry(workon_home: Path) -> Path:
    return workon_home / ".venvreg" / "registry.sqlite3"


def _start_all(code: str, count: int, *args: str) -> list[subprocess.Popen[str]]:
    """Start `count` Python processes, then release them together through their stdin."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    return processes


def _release_and_wait(processes: list[subprocess.Popen[str]]) -> list[tuple[int, str, str]]:
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("g")
        process.stdin.flush()
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        results.append((process.returncode, out, err))
    return results


def test_sixteen_processes_recording_use_lose_no_update(
    cli: Any, env_in_home: Any, row: Any
) -> None:
    env_in_home("busy")
    cli("ls")
    processes = _start_all(RECORD_USES, WRITERS, "busy", str(USES_EACH))
    results = _release_and_wait(processes)
    for code, _out, err in results:
        assert code == 0, err
        assert "locked" not in err.lower()
        assert err == ""
    assert row("busy")["use_count"] == WRITERS * USES_EACH
    shown = json.loads(cli("show", "busy", "--json").stdout)
    assert shown["use_count"] == WRITERS * USES_EACH
    assert shown["last_used_at"] is not None


@pytest.mark.parametrize("workon_home_exists", [True, False])
def test_three_first_runs_at_once_migrate_exactly_once(
    workon_home: Path, env_in_home: Any, rows: Any, workon_home_exists: bool
) -> None:
    if workon_home_exists:
        env_in_home("already-here")
    assert not _registry(workon_home).exists()
    results = _release_and_wait(_start_all(FIRST_RUN, 3))
    for code, out, err in results:
        assert code == 0, err
        assert "locked" not in err.lower() and "Traceback" not in err
        names = [entry["name"] for entry in json.loads(out)]
        assert names == (["already-here"] if workon_home_exists else [])
    migrations = rows("migrations")
    assert sorted(m["version"] for m in migrations) == list(range(1, SCHEMA_VERSION + 1))
    conn = sqlite3.connect(f"file:{_registry(workon_home)}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    finally:
        conn.close()
    assert len(rows()) == (1 if workon_home_exists else 0)


def test_a_registry_from_a_newer_venvreg_is_refused_and_left_unchanged(
    cli: Any, workon_home: Path, env_in_home: Any
) -> None:
    env_in_home("kept")
    cli("ls")
    path = _registry(workon_home)
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for command in (("ls",), ("create", "new"), ("rm", "kept", "--yes"), ("show", "kept")):
        result = cli(*command)
        assert result.returncode == 1
        lines = result.stderr.splitlines()
        assert len(lines) == 1, result.stderr
        assert "written by a newer venvreg" in lines[0]
        assert f"schema {SCHEMA_VERSION + 1}" in lines[0]
        assert "left unchanged" in lines[0]
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest
    assert sorted(os.listdir(workon_home)) == [".venvreg", "kept"]
    assert not list(path.parent.glob("*.damaged-*"))


def _damage(path: Path, how: str) -> None:
    if how == "zero-byte":
        path.write_bytes(b"")
    elif how == "truncated":
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbage":
        path.write_bytes(os.urandom(20000))
    elif how == "text":
        path.write_text("this is not a database\n" * 100)
    elif how == "garbage-pages":  # a valid header and schema page, every other page garbage
        data = path.read_bytes()
        path.write_bytes(data[:4096] + os.urandom(len(data) - 4096))
    else:
        raise AssertionError(how)


@pytest.mark.parametrize("how", ["truncated", "garbage", "text", "garbage-pages"])
def test_a_damaged_registry_is_moved_aside_and_rebuilt_from_disk(
    cli: Any, workon_home: Path, env_in_home: Any, listing: Any, how: str
) -> None:
    for name in ("alpha", "beta", "gamma"):
        env_in_home(name)
    assert set(listing()) == {"alpha", "beta", "gamma"}
    path = _registry(workon_home)
    assert path.stat().st_size > 4096 * 3
    _damage(path, how)
    damaged = path.read_bytes()

    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert (
        "was damaged" in lines[0] and "rebuilt the index from the environments on disk" in lines[0]
    )
    assert "Traceback" not in result.stderr
    listed = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert set(listed) == {"alpha", "beta", "gamma"}
    assert all(entry["healthy"] for entry in listed.values())
    (aside,) = path.parent.glob("registry.sqlite3.damaged-*")
    assert aside.read_bytes() == damaged
    assert str(aside) in lines[0]
    again = cli("ls", "-b")
    assert again.stderr == "" and again.stdout == "alpha\nbeta\ngamma\n"


def _damage_past_the_first_page(path: Path) -> bytes:
    """Garbage in every page but the first, which opening reads: the damage is met only by
    the first query that reads the envs table, mid-command."""
    _damage(path, "garbage-pages")
    return path.read_bytes()


def _one_recovery_notice(stderr: str, path: Path, damaged: bytes) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert "was damaged (database disk image is malformed" in lines[0]
    assert "rebuilt the index from the environments on disk" in lines[0]
    (aside,) = path.parent.glob("registry.sqlite3.damaged-*")
    assert aside.read_bytes() == damaged and str(aside) in lines[0]


@pytest.mark.parametrize(
    "command",
    [("workon", "--", "beta"), ("workon", "--"), ("lsvirtualenv", "--", "-b")],
    ids=["workon-name", "workon-list", "lsvirtualenv-b"],
)
def test_damage_met_mid_command_on_the_hot_path_is_recovered(
    cli: Any, workon_home: Path, env_in_home: Any, listing: Any, command: tuple[str, ...]
) -> None:
    """The hot path does not check the pages at opening: the damage surfaces in its first
    query, and is turned into the same recovery and notice as at opening; the command is run
    again on the rebuilt registry and its code is what it would have been."""
    for name in ("alpha", "beta", "gamma"):
        env_in_home(name)
    listing()
    expected = cli("__shell", "bash", *command)
    listing()  # a CLI command folds the WAL that workon leaves (it skips closing) into the file
    path = _registry(workon_home)
    damaged = _damage_past_the_first_page(path)

    result = cli("__shell", "bash", *command)
    assert result.returncode == expected.returncode, result.stderr
    _one_recovery_notice(result.stderr, path, damaged)
    assert result.stdout == expected.stdout
    assert set(listing()) == {"alpha", "beta", "gamma"}
    if command[0] == "workon" and command[2:]:
        assert listing()["beta"]["use_count"] == 1  # the use went into the rebuilt registry
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", [("ls", "-b"), ("ls",), ("show", "beta", "--json")])
def test_damage_met_mid_command_in_a_listing_is_recovered(
    cli: Any, workon_home: Path, env_in_home: Any, listing: Any, command: tuple[str, ...]
) -> None:
    for name in ("alpha", "beta", "gamma"):
        env_in_home(name)
    listing()
    expected = cli(*command)
    path = _registry(workon_home)
    damaged = _damage_past_the_first_page(path)

    result = cli(*command)
    assert result.returncode == 0, result.stderr
    _one_recovery_notice(result.stderr, path, damaged)
    if command[0] != "show":  # show's JSON names when it was registered: now, again
        assert result.stdout == expected.stdout
    else:
        assert json.loads(result.stdout)["name"] == "beta"
    again = cli(*command)
    assert again.returncode == 0 and again.stderr == ""


def test_doctor_checks_every_page_and_recovers(
    cli: Any, workon_home: Path, env_in_home: Any, listing: Any
) -> None:
    env_in_home("alpha")
    listing()
    path = _registry(workon_home)
    damaged = _damage_past_the_first_page(path)
    result = cli("doctor")
    assert "Traceback" not in result.stderr
    notices = [line for line in result.stderr.splitlines() if "was damaged" in line]
    assert len(notices) == 1, result.stderr
    (aside,) = path.parent.glob("registry.sqlite3.damaged-*")
    assert aside.read_bytes() == damaged
    assert set(listing()) == {"alpha"}


TRACE_PROBE = """
import sqlite3, sys
statements = []
real_connect = sqlite3.connect
def connect(*args, **kwargs):
    conn = real_connect(*args, **kwargs)
    conn.set_trace_callback(statements.append)
    return conn
sqlite3.connect = connect
from venvreg.fastpath import main
status = main(sys.argv[1:])
print(status, any("quick_check" in s or "integrity_check" in s for s in statements),
      file=sys.stderr)
"""


@pytest.mark.parametrize("command", [("workon", "--", "alpha"), ("lsvirtualenv", "--", "-b")])
def test_the_hot_path_reads_no_page_it_does_not_need(
    cli: Any, env_in_home: Any, listing: Any, command: tuple[str, ...]
) -> None:
    """No integrity check on the hot path: its cost grows with the registry. The probe sees
    SQLite's statements (and does see a check where one runs: `venvreg doctor` below)."""
    env_in_home("alpha")
    listing()
    result = subprocess.run(
        [sys.executable, "-c", TRACE_PROBE, "bash", *command], capture_output=True, text=True
    )
    assert result.stderr.split()[-2:] == ["0", "False"], result.stderr
    doctor = TRACE_PROBE.replace(
        "from venvreg.fastpath import main", "from venvreg.cli.app import run as main"
    )
    checked = subprocess.run(
        [sys.executable, "-c", doctor, "doctor"], capture_output=True, text=True
    )
    assert checked.stderr.split()[-1] == "True", checked.stderr


def test_a_zero_byte_registry_is_damaged_and_rebuilt_from_disk(
    cli: Any, workon_home: Path, env_in_home: Any, listing: Any
) -> None:
    """SQLite would read a zero-byte file as an empty database; but a first run makes the
    file under a lock until it has its first page, so a zero-byte file is damage (a crash, a
    truncation): the same one-line notice as for a garbage file, and a rebuild from disk."""
    env_in_home("alpha")
    assert set(listing()) == {"alpha"}
    path = _registry(workon_home)
    _damage(path, "zero-byte")
    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert "was damaged (the file is empty (0 bytes))" in lines[0]
    assert "rebuilt the index from the environments on disk" in lines[0]
    assert [entry["name"] for entry in json.loads(result.stdout)] == ["alpha"]
    assert json.loads(result.stdout)[0]["origin"] == "found"
    assert path.stat().st_size > 0
    (aside,) = path.parent.glob("registry.sqlite3.damaged-*")
    assert aside.stat().st_size == 0 and str(aside) in lines[0]
    again = cli("ls", "-b")
    assert again.stderr == "" and again.stdout == "alpha\n"


def test_a_damaged_registry_does_not_break_create(
    cli: Any, workon_home: Path, env_in_home: Any, listing: Any
) -> None:
    env_in_home("alpha")
    listing()
    _damage(_registry(workon_home), "garbage")
    result = cli("create", "beta", "--backend", "uv")
    assert result.returncode == 0, result.stderr
    assert "was damaged" in result.stderr
    assert set(listing()) == {"alpha", "beta"}


def test_journal_mode_is_wal_on_a_local_disk(cli: Any, workon_home: Path) -> None:
    assert cli("ls").returncode == 0
    conn = sqlite3.connect(f"file:{_registry(workon_home)}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        conn.close()


@pytest.mark.parametrize("scope", ["everything", "envs-folder-only"])
@pytest.mark.parametrize(
    "command",
    [("create", "new", "--backend", "uv"), ("rm", "kept", "--yes"), ("ls",), ("show", "kept")],
)
def test_a_read_only_workon_home_fails_cleanly(
    cli: Any,
    cli_unprivileged: Any,
    workon_home: Path,
    env_in_home: Any,
    tree_snapshot: Any,
    row: Any,
    command: tuple[str, ...],
    scope: str,
) -> None:
    """WORKON_HOME read-only, with or without venvreg's state folder in it (chmod 0555; as
    root the CLI runs without CAP_DAC_OVERRIDE so the mode holds). Writes fail with a one-line
    message and exit 1, reads work or fail the same way, and nothing on disk changes."""
    env_in_home("kept")
    cli("ls")
    state = workon_home / ".venvreg"
    folders = [workon_home]
    if scope == "everything":
        folders += [state, state / "trash", state / "locks"]
    before = tree_snapshot(workon_home, skip=() if scope == "everything" else (state,))
    modes = {folder: folder.stat().st_mode for folder in folders}
    for folder in folders:
        folder.chmod(0o555)
    try:
        result = cli_unprivileged(*command)
    finally:
        for folder, mode in modes.items():
            folder.chmod(mode)
    assert "Traceback" not in result.stderr
    assert tree_snapshot(workon_home, skip=() if scope == "everything" else (state,)) == before
    assert row("kept")["status"] == "ready"
    if command[0] in ("ls", "show") and result.returncode == 0:
        assert "kept" in result.stdout  # reading may work; then it must be right
        return
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines and lines[-1].startswith("venvreg: error:")
    assert any(word in lines[-1] for word in ("readonly", "read-only", "Permission denied"))
    assert row("new") is None
