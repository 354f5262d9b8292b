"""The disk is the truth (docs/registry.md): envs made by hand appear, vanished ones show as
missing, and the env's `.project` file and the registry stay in step."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

PY_VERSION = "{}.{}.{}".format(*sys.version_info[:3])


@pytest.mark.parametrize("tool", ["venv", "virtualenv"])
def test_an_env_made_by_hand_in_workon_home_is_listed_as_found(
    cli: Any, workon_home: Path, row: Any, tool: str
) -> None:
    workon_home.mkdir(parents=True)
    target = workon_home / f"by-{tool}"
    command = {
        "venv": [sys.executable, "-m", "venv", "--without-pip", str(target)],
        "virtualenv": [
            sys.executable, "-m", "virtualenv", "--no-download", "--no-periodic-update",
            "--no-seed", str(target),
        ],
    }[tool]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True)
    assert row(target.name) is None

    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    (entry,) = json.loads(result.stdout)
    assert entry["name"] == target.name
    assert entry["origin"] == "found"
    assert entry["tool"] == tool
    assert entry["python_version"] == PY_VERSION
    assert entry["path"] == str(target)
    assert entry["healthy"] is True
    assert row(target.name)["status"] == "ready"


def test_the_first_command_ever_lists_envs_already_on_disk(
    cli: Any, workon_home: Path, env_in_home: Any
) -> None:
    env_in_home("old-one")
    env_in_home("old-two")
    assert not (workon_home / ".venvreg").exists()
    result = cli("ls", "-b")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "old-one\nold-two\n"


def test_a_folder_deleted_by_hand_shows_as_missing_and_returns(
    cli: Any, workon_home: Path, env_in_home: Any, tmp_path: Path, listing: Any
) -> None:
    env = env_in_home("vanishing")
    env_in_home("stays")
    assert listing()["vanishing"]["status"] == "ready"
    parked = tmp_path / "parked"
    os.rename(env, parked)

    entry = listing()["vanishing"]
    assert entry["status"] == "missing"
    assert entry["healthy"] is False
    assert any("is gone" in problem for problem in entry["problems"])
    assert listing()["stays"]["status"] == "ready"
    table = cli("ls").stdout.splitlines()
    assert any(line.startswith("vanishing") and line.endswith("missing") for line in table)

    os.rename(parked, env)
    assert listing()["vanishing"]["status"] == "ready"


def test_a_folder_deleted_for_good_by_hand_stays_missing_until_removed(
    cli: Any, workon_home: Path, env_in_home: Any, listing: Any, row: Any
) -> None:
    env = env_in_home("deleted")
    listing()
    shutil.rmtree(env)
    assert listing()["deleted"]["status"] == "missing"
    result = cli("rm", "deleted", "--yes")
    assert result.returncode == 0, result.stderr
    assert "forgot 'deleted' (its folder was already gone)" in result.stderr
    assert row("deleted") is None


def test_editing_dot_project_by_hand_changes_project_show(
    cli: Any, workon_home: Path, env_in_home: Any, tmp_path: Path, listing: Any
) -> None:
    env = env_in_home("proj")
    first, second = tmp_path / "first", tmp_path / "second project"
    first.mkdir()
    second.mkdir()
    assert cli("project", "set", "proj", str(first)).returncode == 0
    (env / ".project").write_text(f"{second}\n")

    shown = cli("project", "show", "proj")
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout == f"{second}\n"
    assert listing()["proj"]["project_path"] == str(second)


def test_removing_dot_project_by_hand_unlinks_the_project(
    cli: Any, workon_home: Path, env_in_home: Any, tmp_path: Path
) -> None:
    env = env_in_home("proj")
    (tmp_path / "p").mkdir()
    assert cli("project", "set", "proj", str(tmp_path / "p")).returncode == 0
    (env / ".project").unlink()
    shown = cli("project", "show", "proj")
    assert shown.returncode == 1
    assert shown.stdout == ""
    assert "'proj' has no project folder" in shown.stderr


def test_project_set_writes_dot_project_and_the_registry(
    cli: Any, workon_home: Path, env_in_home: Any, tmp_path: Path, row: Any, monkeypatch: Any
) -> None:
    env = env_in_home("proj")
    project = tmp_path / "code" / "x'$(touch PWNED)'y"
    project.mkdir(parents=True)
    monkeypatch.chdir(project.parent)
    result = cli("project", "set", "proj", project.name)  # relative: stored absolute
    assert result.returncode == 0, result.stderr
    assert (env / ".project").read_text() == f"{project}\n"
    assert row("proj")["project_path"] == str(project)
    assert cli("project", "show", "proj").stdout == f"{project}\n"
    assert not (project.parent / "PWNED").exists()


def test_project_set_refuses_a_missing_folder(
    cli: Any, workon_home: Path, env_in_home: Any, tmp_path: Path
) -> None:
    env = env_in_home("proj")
    result = cli("project", "set", "proj", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "does not exist" in result.stderr
    assert not (env / ".project").exists()


def test_virtualenvwrappers_project_filename_is_honoured(
    cli: Any, workon_home: Path, env_in_home: Any, tmp_path: Path
) -> None:
    env = env_in_home("proj")
    (tmp_path / "p").mkdir()
    variables = {"VIRTUALENVWRAPPER_PROJECT_FILENAME": ".myproject"}
    assert cli("project", "set", "proj", str(tmp_path / "p"), env=variables).returncode == 0
    assert (env / ".myproject").read_text() == f"{tmp_path / 'p'}\n"
    assert not (env / ".project").exists()
