"""Running an environment's own pip: installing a package list, uninstalling by name.

Always `<env>/bin/python -m pip`, never a pip found on PATH, so packages land in that env.
Output goes to the caller's progress sink (stderr), never to stdout.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..backends.process import run

PIP = ["-m", "pip", "--disable-pip-version-check"]


@contextlib.contextmanager
def requirements_file(lines: list[str]) -> Iterator[str]:
    """Requirement lines (freeze output) as a file for `pip install -r`, in a private scratch
    folder that is gone afterwards."""
    with tempfile.TemporaryDirectory(prefix="venvreg-pip-") as scratch:
        listing = os.path.join(scratch, "requirements.txt")
        with open(listing, "w", encoding="utf-8") as handle:
            handle.write("".join(f"{line}\n" for line in lines))
        yield listing


def install(python: Path, requirements: list[str], progress: Callable[[str], None]) -> None:
    """`pip install -r` of requirement lines (freeze output); nothing to do for an empty list."""
    if not requirements:
        return
    with requirements_file(requirements) as listing:
        progress(f"installing {len(requirements)} package(s) with {python}")
        run([str(python), *PIP, "install", "-r", listing], "pip install", progress)


def uninstall(python: Path, names: list[str], progress: Callable[[str], None]) -> None:
    """`pip uninstall -y NAME...`; nothing to do for an empty list."""
    if names:
        run([str(python), *PIP, "uninstall", "-y", *names], "pip uninstall", progress)
