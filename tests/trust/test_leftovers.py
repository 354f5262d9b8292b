"""The clean-up of killed creations removes only what it can prove a creation made (issue 8,
findings 2, 3 and the leftover part of 10): it re-reads the row under the creation's lock, and a
folder counts as the creation's only when it holds the token the creation wrote first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support import Hold, make_plain_venv

Cli = Callable[..., subprocess.CompletedProcess[str]]
MARKER = ".venvreg-creating"


def _names(cli: Cli) -> set[str]:
    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    return {entry["name"] for entry in json.loads(result.stdout)}


def test_a_listing_racing_a_finishing_create_leaves_the_new_env(
    start_blocked_creation: Callable[..., subprocess.Popen[str]],
    blocking_python: Any,
    start_cli: Callable[..., subprocess.Popen[str]],
    hold: Hold,
    workon_home: Path,
    cli: Cli,
    row: Callable[[str], dict[str, Any] | None],
) -> None:
    """Finding 2: `ls` reads the `creating` row, the creation finishes and lets its lock go,
    then `ls` goes on with what it read. The hook holds `ls` right after its read."""
    creation = start_blocked_creation("y")
    listing = start_cli("ls", env=hold.env("leftovers-read"))
    hold.wait_held(listing)  # it has read 'y' as being created

    blocking_python.release()
    out, err = creation.communicate(timeout=300)
    assert creation.returncode == 0, err
    assert "created 'y'" in err

    hold.release()
    out, err = listing.communicate(timeout=300)
    assert listing.returncode == 0, err
    assert "y" in out.split()
    assert (workon_home / "y" / "pyvenv.cfg").is_file()
    record = row("y")
    assert record is not None and record["status"] == "ready"
    assert not (workon_home / "y" / MARKER).exists()
    assert "y" in _names(cli)


def _kill_group(process: subprocess.Popen[str]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)


def test_a_users_own_env_made_where_a_killed_create_was_survives(
    start_blocked_creation: Callable[..., subprocess.Popen[str]],
    workon_home: Path,
    cli: Cli,
    row: Callable[[str], dict[str, Any] | None],
) -> None:
    """Finding 3: a create is killed, the user runs `rm -rf x; python -m venv x` (ext4 gives
    the folder its old inode back), and the next command must not delete it as a leftover."""
    creation = start_blocked_creation("x")
    _kill_group(creation)
    folder = workon_home / "x"
    inode = folder.stat().st_ino
    subprocess.run(["rm", "-rf", str(folder)], check=True)
    make_plain_venv(folder)
    (folder / "mine.txt").write_text("the user's own env")
    reused = folder.stat().st_ino == inode  # usual on ext4: what fooled the old check

    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    listed = {entry["name"]: entry for entry in json.loads(result.stdout)}
    assert (folder / "mine.txt").read_text() == "the user's own env", f"inode reused: {reused}"
    assert (folder / "pyvenv.cfg").is_file()
    assert listed["x"]["origin"] == "found" and listed["x"]["healthy"]
    record = row("x")
    assert record is not None and record["status"] == "ready"


def test_a_killed_create_is_rolled_back_by_the_next_command(
    start_blocked_creation: Callable[..., subprocess.Popen[str]],
    workon_home: Path,
    cli: Cli,
    row: Callable[[str], dict[str, Any] | None],
) -> None:
    """The creation's own folder (it holds the token the row names) is still cleaned up."""
    creation = start_blocked_creation("half")
    folder = workon_home / "half"
    assert (folder / MARKER).is_file()
    _kill_group(creation)
    assert row("half") is not None

    assert "half" not in _names(cli)
    assert not folder.exists()
    assert row("half") is None
    assert cli("doctor").returncode == 0


def test_a_leftover_that_cannot_be_proven_is_left_reported_and_named_by_create(
    start_blocked_creation: Callable[..., subprocess.Popen[str]],
    workon_home: Path,
    cli: Cli,
    row: Callable[[str], dict[str, Any] | None],
) -> None:
    """A killed creation's folder whose token does not match its row (here: rewritten) is not
    provably its own: it stays, doctor names it with its fix, and `create` says what it is."""
    creation = start_blocked_creation("odd")
    folder = workon_home / "odd"
    _kill_group(creation)
    (folder / MARKER).write_text("not the token the row names\n")
    (folder / "child-output.txt").write_text("written by a child that outlived venvreg")

    assert "odd" not in _names(cli)
    assert (folder / "child-output.txt").is_file()  # not provably the creation's: kept
    assert row("odd") is None

    doctor = cli("doctor", "--json")
    assert doctor.returncode == 1
    findings = json.loads(doctor.stdout)["findings"]
    (finding,) = [f for f in findings if f["kind"] == "creation-leftover"]
    assert finding["path"] == str(folder)
    assert "rm -rf" in finding["fix"] and str(folder) in finding["fix"]

    again = cli("create", "odd")
    assert again.returncode == 1
    assert "something that is not a venv" not in again.stderr
    assert "left by an interrupted creation" in again.stderr
    assert "rm -rf" in again.stderr
    assert (folder / "child-output.txt").is_file()

    subprocess.run(["rm", "-rf", str(folder)], check=True)
    created = cli("create", "odd")
    assert created.returncode == 0, created.stderr
    assert not (folder / MARKER).exists()


def test_a_stuck_creation_lock_is_not_waited_for_by_the_clean_up(
    start_blocked_creation: Callable[..., subprocess.Popen[str]],
    blocking_python: Any,
    workon_home: Path,
    cli: Cli,
) -> None:
    """A creation still running (its lock held) is left alone and does not slow `ls` down."""
    creation = start_blocked_creation("busy")
    started = time.monotonic()
    assert "busy" not in _names(cli)
    assert time.monotonic() - started < 30
    assert (workon_home / "busy" / MARKER).is_file()
    blocking_python.release()
    _, err = creation.communicate(timeout=300)
    assert creation.returncode == 0, err
    assert "busy" in _names(cli)


def test_a_listing_while_a_create_is_held_at_its_finish_leaves_the_new_env(
    start_cli: Callable[..., subprocess.Popen[str]],
    hold: Hold,
    workon_home: Path,
    cli: Cli,
    row: Callable[[str], dict[str, Any] | None],
) -> None:
    """The creation is held with its row `ready` and its lock still held; listings run then
    (the clean-up must not wait for the lock, nor take the env for a leftover)."""
    creation = start_cli("create", "z", env=hold.env("create-finished"))
    hold.wait_held(creation)
    record = row("z")
    assert record is not None and record["status"] == "ready"
    assert "z" in _names(cli)
    assert cli("doctor").returncode == 0
    hold.release()
    _, err = creation.communicate(timeout=300)
    assert creation.returncode == 0, err
    assert "created 'z'" in err
    assert "z" in _names(cli)
    assert (workon_home / "z" / "pyvenv.cfg").is_file()
