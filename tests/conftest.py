"""Shared fixtures: a private HOME and cache folders for every test (the user's real home is
never written), an isolated WORKON_HOME and config per test, and the real CLI."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from support import REAL_HOME, make_plain_venv

CliRunner = Callable[..., subprocess.CompletedProcess[str]]

# A test that leaves a process running fails (tests/process_check.py).
pytest_plugins = ("process_check",)

# Where programs the tests start write on their own: shells (fish's history and universal
# variables, bash's and zsh's history and zcompdump), uv's and pip's caches, platformdirs.
# XDG_CACHE_HOME is the session's (below): caches stay warm across tests and out of the trees
# that tests compare before and after a command.
PRIVATE_FOLDERS = {
    "XDG_CONFIG_HOME": ".config",
    "XDG_DATA_HOME": ".local/share",
    "XDG_STATE_HOME": ".local/state",
}


def _user_pip_config() -> str | None:
    """The user's own pip.conf (a mirror, say), read where the user keeps it: pip would not
    find it under a private HOME, so it is named in PIP_CONFIG_FILE instead. Only read."""
    if "PIP_CONFIG_FILE" in os.environ:
        return None
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(REAL_HOME, ".config")
    for path in (os.path.join(config_home, "pip", "pip.conf"),
                 os.path.join(REAL_HOME, ".pip", "pip.conf")):  # fmt: skip
        if os.path.isfile(path):
            return path
    return None


@pytest.fixture(scope="session", autouse=True)
def _private_session_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """A private HOME, XDG folders and caches for the whole session, set before any other
    fixture (session and module fixtures too) reads the environment. uv's, pip's and
    virtualenv's caches stay shared across the session: warm, yet not the user's."""
    root = tmp_path_factory.mktemp("session-home")
    values = {"HOME": str(root), "XDG_CACHE_HOME": str(root / ".cache")}
    values |= {name: str(root / sub) for name, sub in PRIVATE_FOLDERS.items()}
    values["UV_CACHE_DIR"] = str(root / ".cache" / "uv")
    values["PIP_CACHE_DIR"] = str(root / ".cache" / "pip")
    values["VIRTUALENV_OVERRIDE_APP_DATA"] = str(root / ".local" / "share" / "virtualenv")
    pip_config = _user_pip_config()
    if pip_config is not None:
        values["PIP_CONFIG_FILE"] = pip_config
    with pytest.MonkeyPatch.context() as patch:
        for name, value in values.items():
            patch.setenv(name, value)
        yield values


@pytest.fixture(autouse=True)
def private_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test's own HOME and XDG config, data and state folders, in a folder beside its
    tmp_path (`test_x0-home`), so that what a test lays out in tmp_path stays its own."""
    home = tmp_path.with_name(f"{tmp_path.name}-home")
    home.mkdir(exist_ok=True)
    monkeypatch.setenv("HOME", str(home))
    for name, sub in PRIVATE_FOLDERS.items():
        monkeypatch.setenv(name, str(home / sub))
    return home


@pytest.fixture
def isolated(private_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
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
