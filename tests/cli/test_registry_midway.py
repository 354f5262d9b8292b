"""Damage met mid-command after the command already wrote (hostile group D): a command whose
writes only brought the registry in step with the disk (a new folder registered, a migration)
runs again on the rebuilt registry; one whose own work had begun stops and says so.

The damage is made at the exact moment: the command stops at the hold point right after a
commit (src/venvreg/fs/holds.py), the test folds the WAL into the file and overwrites every page
but the first with garbage, then lets the command go on to its next query. No sleeps.
"""

from __future__ import annotations

import json
import os
import sqlite3
import sys
from pathlib import Path
from typing import Any

import pytest

from support import Hold, wait_for

RESTATED = "registry-restated"  # after a write that only restates the disk
WORK = "registry-work-recorded"  # after a write of the command's own work
NOTICE = "rebuilt the index from the environments on disk"
STOPPED = (
    "venvreg: error: the command stopped midway on the damaged registry, after some of its "
    "work was done; check the result and run it again"
)


@pytest.fixture
def hold(tmp_path: Path) -> Hold:
    return Hold(tmp_path / "hold")


def _registry(workon_home: Path) -> Path:
    return workon_home / ".venvreg" / "registry.sqlite3"


def _damage_now(path: Path) -> bytes:
    """Fold the WAL into the file (which also tells every connection that the file changed,
    so the held command's next query reads its pages from the file), then garbage in every
    page but the first."""
    conn = sqlite3.connect(path)
    try:
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    finally:
        conn.close()
    assert busy == 0
    data = path.read_bytes()
    assert len(data) > 4096
    path.write_bytes(data[:4096] + os.urandom(len(data) - 4096))
    return path.read_bytes()


def _run_damaged_at(
    start_cli: Any, hold: Hold, path: Path, step: str, *args: str
) -> tuple[int, str, str, bytes]:
    """Run `venvreg ARGS`, damage the registry when it first stops at `step`, then let it
    through every later stop at that step (its rerun commits again) until it exits."""
    process = start_cli(*args, env=hold.env(step))
    hold.wait_held(process, step)
    damaged = _damage_now(path)
    hold.release()
    reached = hold.folder / "reached"
    while True:
        wait_for(lambda: reached.exists() or process.poll() is not None, "an exit", process)
        if process.poll() is not None and not reached.exists():
            break
        hold.release()
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err, damaged


def _one_notice(stderr: str, path: Path, damaged: bytes) -> None:
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert "was damaged (database disk image is malformed" in lines[0]
    assert NOTICE in lines[0]
    (aside,) = path.parent.glob("registry.sqlite3.damaged-*")
    assert aside.read_bytes() == damaged and str(aside) in lines[0]


def test_ls_that_registered_a_new_folder_runs_again_after_damage(
    cli: Any, start_cli: Any, hold: Hold, workon_home: Path, env_in_home: Any, listing: Any
) -> None:
    """`ls` registers gamma (a commit), then meets damage: registering it again on the rebuilt
    registry gives the same result, so ls runs again instead of stopping."""
    env_in_home("alpha")
    env_in_home("beta")
    listing()
    env_in_home("gamma")  # new on disk: this ls's reconcile commits its row
    path = _registry(workon_home)

    status, out, err, damaged = _run_damaged_at(start_cli, hold, path, RESTATED, "ls", "-b")
    assert status == 0, err
    _one_notice(err, path, damaged)
    assert out == "alpha\nbeta\ngamma\n"
    again = cli("ls", "-b")
    assert again.stderr == "" and again.stdout == "alpha\nbeta\ngamma\n"


def test_show_that_registered_a_new_folder_runs_again_after_damage(
    cli: Any, start_cli: Any, hold: Hold, workon_home: Path, env_in_home: Any, listing: Any
) -> None:
    env_in_home("alpha")
    listing()
    env_in_home("beta")
    path = _registry(workon_home)

    status, out, err, damaged = _run_damaged_at(
        start_cli, hold, path, RESTATED, "show", "beta", "--json"
    )
    assert status == 0, err
    _one_notice(err, path, damaged)
    shown = json.loads(out)
    assert shown["name"] == "beta" and shown["path"] == str(workon_home / "beta")
    assert set(listing()) == {"alpha", "beta"}


def test_doctor_on_a_first_run_runs_again_after_damage(
    cli: Any, start_cli: Any, hold: Hold, workon_home: Path, env_in_home: Any
) -> None:
    """A first run makes and migrates the registry (a commit); doctor then meets damage and
    runs again on the rebuilt registry, reporting what a clean run reports."""
    env_in_home("alpha")
    path = _registry(workon_home)
    assert not path.exists()

    status, out, err, damaged = _run_damaged_at(start_cli, hold, path, RESTATED, "doctor", "--json")
    _one_notice(err, path, damaged)
    expected = cli("doctor", "--json")
    assert expected.stderr == ""
    assert status == expected.returncode
    assert json.loads(out) == json.loads(expected.stdout)


def test_project_set_that_recorded_its_work_stops_after_damage(
    cli: Any, start_cli: Any, hold: Hold, workon_home: Path, env_in_home: Any, tmp_path: Path
) -> None:
    """`project set` commits the link (its own work), then meets damage in the next query:
    it is not run again, it says so in a second line and exits 1; the rebuilt registry has the
    project back from the .project file it wrote."""
    env_in_home("alpha")
    project = tmp_path / "proj"
    project.mkdir()
    assert cli("ls").returncode == 0
    path = _registry(workon_home)

    status, _, err, damaged = _run_damaged_at(
        start_cli, hold, path, WORK, "project", "set", "alpha", str(project)
    )
    assert status == 1, err
    lines = err.splitlines()
    assert len(lines) == 2, err
    _one_notice(lines[0], path, damaged)
    assert lines[1] == STOPPED
    assert "Traceback" not in err
    shown = json.loads(cli("show", "alpha", "--json").stdout)
    assert shown["project_path"] == str(project)


def test_restore_that_moved_the_env_back_stops_after_damage(
    cli: Any, start_cli: Any, hold: Hold, workon_home: Path, env_in_home: Any
) -> None:
    """restore moves the env back before registering it: damage met then would make a rerun
    fail (the entry has left the trash), so it stops instead; the env is back and listed."""
    env = env_in_home("alpha")
    env_in_home("beta")
    assert cli("ls").returncode == 0
    assert cli("rm", "alpha", "--yes").returncode == 0
    assert not env.exists()
    path = _registry(workon_home)

    status, _, err, damaged = _run_damaged_at(
        start_cli, hold, path, "restore-moved", "restore", "alpha"
    )
    assert status == 1, err
    lines = err.splitlines()
    assert len(lines) == 2, err
    _one_notice(lines[0], path, damaged)
    assert lines[1] == STOPPED
    assert (env / "pyvenv.cfg").is_file()
    assert {entry["name"] for entry in json.loads(cli("ls", "--json").stdout)} == {"alpha", "beta"}
    assert json.loads(cli("trash", "list", "--json").stdout) == []


def test_toggleglobalsitepackages_is_not_flipped_back_by_a_rerun(
    cli: Any, workon_home: Path, env_in_home: Any, listing: Any
) -> None:
    """Its first query of the registry (keeping the env's identity) comes after it rewrote
    pyvenv.cfg: run again after the damage, it would flip the switch back. It stops instead."""
    env = env_in_home("alpha")
    listing()
    path = _registry(workon_home)
    cfg = env / "pyvenv.cfg"
    assert "include-system-site-packages = false" in cfg.read_text()
    damaged = path.read_bytes()
    path.write_bytes(damaged[:4096] + os.urandom(len(damaged) - 4096))
    damaged = path.read_bytes()

    result = cli("__shell", "bash", "toggleglobalsitepackages", "--", env={"VIRTUAL_ENV": str(env)})
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 2, result.stderr
    _one_notice(lines[0], path, damaged)
    assert lines[1] == STOPPED.replace("venvreg: error: ", "venvreg: ")
    assert "include-system-site-packages = true" in cfg.read_text()
    assert set(listing()) == {"alpha"}


DAMAGING_HOOK = """#!{python}
import os, sqlite3, sys
with open({log!r}, "a") as log:
    log.write(" ".join(sys.argv[1:]) + "\\n")
conn = sqlite3.connect({registry!r})
assert conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0] == 0
conn.close()
with open({registry!r}, "r+b") as registry:
    size = registry.seek(0, 2)
    registry.seek(4096)
    registry.write(os.urandom(size - 4096))
"""


def test_rmvirtualenv_whose_hook_ran_stops_after_damage(
    cli: Any, workon_home: Path, env_in_home: Any, listing: Any, tmp_path: Path
) -> None:
    """The prermvirtualenv hook (a user's program: its effects are outside the registry) runs,
    and damages the registry on its way out; rmvirtualenv then meets the damage before removing
    anything. Run again, it would run the hook a second time: it stops instead, the env kept."""
    env = env_in_home("alpha")
    listing()
    log = tmp_path / "hook.log"
    hook = workon_home / "prermvirtualenv"
    hook.write_text(
        DAMAGING_HOOK.format(
            python=sys.executable, log=str(log), registry=str(_registry(workon_home))
        )
    )
    hook.chmod(0o755)

    result = cli("__shell", "bash", "rmvirtualenv", "--", "alpha")
    assert result.returncode == 1, result.stderr
    assert log.read_text() == "alpha\n"  # the hook ran once
    lines = result.stderr.splitlines()
    assert lines[0] == "Removing alpha..."
    assert "was damaged (database disk image is malformed" in lines[1] and NOTICE in lines[1]
    assert lines[2:] == [STOPPED.replace("venvreg: error: ", "venvreg: ")], result.stderr
    hook.unlink()
    assert (env / "pyvenv.cfg").is_file()
    assert set(listing()) == {"alpha"}
