"""`venvreg export` / `venvreg import`: a round trip into an empty WORKON_HOME recreates the same
names and package versions; --dry-run and --replace; bad fields named with file and line."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import SIX, XY, ok, row, rows, six_version, trash_ids

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def test_export_then_import_into_an_empty_workon_home(
    cli: CliRunner, make_env: Callable[..., Path], tmp_path: Path, workon_home: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    make_env("api", "-a", str(project))
    make_env("bare", "--backend", "venv", packages=())
    manifest = tmp_path / "envs.toml"
    result = ok(cli("export", "-o", str(manifest)))
    assert f"wrote 2 environment(s) to '{manifest}'" in result.stderr
    data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    assert data["version"] == 1
    by_name = {env["name"]: env for env in data["env"]}
    assert by_name["api"]["packages"] == [SIX]
    assert by_name["api"]["project"] == str(project)
    assert by_name["bare"]["backend"] == "venv" and by_name["bare"]["packages"] == []
    assert by_name["api"]["python"] == row(workon_home, "api")["python_version"]  # type: ignore[index]
    stdout = ok(cli("export")).stdout
    assert stdout.split("exported_at")[0] == manifest.read_text().split("exported_at")[0]

    new_home = tmp_path / "new-machine" / ".virtualenvs"
    moved = {"WORKON_HOME": str(new_home)}
    result = ok(cli("import", str(manifest), env=moved))
    assert "2 created, 0 skipped, 0 failed" in result.stderr
    assert "[1/2] creating api" in result.stderr  # plain progress lines: no terminal here
    assert [r["name"] for r in rows(new_home)] == ["api", "bare"]
    assert six_version(new_home / "api") == "1.17.0"
    assert ok(cli("freeze", "api", env=moved)).stdout == f"{SIX}\n"
    assert ok(cli("freeze", "bare", env=moved)).stdout == ""
    imported = row(new_home, "api")
    assert imported is not None and imported["project_path"] == str(project)
    assert imported["python_version"] == row(workon_home, "api")["python_version"]  # type: ignore[index]
    assert row(new_home, "bare")["backend"] == "venv"  # type: ignore[index]


def _manifest(tmp_path: Path, *envs: str) -> Path:
    path = tmp_path / "manifest.toml"
    path.write_text("version = 1\n" + "".join(f"\n[[env]]\n{env}" for env in envs))
    return path


def test_dry_run_skip_and_replace(
    cli: CliRunner, make_env: Callable[..., Path], tmp_path: Path, workon_home: Path
) -> None:
    existing = make_env("api", packages=())
    inode = existing.stat().st_ino
    manifest = _manifest(
        tmp_path,
        f'name = "api"\npython = "{XY}"\npackages = ["{SIX}"]\n',
        f'name = "web"\npython = "{XY}"\nproject = "/nowhere/web"\n',
    )
    plan = ok(cli("import", str(manifest), "--dry-run"))
    lines = {line.split()[0]: line for line in plan.stdout.splitlines()[1:]}
    assert lines["api"].split()[1] == "skip" and lines["web"].split()[1] == "create"
    assert "'/nowhere/web' is not here: not linked" in lines["web"]
    assert "dry run: nothing changed" in plan.stderr
    assert [r["name"] for r in rows(workon_home)] == ["api"]

    result = ok(cli("import", str(manifest)))
    assert "skipped 'api'" in result.stderr and "1 created, 1 skipped, 0 failed" in result.stderr
    assert existing.stat().st_ino == inode
    assert row(workon_home, "web")["project_path"] is None  # type: ignore[index]

    result = ok(cli("import", str(manifest), "--replace"))
    assert "replaced 'api'" in result.stderr
    assert six_version(existing) == "1.17.0" and existing.stat().st_ino != inode
    assert len(trash_ids(workon_home)) == 2  # the old api and the old web, restorable


BAD = [
    (
        'name = "api"\npython = 3.12\n',
        'manifest.toml:5: env "api": python must be a version string such as "3.12"',
    ),
    (
        'name = "api"\npython = "3.12"\npakages = []\n',
        "manifest.toml:6: env \"api\": unknown field 'pakages' "
        "(known: name, python, backend, project, packages)",
    ),
    (
        'name = "api"\npython = "3.12"\npackages = [\n  "six",\n  2,\n]\n',
        'manifest.toml:8: env "api": packages[1] must be a requirement string such as '
        '"six==1.17.0"',
    ),
    ('python = "3.12"\n', "manifest.toml:3: env #1: name is missing"),
    (
        'name = "-rf"\npython = "3.12"\n',
        "manifest.toml:4: env \"-rf\": name is not valid: a name cannot start with '-' "
        "(it would read as an option)",
    ),
    (
        'name = "api"\npython = "3.12"\nbackend = "conda"\n',
        'manifest.toml:6: env "api": backend must be one of virtualenv, venv, uv',
    ),
    ('name = "api"\npython = "3.12"\n[[env]]\nname = "API"\npython = "3.12"\n', None),
    ('name = "api"\npython = "3.12\n', "manifest.toml:5: not valid TOML"),
]


@pytest.mark.parametrize(("env", "expected"), BAD)
def test_bad_fields_are_named_with_file_line_and_env(
    cli: CliRunner,
    tmp_path: Path,
    workon_home: Path,
    monkeypatch: pytest.MonkeyPatch,
    env: str,
    expected: str | None,
) -> None:
    manifest = _manifest(tmp_path, env)
    monkeypatch.chdir(tmp_path)
    result = cli("import", "manifest.toml")
    assert result.returncode == 2, result.stderr
    if expected is None:
        expected = 'manifest.toml:6: env "API": the name is given twice (first at line 3)'
    assert result.stderr.startswith(f"venvreg: error: {expected}"), result.stderr
    assert "Traceback" not in result.stderr
    assert not workon_home.exists() or rows(workon_home) == []
    assert manifest.is_file()
