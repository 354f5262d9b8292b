"""What makes a folder the environment the registry knows, and not one reused under its name."""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from pathlib import Path

ENV_MARKERS = ("pyvenv.cfg", os.path.join("conda-meta", "history"))


def identity_of(path: str | Path) -> str | None:
    """Device and inode of the folder (of the link itself, for a linked env); None if gone."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    return f"{status.st_dev}:{status.st_ino}"


def looks_like_env(path: str | Path) -> bool:
    """A folder holding a regular pyvenv.cfg or conda-meta/history, by stat only."""
    for marker in ENV_MARKERS:
        try:
            if stat.S_ISREG(os.stat(os.path.join(path, marker)).st_mode):
                return True
        except OSError:
            continue
    return False
