"""Fixtures for the lifecycle tests: real envs with a real package (six), real broken envs, and
the real CLI as a subprocess. Nothing is mocked.

six is downloaded once per session with the user's pip settings (a local mirror here, PyPI in
CI); after that every pip in the tests installs offline from that folder.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from venvreg.core.session import open_context
from venvreg.registry import envs
from venvreg.registry.db import write_transaction
from venvreg.registry.envs import EnvRecord

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
SIX = "six==1.17.0"
BASE_PREFIX = Path(sys.base_prefix)
XY = f"{sys.version_info[0]}.{sys.version_info[1]}"
DAY = 86400.0


@pytest.fixture(scope="session")
def wheelhouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """six's wheel, downloaded once with the user's own pip settings (a local mirror here, PyPI
    in CI); every install in the tests then runs offline from this folder."""
    folder = tmp_path_factory.mktemp("wheelhouse")
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
         "-d", str(folder), SIX],
        check=True,
        capture_output=True,
        timeout=300,
    )  # fmt: skip
    return folder


@pytest.fixture(scope="session")
def _app_data(tmp_path_factory: pytest.TempPathFactory) -> str:
    """One virtualenv app-data folder for the session: seeding from a warm one is fast."""
    return str(tmp_path_factory.mktemp("virtualenv-app-data"))


@pytest.fixture(autouse=True)
def _environment(
    isolated: Path, _app_data: str, wheelhouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VIRTUALENV_OVERRIDE_APP_DATA", _app_data)
    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)  # no user or site pip config at all
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    monkeypatch.setenv("PIP_FIND_LINKS", str(wheelhouse))


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture
def make_env(cli: CliRunner, workon_home: Path) -> Callable[..., Path]:
    """`venvreg create NAME -i six` (and any other options); returns the env folder."""

    def make(name: str, *options: str, packages: tuple[str, ...] = (SIX,)) -> Path:
        installs = [word for package in packages for word in ("-i", package)]
        ok(cli("create", name, *installs, *options))
        return workon_home / name

    return make


@dataclass
class Base:
    """A base Python reached through a symlinked folder the test controls: removing the link
    breaks every env made from it the way a pyenv or Homebrew upgrade does."""

    link: Path

    @property
    def python(self) -> Path:
        return self.link / "bin" / f"python{XY}"

    def remove(self) -> None:
        self.link.unlink()


@pytest.fixture
def base(tmp_path: Path) -> Base:
    link = tmp_path / "base-python"
    link.symlink_to(BASE_PREFIX, target_is_directory=True)
    assert (link / "bin" / f"python{XY}").exists(), f"no python{XY} in {BASE_PREFIX}/bin"
    return Base(link)


def env_python(env: Path, code: str) -> subprocess.CompletedProcess[str]:
    """Run the env's own python, as a user or an IDE would, with a clean environment."""
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONHOME", "PYTHONPATH")}
    return subprocess.run(
        [str(env / "bin" / "python"), "-c", code],
        capture_output=True,
        text=True,
        env=environment,
        timeout=60,
    )


def six_version(env: Path) -> str:
    return ok(env_python(env, "import six; print(six.__version__)")).stdout.strip()


def rows(workon_home: Path) -> list[dict[str, Any]]:
    """The envs table through a read-only connection."""
    path = workon_home / ".venvreg" / "registry.sqlite3"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute("SELECT * FROM envs ORDER BY name")]
    finally:
        conn.close()


def row(workon_home: Path, name: str) -> dict[str, Any] | None:
    found = [r for r in rows(workon_home) if r["name"] == name]
    return found[0] if found else None


def trash_ids(workon_home: Path) -> list[str]:
    folder = workon_home / ".venvreg" / "trash"
    return sorted(os.listdir(folder)) if folder.is_dir() else []


def backdate(env: Path, days: float) -> None:
    """Make every piece of use evidence in the env `days` old (the link itself, not its target)."""
    when = time.time() - days * DAY
    site = next((env / "lib").glob("python*/site-packages"))
    for path in (site, env / "pyvenv.cfg"):
        os.utime(path, (when, when))
    os.utime(env / "bin" / "python", (when, when), follow_symlinks=False)


def insert_row(**fields: Any) -> None:
    """Register a row directly through venvreg's registry code (for states no command makes)."""
    context = open_context()
    try:
        record = EnvRecord(id=None, created_at=time.time(), **fields)
        with write_transaction(context.conn):
            envs.insert(context.conn, record)
    finally:
        context.close()


def json_out(result: subprocess.CompletedProcess[str]) -> Any:
    return json.loads(result.stdout)
