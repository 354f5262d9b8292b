"""What makes a folder the environment the registry knows, and not one reused under its name."""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from pathlib import Path

ENV_MARKERS = ("pyvenv.cfg", os.path.join("conda-meta", "history"))


def identity_of(path: str | Path) -> str | None:
    """Device and inode of the folder (of the link itself, for a linked env), then the inode and
    change time of its pyvenv.cfg: a folder deleted and made again at once reuses its inode,
    but its new pyvenv.cfg has another change time. None when the path is gone."""
    try:
        status = os.lstat(path)
    except OSError:
        return None
    folder = f"{status.st_dev}:{status.st_ino}"
    if stat.S_ISLNK(status.st_mode):
        return folder
    try:
        config = os.stat(os.path.join(path, "pyvenv.cfg"))
    except OSError:
        return folder
    return f"{folder}:{config.st_ino}:{config.st_ctime_ns}"


def same_identity(recorded: str | None, path: str | Path) -> bool:
    """Is the thing at `path` the one recorded? A record made before the folder held a
    pyvenv.cfg (a creation under way) is compared on the folder alone."""
    current = identity_of(path)
    if recorded is None or current is None:
        return recorded == current
    parts = recorded.count(":") + 1
    return ":".join(current.split(":")[:parts]) == recorded


def looks_like_env(path: str | Path) -> bool:
    """A folder holding a regular pyvenv.cfg or conda-meta/history, by stat only."""
    for marker in ENV_MARKERS:
        try:
            if stat.S_ISREG(os.stat(os.path.join(path, marker)).st_mode):
                return True
        except OSError:
            continue
    return False


def same_folder(recorded: str | None, path: str | Path) -> bool:
    """Is the folder at `path` the one recorded, whatever happened to its pyvenv.cfg since?"""
    if recorded is None:
        return identity_of(path) is None
    return same_identity(":".join(recorded.split(":")[:2]), path)
