"""An env's identity: metadata-only changes keep an env and its history; a real re-creation at the
same path is seen alike by ls, show, doctor and rm, and keeps the history (issue 8, finding 4)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from support import make_plain_venv

Cli = Callable[..., subprocess.CompletedProcess[str]]


def _created(cli: Cli, name: str, *extra: str) -> None:
    result = cli("create", name, *extra)
    assert result.returncode == 0, result.stderr


def _entry(cli: Cli, name: str) -> dict[str, Any]:
    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    entries: dict[str, dict[str, Any]] = {e["name"]: e for e in json.loads(result.stdout)}
    return entries[name]


def _history(entry: dict[str, Any]) -> tuple[Any, ...]:
    return (
        entry["origin"],
        entry["backend"],
        entry["created_at"],
        entry["last_used_at"],
        entry["use_count"],
        entry["project_path"],
    )


def _rewrite_same_content(path: Path) -> None:
    """What an editor does on save: a new file (new inode) with the same bytes, renamed over."""
    content = path.read_bytes()
    temporary = path.with_name(path.name + ".swp")
    temporary.write_bytes(content)
    os.replace(temporary, path)


def _hard_link_backup(path: Path) -> None:
    """A backup beside the env (one inside it would be a file no venv tool makes, which a
    removal rightly leaves behind)."""
    os.link(path, path.parent.with_name(path.parent.name + "-pyvenv.cfg.bak"))


def _chown_same(path: Path) -> None:
    status = path.stat()
    os.chown(path, status.st_uid, status.st_gid)


METADATA_CHANGES: dict[str, Callable[[Path], None]] = {
    "chmod-same-mode": lambda env: (env / "pyvenv.cfg").chmod(0o644),
    "chmod-folder": lambda env: env.chmod(0o755),
    "touch": lambda env: os.utime(env / "pyvenv.cfg"),
    "touch-folder": lambda env: os.utime(env),
    "chown": lambda env: _chown_same(env / "pyvenv.cfg"),
    "hard-link": lambda env: _hard_link_backup(env / "pyvenv.cfg"),
    "same-content-rewrite": lambda env: _rewrite_same_content(env / "pyvenv.cfg"),
}


@pytest.mark.parametrize("change", sorted(METADATA_CHANGES))
def test_metadata_only_change_keeps_the_env_and_its_history(
    change: str,
    cli: Cli,
    workon_home: Path,
    record_uses: Callable[..., None],
) -> None:
    project = workon_home.parent / "project"
    project.mkdir()
    _created(cli, "api", "--project", str(project))
    record_uses("api", 3)
    before = _entry(cli, "api")
    assert before["use_count"] == 3

    METADATA_CHANGES[change](workon_home / "api")

    listed = cli("ls", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "made again" not in listed.stderr
    after = {e["name"]: e for e in json.loads(listed.stdout)}["api"]
    assert _history(after) == _history(before)
    assert after["origin"] == "created" and after["use_count"] == 3
    doctor = cli("doctor", "api")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "replaced" not in doctor.stdout
    shown = json.loads(cli("show", "api", "--json").stdout)
    assert shown["recreated_at"] is None
    # rm accepts it as the env it registered (it used to refuse it as "replaced").
    removed = cli("rm", "api", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert not (workon_home / "api").exists()


def _venv_clear(env: Path) -> None:
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", "--clear", str(env)], check=True)


def _rm_and_remake(env: Path) -> None:
    """`rm -rf x; python -m venv x`: on ext4 the folder usually gets its old inode back."""
    shutil.rmtree(env)
    make_plain_venv(env)


RECREATIONS: dict[str, Callable[[Path], None]] = {
    "venv-clear": _venv_clear,
    "rm-and-remake": _rm_and_remake,
}


@pytest.mark.parametrize("how", sorted(RECREATIONS))
def test_real_recreation_is_seen_alike_and_keeps_the_history(
    how: str,
    cli: Cli,
    workon_home: Path,
    record_uses: Callable[..., None],
) -> None:
    project = workon_home.parent / "project"
    project.mkdir()
    _created(cli, "api", "--project", str(project))
    record_uses("api", 2)
    before = _entry(cli, "api")
    env = workon_home / "api"
    (env / "pyvenv.cfg").chmod(0o644)  # metadata first: it must not matter

    RECREATIONS[how](env)

    doctor = cli("doctor", "api")
    assert doctor.returncode == 1
    assert "replaced: api:" in doctor.stdout and "made again" in doctor.stdout
    assert "keeping its history" in doctor.stdout
    refused = cli("rm", "api", "--yes")
    assert refused.returncode == 1
    assert "replaced" in refused.stderr
    rebuild = cli("rebuild", "api")
    assert rebuild.returncode == 1
    assert "replaced" in rebuild.stderr
    assert env.is_dir()

    listed = cli("ls", "--json")
    assert listed.returncode == 0, listed.stderr
    notes = [line for line in listed.stderr.splitlines() if "made again" in line]
    assert len(notes) == 1 and "'api'" in notes[0] and "history" in notes[0]
    after = {e["name"]: e for e in json.loads(listed.stdout)}["api"]
    assert _history(after) == _history(before)
    assert after["origin"] == "created" and after["use_count"] == 2
    assert after["project_path"] == str(project)
    assert (env / ".project").read_text().strip() == str(project)  # written back

    shown = cli("show", "api")
    assert shown.returncode == 0, shown.stderr
    assert "made again at its path" in shown.stdout
    assert "made again" not in cli("ls").stderr  # told once
    assert cli("doctor", "api").returncode == 0
    assert cli("rm", "api", "--yes").returncode == 0


def test_an_adopted_env_recreated_by_its_tool_keeps_its_project(
    cli: Cli, isolated: Path, record_uses: Callable[..., None]
) -> None:
    """`tox -r` deletes and re-makes `.tox/py`; the registry's project and uses survive."""
    project = isolated / "app"
    env = make_plain_venv(project / ".tox" / "py")
    adopted = cli("adopt", str(env), "--name", "toxpy")
    assert adopted.returncode == 0, adopted.stderr
    linked = cli("project", "set", "toxpy", str(project))
    assert linked.returncode == 0, linked.stderr
    record_uses("toxpy", 4)

    _rm_and_remake(env)

    listed = cli("ls", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "'toxpy'" in listed.stderr and "made again" in listed.stderr
    entry = {e["name"]: e for e in json.loads(listed.stdout)}["toxpy"]
    assert entry["origin"] == "adopted"
    assert entry["use_count"] == 4
    assert entry["project_path"] == str(project)


def test_an_identity_recorded_by_an_older_version_is_upgraded_without_a_notice(
    cli: Cli, workon_home: Path, record_uses: Callable[..., None]
) -> None:
    _created(cli, "old")
    record_uses("old", 1)
    env = workon_home / "old"
    status = env.stat()
    config = (env / "pyvenv.cfg").stat()
    legacy = f"{status.st_dev}:{status.st_ino}:{config.st_ino}:{config.st_ctime_ns}"
    registry = workon_home / ".venvreg" / "registry.sqlite3"
    with sqlite3.connect(registry) as conn:
        conn.execute("UPDATE envs SET identity = ?, fingerprint = NULL", (legacy,))
    conn.close()
    os.utime(env / "pyvenv.cfg")  # the old form took this for a replacement

    listed = cli("ls", "--json")
    assert listed.returncode == 0, listed.stderr
    assert "made again" not in listed.stderr
    entry = {e["name"]: e for e in json.loads(listed.stdout)}["old"]
    assert entry["origin"] == "created" and entry["use_count"] == 1
    with sqlite3.connect(registry) as conn:
        (identity,) = conn.execute("SELECT identity FROM envs").fetchone()
    conn.close()
    assert identity.startswith("v2|")
    assert cli("rm", "old", "--yes").returncode == 0


def test_prune_does_not_offer_an_env_used_minutes_ago_after_a_chmod(
    cli: Cli,
    workon_home: Path,
    env_in_home: Callable[[str], Path],
    record_uses: Callable[..., None],
) -> None:
    """Finding 4's end: an env made long ago, activated minutes ago, then `chmod 644 pyvenv.cfg`
    (the same mode): its uses are kept, so prune does not call it unused."""
    env = env_in_home("old-but-used")
    long_ago = time.time() - 200 * 86400
    for path in [env, *env.rglob("*")]:
        os.utime(path, (long_ago, long_ago), follow_symlinks=False)
    assert cli("ls").returncode == 0
    record_uses("old-but-used", 1, time.time() - 300)

    (env / "pyvenv.cfg").chmod(0o644)

    listed = cli("ls")
    assert listed.returncode == 0 and "made again" not in listed.stderr
    result = cli("prune", "--unused-for", "30d", "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    assert "old-but-used" not in result.stdout
    shown = json.loads(cli("show", "old-but-used", "--json").stdout)
    assert shown["use_count"] == 1 and shown["last_use_source"] == "activation"


@pytest.mark.parametrize("how", sorted(RECREATIONS))
def test_prune_sees_a_recreation_as_ls_does(
    how: str, cli: Cli, workon_home: Path, record_uses: Callable[..., None]
) -> None:
    """prune is the first command after the re-creation: it says what it saw, once, and the
    env keeps its history (a recent activation), so it is not offered as unused."""
    _created(cli, "api")
    record_uses("api", 2)
    env = workon_home / "api"
    long_ago = time.time() - 200 * 86400
    RECREATIONS[how](env)
    for path in [env, *env.rglob("*")]:
        os.utime(path, (long_ago, long_ago), follow_symlinks=False)

    result = cli("prune", "--unused-for", "30d", "--dry-run", "--json")
    assert result.returncode == 0, result.stderr
    notes = [line for line in result.stderr.splitlines() if "made again" in line]
    assert len(notes) == 1 and "'api'" in notes[0] and "history" in notes[0], result.stderr
    assert json.loads(result.stdout)["candidates"] == []
    after = _entry(cli, "api")
    assert (after["origin"], after["use_count"]) == ("created", 2)
    assert "made again" not in cli("ls").stderr
