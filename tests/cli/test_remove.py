"""Deletion (docs/registry.md; hostile group C) with real envs, a real trash and the real CLI."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from support import answer_on_terminal
from venvreg.core.session import open_context
from venvreg.core.trash import TrashEntry, new_entry_id, write_entry
from venvreg.names import name_problem
from venvreg.registry import envs
from venvreg.registry.db import write_transaction


def _trash(workon_home: Path) -> Path:
    return workon_home / ".venvreg" / "trash"


def _trash_ids(workon_home: Path) -> list[str]:
    folder = _trash(workon_home)
    return sorted(os.listdir(folder)) if folder.exists() else []


# --- refused names and homes -------------------------------------------------------------


@pytest.mark.parametrize("name", ["", ".", "..", "../..", "/", "~", "*", "~/.virtualenvs"])
def test_rm_of_a_path_like_name_is_refused_and_touches_nothing(
    cli: Any, workon_home: Path, env_in_home: Any, disk_snapshot: Any, rows: Any, name: str
) -> None:
    env_in_home("keep")
    cli("ls")
    before, rows_before = disk_snapshot(), rows()
    result = cli("rm", "--yes", "--", name)
    if name_problem(name) is None:  # a legal name, just not a registered one
        assert result.returncode == 1
        assert f"no environment named '{name}'" in result.stderr
    else:
        assert result.returncode == 2
        assert "invalid environment name" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert disk_snapshot() == before
    assert rows() == rows_before
    assert _trash_ids(workon_home) == []


@pytest.fixture
def cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


@pytest.mark.parametrize("command", [("ls",), ("rm", "x", "--yes"), ("create", "x")])
@pytest.mark.parametrize(
    "value", ["", "relative/envs", "/", "HOME", "HOME/..", "/usr", "/usr/", "/tmp"]
)
def test_a_bad_workon_home_is_refused_before_any_write(
    cli: Any, isolated: Path, cwd: Path, value: str, command: tuple[str, ...]
) -> None:
    value = value.replace("HOME", str(isolated))
    watched = [Path("/tmp/.venvreg"), Path("/usr/.venvreg"), Path("/.venvreg"), Path("/tmp/x")]
    existed = {path: os.path.lexists(path) for path in watched}
    home_before = sorted(os.listdir(isolated))
    result = cli(*command, env={"WORKON_HOME": value})
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("venvreg: error: WORKON_HOME")
    assert len(result.stderr.splitlines()) == 1
    assert os.listdir(cwd) == []  # a relative value created nothing here
    assert sorted(os.listdir(isolated)) == home_before
    assert not (isolated / ".venvreg").exists()
    for path, was_there in existed.items():
        assert os.path.lexists(path) == was_there


# --- what is removed, and only that ------------------------------------------------------


def test_symlinked_env_only_the_link_goes_and_restore_brings_it_back(
    cli: Any, workon_home: Path, tmp_path: Path, plain_venv: Any, listing: Any, tree_snapshot: Any
) -> None:
    target = plain_venv(tmp_path / "elsewhere" / "real-env")
    (target / "precious.txt").write_text("keep me")
    workon_home.mkdir(parents=True)
    link = workon_home / "link"
    link.symlink_to(target)
    assert listing()["link"]["origin"] == "found"
    target_before = tree_snapshot(target)

    result = cli("rm", "link", "--yes")
    assert result.returncode == 0, result.stderr
    assert "removed the link 'link' (its target is untouched)" in result.stderr
    assert not os.path.lexists(link)
    assert tree_snapshot(target) == target_before
    assert "link" not in listing()

    result = cli("restore", "link")
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert listing()["link"]["status"] == "ready"
    assert tree_snapshot(target) == target_before


@pytest.mark.parametrize("how", ["purge", "trash-then-empty"])
def test_a_symlink_inside_an_env_never_leads_deletion_outside(
    cli: Any, workon_home: Path, tmp_path: Path, env_in_home: Any, tree_snapshot: Any, how: str
) -> None:
    outside = tmp_path / "outside"
    (outside / "sub").mkdir(parents=True)
    (outside / "sub" / "data.txt").write_text("outside data")
    (outside / "file.txt").write_text("outside file")
    env = env_in_home("victim")
    (env / "lib" / "linked-folder").symlink_to(outside)
    (env / "linked-file").symlink_to(outside / "file.txt")
    (env / "linked-sub").symlink_to(outside / "sub", target_is_directory=True)
    cli("ls")
    outside_before = tree_snapshot(outside)
    if how == "purge":
        result = cli("rm", "victim", "--purge", "--yes")
        assert "deleted 'victim' for good" in result.stderr
    else:
        assert cli("rm", "victim", "--yes").returncode == 0
        result = cli("trash", "empty", "--yes")
    assert result.returncode == 0, result.stderr
    # The links a user put at the env's top level are not the env's (registry.md, the
    # boundary): they stay, unfollowed; everything the venv made is gone.
    assert sorted(os.listdir(env)) == ["linked-file", "linked-sub"]
    assert _trash_ids(workon_home) == []
    assert tree_snapshot(outside) == outside_before


def test_a_folder_whose_pyvenv_cfg_was_deleted_is_refused(
    cli: Any, workon_home: Path, env_in_home: Any, row: Any, tree_snapshot: Any
) -> None:
    env = env_in_home("nocfg")
    cli("ls")
    (env / "pyvenv.cfg").unlink()
    before = tree_snapshot(env)
    for _attempt in range(2):  # before and after a listing has marked it missing
        result = cli("rm", "nocfg", "--yes")
        assert result.returncode == 1
        assert "holds no pyvenv.cfg" in result.stderr
        assert tree_snapshot(env) == before
        assert row("nocfg") is not None
        cli("ls")
    assert row("nocfg")["status"] == "missing"
    assert _trash_ids(workon_home) == []


def test_a_folder_replaced_by_hand_is_refused_until_reindexed(
    cli: Any, workon_home: Path, env_in_home: Any, plain_venv: Any, tmp_path: Path, row: Any
) -> None:
    old = env_in_home("reused")
    cli("ls")
    first_identity = row("reused")["identity"]
    # A different venv at the same path; made before the old one goes so the inode differs.
    replacement = plain_venv(tmp_path / "replacement")
    (replacement / "mine.txt").write_text("the user's new env")
    subprocess.run(["rm", "-rf", str(old)], check=True)
    os.rename(replacement, old)

    result = cli("rm", "reused", "--yes")
    assert result.returncode == 1
    assert "is not the environment registered as 'reused'" in result.stderr
    assert "venvreg list" in result.stderr
    assert (old / "mine.txt").read_text() == "the user's new env"

    assert cli("ls").returncode == 0  # re-indexes: the registry now knows the new folder
    assert row("reused")["identity"] != first_identity
    result = cli("rm", "reused", "--yes")
    assert result.returncode == 0, result.stderr
    assert sorted(os.listdir(old)) == ["mine.txt"]  # the env went; the user's file is not its


@pytest.mark.parametrize("spelling", ["exact", "trailing-slash", "via-symlink"])
def test_the_active_env_is_refused(
    cli: Any, workon_home: Path, env_in_home: Any, tmp_path: Path, spelling: str
) -> None:
    env = env_in_home("active")
    cli("ls")
    active = {"exact": str(env), "trailing-slash": f"{env}/", "via-symlink": str(tmp_path / "l")}
    if spelling == "via-symlink":
        (tmp_path / "l").symlink_to(env)
    result = cli("rm", "active", "--yes", env={"VIRTUAL_ENV": active[spelling]})
    assert result.returncode == 1
    assert "'active' is the active environment; run `deactivate` first" in result.stderr
    assert (env / "pyvenv.cfg").is_file()
    assert _trash_ids(workon_home) == []


@pytest.mark.parametrize("answer", ["", "y\n", "yes\n"])
def test_rm_without_yes_on_a_non_terminal_lists_and_deletes_nothing(
    cli: Any, workon_home: Path, env_in_home: Any, disk_snapshot: Any, answer: str
) -> None:
    env_in_home("one")
    env_in_home("two")
    cli("ls")
    before = disk_snapshot()
    result = cli("rm", "one", "two", input=answer)
    assert result.returncode == 1
    assert "would move to the trash: 'one'" in result.stderr
    assert "'two'" in result.stderr
    assert "nothing removed" in result.stderr
    assert disk_snapshot() == before
    assert _trash_ids(workon_home) == []


def test_purge_deletes_for_good(
    cli: Any, workon_home: Path, env_in_home: Any, row: Any, listing: Any
) -> None:
    env = env_in_home("gone")
    cli("ls")
    result = cli("rm", "gone", "--purge", "--yes")
    assert result.returncode == 0, result.stderr
    assert not env.exists()
    assert _trash_ids(workon_home) == []
    assert json.loads(cli("trash", "list", "--json").stdout) == []
    assert row("gone") is None
    assert "gone" not in listing()
    result = cli("restore", "gone")
    assert result.returncode == 1
    assert "nothing named 'gone' in the trash" in result.stderr


def test_rm_then_restore_brings_back_the_same_folder_with_its_history(
    cli: Any,
    workon_home: Path,
    env_in_home: Any,
    row: Any,
    record_uses: Any,
    tmp_path: Path,
    listing: Any,
) -> None:
    env = env_in_home("keeper")
    (env / "lib" / "marker").write_text("same folder")  # inside the env's own entries
    project = tmp_path / "project"
    project.mkdir()
    cli("ls")
    assert cli("project", "set", "keeper", str(project)).returncode == 0
    record_uses("keeper", 3)
    before = row("keeper")
    inode = env.stat().st_ino
    assert before["use_count"] == 3

    result = cli("rm", "keeper", "--yes")
    assert result.returncode == 0, result.stderr
    assert "`venvreg restore 'keeper'` brings it back" in result.stderr
    assert not env.exists()
    assert row("keeper") is None

    result = cli("restore", "keeper")
    assert result.returncode == 0, result.stderr
    assert f"restored 'keeper' at '{env}'" in result.stderr
    assert env.stat().st_ino == inode
    assert (env / "lib" / "marker").read_text() == "same folder"
    after = row("keeper")
    for column in ("use_count", "last_used_at", "project_path", "created_at", "origin"):
        assert after[column] == before[column], column
    assert cli("project", "show", "keeper").stdout == f"{project}\n"
    shown = listing()["keeper"]
    assert shown["use_count"] == 3 and shown["healthy"] is True
    assert _trash_ids(workon_home) == []


def test_restore_refuses_to_overwrite_a_folder_made_meanwhile(
    cli: Any, workon_home: Path, env_in_home: Any, plain_venv: Any
) -> None:
    env_in_home("twice")
    cli("ls")
    assert cli("rm", "twice", "--yes").returncode == 0
    (workon_home / "twice").mkdir()
    (workon_home / "twice" / "new.txt").write_text("new")
    result = cli("restore", "twice")
    assert result.returncode == 1
    assert "exists again; refusing to overwrite it" in result.stderr
    assert (workon_home / "twice" / "new.txt").read_text() == "new"
    assert len(_trash_ids(workon_home)) == 1


# --- the trash ---------------------------------------------------------------------------


def test_trash_list_json_fields(cli: Any, workon_home: Path, env_in_home: Any) -> None:
    env_in_home("listed")
    cli("ls")
    assert cli("rm", "listed", "--yes").returncode == 0
    entries = json.loads(cli("trash", "list", "--json").stdout)
    assert len(entries) == 1
    entry = entries[0]
    assert set(entry) == {
        "id", "name", "original_path", "removed_at", "kind", "size_bytes", "python_version",
        "packages", "restorable", "missing",
    }  # fmt: skip
    assert entry["name"] == "listed"
    assert entry["original_path"] == str(workon_home / "listed")
    assert entry["kind"] == "folder"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", entry["removed_at"])
    assert isinstance(entry["size_bytes"], int) and entry["size_bytes"] > 0
    assert entry["python_version"] == "{}.{}.{}".format(*sys.version_info[:3])
    assert entry["packages"] == 0  # --without-pip: nothing installed
    assert entry["id"] in _trash_ids(workon_home)
    assert (_trash(workon_home) / entry["id"] / "env" / "pyvenv.cfg").is_file()


def _age_entry(workon_home: Path, entry_id: str, days: float) -> None:
    """Make a trash entry look `days` old, in its entry.json (the trash's own truth)."""
    path = _trash(workon_home) / entry_id / "entry.json"
    data = json.loads(path.read_text())
    data["removed_at"] = time.time() - days * 86400
    path.write_text(json.dumps(data))


def test_trash_empty_older_than_keeps_recent_entries_and_reports_space_freed(
    cli: Any, workon_home: Path, env_in_home: Any
) -> None:
    old = env_in_home("old")
    (old / "lib" / "ballast.bin").write_bytes(os.urandom(3 * 1024 * 1024))
    env_in_home("recent")
    cli("ls")
    assert cli("rm", "old", "recent", "--yes").returncode == 0
    by_name = {e["name"]: e["id"] for e in json.loads(cli("trash", "list", "--json").stdout)}
    _age_entry(workon_home, by_name["old"], days=10)

    result = cli("trash", "empty", "--older-than", "7d", "--yes")
    assert result.returncode == 0, result.stderr
    freed = re.search(r"deleted 1 entry, freed ([\d.]+) MB", result.stderr)
    assert freed is not None, result.stderr
    assert 3.0 <= float(freed.group(1)) < 4.0
    assert _trash_ids(workon_home) == [by_name["recent"]]
    remaining = json.loads(cli("trash", "list", "--json").stdout)
    assert [e["name"] for e in remaining] == ["recent"]

    result = cli("trash", "empty", "--older-than", "7d", "--yes")
    assert result.returncode == 0, result.stderr
    assert "nothing to delete: no trash entries removed more than 7d ago" in result.stderr
    assert _trash_ids(workon_home) == [by_name["recent"]]


@pytest.fixture
def two_in_trash(cli: Any, workon_home: Path, env_in_home: Any) -> dict[str, str]:
    """Two trash entries; their ids by name."""
    env_in_home("first")
    env_in_home("second")
    cli("ls")
    assert cli("rm", "first", "second", "--yes").returncode == 0
    return {e["name"]: e["id"] for e in json.loads(cli("trash", "list", "--json").stdout)}


def _shows_the_entries(stdout: str, ids: dict[str, str]) -> None:
    lines = stdout.splitlines()
    assert lines[0].split() == ["NAME", "REMOVED", "SIZE", "ID"]
    assert sorted((line.split()[0], line.split()[-1]) for line in lines[1:]) == sorted(ids.items())


def test_trash_empty_without_yes_off_a_terminal_lists_and_deletes_nothing(
    cli: Any, workon_home: Path, two_in_trash: dict[str, str]
) -> None:
    result = cli("trash", "empty")  # stdin is a pipe, not a terminal
    assert result.returncode == 1
    _shows_the_entries(result.stdout, two_in_trash)
    assert "2 entries" in result.stderr and "to free" in result.stderr
    assert "nothing deleted: no terminal to confirm on (pass --yes to confirm)" in result.stderr
    assert _trash_ids(workon_home) == sorted(two_in_trash.values())


def test_trash_empty_dry_run_lists_and_deletes_nothing(
    cli: Any, workon_home: Path, two_in_trash: dict[str, str]
) -> None:
    result = cli("trash", "empty", "--dry-run")
    assert result.returncode == 0, result.stderr
    _shows_the_entries(result.stdout, two_in_trash)
    assert "dry run: nothing deleted" in result.stderr
    assert _trash_ids(workon_home) == sorted(two_in_trash.values())


def test_trash_empty_on_a_terminal_shows_then_asks_then_acts(
    workon_home: Path, two_in_trash: dict[str, str]
) -> None:
    declined = answer_on_terminal(["trash", "empty"], "n")
    _shows_the_entries(declined.before, two_in_trash)  # on screen before the question
    assert "delete 2 entries for good? They cannot be restored." in declined.stderr
    assert declined.status == 1 and "nothing deleted" in declined.stderr
    assert _trash_ids(workon_home) == sorted(two_in_trash.values())
    accepted = answer_on_terminal(["trash", "empty"], "y")
    assert accepted.status == 0, accepted.stderr
    assert "deleted 2 entries" in accepted.stderr
    assert _trash_ids(workon_home) == []


def test_trash_empty_of_an_empty_trash_says_so(cli: Any, workon_home: Path) -> None:
    result = cli("trash", "empty")
    assert result.returncode == 0, result.stderr
    assert result.stderr == "venvreg: nothing to delete: no trash entries at all\n"
    assert result.stdout == ""


def test_trash_empty_refuses_a_bad_duration(cli: Any, workon_home: Path) -> None:
    result = cli("trash", "empty", "--older-than", "soon")
    assert result.returncode == 2
    assert "bad duration 'soon'" in result.stderr


def test_expired_entries_go_on_the_next_removal(
    cli: Any, workon_home: Path, env_in_home: Any
) -> None:
    env_in_home("ancient")
    env_in_home("fresh")
    cli("ls")
    assert cli("rm", "ancient", "--yes").returncode == 0
    (ancient_id,) = _trash_ids(workon_home)
    _age_entry(workon_home, ancient_id, days=31)  # trash_days defaults to 30
    assert cli("rm", "fresh", "--yes").returncode == 0
    names = [e["name"] for e in json.loads(cli("trash", "list", "--json").stdout)]
    assert names == ["fresh"]


# --- interrupted removal -----------------------------------------------------------------


def _interrupt_removal(name: str, *, folder_moved: bool) -> str:
    """Leave the state a kill -9 leaves between the steps of a removal: the trash entry
    written, the row marked `removing`, and the folder moved (or not yet)."""
    context = open_context()
    try:
        record = envs.get_by_name(context.conn, name)
        assert record is not None and record.id is not None
        entry = TrashEntry(
            id=new_entry_id(),
            name=record.name,
            original_path=record.path,
            removed_at=time.time(),
            kind="folder",
            record=record.as_dict(),
        )
        write_entry(context.home, entry)
        with write_transaction(context.conn):
            envs.update(context.conn, record.id, status="removing", pending_trash=entry.id)
        if folder_moved:
            os.rename(record.path, entry.env_path(context.home))
        return entry.id
    finally:
        context.close()


@pytest.mark.parametrize("folder_moved", [True, False])
def test_an_interrupted_removal_is_finished_by_the_next_command(
    cli: Any, workon_home: Path, env_in_home: Any, row: Any, listing: Any, folder_moved: bool
) -> None:
    env = env_in_home("halfway")
    env_in_home("bystander")
    cli("ls")
    entry_id = _interrupt_removal("halfway", folder_moved=folder_moved)
    assert row("halfway")["status"] == "removing"

    listed = listing()  # the next command, whatever it is, finishes the removal
    assert "halfway" not in listed
    assert listed["bystander"]["healthy"] is True
    assert row("halfway") is None
    assert not env.exists()
    assert (_trash(workon_home) / entry_id / "env" / "pyvenv.cfg").is_file()
    assert [e["name"] for e in json.loads(cli("trash", "list", "--json").stdout)] == ["halfway"]
    assert cli("restore", "halfway").returncode == 0
    assert (env / "pyvenv.cfg").is_file()


def test_a_failed_move_to_the_trash_keeps_the_env_registered(
    cli: Any, cli_unprivileged: Any, workon_home: Path, env_in_home: Any, row: Any, listing: Any
) -> None:
    """The move fails (WORKON_HOME is read-only, the trash is not): the env stays registered
    and usable, and no later command 'finishes' a removal the user was told had failed."""
    env = env_in_home("stays")
    cli("ls")
    workon_home.chmod(0o555)
    try:
        result = cli_unprivileged("rm", "stays", "--yes")
        assert result.returncode == 1
        assert "could not move" in result.stderr and "Permission denied" in result.stderr
        assert "Traceback" not in result.stderr
        assert row("stays")["status"] == "ready"
        again = cli_unprivileged("ls", "-b")  # the next command does not retry the removal
        assert again.returncode == 0, again.stderr
        assert again.stdout == "stays\n"
    finally:
        workon_home.chmod(0o700)
    assert listing()["stays"]["status"] == "ready"  # nor once WORKON_HOME is writable again
    assert (env / "pyvenv.cfg").is_file()
    assert json.loads(cli("trash", "list", "--json").stdout) == []
