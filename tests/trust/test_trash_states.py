"""Trash entries are complete or gone (issue 8, finding 11): a `trash empty` or `restore`
killed with -9 at a known step leaves nothing that `trash list` offers as restorable, the next
command finishes the work, `restore` never registers a half-deleted env nor exits 0 for one,
and `doctor` is clean afterwards.

The kill lands where the test wants it: VENVREG_TEST_HOLD makes the command stop at a named
step (src/venvreg/fs/holds.py) and announce it; the test then kills it there. No sleeps.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support import Hold, wait_for

Cli = Callable[..., subprocess.CompletedProcess[str]]
Start = Callable[..., subprocess.Popen[str]]


def trash(cli: Cli) -> list[dict[str, Any]]:
    result = cli("trash", "list", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def names(cli: Cli) -> list[str]:
    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    return sorted(env["name"] for env in json.loads(result.stdout))


def doctor_clean(cli: Cli) -> None:
    result = cli("doctor")
    assert result.returncode == 0, result.stdout + result.stderr


def python_runs(env: Path) -> str:
    ran = subprocess.run(
        [str(env / "bin" / "python"), "-c", "import sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    return ran.stdout.strip()


@pytest.fixture
def two_trashed(cli: Cli, env_in_home: Callable[[str], Path]) -> dict[str, Path]:
    """Two envs made in WORKON_HOME, registered, then moved to the trash."""
    made = {name: env_in_home(name) for name in ("first", "second")}
    assert names(cli) == ["first", "second"]
    for name in made:
        assert cli("rm", name, "--yes").returncode == 0
    assert len(trash(cli)) == 2
    return made


def test_trash_empty_killed_midway_lists_no_half_entry_and_is_finished(
    cli: Cli, start_cli: Start, hold: Hold, two_trashed: dict[str, Path], workon_home: Path
) -> None:
    process = start_cli("trash", "empty", "--yes", env=hold.env("delete-started"))
    hold.kill_when_held(process)  # one entry is being deleted: entry.json gone, env not yet

    reported = cli("doctor", "--json")  # doctor reports it, and leaves it to the next command
    assert reported.returncode == 1
    (finding,) = json.loads(reported.stdout)["findings"]
    assert finding["kind"] == "interrupted-trash", finding
    assert "was killed midway" in finding["problem"]
    left = trash(cli)  # the next command finishes the deletion it found
    assert len(left) == 1 and left[0]["restorable"] is True
    deleted = ({"first", "second"} - {left[0]["name"]}).pop()
    refused = cli("restore", deleted)
    assert refused.returncode == 1
    assert f"nothing named '{deleted}' in the trash" in refused.stderr
    assert not os.path.lexists(workon_home / deleted)
    assert not os.path.lexists(workon_home / ".venvreg" / "trash-busy")
    doctor_clean(cli)

    restored = cli("restore", left[0]["name"])
    assert restored.returncode == 0, restored.stderr
    assert names(cli) == [left[0]["name"]]
    assert python_runs(workon_home / left[0]["name"]) == str(workon_home / left[0]["name"])


def test_restore_refuses_an_entry_an_old_deletion_left_half_deleted(
    cli: Cli, two_trashed: dict[str, Path], workon_home: Path
) -> None:
    """What an interrupted rmtree of an earlier version left: entry.json still there, the env
    partly gone. Listed as not restorable; restore exits 1 and registers nothing."""
    entry = next(e for e in trash(cli) if e["name"] == "first")
    env = workon_home / ".venvreg" / "trash" / entry["id"] / "env"
    shutil.rmtree(env / "bin")
    shutil.rmtree(env / "lib")

    (listed,) = [e for e in trash(cli) if e["name"] == "first"]
    assert listed["restorable"] is False and listed["missing"] == "its Python (bin/python)"
    table = cli("trash", "list")
    assert "incomplete (its Python (bin/python) gone)" in table.stdout
    refused = cli("restore", "first")
    assert refused.returncode == 1
    assert "is incomplete" in refused.stderr
    assert "`venvreg trash empty` deletes it" in refused.stderr
    assert not os.path.lexists(workon_home / "first")
    assert names(cli) == []


@pytest.mark.parametrize("step", ["restore-claimed", "restore-moved"])
def test_a_killed_restore_is_finished_by_the_next_command_with_its_history(
    cli: Cli,
    start_cli: Start,
    hold: Hold,
    env_in_home: Callable[[str], Path],
    record_uses: Callable[..., None],
    workon_home: Path,
    step: str,
) -> None:
    env = env_in_home("api")
    assert names(cli) == ["api"]
    record_uses("api", 3)
    assert cli("rm", "api", "--yes").returncode == 0

    process = start_cli("restore", "api", env=hold.env(step))
    hold.kill_when_held(process)

    assert trash(cli) == []  # never an empty entry left behind
    listed = json.loads(cli("ls", "--json").stdout)
    assert [(e["name"], e["use_count"], e["origin"]) for e in listed] == [("api", 3, "found")]
    assert python_runs(env) == str(env)
    doctor_clean(cli)
    assert not os.path.lexists(workon_home / ".venvreg" / "trash-busy")


def test_a_killed_restore_whose_place_was_taken_goes_back_to_the_trash(
    cli: Cli, start_cli: Start, hold: Hold, env_in_home: Callable[[str], Path], workon_home: Path
) -> None:
    env_in_home("api")
    assert names(cli) == ["api"]
    assert cli("rm", "api", "--yes").returncode == 0
    process = start_cli("restore", "api", env=hold.env("restore-claimed"))
    hold.kill_when_held(process)
    (workon_home / "api").mkdir()  # the user made something at its place meanwhile
    (workon_home / "api" / "mine.txt").write_text("mine\n", encoding="utf-8")

    (entry,) = trash(cli)
    assert entry["name"] == "api" and entry["restorable"] is True
    assert sorted(os.listdir(workon_home / "api")) == ["mine.txt"]
    doctor_clean(cli)


def test_a_killed_removal_of_an_env_in_a_project_is_finished_and_restorable(
    cli: Cli, start_cli: Start, hold: Hold, isolated: Path, plain_venv: Callable[[Path], Path]
) -> None:
    app = isolated / "src" / "app"
    app.mkdir(parents=True)
    (app / "main.py").write_text("print('app')\n", encoding="utf-8")
    plain_venv(app)
    assert cli("adopt", str(app)).returncode == 0
    process = start_cli("rm", "app", "--yes", env=hold.env("remove-entry-moved"))
    hold.kill_when_held(process)  # pyvenv.cfg is in the trash, the rest of the env is not

    assert names(cli) == []  # the next command finished the removal
    assert sorted(os.listdir(app)) == ["main.py"]
    (entry,) = trash(cli)
    assert entry["kind"] == "entries" and entry["restorable"] is True

    process = start_cli("restore", "app", env=hold.env("restore-entry-moved"))
    hold.kill_when_held(process)  # one entry is back in the project, the others are not
    assert names(cli) == ["app"]
    assert python_runs(app) == str(app)
    assert (app / "main.py").read_text(encoding="utf-8") == "print('app')\n"
    assert trash(cli) == []
    doctor_clean(cli)


def test_a_listing_during_a_restore_does_not_cost_the_env_its_history(
    cli: Cli,
    start_cli: Start,
    hold: Hold,
    env_in_home: Callable[[str], Path],
    record_uses: Callable[..., None],
) -> None:
    """`ls` runs while a restore is held between moving the env back and registering it: the
    listing registers the folder as newly found, the restore then gives it its history."""
    env_in_home("api")
    assert names(cli) == ["api"]
    record_uses("api", 3)
    assert cli("rm", "api", "--yes").returncode == 0
    process = start_cli("restore", "api", env=hold.env("restore-moved"))
    wait_for((hold.folder / "reached").exists, "the restore to move the env back", process)

    during = json.loads(cli("ls", "--json").stdout)  # the held restore's entry is left alone
    assert [(e["name"], e["use_count"]) for e in during] == [("api", 0)]
    with open(hold.folder / "release", "w", encoding="utf-8") as fifo:
        fifo.write("go\n")
    _, err = process.communicate(timeout=120)
    assert process.returncode == 0, err

    after = json.loads(cli("ls", "--json").stdout)
    assert [(e["name"], e["use_count"]) for e in after] == [("api", 3)]
    assert trash(cli) == []
    doctor_clean(cli)


def test_finished_trash_work_leaves_no_busy_folder(
    cli: Cli, two_trashed: dict[str, Path], env_in_home: Callable[[str], Path], workon_home: Path
) -> None:
    """The busy folder exists only while an entry is being worked on: a purge, a restore and
    `trash empty` that finish remove it, so the next command has nothing to finish."""
    busy = workon_home / ".venvreg" / "trash-busy"
    restored = cli("restore", "first")
    assert restored.returncode == 0, restored.stderr
    assert not os.path.lexists(busy)
    env_in_home("third")
    assert names(cli) == ["first", "third"]
    purged = cli("rm", "third", "--yes", "--purge")
    assert purged.returncode == 0, purged.stderr
    assert "deleted 'third' for good" in purged.stderr
    assert not os.path.lexists(busy)
    emptied = cli("trash", "empty", "--yes")
    assert emptied.returncode == 0, emptied.stderr
    assert trash(cli) == []
    assert not os.path.lexists(busy)
    assert not os.path.lexists(workon_home / "third")
