"""The `.project` file virtualenvwrapper keeps in each env: the project folder, on one line."""

from __future__ import annotations

import os

from ..fs.atomic import write_text_atomically
from ..fs.smallfiles import path_value_problem, read_small_file

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_PROJECT_FILENAME = ".project"


def project_filename() -> str:
    """virtualenvwrapper's VIRTUALENVWRAPPER_PROJECT_FILENAME, honoured as it is there."""
    return os.environ.get("VIRTUALENVWRAPPER_PROJECT_FILENAME") or DEFAULT_PROJECT_FILENAME


def _read_value(env_path: str | Path) -> tuple[str | None, str | None]:
    """(project folder, None), or (None, why the file's value cannot be used as a path)."""
    data = read_small_file(os.path.join(env_path, project_filename()), limit=16 * 1024)
    if data is None:
        return None, None
    text = data.decode("utf-8", "surrogateescape").rstrip("\r\n")
    if not text:
        return None, None
    problem = path_value_problem(text)
    if problem is not None:
        return None, f"{project_filename()} is not a usable path: {problem}"
    return text, None


def read_project_file(env_path: str | Path) -> str | None:
    """The project folder an env names, or None (no file, not a small regular file, empty, or a
    value that cannot be a path: project_file_problem says why)."""
    return _read_value(env_path)[0]


def project_file_problem(env_path: str | Path) -> str | None:
    """Why the env's `.project` value cannot be used (too long, not UTF-8), or None."""
    return _read_value(env_path)[1]


def checked_project_folder(folder: str) -> str:
    """`folder` made absolute, or UsageError (exit 2): it goes into `.project` and the registry,
    which hold UTF-8 text only, so a path that is not valid UTF-8 (or cannot be a path at all)
    is refused before anything is made, and so is a folder that does not exist."""
    from pathlib import Path  # off the hot path, which reads .project files only

    from ..errors import UsageError
    from ..text import quoted

    problem = path_value_problem(folder)
    if problem is not None:
        raise UsageError(f"project folder {quoted(folder)} cannot be used: {problem}")
    project = Path(folder).absolute()
    if not project.is_dir():
        raise UsageError(f"project folder {quoted(folder)} does not exist")
    return str(project)


def write_project_file(env_path: str | Path, project: str | None) -> None:
    """Write (or, for None, remove) the `.project` file the way virtualenvwrapper does."""
    target = os.path.join(env_path, project_filename())
    if project is None:
        if os.path.lexists(target):
            os.unlink(target)
        return
    write_text_atomically(target, project + "\n")
