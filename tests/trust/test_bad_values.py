"""Bad values stay local: a value in one env's files that cannot be a path (longer than a path
may be, not valid UTF-8) makes that env broken, with the cause, and every other command works.

Issue 8, finding 12: a 5 KB `home =` line made ls, show OTHER, prune, rm OTHER and scan of a
whole tree fail with `File name too long`.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
LONG = "/" + "x" * 5000


def _spoil(env: Path, home: bytes, project: bytes) -> None:
    """Put `home` in place of the env's own `home =` value, and write `project` as .project."""
    cfg = env / "pyvenv.cfg"
    lines = cfg.read_bytes().splitlines()
    lines = [b"home = " + home if line.startswith(b"home") else line for line in lines]
    cfg.write_bytes(b"\n".join(lines) + b"\n")
    (env / ".project").write_bytes(project + b"\n")


@pytest.fixture
def spoiled_home(env_in_home: Callable[[str], Path], workon_home: Path) -> Path:
    """Four envs in WORKON_HOME: `good`, `other`, `long` (5 KB home and .project) and `undecodable`
    (latin-1 bytes in both)."""
    env_in_home("good")
    env_in_home("other")
    _spoil(env_in_home("long"), LONG.encode(), ("/" + "y" * 5000).encode())
    _spoil(env_in_home("undecodable"), b"/usr/caf\xe9/bin", b"/srv/proj\xe9t")
    return workon_home


def _no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert "File name too long" not in result.stderr, result.stderr[:300]


def _by_name(cli: CliRunner) -> dict[str, dict[str, Any]]:
    result = cli("ls", "--json")
    _no_traceback(result)
    assert result.returncode == 0, result.stderr
    return {entry["name"]: entry for entry in json.loads(result.stdout)}


def test_ls_shows_each_bad_env_broken_with_its_cause(spoiled_home: Path, cli: CliRunner) -> None:
    entries = _by_name(cli)
    assert set(entries) == {"good", "other", "long", "undecodable"}
    assert entries["good"]["healthy"] is True
    assert entries["other"]["healthy"] is True
    long_problems = "\n".join(entries["long"]["problems"])
    assert entries["long"]["healthy"] is False
    assert "pyvenv.cfg 'home' is not a usable path: 5001 bytes long" in long_problems
    assert ".project is not a usable path: 5001 bytes long" in long_problems
    assert entries["long"]["project_path"] is None
    bad_problems = "\n".join(entries["undecodable"]["problems"])
    assert entries["undecodable"]["healthy"] is False
    assert "pyvenv.cfg 'home' is not a usable path: not valid UTF-8" in bad_problems
    assert ".project is not a usable path: not valid UTF-8" in bad_problems

    table = cli("ls")
    _no_traceback(table)
    assert table.returncode == 0
    lines = {line.split()[0]: line for line in table.stdout.splitlines() if line.strip()}
    assert "broken" in lines["long"] and "broken" in lines["undecodable"]
    assert "broken" not in lines["good"]


def test_show_of_the_bad_env_and_of_another(spoiled_home: Path, cli: CliRunner) -> None:
    other = cli("show", "other")
    _no_traceback(other)
    assert other.returncode == 0, other.stderr
    assert "other" in other.stdout
    bad = cli("show", "long", "--json")
    _no_traceback(bad)
    assert bad.returncode == 0, bad.stderr
    shown = json.loads(bad.stdout)
    assert shown["healthy"] is False
    assert any("5001 bytes long" in problem for problem in shown["problems"])
    text = cli("show", "undecodable")
    _no_traceback(text)
    assert text.returncode == 0
    assert "not valid UTF-8" in text.stdout


def test_prune_dry_run_and_rm_of_another_env(
    spoiled_home: Path, cli: CliRunner, workon_home: Path
) -> None:
    dry = cli("prune", "--broken", "--dry-run", "--json")
    _no_traceback(dry)
    assert dry.returncode == 0, dry.stderr
    names = {candidate["name"] for candidate in json.loads(dry.stdout)["candidates"]}
    assert names == {"long", "undecodable"}
    removed = cli("rm", "other", "--yes")
    _no_traceback(removed)
    assert removed.returncode == 0, removed.stderr
    assert not (workon_home / "other").exists()
    assert (workon_home / "long" / "pyvenv.cfg").exists()
    assert set(_by_name(cli)) == {"good", "long", "undecodable"}


def test_scan_of_the_tree_reports_the_bad_env_as_broken(
    spoiled_home: Path, cli: CliRunner, isolated: Path, plain_venv: Callable[[Path], Path]
) -> None:
    project = isolated / "work" / "app"
    project.mkdir(parents=True)
    plain_venv(project / ".venv")
    _spoil(plain_venv(isolated / "work" / "bad" / ".venv"), LONG.encode(), b"/tmp")
    result = cli("scan", str(isolated), "--json")
    _no_traceback(result)
    assert result.returncode == 0, result.stderr
    found = {Path(env["path"]): env for env in json.loads(result.stdout)["environments"]}
    assert project / ".venv" in found
    bad = found[isolated / "work" / "bad" / ".venv"]
    assert bad["healthy"] is False
    assert any("5001 bytes long" in problem for problem in bad["problems"])


def test_doctor_names_the_bad_envs_and_nothing_else(spoiled_home: Path, cli: CliRunner) -> None:
    cli("ls")
    result = cli("doctor", "--json")
    _no_traceback(result)
    assert result.returncode == 1, result.stderr
    findings = {finding["name"]: finding for finding in json.loads(result.stdout)["findings"]}
    assert set(findings) == {"long", "undecodable"}
    assert findings["long"]["kind"] == "broken"
    assert "5001 bytes long" in findings["long"]["problem"]
    assert "not valid UTF-8" in findings["undecodable"]["problem"]


def test_undecodable_and_overlong_paths_in_scripts_and_links(
    env_in_home: Callable[[str], Path], cli: CliRunner, workon_home: Path
) -> None:
    """Paths the health check reads from a script or a link (not pyvenv.cfg) end up in the
    problem lines: bytes that are not UTF-8 are shown escaped, an overlong one cut short."""
    env_in_home("good")
    moved = env_in_home("moved")
    activate = moved / "bin" / "activate"
    text = activate.read_bytes()
    start = text.index(b"VIRTUAL_ENV=")
    end = text.index(b"\n", start)
    activate.write_bytes(text[:start] + b"VIRTUAL_ENV='/srv/caf\xe9/env'" + text[end:])
    far = env_in_home("far")
    activate = far / "bin" / "activate"
    text = activate.read_bytes()
    start = text.index(b"VIRTUAL_ENV=")
    end = text.index(b"\n", start)
    activate.write_bytes(text[:start] + b"VIRTUAL_ENV='/" + b"z" * 6000 + b"'" + text[end:])
    dangling = env_in_home("dangling")
    python = dangling / "bin" / "python"
    python.unlink()
    os.symlink(b"/nowhere/caf\xe9/python", os.fsencode(python))

    entries = _by_name(cli)
    assert entries["good"]["state"] == "ok"
    assert entries["moved"]["problems"] == ["env was moved: its scripts point to /srv/caf\\xe9/env"]
    assert (
        "interpreter bin/python points to missing /nowhere/caf\\xe9/python"
        in entries["dangling"]["problems"]
    )
    (far_problem,) = entries["far"]["problems"]
    assert far_problem.startswith("env was moved: its scripts point to /zzz")
    assert far_problem.endswith("... (6037 characters)") and len(far_problem) < 400
    for command in (("show", "moved"), ("doctor",), ("scan", str(workon_home)), ("ls",)):
        result = cli(*command)
        _no_traceback(result)
        assert result.returncode in (0, 1), result.stderr


@pytest.mark.parametrize("env", [False, True], ids=["plain-folder", "env-folder"])
def test_a_folder_whose_name_is_not_utf8_is_ignored_by_every_listing(
    env_in_home: Callable[[str], Path], workon_home: Path, cli: CliRunner, env: bool
) -> None:
    """A folder in WORKON_HOME whose name is not UTF-8 can never be an env's name: once the
    folder has settled, every listing still works and lists the others (it once stopped each
    with a traceback, storing the folders to look at again)."""
    fine = env_in_home("fine")
    assert cli("ls").returncode == 0  # the registry exists, and knows WORKON_HOME as it was
    bad = os.path.join(os.fsencode(workon_home), b"bad\xff")
    os.mkdir(bad)
    if env:  # what venv would leave, had it a name it could write into its files
        cfg = (fine / "pyvenv.cfg").read_bytes()
        with open(os.path.join(bad, b"pyvenv.cfg"), "wb") as file:
            file.write(cfg)
    old = workon_home.stat().st_mtime - 60
    os.utime(workon_home, (old, old))
    for words in (["ls", "-b"], ["ls"], ["ls", "--json"], ["du"], ["show", "fine"], ["ls"]):
        result = cli(*words)
        _no_traceback(result)
        assert result.returncode == 0, (words, result.stderr)
        assert "fine" in result.stdout, (words, result.stdout)
