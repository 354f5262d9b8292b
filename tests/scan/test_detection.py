"""What the scanner finds in a home folder holding every kind of env, and how it labels each:
owner, managed or not, project, health, Python version, registration; and what it never
reports (envs in site-packages, node_modules, .git, behind symbolic links, FIFOs alone)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import Zoo, by_path, registry_rows, run_venvreg, scan_json
from .trees import XY, XYZ, Expected, Maker

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX layouts, FIFOs, symlinks")


@pytest.fixture(scope="module")
def report(zoo: Zoo) -> dict[str, Any]:
    return scan_json(zoo.env, str(zoo.home), "--no-size")


def test_finds_exactly_the_envs_and_none_of_the_traps(zoo: Zoo, report: dict[str, Any]) -> None:
    found = set(by_path(report))
    expected = {str(e.path) for e in zoo.expected}
    assert found - expected == set(), "reported something that is not an env, or a trap"
    assert expected - found == set(), "missed an env"
    assert report["interrupted"] is False


def labels(zoo: Zoo, entry: dict[str, Any], expected: Expected) -> list[str]:
    """Every way `entry` differs from what is expected of it."""
    project = str(expected.project) if expected.project else None
    checks = {
        "owner": (entry["owner"], expected.owner),
        "managed": (entry["managed"], expected.managed),
        "project_path": (entry["project_path"], project),
        "project_evidence is null": (entry["project_evidence"] is None, project is None),
        "registered_as": (entry["registered_as"], expected.registered_as),
        "in_workon_home": (entry["in_workon_home"], expected.owner == "virtualenvwrapper"),
        "adoptable": (entry["adoptable"], expected.registered_as is None),
        "healthy": (entry["healthy"], expected.problem is None),
    }
    if expected.problem is None:
        checks["python_version"] = (entry["python_version"] in (XYZ, XY), True)
    else:
        found = any(expected.problem in p for p in entry["problems"])
        checks[f"a problem with {expected.problem!r}"] = (found, True)
    where = expected.path.relative_to(zoo.home)
    return [f"{where}: {key} is {got!r}, expected {want!r}" for key, (got, want) in checks.items()
            if got != want]  # fmt: skip


def test_each_env_is_labelled(zoo: Zoo, report: dict[str, Any]) -> None:
    entries = by_path(report)
    wrong = [
        line for e in zoo.expected if str(e.path) in entries
        for line in labels(zoo, entries[str(e.path)], e)
    ]  # fmt: skip
    assert not wrong, "\n".join(wrong)
    assert all(entries[str(e.path)]["owner_evidence"] for e in zoo.expected)
    assert {e.owner for e in zoo.expected} >= {
        "venv", "virtualenv", "uv", "poetry", "pipenv", "pipx", "hatch", "pdm", "tox", "nox",
        "conda", "pyenv", "virtualenvwrapper", "unknown",
    }  # fmt: skip


def test_evidence_names_the_marker(report: dict[str, Any], zoo: Zoo) -> None:
    entries = by_path(report)
    home = zoo.home
    pipx = entries[str(home / ".local/share/pipx/venvs/black")]
    assert pipx["owner_evidence"] == "pipx_metadata.json"
    uv_project = entries[str(home / "src/uvproj/.venv")]
    assert uv_project["owner_evidence"].startswith("pyvenv.cfg says uv = ")
    pipenv = entries[str(home / ".local/share/virtualenvs/pipproj-Xy-12_aB")]
    assert pipenv["project_evidence"] == "its .project file"
    legacy = entries[str(home / "src/legacy/envs/old")]
    assert legacy["project_evidence"] == "nearest folder with setup.py"
    tox = entries[str(home / "src/toxproj/.tox/.pkg")]
    assert tox["project_evidence"] == "the folder holding .tox"


def test_walk_counters(report: dict[str, Any], zoo: Zoo) -> None:
    skipped = report["skipped"]
    assert skipped["pruned"] >= 2  # webapp's node_modules and .git at least
    assert skipped["permission_denied"] == skipped["vanished"] == skipped["unreadable"] == 0
    assert skipped["inside_site_packages"] == 0  # never walked into, so never seen
    assert report["roots"] == [str(zoo.home)]
    assert report["folders_visited"] > 10
    totals = report["totals"]
    assert totals["environments"] == len(zoo.expected)
    assert totals["unregistered"] == len(zoo.expected) - 1
    assert totals["broken"] == sum(e.problem is not None for e in zoo.expected)
    assert totals["managed"] == sum(e.managed for e in zoo.expected)


def test_table_labels_and_totals(zoo: Zoo) -> None:
    result = run_venvreg(zoo.env, "scan", str(zoo.home), "--no-size")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.splitlines()[0].split() == [
        "#", "SIZE", "OWNER", "PYTHON", "HEALTH", "MODIFIED", "REGISTERED", "PROJECT", "PATH",
    ]  # fmt: skip
    assert "poetry (managed)" in out and "virtualenvwrapper" in out
    assert "broken: pyvenv.cfg has no 'home' key" in out
    line = next(ln for ln in out.splitlines() if "environment(s)" in ln)
    assert line.startswith(f"{len(zoo.expected)} environment(s), ")
    assert f"unregistered: {len(zoo.expected) - 1} " in line
    assert "broken: 3 " in line
    assert f"managed by other tools: {sum(e.managed for e in zoo.expected)}" in line
    assert re.search(r"walked [\d,]+ folders in [\d.]+ s; not walked: \d+ pruned", out)
    assert 'it\'s a "quoted" proj $(x)' in out  # printed literally


def test_rescans_are_idempotent(zoo: Zoo, report: dict[str, Any]) -> None:
    rows = registry_rows(zoo.workon_home)
    again = scan_json(zoo.env, str(zoo.home), "--no-size")
    assert again["environments"] == report["environments"]
    assert again["totals"] == report["totals"]
    assert registry_rows(zoo.workon_home) == rows


def test_max_depth_and_exclude(zoo: Zoo) -> None:
    shallow = by_path(scan_json(zoo.env, str(zoo.home), "--no-size", "--max-depth", "2"))
    depths = {len(Path(p).relative_to(zoo.home).parts) for p in shallow}
    assert depths == {1, 2}  # miniconda3, tools/lonely-env, .virtualenvs/wrapped
    assert str(zoo.home / "tools" / "lonely-env") in shallow
    assert str(zoo.home / "src" / "webapp" / ".venv") not in shallow
    excluded = scan_json(
        zoo.env, str(zoo.home), "--no-size", "--exclude", "src", "--exclude", "*/.cache/*"
    )
    paths = set(by_path(excluded))
    assert not any("/src/" in p or "/.cache/" in p for p in paths)
    assert str(zoo.home / "miniconda3") in paths
    assert excluded["skipped"]["excluded"] == 2


def test_a_root_inside_site_packages_reports_nothing_there(zoo: Zoo) -> None:
    site = zoo.home / "src" / "webapp" / ".venv" / "lib" / f"python{XY}" / "site-packages"
    result = scan_json(zoo.env, str(site), "--no-size")
    assert result["environments"] == []
    assert result["skipped"]["inside_site_packages"] == 1


def test_nested_and_repeated_roots_are_walked_once(zoo: Zoo) -> None:
    src = zoo.home / "src"
    once = scan_json(zoo.env, str(src), "--no-size")
    twice = scan_json(zoo.env, str(src / "webapp"), str(src), str(src) + "/", "--no-size")
    assert twice["roots"] == [str(src)]
    assert [e["path"] for e in twice["environments"]] == [e["path"] for e in once["environments"]]


def test_last_modified_evidence(sandbox: dict[str, str], isolated: Path, maker: Maker) -> None:
    env = maker.env("virtualenv", isolated / "proj" / "venv")
    site = env / "lib" / f"python{XY}" / "site-packages"
    os.utime(env / "pyvenv.cfg", (1_600_000_000, 1_600_000_000))
    os.utime(site, (1_700_000_000, 1_700_000_000))
    os.utime(env / "bin" / "python", (1_650_000_000, 1_650_000_000), follow_symlinks=False)
    entry = by_path(scan_json(sandbox, str(isolated), "--no-size"))[str(env)]
    assert entry["mtimes"] == {
        "pyvenv.cfg": "2020-09-13T12:26:40Z",
        "site-packages": "2023-11-14T22:13:20Z",
        "bin/python": "2022-04-15T05:20:00Z",
    }
    assert (entry["last_modified"], entry["last_modified_source"]) == (
        "2023-11-14T22:13:20Z",
        "site-packages",
    )


def test_a_missing_root_is_a_usage_error(sandbox: dict[str, str], isolated: Path) -> None:
    result = run_venvreg(sandbox, "scan", str(isolated / "nope"))
    assert result.returncode == 2
    assert "is not a folder" in result.stderr
    assert result.stdout == ""
