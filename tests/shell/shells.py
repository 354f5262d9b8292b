"""Finding the real shells: a missing shell is skipped on a developer machine, a failure in CI."""

from __future__ import annotations

import os
import shutil

import pytest

POSIX_SHELLS = ("bash", "zsh")
ALL_SHELLS = ("bash", "zsh", "fish")


def require_shell(name: str) -> str:
    """The shell's path; skip when missing, except under CI where it must be installed."""
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (.ci/run installs it)")
        pytest.skip(f"{name} is not installed")
    return path
