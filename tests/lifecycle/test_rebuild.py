"""`venvreg rebuild`: real broken envs rebuilt with their packages; interrupted rebuilds (SIGTERM,
Ctrl-C, kill -9) leave the old env working under its name; failures roll back."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support import make_plain_venv, wait_for
from venvreg.envdir.identity import identity_of

from .conftest import (
    SIX,
    XY,
    Base,
    json_out,
    ok,
    row,
    six_version,
    trash_ids,
)

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
WHEEL = "six-1.17.0-py2.py3-none-any.whl"


def _rebuild_dir(workon_home: Path) -> Path:
    return workon_home / ".venvreg" / "rebuild"


def test_rebuild_broken_recreates_the_broken_env_only(
    cli: CliRunner, make_env: Callable[..., Path], base: Base, tmp_path: Path, workon_home: Path
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    env = make_env("old", "-p", str(base.python), "-a", str(project))
    (env / "bin" / "postactivate").write_text("echo hello from the hook\n")
    ok(cli("run", "old", "--", "python", "-c", "pass"))  # one recorded use
    fine = make_env("fine", packages=())
    fine_inode = fine.stat().st_ino
    before = row(workon_home, "old")
    assert before is not None
    base.remove()
    assert env_broken(cli, "old")

    result = ok(cli("rebuild", "--broken"))
    assert "[1/1] rebuilding old" in result.stderr  # plain progress lines: no terminal here
    match = re.search(r"the old env is trash entry (\S+)", result.stderr)
    assert match, result.stderr
    assert six_version(env) == "1.17.0"
    after = row(workon_home, "old")
    assert after is not None
    assert after["id"] == before["id"] and after["created_at"] == before["created_at"]
    assert after["use_count"] == 1 and after["project_path"] == str(project)
    assert after["identity"] == identity_of(env) != before["identity"]
    assert after["python_version"].startswith(XY)
    assert (env / "bin" / "postactivate").read_text() == "echo hello from the hook\n"
    assert (env / ".project").read_text().strip() == str(project)
    assert fine.stat().st_ino == fine_inode  # healthy envs are left alone
    assert trash_ids(workon_home) == [match.group(1)]
    old_copy = workon_home / ".venvreg" / "trash" / match.group(1) / "env"
    assert os.readlink(old_copy / "bin" / "python") == str(base.python)  # the old env, kept
    assert not _rebuild_dir(workon_home).exists()
    assert ok(cli("doctor")).returncode == 0


def env_broken(cli: CliRunner, name: str) -> bool:
    return json_out(cli("doctor", name, "--json"))["healthy"] is False


@contextlib.contextmanager
def _held_at_pip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], bool]]:
    """pip's only wheel is a FIFO: the rebuild blocks inside `pip install`, after the new env
    was created, until the test lets go. Yields `pip_is_reading()`."""
    folder = tmp_path / "fifo-wheelhouse"
    folder.mkdir()
    fifo = folder / WHEEL
    os.mkfifo(fifo)
    monkeypatch.setenv("PIP_FIND_LINKS", str(folder))
    writer: list[int] = []

    def pip_is_reading() -> bool:
        if not writer:
            try:  # succeeds only once pip has the FIFO open for reading; pip then waits in read
                writer.append(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
            except OSError as error:
                assert error.errno == errno.ENXIO
                return False
        return True

    try:
        yield pip_is_reading
    finally:
        if writer:
            os.close(writer[0])  # pip reads EOF, fails and exits: nothing is left running
        else:
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_an_interrupted_rebuild_leaves_the_old_env_working(
    make_env: Callable[..., Path],
    start_cli: Callable[..., subprocess.Popen[str]],
    workon_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: CliRunner,
    signum: int,
    status: int,
) -> None:
    env = make_env("api")
    inode, before = env.stat().st_ino, row(workon_home, "api")
    with _held_at_pip(tmp_path, monkeypatch) as pip_is_reading:
        process = start_cli("rebuild", "api")
        wait_for(pip_is_reading, "pip to open the wheel", process)
        assert env.stat().st_ino != inode  # halfway: the new env stands where the old one was
        assert (env / "pyvenv.cfg").is_file()
        os.kill(process.pid, signum)
        _, err = process.communicate(timeout=120)
    assert process.returncode == status, err
    assert f"interrupted by signal {signum}" in err
    assert env.stat().st_ino == inode  # the very same folder is back
    assert six_version(env) == "1.17.0"
    assert row(workon_home, "api") == before
    assert trash_ids(workon_home) == [] and not _rebuild_dir(workon_home).exists()
    ok(cli("doctor"))


def test_kill_9_mid_rebuild_is_rolled_back_by_the_next_command(
    make_env: Callable[..., Path],
    start_cli: Callable[..., subprocess.Popen[str]],
    workon_home: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    cli: CliRunner,
) -> None:
    env = make_env("api")
    inode = env.stat().st_ino
    with _held_at_pip(tmp_path, monkeypatch) as pip_is_reading:
        process = start_cli("rebuild", "api")
        wait_for(pip_is_reading, "pip to open the wheel", process)
        process.kill()
        process.communicate(timeout=60)
        assert not env.exists() or env.stat().st_ino != inode  # the old env waits aside

        report = cli("doctor", "--json")  # reports it, and (read-only) changes nothing
        assert report.returncode == 1
        kinds = [finding["kind"] for finding in json_out(report)["findings"]]
        assert kinds == ["interrupted-rebuild"]
        assert _rebuild_dir(workon_home).exists()

        ok(cli("ls"))  # any command rolls it back
    assert env.stat().st_ino == inode
    assert six_version(env) == "1.17.0"
    assert not _rebuild_dir(workon_home).exists() and trash_ids(workon_home) == []
    ok(cli("doctor"))


def test_a_failed_reinstall_rolls_back(
    make_env: Callable[..., Path],
    cli: CliRunner,
    workon_home: Path,
    tmp_path: Path,
) -> None:
    env = make_env("api")
    inode, before = env.stat().st_ino, row(workon_home, "api")
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    result = cli("rebuild", "api", env={"PIP_FIND_LINKS": str(empty)})
    assert result.returncode == 1
    assert "error: 'api' not rebuilt, left as it was: pip install failed" in result.stderr
    assert env.stat().st_ino == inode and six_version(env) == "1.17.0"
    assert row(workon_home, "api") == before
    assert trash_ids(workon_home) == []


def _other_python() -> tuple[str, str]:
    """(interpreter, X.Y) of a Python of another minor version when one is installed (pyenv's
    or on PATH), else this one's base interpreter: -p then only changes the path."""
    roots = [Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"]
    candidates: list[Path] = []
    for root in roots:
        candidates += sorted(root.glob("3.*/bin/python3.*"))
    for folder in os.environ.get("PATH", "").split(os.pathsep):
        candidates += sorted(Path(folder).glob("python3.1[0-9]"))
    for candidate in candidates:
        found = re.fullmatch(r"python(3\.\d+)", candidate.name)
        if found and found.group(1) != XY and found.group(1) >= "3.10" and candidate.is_file():
            probe = subprocess.run([str(candidate), "-c", "pass"], capture_output=True)
            if probe.returncode == 0:
                return str(candidate), found.group(1)
    return str(Path(sys.base_prefix) / "bin" / f"python{XY}"), XY


def test_rebuild_onto_another_interpreter(
    make_env: Callable[..., Path], cli: CliRunner, workon_home: Path
) -> None:
    env = make_env("api")
    python, version = _other_python()
    result = ok(cli("rebuild", "api", "-p", python))
    assert "rebuilt 'api'" in result.stderr
    after = row(workon_home, "api")
    assert after is not None and after["python_version"].startswith(version)
    assert six_version(env) == "1.17.0"
    assert ok(cli("freeze", "api")).stdout.strip() == SIX


def test_what_cannot_be_rebuilt_is_refused_and_untouched(cli: CliRunner, workon_home: Path) -> None:
    workon_home.mkdir(parents=True)
    active = make_plain_venv(workon_home / "active")
    ok(cli("ls"))
    inode = active.stat().st_ino
    result = cli("rebuild", "active", env={"VIRTUAL_ENV": str(active)})
    assert result.returncode == 1
    assert "'active' is the active environment; run `deactivate` first" in result.stderr
    assert active.stat().st_ino == inode
    both = cli("rebuild", "active", "--broken")
    assert both.returncode == 2
    assert "give environment names or --broken (not both)" in both.stderr
    unknown = cli("rebuild", "nope")
    assert unknown.returncode == 1 and "no environment named 'nope'" in unknown.stderr
