"""Turning `-p` (a path or a spec like 3.12) into an interpreter path before anything is created.

Resolving first means a bad `-p` fails before a folder or a registry row exists, with a message
that names what was looked for and where.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

from ..errors import UsageError
from ..text import quoted

_VERSION_SPEC = re.compile(r"^(?:python|py|cpython)?(\d)(?:\.(\d+))?(?:\.(\d+))?$", re.IGNORECASE)


def resolve_interpreter(spec: str) -> Path:
    """An absolute interpreter path for `spec`, or a UsageError naming the real cause."""
    if not spec.strip():
        raise UsageError("--python is empty: give a path or a version such as 3.12")
    looks_like_path = os.sep in spec or (os.altsep is not None and os.altsep in spec)
    if looks_like_path or spec.startswith("~"):
        return _existing_interpreter(Path(os.path.expanduser(spec)), spec)
    on_path = shutil.which(spec)
    if on_path is not None and not _VERSION_SPEC.match(spec):
        return _existing_interpreter(Path(on_path), spec)
    found = _discover(spec)
    if found is not None:
        return found
    raise UsageError(
        f"no Python interpreter matches {quoted(spec)} (looked on PATH, in pyenv's versions and "
        "in uv's managed Pythons); install it or pass the interpreter's path to -p"
    )


def _existing_interpreter(path: Path, spec: str) -> Path:
    if not path.exists():
        raise UsageError(f"the interpreter {quoted(spec)} does not exist")
    if path.is_dir() or not os.access(path, os.X_OK):
        raise UsageError(f"{quoted(spec)} is not an executable interpreter")
    return path.absolute()


def _discover(spec: str) -> Path | None:
    """virtualenv's own discovery (PATH, py launcher), then pyenv's and uv's version folders."""
    import python_discovery

    try:
        info = python_discovery.get_interpreter(spec, [])
    except (RuntimeError, ValueError, OSError):
        info = None
    if info is not None and info.executable:
        return Path(info.executable)
    match = _VERSION_SPEC.match(spec)
    if match is None:
        return None
    return _from_version_folders(tuple(int(part) for part in match.groups() if part is not None))


def _version_folders() -> list[Path]:
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    uv_root = Path(os.environ.get("UV_PYTHON_INSTALL_DIR") or Path(data_home) / "uv" / "python")
    folders: list[Path] = []
    for root in (pyenv_root, uv_root):
        try:
            folders.extend(entry for entry in root.iterdir() if entry.is_dir())
        except OSError:
            continue
    return folders


def _from_version_folders(wanted: tuple[int, ...]) -> Path | None:
    """The newest pyenv/uv-managed CPython whose version starts with `wanted`."""
    best: tuple[tuple[int, ...], Path] | None = None
    for folder in _version_folders():
        numbers = re.search(r"(\d+)\.(\d+)\.(\d+)", folder.name)
        if numbers is None or folder.name.startswith(("pypy", "graalpy", "miniconda", "anaconda")):
            continue
        if re.search(r"[a-z]\d*$", folder.name.split(numbers.group(0), 1)[1].split("-", 1)[0]):
            continue  # a pre-release such as 3.13.0rc1
        version = tuple(int(part) for part in numbers.groups())
        if version[: len(wanted)] != wanted:
            continue
        executable = folder / "bin" / f"python{version[0]}.{version[1]}"
        if executable.exists() and (best is None or version > best[0]):
            best = (version, executable)
    return best[1] if best else None
