"""One meaning of broken: ls, show, scan, doctor and prune give every env one of the same
states (ok / project gone / broken / missing). A working env whose project folder is gone is
`project gone`, not broken, as prune --broken and rebuild --broken already treat it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture
def four_states(
    env_in_home: Callable[[str], Path], cli: CliRunner, tmp_path: Path, workon_home: Path
) -> Path:
    """`good` (ok), `orphan` (its project folder deleted), `bad` (its interpreter gone) and
    `gone` (its folder deleted by hand after it was listed)."""
    env_in_home("good")
    project = tmp_path / "orphan-project"
    project.mkdir()
    orphan = env_in_home("orphan")
    env_in_home("bad")
    env_in_home("gone")
    assert cli("project", "set", "orphan", str(project)).returncode == 0
    assert cli("ls").returncode == 0
    shutil.rmtree(project)
    for link in (workon_home / "bad" / "bin").glob("python*"):
        link.unlink()
    shutil.rmtree(workon_home / "gone")
    assert (orphan / ".project").read_text() == f"{project}\n"
    return project


def _json(result: subprocess.CompletedProcess[str]) -> Any:
    assert "Traceback" not in result.stderr, result.stderr
    return json.loads(result.stdout)


def _table(stdout: str) -> dict[str, str]:
    return {line.split()[0]: line for line in stdout.splitlines()[1:] if line.strip()}


EXPECTED = {"good": "ok", "orphan": "project gone", "bad": "broken", "gone": "missing"}


def test_ls_json_and_table(four_states: Path, cli: CliRunner) -> None:
    listed = {entry["name"]: entry for entry in _json(cli("ls", "--json"))}
    assert {name: entry["state"] for name, entry in listed.items()} == EXPECTED
    assert listed["orphan"]["problems"] == [f"project folder {four_states} is gone"]
    assert listed["orphan"]["healthy"] is False  # `healthy` keeps its meaning: no problems
    table = _table(cli("ls").stdout)
    assert table["good"].endswith(" ok")
    assert table["orphan"].endswith(" project gone")
    assert "broken" not in table["orphan"]
    assert " broken: interpreter " in table["bad"]
    assert table["gone"].endswith(" missing")


def test_show(four_states: Path, cli: CliRunner) -> None:
    for name, state in EXPECTED.items():
        assert _json(cli("show", name, "--json"))["state"] == state, name
    text = cli("show", "orphan").stdout
    assert f"health:        project gone: project folder {four_states} is gone" in text
    assert "broken" not in text
    assert "health:        broken: interpreter" in cli("show", "bad").stdout
    assert "health:        ok" in cli("show", "good").stdout


def test_scan(four_states: Path, cli: CliRunner, workon_home: Path) -> None:
    report = _json(cli("scan", str(workon_home), "--json"))
    states = {Path(env["path"]).name: env["state"] for env in report["environments"]}
    assert states == {"good": "ok", "orphan": "project gone", "bad": "broken"}
    assert report["totals"]["broken"] == 1
    table = cli("scan", str(workon_home)).stdout.splitlines()
    orphan = next(row for row in table if row.endswith("/orphan"))
    assert "  project gone  " in orphan and "broken" not in orphan
    assert "broken: 1 (" in "\n".join(table)


def test_doctor(four_states: Path, cli: CliRunner) -> None:
    result = cli("doctor", "--json")
    assert result.returncode == 1
    report = _json(result)
    assert {env["name"]: env["state"] for env in report["envs"]} == EXPECTED
    kinds = {(finding["kind"], finding["name"]) for finding in report["findings"]}
    assert ("project-gone", "orphan") in kinds and ("broken", "orphan") not in kinds
    assert ("broken", "bad") in kinds
    lines = cli("doctor").stdout.split("\n\n")[0].splitlines()
    start, end = lines[0].index("HEALTH"), lines[0].index("CAUSE")
    assert {line.split()[0]: line[start:end].strip() for line in lines[1:]} == {
        "good": "ok",
        "orphan": "project gone",
        "bad": "broken",
        "gone": "missing",
    }


def test_prune_selects_by_the_same_states(four_states: Path, cli: CliRunner) -> None:
    def names(*selector: str) -> set[str]:
        plan = _json(cli("prune", *selector, "--dry-run", "--json"))
        return {candidate["name"] for candidate in plan["candidates"]}

    assert names("--broken") == {"bad"}
    assert names("--project-gone") == {"orphan"}
    assert names("--missing") == {"gone"}
