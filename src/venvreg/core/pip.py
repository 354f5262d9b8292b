"""Running an environment's own pip: installing a package list, uninstalling by name.

Always `<env>/bin/python -m pip`, never a pip found on PATH, so packages land in that env.
Output goes to the caller's progress sink (stderr), never to stdout.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ..backends.process import run

PIP = ["-m", "pip", "--disable-pip-version-check"]


def install(python: Path, requirements: list[str], progress: Callable[[str], None]) -> None:
    """`pip install -r` of requirement lines (freeze output); nothing to do for an empty list."""
    if not requirements:
        return
    with tempfile.TemporaryDirectory(prefix="venvreg-pip-") as scratch:
        listing = os.path.join(scratch, "requirements.txt")
        with open(listing, "w", encoding="utf-8") as handle:
            handle.write("".join(f"{line}\n" for line in requirements))
        progress(f"installing {len(requirements)} package(s) with {python}")
        run([str(python), *PIP, "install", "-r", listing], "pip install", progress)


def uninstall(python: Path, names: list[str], progress: Callable[[str], None]) -> None:
    """`pip uninstall -y NAME...`; nothing to do for an empty list."""
    if names:
        run([str(python), *PIP, "uninstall", "-y", *names], "pip uninstall", progress)
