"""prune sees use (issue 8, finding 13): prune moved an env to the trash while a Python started
from it was running in another process, and offered an env whose code had just run (bytecode
freshly written in its site-packages) as "unused for 200 days"."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

DAY = 86400.0
OLD = time.time() - 200 * DAY


def _age_everything(env: Path) -> None:
    """Every file and folder in the env 200 days old, access times included (links too)."""
    for folder, dirs, files in os.walk(env):
        for name in [*dirs, *files]:
            os.utime(Path(folder) / name, (OLD, OLD), follow_symlinks=False)
    os.utime(env, (OLD, OLD))


def _site_packages(env: Path) -> Path:
    return next((env / "lib").glob("python*/site-packages"))


@pytest.fixture
def old_env(cli: Any, env_in_home: Callable[[str], Path]) -> Path:
    """A registered env holding one package (never imported yet), untouched for 200 days."""
    env = env_in_home("old")
    package = _site_packages(env) / "vrusedpkg"
    package.mkdir()
    (package / "__init__.py").write_text("VALUE = 1\n")
    assert cli("ls").returncode == 0
    _age_everything(env)
    return env


def _prune_json(cli: Any, *args: str) -> dict[str, Any]:
    result = cli("prune", "--unused-for", "100d", "--dry-run", "--json", *args)
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def _env_python_environment() -> dict[str, str]:
    environment = dict(os.environ)
    for variable in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX", "PYTHONHOME"):
        environment.pop(variable, None)
    return environment


def test_an_untouched_env_is_offered(old_env: Path, cli: Any) -> None:
    """The control: the same env, not run, is a candidate unused for 200 days; venvreg's own
    reading of it (ls, show, doctor, scan, a prune) leaves no trace that counts as use."""
    (_site_packages(old_env) / "_vrtest.pth").write_text("# read at every start-up\n")
    _age_everything(old_env)
    for command in (["ls"], ["show", "old"], ["doctor"], ["scan", str(old_env.parent)]):
        cli(*command)
    _prune_json(cli)
    report = _prune_json(cli)
    assert [c["name"] for c in report["candidates"]] == ["old"]
    assert "unused for 200 days" in report["candidates"][0]["details"][0]


def test_an_env_whose_code_just_ran_is_not_unused(old_env: Path, cli: Any) -> None:
    subprocess.run(
        [str(old_env / "bin" / "python"), "-c", "import vrusedpkg"],
        check=True,
        env=_env_python_environment(),
    )
    assert list((_site_packages(old_env) / "vrusedpkg" / "__pycache__").glob("*.pyc"))

    report = _prune_json(cli)
    assert report["candidates"] == [], report
    # The evidence names it: with a shorter limit the env is offered, last used by bytecode.
    recent = _prune_json(cli, "--unused-for", "0d")["candidates"]
    assert [(c["name"], c["last_use_source"]) for c in recent] == [("old", "bytecode")]


HOLD = "import sys; print('up', flush=True); sys.stdin.readline()"


@pytest.fixture
def running_python(old_env: Path) -> Iterator[subprocess.Popen[str]]:
    """The env's own Python, started and held on its stdin, in another process."""
    process = subprocess.Popen(
        [str(old_env / "bin" / "python"), "-B", "-c", HOLD],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=_env_python_environment(),
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "up"
    _age_everything(old_env)  # whatever its start-up touched: only the process says "in use"
    yield process
    process.kill()
    process.wait()


def test_prune_leaves_an_env_alone_while_its_python_runs(
    running_python: subprocess.Popen[str], old_env: Path, cli: Any
) -> None:
    report = _prune_json(cli)
    assert report["candidates"] == []
    why = {entry["name"]: entry["why"] for entry in report["left_alone"]}
    assert why["old"] == f"in use now: pid {running_python.pid} (python) was started from it"

    removed = cli("prune", "--unused-for", "100d", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert f"left alone: 'old': in use now: pid {running_python.pid}" in removed.stderr
    assert (old_env / "pyvenv.cfg").is_file()
    assert "old" in {e["name"] for e in json.loads(cli("ls", "--json").stdout)}

    running_python.kill()
    running_python.wait()
    gone = cli("prune", "--unused-for", "100d", "--yes")
    assert gone.returncode == 0, gone.stderr
    assert not old_env.exists()  # once it stops, the env is unused again and goes


def test_an_activated_shell_keeps_its_env(old_env: Path, cli: Any) -> None:
    """A shell (or anything started from it) with the env activated is a use happening now."""
    shell = subprocess.Popen(
        ["sh", "-c", "echo up; read line"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "VIRTUAL_ENV": str(old_env)},
    )
    try:
        assert shell.stdout is not None and shell.stdout.readline().strip() == "up"
        why = {e["name"]: e["why"] for e in _prune_json(cli)["left_alone"]}
        assert why["old"] == f"in use now: pid {shell.pid} (sh) has it activated"
    finally:
        shell.kill()
        shell.wait()


def test_starting_the_env_python_counts_through_its_pth_files(old_env: Path, cli: Any) -> None:
    """No bytecode written (-B) and nothing imported: the .pth files the interpreter reads at
    start-up are the trace (access times, kept by relatime filesystems such as this one)."""
    pth = _site_packages(old_env) / "_vrtest.pth"
    pth.write_text("# read at every start-up\n")
    _age_everything(old_env)
    before = pth.stat().st_atime
    subprocess.run(
        [str(old_env / "bin" / "python"), "-B", "-c", "pass"],
        check=True,
        env=_env_python_environment(),
    )
    assert pth.stat().st_atime > before

    assert _prune_json(cli)["candidates"] == []
    recent = _prune_json(cli, "--unused-for", "0d")["candidates"]
    assert [(c["name"], c["last_use_source"]) for c in recent] == [("old", "start-up")]


OPEN_AND_HOLD = (
    "import sys; handle = open(sys.argv[1]); print('up', flush=True); sys.stdin.readline()"
)


def test_a_process_with_a_file_of_the_env_open_keeps_it(old_env: Path, cli: Any) -> None:
    """A program that is not the env's own (the test's Python, no VIRTUAL_ENV) but holds one of
    its files open, as an editor or an indexer does: the env is in use, prune leaves it."""
    environment = {k: v for k, v in _env_python_environment().items() if k != "VIRTUAL_ENV"}
    module = _site_packages(old_env) / "vrusedpkg" / "__init__.py"
    holder = subprocess.Popen(
        [sys.executable, "-c", OPEN_AND_HOLD, str(module)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=environment,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "up"
        _age_everything(old_env)
        report = _prune_json(cli)
        assert report["candidates"] == []
        why = {entry["name"]: entry["why"] for entry in report["left_alone"]}
        assert why["old"].startswith(f"in use now: pid {holder.pid} (")
        assert why["old"].endswith(") has its files open")
    finally:
        holder.kill()
        holder.wait()
    assert [c["name"] for c in _prune_json(cli)["candidates"]] == ["old"]
