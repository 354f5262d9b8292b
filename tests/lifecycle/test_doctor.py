"""`venvreg doctor` (hostile group F): real broken envs reported with their cause and the command
that fixes them, drift both ways, leftovers of killed operations; read-only; exit codes."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from support import make_plain_venv

from .conftest import Base, insert_row, json_out, ok, rows, six_version

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def _kinds(cli: CliRunner) -> dict[str, dict[str, Any]]:
    """doctor --json findings by kind (the command must report problems: exit 1)."""
    result = cli("doctor", "--json")
    assert result.returncode == 1, result.stderr
    report = json_out(result)
    assert report["healthy"] is False
    return {finding["kind"]: finding for finding in report["findings"]}


def test_healthy_envs_pass(cli: CliRunner, make_env: Callable[..., Path]) -> None:
    make_env("api")
    result = ok(cli("doctor"))
    assert result.stdout.splitlines()[1].split() == ["api", "ok"]
    assert "no problems found (1 environments checked)" in result.stderr
    report = json_out(ok(cli("doctor", "--json")))
    assert report == {
        "healthy": True,
        "envs": [report["envs"][0]],
        "findings": [],
        "running": [],
    }
    assert report["envs"][0]["name"] == "api" and report["envs"][0]["healthy"] is True


def test_a_removed_base_python_is_reported_with_its_cause_and_fix(
    cli: CliRunner, make_env: Callable[..., Path], base: Base
) -> None:
    make_env("old", "-p", str(base.python))
    make_env("fine", packages=())
    base.remove()  # what a pyenv uninstall or a Homebrew upgrade does to the env's base
    result = cli("doctor")
    assert result.returncode == 1
    out = result.stdout
    assert f"broken: old: base Python folder {base.link / 'bin'} is gone" in out
    assert f"interpreter bin/python points to missing {base.python}" in out
    assert "  fix: venvreg rebuild old" in out
    assert "fine" in out and "broken: fine" not in out
    assert "1 problem found" in result.stderr
    finding = _kinds(cli)["broken"]
    assert finding["name"] == "old" and finding["fix"].startswith("venvreg rebuild old")


def test_missing_home_a_moved_env_and_drift_both_ways(cli: CliRunner, workon_home: Path) -> None:
    workon_home.mkdir(parents=True)
    make_plain_venv(workon_home / "nohome")
    cfg = workon_home / "nohome" / "pyvenv.cfg"
    lines = cfg.read_text().splitlines()
    cfg.write_text("".join(f"{line}\n" for line in lines if not line.startswith("home")))
    assert not any(line.startswith("home") for line in cfg.read_text().splitlines())
    make_plain_venv(workon_home / "first")
    ok(cli("ls"))
    os.rename(workon_home / "first", workon_home / "second")  # moved by hand

    kinds = _kinds(cli)
    assert kinds["broken"]["name"] == "nohome"
    assert "pyvenv.cfg has no 'home' key" in kinds["broken"]["problem"]
    assert kinds["missing"]["name"] == "first"
    assert kinds["missing"]["fix"].startswith("venvreg rm first --yes")
    assert kinds["unregistered"]["name"] == "second"
    assert kinds["unregistered"]["fix"].startswith("venvreg ls")

    ok(cli("ls"))  # registers "second" (and marks "first" missing)
    result = cli("doctor", "second")
    assert result.returncode == 1
    assert f"env was moved: its scripts point to {workon_home / 'first'}" in result.stdout
    assert "fix: venvreg rebuild second" in result.stdout


def test_doctor_changes_nothing(cli: CliRunner, workon_home: Path) -> None:
    workon_home.mkdir(parents=True)
    make_plain_venv(workon_home / "gone")
    ok(cli("ls"))
    (workon_home / "gone" / "pyvenv.cfg").unlink()
    make_plain_venv(workon_home / "unknown")
    insert_row(name="half", path=str(workon_home / "half"), status="creating", origin="created")
    orphan = workon_home / ".venvreg" / "trash" / "20200101T000000-deadbeef"
    orphan.mkdir()
    before = (sorted(os.listdir(workon_home)), rows(workon_home), os.listdir(orphan.parent))
    for _ in range(2):
        assert cli("doctor").returncode == 1
        assert cli("doctor", "--json").returncode == 1
    after = (sorted(os.listdir(workon_home)), rows(workon_home), os.listdir(orphan.parent))
    assert after == before
    kinds = _kinds(cli)
    assert {"not-a-venv", "unregistered", "interrupted-creation", "orphan-trash"} <= set(kinds)


def test_every_fix_command_fixes_its_finding(
    cli: CliRunner, make_env: Callable[..., Path], workon_home: Path, base: Base, tmp_path: Path
) -> None:
    """Each finding's `fix`, run as printed in a shell, makes doctor pass again."""
    make_env("old", "-p", str(base.python))
    base.remove()
    make_plain_venv(workon_home / "kept")
    make_plain_venv(workon_home / "deleted")
    ok(cli("ls"))
    os.rename(workon_home / "deleted", tmp_path / "elsewhere")  # deleted by hand
    make_plain_venv(workon_home / "unregistered")
    insert_row(name="half", path=str(workon_home / "half"), status="creating", origin="created")
    orphan = workon_home / ".venvreg" / "trash" / "20200101T000000-deadbeef"
    orphan.mkdir()
    (orphan / "junk").write_text("x")

    findings = json_out(cli("doctor", "--json"))["findings"]
    kinds = {finding["kind"] for finding in findings}
    assert kinds == {"broken", "missing", "unregistered", "interrupted-creation", "orphan-trash"}

    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "venvreg").write_text(f'#!/bin/sh\nexec "{sys.executable}" -m venvreg "$@"\n')
    (shim / "venvreg").chmod(0o755)
    env = {**os.environ, "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}"}
    for finding in findings:
        fix = subprocess.run(
            ["bash", "-c", finding["fix"]], capture_output=True, text=True, env=env, timeout=300
        )
        assert fix.returncode == 0, f"{finding['fix']}: {fix.stderr}"

    result = ok(cli("doctor"))
    assert "no problems found" in result.stderr
    assert not orphan.exists()
    assert six_version(workon_home / "old") == "1.17.0"
    assert [r["name"] for r in rows(workon_home)] == ["kept", "old", "unregistered"]


def test_doctor_of_unknown_name_is_an_error(cli: CliRunner, make_env: Callable[..., Path]) -> None:
    result = cli("doctor", "nope")
    assert result.returncode == 1
    expected = "venvreg: error: no environment named 'nope' (see `venvreg list`)"
    assert result.stderr.strip() == expected


def test_hostile_pyvenv_cfg_never_blocks_doctor_or_prune(cli: CliRunner, workon_home: Path) -> None:
    """Hostile group F: a FIFO, a link to /dev/zero, a huge, binary, empty or CRLF pyvenv.cfg."""
    workon_home.mkdir(parents=True)
    names = ["fifo", "zero", "huge", "binary", "empty", "crlf"]
    for name in names:
        make_plain_venv(workon_home / name)
    ok(cli("ls"))
    for name in names:
        (workon_home / name / "pyvenv.cfg").unlink()
    os.mkfifo(workon_home / "fifo" / "pyvenv.cfg")
    (workon_home / "zero" / "pyvenv.cfg").symlink_to("/dev/zero")
    (workon_home / "huge" / "pyvenv.cfg").write_bytes(b"home = /x\n" * 2_000_000)
    (workon_home / "binary" / "pyvenv.cfg").write_bytes(bytes(range(256)) * 4)
    (workon_home / "empty" / "pyvenv.cfg").write_bytes(b"")
    (workon_home / "crlf" / "pyvenv.cfg").write_bytes(b"no equals sign here\r\nversion 3\r\n")

    result = cli("doctor", "--json", timeout=60)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    found = {f["name"]: f for f in json_out(result)["findings"]}
    assert found["fifo"]["kind"] == found["zero"]["kind"] == "not-a-venv"
    assert "pyvenv.cfg is not a small regular file" in found["huge"]["problem"]
    for name in ("binary", "empty", "crlf"):
        assert "pyvenv.cfg has no 'home' key" in found[name]["problem"]
    pruned = cli("prune", "--broken", "--dry-run", "--json", timeout=60)
    assert pruned.returncode == 0 and "Traceback" not in pruned.stderr
    assert {c["name"] for c in json_out(pruned)["candidates"]} == {
        "huge",
        "binary",
        "empty",
        "crlf",
    }


def test_cached_verdicts_and_a_deep_judgement(cli: CliRunner, workon_home: Path) -> None:
    """doctor keeps the verdict of an env whose fingerprint holds; --deep judges every env
    afresh. An activate script rewritten in place to point elsewhere changes no stat that the
    fingerprint covers (bin/ keeps its mtime): only --deep reads it again and finds the env
    'moved'; the next `ls` still keeps the cached verdict, as doctor does."""
    env = make_plain_venv(workon_home / "api")
    ok(cli("ls"))
    activate = env / "bin" / "activate"
    bin_stat = os.stat(env / "bin")
    text = activate.read_text(encoding="utf-8").replace(str(env), "/elsewhere/api")
    with open(activate, "r+", encoding="utf-8") as handle:  # in place: no new directory entry
        handle.write(text)
        handle.truncate()
    assert os.stat(env / "bin").st_mtime_ns == bin_stat.st_mtime_ns
    assert "no problems found" in ok(cli("doctor")).stderr
    deep = cli("doctor", "--deep", "--json")
    assert deep.returncode == 1, deep.stderr
    (finding,) = json_out(deep)["findings"]
    assert finding["kind"] == "broken"
    assert "env was moved: its scripts point to /elsewhere/api" in finding["problem"]
    assert json_out(ok(cli("ls", "--json")))[0]["healthy"] is True


def test_a_change_the_fingerprint_sees_reaches_doctor_without_deep(
    cli: CliRunner, workon_home: Path
) -> None:
    env = make_plain_venv(workon_home / "api")
    ok(cli("ls"))
    python = env / "bin" / "python"
    python.unlink()
    python.symlink_to(workon_home / "uninstalled" / "python3")
    kinds = _kinds(cli)
    assert "points to missing" in kinds["broken"]["problem"]
