"""The `.project` file virtualenvwrapper keeps in each env: the project folder, on one line."""

from __future__ import annotations

import os

from .atomic import write_text_atomically
from .smallfiles import read_small_file

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_PROJECT_FILENAME = ".project"


def project_filename() -> str:
    """virtualenvwrapper's VIRTUALENVWRAPPER_PROJECT_FILENAME, honoured as it is there."""
    return os.environ.get("VIRTUALENVWRAPPER_PROJECT_FILENAME") or DEFAULT_PROJECT_FILENAME


def read_project_file(env_path: str | Path) -> str | None:
    """The project folder an env names, or None (no file, not a small regular file, empty)."""
    data = read_small_file(os.path.join(env_path, project_filename()), limit=16 * 1024)
    if data is None:
        return None
    try:
        text = data.decode("utf-8").rstrip("\r\n")
    except UnicodeDecodeError:
        return None
    return text or None


def write_project_file(env_path: str | Path, project: str | None) -> None:
    """Write (or, for None, remove) the `.project` file the way virtualenvwrapper does."""
    target = os.path.join(env_path, project_filename())
    if project is None:
        if os.path.lexists(target):
            os.unlink(target)
        return
    write_text_atomically(target, project + "\n")
