"""Shared fixtures: an isolated WORKON_HOME, config and HOME per test, and the real CLI."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support import make_plain_venv

CliRunner = Callable[..., subprocess.CompletedProcess[str]]

# A test that leaves a process running fails (tests/process_check.py).
pytest_plugins = ("process_check",)


@pytest.fixture
def isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """HOME, WORKON_HOME and the config file inside tmp_path; no active env."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("WORKON_HOME", str(home / ".virtualenvs"))
    monkeypatch.setenv("VENVREG_CONFIG", str(home / "venvreg.toml"))
    monkeypatch.setenv("NO_COLOR", "1")
    for variable in ("VIRTUAL_ENV", "PYTHONHOME", "XDG_CONFIG_HOME"):
        monkeypatch.delenv(variable, raising=False)
    yield home


@pytest.fixture
def workon_home(isolated: Path) -> Path:
    return Path(os.environ["WORKON_HOME"])


@pytest.fixture
def cli(isolated: Path) -> CliRunner:
    """Run the real `venvreg` (as `python -m venvreg`) in the isolated environment."""

    def run(
        *args: str,
        input: str | None = None,
        env: dict[str, str] | None = None,
        timeout: float = 300,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "venvreg", *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            env={**os.environ, **(env or {})},
            timeout=timeout,
        )

    return run


@pytest.fixture
def plain_venv() -> Callable[[Path], Path]:
    return make_plain_venv


@pytest.fixture
def start_cli(isolated: Path) -> Iterator[Callable[..., subprocess.Popen[str]]]:
    """Start the real CLI in its own process group (so a test can signal the group)."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "venvreg", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        started.append(process)
        return process

    yield start
    for process in started:
        # A CLI still running (the test failed before it ended) is stopped with what it
        # started. One that ended is left alone: a child it left behind is a leak, which the
        # leftover-process check (tests/process_check.py) must see, not this fixture hide.
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
