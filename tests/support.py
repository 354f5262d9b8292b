"""Helpers shared by test modules (importable: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def make_plain_venv(path: Path) -> Path:
    """A real, fast env made by the stdlib venv module without pip (for registry tests)."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def run_unprivileged(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python `code` without the power to bypass file permissions. As root (CI runs as
    root) the capabilities that override them are dropped with setpriv, so permission-denied
    cases are really exercised, never skipped."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        dropped = "-dac_override,-dac_read_search"
        prefix = ["setpriv", f"--bounding-set={dropped}", f"--inh-caps={dropped}", "--"]
    return subprocess.run(
        [*prefix, sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


# Hostile group A: values that must reach a shell byte for byte and run nothing.
HOSTILE_STRINGS = [
    "';uname -a;':",
    "x'$(touch PWNED)'y",
    "`touch PWNED`",
    "$(touch PWNED)",
    "${IFS}",
    ";|&<>",
    "!!",
    "*",
    "~",
    "=ls",
    "\"';&&$e|'\"",
    "'\";&&e-$ èрт🚒♞中片-j",
    "(touch PWNED)",
    "{a,b}",
    "$HOME",
    "ends with backslash\\",
]


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[Any]) -> None:
    """Wait until `condition` holds: a guard against hangs, not a timing assertion."""
    deadline = time.monotonic() + 120
    while not condition():
        if process.poll() is not None:
            _, err = process.communicate()
            raise AssertionError(f"exited {process.returncode} before {what}:\n{err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)
