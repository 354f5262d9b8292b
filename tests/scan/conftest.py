"""Fixtures for the scanner tests: the session's env maker, the zoo (a home folder holding every
kind of env, built once and only ever scanned), and runners for the real CLI."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .trees import Expected, Maker, build_zoo

SETPRIV = "/usr/bin/setpriv"


def run_venvreg(
    env: dict[str, str], *args: str, input: str = "", timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """The real CLI (`python -m venvreg`) with `env` on top of the current environment."""
    return subprocess.run(
        [sys.executable, "-m", "venvreg", *args],
        input=input,
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=timeout,
    )


def scan_json(env: dict[str, str], *args: str) -> dict[str, Any]:
    """`venvreg scan ARGS --json`, which must succeed."""
    result = run_venvreg(env, "scan", *args, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def by_path(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["path"]: entry for entry in report["environments"]}


def registry_rows(workon_home: Path) -> list[dict[str, Any]]:
    """The envs table through a read-only connection."""
    path = workon_home / ".venvreg" / "registry.sqlite3"
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in conn.execute("SELECT * FROM envs ORDER BY path")]
    finally:
        conn.close()


def run_unprivileged(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """The CLI without the power to bypass file permissions (tests/conftest.py's pattern): as
    root (CI), CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH are dropped with setpriv, so a 000
    folder is really unreadable for it, never skipped."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        dropped = "-dac_override,-dac_read_search"
        prefix = [SETPRIV, f"--bounding-set={dropped}", f"--inh-caps={dropped}", "--"]
    return subprocess.run(
        [*prefix, sys.executable, "-m", "venvreg", *args],
        input="",
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


@pytest.fixture(scope="session")
def maker(tmp_path_factory: pytest.TempPathFactory) -> Maker:
    return Maker(tmp_path_factory.mktemp("pristine-envs"))


@dataclass(frozen=True)
class Zoo:
    """A home folder with every kind of env; tests only scan it (scans write only to
    WORKON_HOME/.venvreg, and are idempotent)."""

    home: Path
    workon_home: Path
    expected: list[Expected]

    @property
    def env(self) -> dict[str, str]:
        return {
            "HOME": str(self.home),
            "WORKON_HOME": str(self.workon_home),
            "VENVREG_CONFIG": str(self.home / "venvreg.toml"),
            "NO_COLOR": "1",
        }


@pytest.fixture(scope="session")
def zoo(tmp_path_factory: pytest.TempPathFactory, maker: Maker) -> Zoo:
    root = tmp_path_factory.mktemp("zoo")
    home = root / "home"
    workon_home = home / ".virtualenvs"
    workon_home.mkdir(parents=True)
    expected = build_zoo(home, workon_home, maker, root / "scratch")
    return Zoo(home, workon_home, expected)


@pytest.fixture
def sandbox(isolated: Path) -> dict[str, str]:
    """The per-test HOME (tests/conftest.py's `isolated`) as an env mapping for run_venvreg."""
    return {
        "HOME": str(isolated),
        "WORKON_HOME": os.environ["WORKON_HOME"],
        "VENVREG_CONFIG": os.environ["VENVREG_CONFIG"],
        "NO_COLOR": "1",
    }
