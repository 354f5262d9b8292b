"""An environment's boundary: which top-level entries of its folder a venv tool made.

Everything else in the folder is foreign: a project made with `python -m venv .` keeps its
`.git`, sources and `pyproject.toml` beside the env. Removal, purge and the temp-env deletion act
on the env's own entries only, and rebuild refuses such a folder; nothing here ever names a
foreign entry as movable.
The same module holds scan's rule for what is an environment at all, so that adopt refuses
exactly what scan does not call an env, with the same reason.
"""

from __future__ import annotations

import os
import stat

from ..fs.smallfiles import read_small_file
from .project_file import project_filename

# What venv, virtualenv, uv and conda make at an env's top level, and the files virtualenvwrapper
# and venvreg keep there (`.project`, `README.tmpenv`); `share`, `etc` and `man` receive the data
# files pip installs; virtualenv and uv add CACHEDIR.TAG. `.gitignore`, `.project` and uv's
# `.lock` are the env's only when a tool wrote them.
VENV_ENTRIES = frozenset(
    ["bin", "Scripts", "lib", "lib64", "Lib", "include", "Include", "share", "etc", "man",
     "pyvenv.cfg", "README.tmpenv", "pip-selfcheck.json", "conda-meta", "CACHEDIR.TAG"]
)  # fmt: skip
GITIGNORE = ".gitignore"
UV_LOCK = ".lock"
# The entries that make a folder with a pyvenv.cfg an env in scan's eyes (besides that file).
LAYOUT_ENTRIES = ("bin", "Scripts", "lib", "Lib")
IN_PACKAGES = (f"{os.sep}site-packages{os.sep}", f"{os.sep}dist-packages{os.sep}")


def _tool_gitignore(path: str) -> bool:
    """venv (3.13+), virtualenv and uv write a `.gitignore` that ignores everything (`*`, with
    comments); any other `.gitignore` is the project's."""
    data = read_small_file(os.path.join(path, GITIGNORE), limit=4096)
    if data is None:
        return False
    lines = [line.strip() for line in data.decode("utf-8", "replace").splitlines()]
    return [line for line in lines if line and not line.startswith("#")] == ["*"]


def _tool_project_file(path: str, name: str) -> bool:
    """virtualenvwrapper's `.project` is one line naming a folder; any other file of that name
    (an Eclipse project's XML `.project`) is the project's."""
    data = read_small_file(os.path.join(path, name), limit=16 * 1024)
    if data is None:
        return False
    lines = data.decode("utf-8", "replace").strip("\r\n").splitlines()
    return len(lines) == 1 and os.path.isabs(lines[0])


def _names(path: str) -> list[str]:
    try:
        return sorted(os.listdir(path))
    except OSError:
        return []


def is_own_entry(path: str, name: str) -> bool:
    """Did a venv tool (or venvreg) make the top-level entry `name` of the env at `path`?"""
    if name == GITIGNORE:
        return _tool_gitignore(path)
    if name == project_filename():
        return _tool_project_file(path, name)
    if name == UV_LOCK:  # uv's is an empty file
        try:
            status = os.lstat(os.path.join(path, name))
        except OSError:
            return False
        return stat.S_ISREG(status.st_mode) and status.st_size == 0
    return name in VENV_ENTRIES


def _is_conda(path: str) -> bool:
    """A conda env is a whole prefix that conda manages (`ssl`, `libexec`, `compiler_compat`,
    ... beside `bin`): every entry in it is conda's."""
    return _is_regular(os.path.join(path, "conda-meta", "history"))


def own_entries(path: str) -> list[str]:
    """The top-level entries of the env folder at `path` that belong to the env, sorted."""
    if _is_conda(path):
        return _names(path)
    return [name for name in _names(path) if is_own_entry(path, name)]


def foreign_entries(path: str, limit: int | None = 3) -> list[str]:
    """Top-level entries no venv tool makes (sorted; the first `limit`, all for None)."""
    if _is_conda(path):
        return []
    foreign = [name for name in _names(path) if not is_own_entry(path, name)]
    return foreign if limit is None else foreign[:limit]


def holds_more(foreign: list[str]) -> str:
    """How scan, adopt and rm say that a folder is more than an env."""
    shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
    return f"the folder holds more than an environment ({shown})"


def _is_regular(path: str) -> bool:
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def not_env_reason(path: str) -> str | None:
    """Why scan would not call the folder at `path` an environment, or None when it would: a
    `pyvenv.cfg` with `bin`, `Scripts` or `lib` beside it, or a conda env's
    `conda-meta/history`; never anything inside a site-packages folder."""
    if any(part in path.rstrip(os.sep) + os.sep for part in IN_PACKAGES):
        return "it is inside a site-packages folder (a package's files, such as a test fixture)"
    if _is_regular(os.path.join(path, "conda-meta", "history")):
        return None
    if not _is_regular(os.path.join(path, "pyvenv.cfg")):
        return "no pyvenv.cfg or conda-meta/history in it"
    if not any(os.path.lexists(os.path.join(path, name)) for name in LAYOUT_ENTRIES):
        return "a pyvenv.cfg without bin, Scripts or lib beside it (a test fixture or a leftover)"
    return None
