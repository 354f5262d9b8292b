"""`venvreg copy` and `venvreg rename`: a new env with the same interpreter and packages (never a
file copy); the project link, hooks and (for rename) the use history follow; all or nothing."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

from support import make_plain_venv

from .conftest import SIX, ok, row, rows, six_version, trash_ids

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
HOOK = "echo activated\n"


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    return project


def test_a_copy_has_the_source_packages_python_project_and_hooks(
    cli: CliRunner, make_env: Callable[..., Path], tmp_path: Path, workon_home: Path
) -> None:
    project = _project(tmp_path)
    source = make_env("src", "-a", str(project))
    (source / "bin" / "postactivate").write_text(HOOK)
    inode = source.stat().st_ino

    result = ok(cli("copy", "src", "dst"))
    target = workon_home / "dst"
    assert f"copied 'src' to 'dst' in '{target}'" in result.stderr
    assert ok(cli("freeze", "dst")).stdout == ok(cli("freeze", "src")).stdout == f"{SIX}\n"
    assert six_version(target) == "1.17.0"
    assert (target / ".project").read_text().strip() == str(project)
    assert (target / "bin" / "postactivate").read_text() == HOOK
    assert "src" not in (target / "bin" / "pip").read_text().splitlines()[0]  # not a file copy
    src_row, dst_row = row(workon_home, "src"), row(workon_home, "dst")
    assert src_row and dst_row and dst_row["python_version"] == src_row["python_version"]
    assert source.stat().st_ino == inode


def test_copy_onto_an_existing_name_is_refused(cli: CliRunner, workon_home: Path) -> None:
    workon_home.mkdir(parents=True)
    make_plain_venv(workon_home / "a")
    make_plain_venv(workon_home / "b")
    ok(cli("ls"))
    before = rows(workon_home)
    result = cli("copy", "a", "B")
    assert result.returncode == 2
    assert "it equals the existing environment 'b'" in result.stderr
    assert rows(workon_home) == before


def test_rename_moves_packages_project_hooks_and_history(
    cli: CliRunner, make_env: Callable[..., Path], tmp_path: Path, workon_home: Path
) -> None:
    project = _project(tmp_path)
    old = make_env("old", "-a", str(project))
    (old / "bin" / "postactivate").write_text(HOOK)
    for _ in range(2):
        ok(cli("run", "old", "--", "python", "-c", "pass"))
    used_at = row(workon_home, "old")["last_used_at"]  # type: ignore[index]

    result = ok(cli("rename", "old", "new"))
    match = re.search(r"renamed 'old' to 'new'; the old env is trash entry (\S+)", result.stderr)
    assert match, result.stderr
    new = workon_home / "new"
    assert [r["name"] for r in rows(workon_home)] == ["new"]
    record = row(workon_home, "new")
    assert record is not None
    assert record["use_count"] == 2 and record["last_used_at"] == used_at
    assert record["project_path"] == str(project)
    assert six_version(new) == "1.17.0"
    assert (new / "bin" / "postactivate").read_text() == HOOK
    assert not old.exists()
    assert trash_ids(workon_home) == [match.group(1)]


def test_a_refused_rename_changes_nothing(cli: CliRunner, workon_home: Path) -> None:
    workon_home.mkdir(parents=True)
    active = make_plain_venv(workon_home / "active")
    make_plain_venv(workon_home / "taken")
    ok(cli("ls"))
    before = (rows(workon_home), sorted(os.listdir(workon_home)))

    taken = cli("rename", "active", "taken")
    assert taken.returncode == 2 and "already exists" in taken.stderr
    busy = cli("rename", "active", "fresh", env={"VIRTUAL_ENV": str(active)})
    assert busy.returncode == 1
    assert "'active' is the active environment; run `deactivate` first" in busy.stderr
    bad = cli("rename", "--", "active", "-rf")
    assert bad.returncode == 2 and "invalid environment name" in bad.stderr
    assert (rows(workon_home), sorted(os.listdir(workon_home))) == before
