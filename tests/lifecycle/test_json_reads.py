"""`--json` on the read commands that lacked it: freeze, project show, config get, export and
import --dry-run. Each test asserts the JSON a script gets on stdout (docs/json.md), with a real
env holding a real package."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .conftest import SIX, ok

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def as_json(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(result.stdout)


def test_freeze_json_to_stdout_and_with_a_file(
    cli: CliRunner, make_env: Callable[..., Path], tmp_path: Path
) -> None:
    env = make_env("api")
    data = as_json(ok(cli("freeze", "api", "--json")))
    site = next(env.glob("lib/python*/site-packages"))
    assert data == {
        "name": "api",
        "site_packages": str(site),
        "requirements": [SIX],
        "output": None,
    }
    lock = tmp_path / "req.lock"
    result = ok(cli("freeze", "api", "--json", "-o", str(lock)))
    assert as_json(result)["output"] == str(lock)
    assert lock.read_text() == f"{SIX}\n"  # the file keeps the plain format
    assert "wrote 1 requirement(s)" in result.stderr


def test_project_show_json_with_and_without_a_project(
    cli: CliRunner, make_env: Callable[..., Path], tmp_path: Path
) -> None:
    make_env("api", packages=())
    result = cli("project", "show", "api", "--json")
    assert result.returncode == 1  # the same status as without --json
    assert as_json(result) == {
        "name": "api",
        "project_path": None,
        "exists": False,
        "linked_by_venvreg": False,
    }
    project = tmp_path / "src" / "api"
    project.mkdir(parents=True)
    ok(cli("project", "set", "api", str(project)))
    assert as_json(ok(cli("project", "show", "api", "--json"))) == {
        "name": "api",
        "project_path": str(project),
        "exists": True,
        "linked_by_venvreg": True,
    }
    project.rmdir()
    assert as_json(ok(cli("project", "show", "api", "--json")))["exists"] is False


def test_config_get_json_says_where_the_value_comes_from(cli: CliRunner) -> None:
    assert as_json(ok(cli("config", "get", "trash_days", "--json"))) == {
        "key": "trash_days",
        "value": 30,
        "from": "default",
        "default": 30,
    }
    ok(cli("config", "set", "auto_activate", "yes"))
    assert as_json(ok(cli("config", "get", "auto_activate", "--json"))) == {
        "key": "auto_activate",
        "value": True,
        "from": "file",
        "default": False,
    }
    assert as_json(ok(cli("config", "get", "workon_home", "--json")))["value"] is None
    bad = cli("config", "get", "trash_dayz", "--json")
    assert bad.returncode == 2 and bad.stdout == ""
    assert "unknown configuration key 'trash_dayz'" in bad.stderr


def test_export_json_and_import_dry_run_json(
    cli: CliRunner, make_env: Callable[..., Path], tmp_path: Path
) -> None:
    make_env("api")
    make_env("bare", "--backend", "venv", packages=())
    expected = [
        {"name": "api", "python": None, "backend": "virtualenv", "project": None,
         "packages": [SIX]},
        {"name": "bare", "python": None, "backend": "venv", "project": None, "packages": []},
    ]  # fmt: skip
    data = as_json(ok(cli("export", "--json")))
    for entry in data["environments"]:
        assert entry.pop("python").count(".") == 2
    for entry in expected:
        entry.pop("python")
    assert data == {"output": None, "environments": expected, "left_out": []}

    manifest = tmp_path / "envs.toml"
    written = as_json(ok(cli("export", "-o", str(manifest), "--json")))
    assert written["output"] == str(manifest)
    assert [env["name"] for env in tomllib.loads(manifest.read_text())["env"]] == ["api", "bare"]

    # One env to skip (exists), one to create, one that fails (a pip option without permission).
    manifest.write_text(
        manifest.read_text()
        + '\n[[env]]\nname = "mirror"\npython = "3"\n'
        + 'packages = ["--index-url https://example.invalid/simple", "six==1.17.0"]\n'
    )
    ok(cli("rm", "bare", "--yes"))
    result = cli("import", str(manifest), "--dry-run", "--json")
    assert result.returncode == 1, result.stderr  # a row would fail, as without --json
    plan = as_json(result)
    by_name = {env["name"]: env for env in plan["environments"]}
    assert [by_name[name]["action"] for name in ("api", "bare", "mirror")] == [
        "skip",
        "create",
        "fail",
    ]
    assert by_name["bare"]["interpreter"] and by_name["bare"]["packages"] == []
    assert by_name["api"]["packages"] == [SIX]
    assert by_name["mirror"]["pip_inputs"] == [
        {"kind": "option", "text": "--index-url https://example.invalid/simple",
         "changes_source": True}
    ]  # fmt: skip
    assert plan["would_fail"] == 1
    assert "dry run: nothing changed" in result.stderr
    refused = cli("import", str(manifest), "--json")
    assert refused.returncode == 2 and "--json needs --dry-run" in refused.stderr
