"""Replacing a file in one step: readers see the old content or the new, never half of it.

Used for every file venvreg rewrites, inside envs too (pyvenv.cfg, .pth, .project). An env
folder may come from a cloned repository, so the temporary file is created fresh (never
through a symlink or an existing file planted under its name). Standard library only: the
shell hot path imports this module.
"""

from __future__ import annotations

import os
import stat

_CREATE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _mode_to_keep(target: str) -> int | None:
    """The permission bits of the regular file being replaced, or None (then the umask rules)."""
    try:
        status = os.lstat(target)
    except OSError:
        return None
    return stat.S_IMODE(status.st_mode) if stat.S_ISREG(status.st_mode) else None


def write_bytes_atomically(path: str | os.PathLike[str], data: bytes) -> None:
    """Write a new sibling temporary file (flushed to disk), then rename it over `path`,
    keeping the replaced file's permissions; the temporary file is removed when anything
    fails, and the error propagates with the old file untouched."""
    target = os.fspath(path)
    folder, name = os.path.split(target)
    temporary = os.path.join(folder, f".{name}.{os.getpid()}-{os.urandom(4).hex()}.tmp")
    mode = _mode_to_keep(target)
    try:
        fd = os.open(temporary, _CREATE_FLAGS, 0o666)
    except OSError as error:  # name the file the caller asked for, not the temporary one
        raise OSError(error.errno, error.strerror, target) from None
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(fd, mode)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, target)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise


def write_text_atomically(path: str | os.PathLike[str], text: str) -> None:
    """write_bytes_atomically of `text` as UTF-8."""
    write_bytes_atomically(path, text.encode("utf-8"))
