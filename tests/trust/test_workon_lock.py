"""workon never waits on a stuck writer (issue 8, finding 14: every workon waited the full 60 s
while another process held the registry's write lock).

A real writer holds `BEGIN IMMEDIATE` on the registry while `workon` runs in a real bash: the
env is activated at once, and the use is counted once the writer lets go, by the next command.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from cli.conftest import registry_path

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("held", flush=True)
for statement in sys.stdin.read().split(";"):
    if statement.strip():
        conn.execute(statement)
conn.execute("COMMIT")
"""


class Writer:
    """Another process holding the registry's write lock until released."""

    def __init__(self, database: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        assert self.process.stdout.readline().strip() == "held"

    def release(self, sql: str = "") -> None:
        """Run `sql` in the held transaction, then commit."""
        assert self.process.stdin is not None
        self.process.stdin.write(sql)
        self.process.stdin.close()
        assert self.process.wait(timeout=60) == 0


@pytest.fixture
def writer(workon_home: Path) -> Iterator[Callable[[], Writer]]:
    started: list[Writer] = []

    def start() -> Writer:
        started.append(Writer(registry_path(workon_home)))
        return started[-1]

    yield start
    for held in started:
        if held.process.poll() is None:
            held.process.kill()
            held.process.wait()


def bash_workon(name: str, times: int = 1) -> tuple[subprocess.CompletedProcess[str], float]:
    """`workon NAME` in a real bash with venvreg's function file, `times` times in one shell;
    prints each status and $VIRTUAL_ENV. Returns the run and how long it took."""
    bash = shutil.which("bash")
    assert bash is not None
    function_file = subprocess.run(
        [sys.executable, "-m", "venvreg", "init", "bash", "--path"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    script = f"source '{function_file}'\n" + (
        f"workon '{name}'; echo \"status=$? env=$VIRTUAL_ENV\"; deactivate\n" * times
    )
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    began = time.monotonic()
    result = subprocess.run(
        [bash, "--norc", "--noprofile", "-c", script],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    return result, time.monotonic() - began


def use_count(workon_home: Path, name: str) -> int:
    """Read straight from the registry file, read-only: what the registry holds right now."""
    conn = sqlite3.connect(f"file:{registry_path(workon_home)}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT use_count FROM envs WHERE name = ?", (name,)).fetchone()
    finally:
        conn.close()
    return int(row[0])


@pytest.fixture
def registered(cli: Any, env_in_home: Callable[[str], Path]) -> Path:
    env = env_in_home("stuck")
    assert cli("ls").returncode == 0
    return env


def test_workon_activates_at_once_while_a_writer_holds_the_registry(
    registered: Path, cli: Any, workon_home: Path, writer: Callable[[], Writer]
) -> None:
    held = writer()
    result, took = bash_workon("stuck", times=2)

    lines = result.stdout.splitlines()
    assert lines == [f"status=0 env={registered}"] * 2, result.stdout + result.stderr
    assert "locked" not in result.stderr and "Traceback" not in result.stderr
    # About a second each at most (the lock's short wait), never the registry's 60 s.
    assert took < 20, f"two workons took {took:.1f}s under a held lock"
    assert use_count(workon_home, "stuck") == 0  # not written yet: the writer still holds it

    held.release()
    shown = cli("show", "stuck", "--json")
    assert shown.returncode == 0, shown.stderr
    assert '"use_count": 2' in shown.stdout
    assert use_count(workon_home, "stuck") == 2


def test_the_next_workon_counts_the_uses_it_could_not_write(
    registered: Path, workon_home: Path, writer: Callable[[], Writer]
) -> None:
    held = writer()
    first, _ = bash_workon("stuck")
    assert first.stdout.splitlines() == [f"status=0 env={registered}"], first.stderr
    held.release()

    second, _ = bash_workon("stuck")
    assert second.stdout.splitlines() == [f"status=0 env={registered}"], second.stderr
    assert use_count(workon_home, "stuck") == 2  # its own use and the one logged before
    assert not (workon_home / ".venvreg" / "uses.log").read_bytes()


def test_a_logged_use_never_counts_for_another_env_that_took_its_row_id(
    registered: Path, cli: Any, workon_home: Path, writer: Callable[[], Writer]
) -> None:
    """The env is removed and another one registered under the same row id while the use
    waits in the log: the use is not credited to the newcomer."""
    held = writer()
    result, _ = bash_workon("stuck")
    assert result.stdout.splitlines() == [f"status=0 env={registered}"], result.stderr
    held.release(
        "UPDATE envs SET name = 'newcomer', name_key = 'newcomer', "
        "path = path || '-newcomer', use_count = 0 WHERE name = 'stuck'"
    )

    assert cli("trash", "list").returncode == 0  # any command folds the log
    assert use_count(workon_home, "newcomer") == 0
    assert not (workon_home / ".venvreg" / "uses.log").read_bytes()
