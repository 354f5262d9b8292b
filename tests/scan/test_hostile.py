"""Hostile group G: symbolic link loops and links to /, permission-denied folders, folders
vanishing mid-walk, Ctrl-C, other filesystems, /proc /sys /dev, network mounts, a FIFO named
pyvenv.cfg, names that are not UTF-8. Each test checks what was found and what was counted."""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from venvreg.core.scan import Progress, ScanOptions, ScanReport, ScanState, scan
from venvreg.core.session import open_context
from venvreg.registry import db

from .conftest import by_path, run_unprivileged, run_venvreg, scan_json
from .trees import Maker, write

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX: FIFOs, symlinks, setpriv")


def scan_in_process(options: ScanOptions, progress: Progress | None = None) -> ScanReport:
    """The core scan, run here (for callbacks), against the isolated WORKON_HOME."""
    context = open_context()
    try:
        return scan(context, options, progress)
    finally:
        context.close()


def test_symlink_loops_and_links_to_root_are_not_followed(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    tree = isolated / "tree"
    env = maker.env("venv", tree / "a" / "env")
    (tree / "a" / "loop").symlink_to(tree)
    (tree / "a" / "self").symlink_to("self")
    (tree / "root").symlink_to("/")
    (tree / "env-link").symlink_to(env)
    report = scan_json(sandbox, str(tree), "--no-size")
    assert [e["path"] for e in report["environments"]] == [str(env)]
    assert report["folders_visited"] == 3  # tree, tree/a and the env: no link was entered
    # A root given as a link is followed (like find -H), and what is under it keeps its name.
    via_link = scan_json(sandbox, str(tree / "a" / "loop"), "--no-size")
    assert [e["path"] for e in via_link["environments"]] == [str(tree / "a" / "loop/a/env")]


def test_permission_denied_folders_are_counted(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    tree = isolated / "tree"
    visible = maker.env("venv", tree / "open" / "env")
    hidden = maker.env("venv", tree / "locked" / "env")
    (tree / "locked").chmod(0)
    try:
        result = run_unprivileged(sandbox, "scan", str(tree), "--no-size", "--json")
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert set(by_path(report)) == {str(visible)}
        assert report["skipped"]["permission_denied"] == 1
        assert report["skipped_paths"]["permission_denied"] == [str(tree / "locked")]
        table = run_unprivileged(sandbox, "scan", str(tree), "--no-size").stdout
        assert f"1 permission denied, e.g. {tree / 'locked'}" in table
    finally:
        (tree / "locked").chmod(0o755)
    # With root's override the same folder is readable: the lock was what hid it.
    assert set(by_path(scan_json(sandbox, str(tree), "--no-size"))) == {str(visible), str(hidden)}


def test_folders_vanishing_mid_walk_are_counted(isolated: Path, maker: Maker) -> None:
    tree = isolated / "tree"
    for name in ("a", "b", "c", "d"):
        maker.env("venv", tree / name / "deeper" / "env")
    visited: list[str] = []
    deleted: list[Path] = []

    def delete_siblings(state: ScanState) -> None:
        """At the first folder below the root, delete its siblings: listed, not yet walked."""
        visited.append(state.current)
        if len(visited) == 2:
            for sibling in (tree / n for n in "abcd"):
                if str(sibling) != state.current:
                    shutil.rmtree(sibling)
                    deleted.append(sibling)

    report = scan_in_process(ScanOptions([str(tree)], measure_sizes=False), delete_siblings)
    assert len(deleted) == 3
    assert report.counters.vanished == 3
    assert sorted(report.skipped_paths["vanished"]) == sorted(map(str, deleted))
    survivor = Path(visited[1]) / "deeper" / "env"
    assert [env.path for env in report.envs] == [str(survivor)]
    assert not report.interrupted


def test_ctrl_c_in_process_returns_what_was_found(isolated: Path, maker: Maker) -> None:
    tree = isolated / "tree"
    envs = [maker.env("venv", tree / f"p{i}" / ".venv") for i in range(4)]

    def stop_after_first_env(state: ScanState) -> None:
        if state.counters.envs_found == 1:
            raise KeyboardInterrupt

    report = scan_in_process(ScanOptions([str(tree)]), stop_after_first_env)
    assert report.interrupted_by == signal.SIGINT
    assert len(report.envs) == 1 and report.envs[0].path in map(str, envs)
    assert report.envs[0].owner == "venv" and report.envs[0].healthy


@pytest.fixture(scope="session")
def wide_tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """5,000 empty folders: the signal is sent after the first root's 3 folders, and lands a
    few folders later; walking these takes some 100 times longer than that."""
    root = tmp_path_factory.mktemp("wide")
    for a in range(20):
        os.mkdir(root / f"d{a}")
        for b in range(250):
            os.mkdir(root / f"d{a}" / f"e{b}")
    return root


@pytest.fixture
def terminal() -> Iterator[tuple[int, int]]:
    main, child = os.openpty()
    yield main, child
    for fd in (main, child):
        with contextlib.suppress(OSError):
            os.close(fd)


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_prints_what_was_found_as_json(
    sandbox: dict[str, str],
    isolated: Path,
    maker: Maker,
    wide_tree: Path,
    terminal: tuple[int, int],
    signum: int,
) -> None:
    """The first root holds an env and is walked first; the second takes long. Once the live
    line (stderr on a terminal) says an env was found, Ctrl-C's SIGINT (or SIGTERM): exit
    128+N, and valid JSON with what was found."""
    first = isolated / "first"
    env = maker.env("venv", first / "proj" / ".venv")
    main, child = terminal
    process = subprocess.Popen(
        [sys.executable, "-m", "venvreg", "scan", str(first), str(wide_tree), "--json"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=child,
        env={**os.environ, **sandbox},
        text=True,
    )
    os.close(child)
    seen = b""
    deadline = time.monotonic() + 60
    while b"1 env(s) found" not in seen:
        assert time.monotonic() < deadline, f"no progress line: {seen!r}"
        ready, _, _ = select.select([main], [], [], 1)
        if ready:
            seen += os.read(main, 65536)
    process.send_signal(signum)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 128 + signum
    report = json.loads(out)
    assert report["interrupted"] is True
    assert [e["path"] for e in report["environments"]] == [str(env)]
    assert report["environments"][0]["owner"] == "venv"
    assert 3 <= report["folders_visited"] < 3 + 1 + 20 + 5_000
    assert b"scanning: " in seen and b"folders (" in seen


def test_the_progress_line_is_only_for_terminals(sandbox: dict[str, str], isolated: Path) -> None:
    (isolated / "empty").mkdir()
    result = run_venvreg(sandbox, "scan", str(isolated / "empty"), "--json")
    assert result.returncode == 0
    assert "scanning" not in result.stderr and "\r" not in result.stderr


def test_proc_sys_dev_are_never_walked(sandbox: dict[str, str]) -> None:
    report = scan_json(sandbox, "/", "--no-size", "--max-depth", "1", "--cross-file-systems")
    special = report["skipped_paths"]["special_filesystems"]
    assert {"/proc", "/sys", "/dev"} <= set(special)
    assert not any(
        e["path"].startswith(("/proc/", "/sys/", "/dev/")) for e in report["environments"]
    )


def _shm_is_another_filesystem() -> Path:
    shm = Path("/dev/shm")
    assert shm.is_dir() and os.stat(shm).st_dev != os.stat("/dev").st_dev, (
        "these tests need /dev/shm to be a tmpfs mount, as on any Linux with glibc"
    )
    return shm


@pytest.fixture
def shm_env(maker: Maker) -> Iterator[Path]:
    """An env on /dev/shm (tmpfs), a filesystem of its own below /dev."""
    shm = _shm_is_another_filesystem()
    folder = shm / f"venvreg-scan-test-{os.getpid()}"
    env = maker.env("venv", folder / "env")
    yield env
    shutil.rmtree(folder, ignore_errors=True)


def test_other_filesystems_are_entered_only_when_asked(
    sandbox: dict[str, str], shm_env: Path
) -> None:
    """/dev itself is never walked below a root, but a root is a root: from /dev, /dev/shm is
    another filesystem (tmpfs), /dev/pts a virtual one (devpts)."""
    default = scan_json(sandbox, "/dev", "--no-size", "--max-depth", "3")
    assert str(shm_env) not in by_path(default)
    assert "/dev/shm" in default["skipped_paths"]["other_filesystems"]
    crossing = scan_json(sandbox, "/dev", "--no-size", "--max-depth", "3", "--cross-file-systems")
    assert str(shm_env) in by_path(crossing)
    assert by_path(crossing)[str(shm_env)]["owner"] == "venv"
    assert "/dev/pts" in crossing["skipped_paths"]["special_filesystems"]
    assert "/dev/shm" not in crossing["skipped_paths"]["other_filesystems"]


def test_network_mounts_are_never_entered(
    isolated: Path, shm_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No NFS server here: the real mount table is given with /dev/shm's type made nfs4, and
    the scanner's real parser reads it (the only stand-in in these tests)."""
    lines = Path("/proc/self/mountinfo").read_text().splitlines()
    forged = []
    for line in lines:
        left, sep, right = line.partition(" - ")
        if left.split()[4] == "/dev/shm":
            right = "nfs4 server:/export " + " ".join(right.split()[2:])
        forged.append(left + sep + right)
    mountinfo = write(isolated / "mountinfo", "\n".join(forged) + "\n")
    monkeypatch.setattr(db, "MOUNTINFO", mountinfo)
    options = ScanOptions(["/dev"], max_depth=3, one_file_system=False, measure_sizes=False)
    report = scan_in_process(options)
    assert str(shm_env) not in [env.path for env in report.envs]
    assert "/dev/shm" in report.skipped_paths["special_filesystems"]


def test_a_fifo_named_pyvenv_cfg_is_never_opened(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    """Opening a FIFO for reading blocks until a writer comes: the scan must finish anyway."""
    tree = isolated / "tree"
    env = tree / "proj" / ".venv"
    (env / "bin").mkdir(parents=True)
    os.mkfifo(env / "pyvenv.cfg")
    (tree / "alone").mkdir()
    os.mkfifo(tree / "alone" / "pyvenv.cfg")
    healthy = maker.env("venv", tree / "other" / "venv")
    started = time.monotonic()
    entries = by_path(scan_json(sandbox, str(tree)))
    assert time.monotonic() - started < 30
    assert set(entries) == {str(env), str(healthy)}
    assert entries[str(env)]["problems"][0] == "pyvenv.cfg is not a small regular file"
    assert entries[str(env)]["owner"] == "unknown"
    assert entries[str(healthy)]["healthy"] is True


def test_paths_that_are_not_utf8(sandbox: dict[str, str], isolated: Path, maker: Maker) -> None:
    tree = isolated / "tree"
    tree.mkdir()
    odd = os.path.join(os.fsencode(tree), b"caf\xe9-proj")
    os.mkdir(odd)
    env = maker.env("venv", Path(os.fsdecode(odd)) / ".venv")
    result = run_venvreg(sandbox, "scan", str(tree), "--no-size", "--json")
    assert result.returncode == 0, result.stderr
    assert "\\udce9" in result.stdout  # valid UTF-8 JSON, the byte kept as an escape
    entry = json.loads(result.stdout)["environments"][0]
    assert os.fsencode(entry["path"]) == os.fsencode(env)
    assert entry["adoptable"] is False and entry["project_path"] == os.fsdecode(odd)
    table = run_venvreg(sandbox, "scan", str(tree), "--no-size")
    assert "caf\\xe9-proj/.venv" in table.stdout
    refused = run_venvreg(sandbox, "adopt", str(env))
    assert refused.returncode == 2 and "not valid UTF-8" in refused.stderr


def test_nothing_found_is_run(sandbox: dict[str, str], isolated: Path) -> None:
    """An env whose interpreter and scripts would leave a mark if anything ran them."""
    env = isolated / "tree" / "trap"
    (env / "bin").mkdir(parents=True)
    mark = isolated / "RAN"
    for name in ("python", "python3", "activate", "pip"):
        write(env / "bin" / name, f"#!/bin/sh\ntouch '{mark}'\n").chmod(0o755)
    write(env / "pyvenv.cfg", f"home = {env / 'bin'}\nversion = 3.99.0\n")
    entries = by_path(scan_json(sandbox, str(isolated / "tree")))
    assert entries[str(env)]["python_version"] == "3.99.0"
    assert not mark.exists()


def test_another_venvreg_trash_is_not_offered(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    tree = isolated / "tree"
    kept = maker.env("venv", tree / "proj" / ".venv")
    other_home = tree / "other-home"
    removed = maker.env("venv", other_home / "gone")
    other = {**sandbox, "WORKON_HOME": str(other_home)}
    assert run_venvreg(other, "rm", "gone", "--yes").returncode == 0  # now in its trash
    assert not removed.exists()
    report = scan_json(sandbox, str(tree), "--no-size")
    assert [e["path"] for e in report["environments"]] == [str(kept)]
