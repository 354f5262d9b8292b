"""Guards found in review: a stale plan, envs on another filesystem, and WORKON_HOME folders
that become envs after the last scan."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from support import make_plain_venv
from venvreg.core.reconcile import reconcile
from venvreg.core.remove import plan_removal, remove
from venvreg.core.session import open_context
from venvreg.errors import Refused


@pytest.fixture
def other_filesystem(tmp_path: Path) -> Iterator[Path]:
    """A folder on another filesystem than WORKON_HOME (tmpfs /dev/shm), where the trash's
    rename cannot reach."""
    folder = Path(tempfile.mkdtemp(dir="/dev/shm", prefix="venvreg-test-"))
    if os.stat(folder).st_dev == os.stat(tmp_path).st_dev:
        shutil.rmtree(folder)
        pytest.fail("/dev/shm must be a filesystem of its own for this test")
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def test_a_stale_plan_removes_nothing(workon_home: Path) -> None:
    make_plain_venv(workon_home / "foo")
    context = open_context()
    try:
        reconcile(context)
        plan = plan_removal(context, "foo")  # what a confirmation prompt would have shown
        shutil.rmtree(workon_home / "foo")  # meanwhile another tool recreates it
        make_plain_venv(workon_home / "foo")
        reconcile(context, rescan_home=True)
        with pytest.raises(Refused, match="changed since it was checked"):
            remove(context, plan)
    finally:
        context.close()
    assert (workon_home / "foo" / "pyvenv.cfg").is_file()


def test_a_project_folder_on_another_filesystem_is_never_deleted(
    cli: Any, other_filesystem: Path
) -> None:
    project = make_plain_venv(other_filesystem / "proj")  # `python -m venv .` in a project
    (project / "main.py").write_text("print('precious')\n", encoding="utf-8")
    (project / ".git").mkdir()
    assert cli("adopt", str(project), "--name", "proj").returncode == 0
    result = cli("rm", "proj", "--yes")
    assert result.returncode == 1
    assert "holds more than an environment (.git, main.py)" in result.stderr
    assert (project / "main.py").read_text(encoding="utf-8") == "print('precious')\n"
    assert [env["name"] for env in json.loads(cli("ls", "--json").stdout)] == ["proj"]


def test_a_venv_on_another_filesystem_is_deleted_and_rebuilt_from_its_snapshot(
    cli: Any, other_filesystem: Path
) -> None:
    env = make_plain_venv(other_filesystem / ".venv")
    assert cli("adopt", str(env), "--name", "elsewhere").returncode == 0
    assert "deleted for good" in cli("rm", "elsewhere").stderr  # the confirmation says so
    assert cli("rm", "elsewhere", "--yes").returncode == 0
    assert not env.exists()
    (entry,) = json.loads(cli("trash", "list", "--json").stdout)
    assert entry["kind"] == "snapshot"


def test_a_link_on_another_filesystem_loses_only_the_link(
    cli: Any, other_filesystem: Path, tmp_path: Path
) -> None:
    target = make_plain_venv(tmp_path / "real-env")
    link = other_filesystem / "linked-env"
    link.symlink_to(target)
    assert cli("adopt", str(link), "--name", "linked").returncode == 0
    result = cli("rm", "linked", "--yes")
    assert result.returncode == 0, result.stderr
    assert not os.path.lexists(link)
    assert (target / "pyvenv.cfg").is_file()
    assert cli("ls", "--json").returncode == 0  # no stuck leftover breaks later commands
    assert cli("restore", "linked").returncode == 0
    assert os.readlink(link) == str(target)


def test_a_folder_that_becomes_an_env_after_the_scan_is_registered(
    cli: Any, workon_home: Path
) -> None:
    workon_home.mkdir(parents=True, exist_ok=True)
    (workon_home / "later").mkdir()
    os.utime(workon_home, (1_000_000_000, 1_000_000_000))  # an mtime the cache trusts
    assert json.loads(cli("ls", "--json").stdout) == []
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(workon_home / "later")], check=True
    )
    os.utime(workon_home, (1_000_000_000, 1_000_000_000))  # WORKON_HOME itself did not change
    assert [env["name"] for env in json.loads(cli("ls", "--json").stdout)] == ["later"]
