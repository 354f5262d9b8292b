"""One lock per env (issue 8, finding 14: rebuild and remove took different locks): rm,
rebuild, rename, copy, wipe (and the shell's wipeenv) and restore share the env's lock, and a
second command on an env that another one is changing is refused at once with a clear message,
touching nothing.

The first command is held at a known step (VENVREG_TEST_HOLD, src/venvreg/fs/holds.py) while the
env's lock is held; the test releases it through a FIFO. No sleeps.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from support import Hold

Cli = Callable[..., subprocess.CompletedProcess[str]]
Start = Callable[..., subprocess.Popen[str]]
BUSY = "is busy: another venvreg command"


def held(start_cli: Start, hold: Hold, step: str, *args: str) -> subprocess.Popen[str]:
    """Start `venvreg ARGS` and wait until it stops at `step`, holding the env's lock."""
    process = start_cli(*args, env=hold.env(step))
    hold.wait_held(process, step)
    return process


def release(hold: Hold, process: subprocess.Popen[str]) -> tuple[int, str]:
    hold.release()
    _, err = process.communicate(timeout=300)
    return process.returncode, err


def names(cli: Cli) -> list[str]:
    return sorted(e["name"] for e in json.loads(cli("ls", "--json").stdout))


def test_rm_copy_and_rename_are_refused_while_a_rebuild_holds_the_env(
    cli: Cli, start_cli: Start, hold: Hold, env_in_home: Callable[[str], Path]
) -> None:
    env = env_in_home("api")
    assert names(cli) == ["api"]
    rebuild = held(start_cli, hold, "rebuild-locked", "rebuild", "api")

    for args in (("rm", "api", "--yes"), ("copy", "api", "api2"), ("rename", "api", "api3")):
        refused = cli(*args)
        assert refused.returncode == 1, (args, refused.stderr)
        assert f"'api' {BUSY}" in refused.stderr, refused.stderr
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
    assert names(cli) == ["api"]  # no api2, no api3, api still there
    assert json.loads(cli("trash", "list", "--json").stdout) == []

    status, err = release(hold, rebuild)
    assert status == 0, err
    assert (env / "pyvenv.cfg").is_file()
    removed = cli("rm", "api", "--yes")  # free again once the rebuild is done
    assert removed.returncode == 0, removed.stderr
    assert not env.exists()


def test_rebuild_and_wipe_are_refused_while_rm_holds_the_env(
    cli: Cli, start_cli: Start, hold: Hold, env_in_home: Callable[[str], Path]
) -> None:
    env = env_in_home("api")
    (site,) = (env / "lib").glob("python*/site-packages")
    package = site / "fakepkg-1.0.dist-info"
    package.mkdir()
    (package / "METADATA").write_text("Name: fakepkg\nVersion: 1.0\n", encoding="utf-8")
    env_in_home("other")
    assert names(cli) == ["api", "other"]
    assert cli("rm", "other", "--yes").returncode == 0
    remove = held(start_cli, hold, "remove-locked", "rm", "api", "--yes")

    refused = cli("rebuild", "api")
    assert refused.returncode == 1 and f"'api' {BUSY}" in refused.stderr, refused.stderr
    assert (env / "pyvenv.cfg").is_file()
    assert not (env.parent / ".venvreg" / "rebuild").exists()
    wiped = cli("wipe", "api", "--yes")  # a package to uninstall: wipe would run pip
    assert wiped.returncode == 1 and f"'api' {BUSY}" in wiped.stderr, wiped.stderr
    shell_wiped = cli("__shell", "bash", "wipeenv", "--", env={"VIRTUAL_ENV": str(env)})
    assert shell_wiped.returncode == 1, shell_wiped.stderr
    assert f"'api' {BUSY}" in shell_wiped.stderr and shell_wiped.stdout == ""
    assert (package / "METADATA").is_file()

    status, err = release(hold, remove)
    assert status == 0, err
    assert not env.exists()
    assert names(cli) == []
    assert cli("restore", "other").returncode == 0  # a restore takes the lock of its name
    assert names(cli) == ["other"]


def test_rm_and_rebuild_share_one_lock_file(
    isolated: Path, env_in_home: Callable[[str], Path]
) -> None:
    """Each operation's lock path for one env is the same file (what leftovers and doctor
    check for an operation in progress)."""
    code = (
        "from venvreg.core.session import open_context\n"
        "ctx = open_context()\n"
        "ops = ('remove', 'rebuild', 'rename', 'copy', 'wipe', 'restore', 'env')\n"
        "paths = {ctx.lock_path(op, 'api') for op in ops}\n"
        "print(len(paths), ctx.lock_path('create', 'api').name)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out[0] == "1" and out[1].startswith("create-")
