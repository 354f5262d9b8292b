"""Fixtures for the trust tests (issue: never lose a project, a new env or an env's history):
the CLI test fixtures, shared so each test here can run the real CLI against a private home."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.conftest import *  # noqa: F403 - pytest finds fixtures by name in this module
from cli.conftest import _fast_caches, _shared_caches  # noqa: F401 - autouse, not in `*`
from support import Hold


@pytest.fixture
def hold(tmp_path: Path) -> Hold:
    """Where a command started with `hold.env(step)` stops (src/venvreg/fs/holds.py)."""
    return Hold(tmp_path / "hold")
