"""Where the logs of failed child processes go first: the registry's state folder, named when a
command opens its session. A module of its own, so that opening a session does not import the
backends and their subprocess machinery (`venvreg ls` runs no child)."""

from __future__ import annotations

log_folders: list[str] = []


def set_log_folder(folder: str) -> None:
    """The folder tried first (backends/process.py falls back to the user's log folder, then a
    private one in the temp folder, when it cannot be used)."""
    log_folders[:] = [folder]
