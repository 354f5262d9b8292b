"""Each operation has one core function that both front ends call: the `venvreg` command and the
shell function (through `venvreg __shell`). Done once through each, an operation leaves the same
registry row, the same files and the same trash entry (docs/design.md, "Operations and their
front ends"). Names, paths, times and ids differ; everything else must not."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import json_out, ok, row

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
# Columns that name the env or say when and where: the only ones allowed to differ.
OWN_COLUMNS = {
    "id", "name", "name_key", "path", "created_at", "identity", "fingerprint", "size_bytes",
    "size_measured_at", "site_packages", "interpreter", "creation_token", "last_used_at",
    "recreated_at", "health_checked_at", "health_problems", "pending_trash",
}  # fmt: skip


def shell(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A shell function's command, as the function files call it."""
    return subprocess.run(
        [sys.executable, "-m", "venvreg", "__shell", "bash", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=300,
    )


def shared(cli: CliRunner, workon_home: Path, name: str) -> dict[str, Any]:
    """The env's registry row without the columns that must differ between two envs, after a
    listing (which fills the cached verdicts of every row alike)."""
    ok(cli("ls"))
    record = row(workon_home, name)
    assert record is not None
    return {key: value for key, value in record.items() if key not in OWN_COLUMNS}


def trash_entry(cli: CliRunner, name: str) -> dict[str, Any]:
    (entry,) = [e for e in json_out(ok(cli("trash", "list", "--json"))) if e["name"] == name]
    return {
        key: value
        for key, value in entry.items()
        if key not in ("id", "name", "original_path", "removed_at")
    }


def test_create_and_mkvirtualenv_register_the_same_env(cli: CliRunner, workon_home: Path) -> None:
    ok(cli("create", "by-cli"))
    ok(shell("mkvirtualenv", "--", "by-shell"))
    assert shared(cli, workon_home, "by-cli") == shared(cli, workon_home, "by-shell")
    for name in ("by-cli", "by-shell"):
        assert (workon_home / name / "pyvenv.cfg").is_file()
    cli_env, shell_env = (json_out(ok(cli("show", n, "--json"))) for n in ("by-cli", "by-shell"))
    assert (cli_env["backend"], cli_env["origin"]) == (shell_env["backend"], shell_env["origin"])


def test_rm_and_rmvirtualenv_leave_the_same_trash_entry(
    cli: CliRunner, make_env: Callable[..., Path], workon_home: Path
) -> None:
    for name in ("by-cli", "by-shell"):
        make_env(name)
    ok(cli("rm", "by-cli", "--yes"))
    ok(shell("rmvirtualenv", "--", "by-shell"))
    for name in ("by-cli", "by-shell"):
        assert not (workon_home / name).exists()
        assert row(workon_home, name) is None
    assert trash_entry(cli, "by-cli") == trash_entry(cli, "by-shell")
    ok(cli("restore", "by-shell"))
    assert ok(cli("freeze", "by-shell")).stdout == "six==1.17.0\n"


def test_copy_and_cpvirtualenv_make_the_same_copy(
    cli: CliRunner, make_env: Callable[..., Path], workon_home: Path, tmp_path: Path
) -> None:
    make_env("source")
    project = tmp_path / "project"
    project.mkdir()
    ok(cli("project", "set", "source", str(project)))
    ok(cli("copy", "source", "by-cli"))
    ok(shell("cpvirtualenv", "--", "source", "by-shell"))
    assert shared(cli, workon_home, "by-cli") == shared(cli, workon_home, "by-shell")
    assert row(workon_home, "by-cli")["project_path"] == str(project)  # type: ignore[index]
    for name in ("by-cli", "by-shell"):
        assert ok(cli("freeze", name)).stdout == "six==1.17.0\n"
        assert (workon_home / name / ".project").read_text(encoding="utf-8") == f"{project}\n"


def test_project_set_and_setvirtualenvproject_link_the_same_way(
    cli: CliRunner, make_env: Callable[..., Path], workon_home: Path, tmp_path: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    for name in ("by-cli", "by-shell"):
        make_env(name)
    ok(cli("project", "set", "by-cli", str(project)))
    ok(shell("setvirtualenvproject", "--", str(workon_home / "by-shell"), str(project)))
    assert shared(cli, workon_home, "by-cli") == shared(cli, workon_home, "by-shell")
    for name in ("by-cli", "by-shell"):
        assert (workon_home / name / ".project").read_text(encoding="utf-8") == f"{project}\n"
        assert ok(cli("project", "show", name)).stdout == f"{project}\n"
