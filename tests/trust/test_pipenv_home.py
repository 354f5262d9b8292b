"""A pipenv env inside WORKON_HOME (pipenv puts it there when WORKON_HOME is set) is labelled
pipenv in `ls` as in `scan`, and `prune` treats it as scan does: another tool's env, never an
orphan to delete.

The real pipenv, installed once per session into a private venv (pip with the user's own
settings: a local mirror here, PyPI in CI), makes the env itself.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def pipenv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The pipenv executable of a private venv made for this session."""
    folder = tmp_path_factory.mktemp("pipenv-tool")
    subprocess.run([sys.executable, "-m", "venv", str(folder)], check=True, capture_output=True)
    subprocess.run(
        [str(folder / "bin" / "python"), "-m", "pip", "install", "-q", "pipenv"],
        check=True,
        capture_output=True,
        timeout=600,
    )
    return folder / "bin" / "pipenv"


def _pipenv_env(pipenv: Path, project: Path) -> Path:
    """`pipenv --python` in `project`, as a user would run it with WORKON_HOME set."""
    environment = {
        **os.environ,
        "PIPENV_IGNORE_VIRTUALENVS": "1",
        "PIPENV_VENV_IN_PROJECT": "0",
        "PIPENV_YES": "1",
        "PIPENV_NOSPIN": "1",
        "CI": "1",
    }
    made = subprocess.run(
        [str(pipenv), "--python", sys.executable],
        cwd=project,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert made.returncode == 0, made.stderr
    where = subprocess.run(
        [str(pipenv), "--venv"], cwd=project, env=environment, capture_output=True, text=True
    )
    assert where.returncode == 0, where.stderr
    return Path(where.stdout.strip())


def _json(result: subprocess.CompletedProcess[str]) -> Any:
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_pipenv_env_in_workon_home_is_pipenv_in_ls_scan_and_prune(
    pipenv: Path,
    cli: CliRunner,
    isolated: Path,
    workon_home: Path,
    env_in_home: Callable[[str], Path],
) -> None:
    project = isolated / "src" / "app"
    project.mkdir(parents=True)
    workon_home.mkdir(parents=True)
    env = _pipenv_env(pipenv, project)
    assert env.parent == workon_home
    assert (project / "Pipfile").is_file()
    env_in_home("plain")

    listed = {entry["name"]: entry for entry in _json(cli("ls", "--json"))}
    assert listed[env.name]["tool"] == "pipenv"
    assert listed[env.name]["origin"] == "found"
    assert listed[env.name]["project_path"] == str(project)
    assert listed[env.name]["state"] == "ok"
    assert listed["plain"]["tool"] == "venv"
    assert "tool:          pipenv" in cli("show", env.name).stdout

    scanned = _json(cli("scan", str(workon_home), "--json"))
    found = {Path(item["path"]).name: item for item in scanned["environments"]}
    assert found[env.name]["owner"] == listed[env.name]["tool"] == "pipenv"
    assert found[env.name]["managed"] is True
    assert found["plain"]["managed"] is False

    plan = _json(cli("prune", "--unused-for", "0d", "--dry-run", "--json"))
    assert [candidate["name"] for candidate in plan["candidates"]] == ["plain"]
    assert plan["left_alone"] == [
        {
            "name": env.name,
            "why": "managed by pipenv (remove it with pipenv, or by name with rm)",
        }
    ]
    pruned = cli("prune", "--unused-for", "0d", "--yes")
    assert pruned.returncode == 0, pruned.stderr
    assert (env / "pyvenv.cfg").is_file()
    assert not (workon_home / "plain").exists()
    assert set(entry["name"] for entry in _json(cli("ls", "--json"))) == {env.name}
