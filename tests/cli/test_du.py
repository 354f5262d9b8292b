"""`venvreg du`: where the space goes, grouped by env, owner tool, Python version and last use,
with the totals prune and `trash empty` would free; the same figures those commands give, the
JSON as docs/json.md says, tab-separated lines when piped."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Any

from docs.test_reference import read, sections, table_keys

MINOR = "{}.{}".format(*sys.version_info[:2])
YEAR = 365 * 86400


def _du(cli: Any) -> dict[str, Any]:
    result = cli("du", "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _age(env: Path, seconds: float) -> None:
    """Make every trace of use in an env as old as `seconds` (what prune reads: mtimes)."""
    when = time.time() - seconds
    for folder, dirs, files in os.walk(env):
        for name in [*dirs, *files]:
            os.utime(os.path.join(folder, name), (when, when), follow_symlinks=False)
    os.utime(env, (when, when))


def test_du_groups_the_space_and_matches_prune_and_the_trash(
    cli: Any, workon_home: Path, env_in_home: Any
) -> None:
    for name in ("fresh", "stale", "broken", "trashed"):
        env_in_home(name)
    (workon_home / "fresh" / "lib" / f"python{MINOR}" / "site-packages" / "big.bin").write_bytes(
        b"x" * 300_000
    )
    for python in (workon_home / "broken" / "bin").glob("python*"):
        python.unlink()
    assert cli("rm", "-y", "trashed").returncode == 0
    _age(workon_home / "stale", 2 * YEAR)
    listed = {e["name"]: e for e in json.loads(cli("ls", "--json").stdout)}

    data = _du(cli)
    assert data["envs"][0]["name"] == "fresh"  # largest first
    assert {e["name"] for e in data["envs"]} == {"fresh", "stale", "broken"}
    for env in data["envs"]:
        assert env["size_bytes"] == listed[env["name"]]["size_bytes"]
        assert env["python"] == MINOR
    assert data["total_bytes"] == sum(e["size_bytes"] for e in listed.values())
    assert data["by_tool"] == [{"label": "venv", "size_bytes": data["total_bytes"], "envs": 3}]
    assert data["by_python"] == [{"label": MINOR, "size_bytes": data["total_bytes"], "envs": 3}]
    by_use = {g["label"]: g for g in data["by_last_use"]}
    assert by_use["over a year ago"]["envs"] == 1
    assert by_use["over a year ago"]["size_bytes"] == listed["stale"]["size_bytes"]
    assert [g["label"] for g in data["by_last_use"]] == ["this week", "over a year ago"]

    prune = json.loads(cli("prune", "--dry-run", "--json").stdout)
    broken = json.loads(cli("prune", "--broken", "--dry-run", "--json").stdout)
    trash = json.loads(cli("trash", "list", "--json").stdout)
    freeable = {f["command"]: f for f in data["freeable"]}
    assert freeable["venvreg prune"]["size_bytes"] == prune["reclaimable_bytes"]
    assert freeable["venvreg prune"]["count"] == len(prune["candidates"]) == 1
    other = freeable["venvreg prune --broken --missing --project-gone"]
    assert (other["count"], other["size_bytes"]) == (1, broken["reclaimable_bytes"])
    assert freeable["venvreg trash empty"]["size_bytes"] == trash[0]["size_bytes"]
    assert data["trash"] == {"entries": 1, "size_bytes": trash[0]["size_bytes"]}


def test_du_json_fields_are_documented(cli: Any, env_in_home: Any) -> None:
    env_in_home("one")
    data = _du(cli)
    found = sections(read("json.md"), "###")
    assert set(data) == set(table_keys(found["`venvreg du --json`"]))
    assert set(data["envs"][0]) == set(table_keys(found["Each item of `envs`"]))


def test_du_piped_is_tab_separated_and_empty_home_is_zero(cli: Any, env_in_home: Any) -> None:
    empty = cli("du")
    assert empty.returncode == 0, empty.stderr
    assert empty.stdout.splitlines()[0] == "total\tall\t0\t0"
    env_in_home("my env 中文")
    lines = cli("du").stdout.splitlines()
    assert all(len(line.split("\t")) == 4 for line in lines)
    assert any(line.startswith("env\tmy env 中文\t") for line in lines)
    kinds = {line.split("\t")[0] for line in lines}
    assert kinds == {"total", "env", "tool", "python", "last_use", "freeable"}
