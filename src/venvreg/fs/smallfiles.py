"""Reading the small files an env describes itself with, safely and cheaply.

Only regular files are opened (a FIFO, a device or a link to /dev/zero never is), a read never
blocks and never raises. Standard library only, with the lightest imports: the shell hot path
(workon) reads pyvenv.cfg and .project through here.
"""

from __future__ import annotations

import os
import stat

# O_NONBLOCK: opening a FIFO must not wait for a writer. O_NOCTTY: a tty must never become ours.
_OPEN_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _read_regular(path: str | os.PathLike[str], limit: int, *, head: bool) -> bytes | None:
    """Read a regular file; stat before opening so devices and FIFOs are never even opened."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
        fd = os.open(path, _OPEN_FLAGS)
    except (OSError, ValueError):
        return None
    try:
        st = os.fstat(fd)  # the file may have been swapped between stat and open
        if not stat.S_ISREG(st.st_mode) or (not head and st.st_size > limit):
            return None
        want = limit if head else limit + 1
        chunks: list[bytes] = []
        while want > 0:
            chunk = os.read(fd, min(want, 1 << 16))
            if not chunk:
                break
            chunks.append(chunk)
            want -= len(chunk)
        data = b"".join(chunks)
        return None if len(data) > limit else data
    except OSError:
        return None
    finally:
        os.close(fd)


def read_small_file(path: str | os.PathLike[str], limit: int = 64 * 1024) -> bytes | None:
    """Whole content of a regular file of at most `limit` bytes, else None; never blocks/raises."""
    return _read_regular(path, limit, head=False)


def read_file_head(path: str | os.PathLike[str], limit: int = 64 * 1024) -> bytes | None:
    """First `limit` bytes of a regular file of any size (e.g. METADATA headers), else None."""
    return _read_regular(path, limit, head=True)


def parse_pyvenv_cfg(data: bytes) -> dict[str, str]:
    """`key = value` lines, keys lowercased; first one wins, as CPython's getpath reads `home`."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # surrogateescape keeps undecodable path bytes the way os.fsdecode does.
    text = data.decode("utf-8", "surrogateescape")
    cfg: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        key = key.strip().lower()
        if sep and key and not key.startswith("#"):
            cfg.setdefault(key, value.strip())
    return cfg


# Linux's PATH_MAX and NAME_MAX: a longer value makes every stat fail with ENAMETOOLONG.
_PATH_MAX = 4095
_NAME_MAX = 255


def path_value_problem(value: str) -> str | None:
    """Why a path read from an env's files cannot be used as a path, or None when it can.

    Such a value is a fault of that one env: callers report it as that env's cause instead of
    letting a stat of it fail the whole command.
    """
    if "\0" in value:
        return "it holds a NUL byte"
    try:
        raw = value.encode("utf-8")
    except UnicodeEncodeError:
        return "not valid UTF-8"
    if len(raw) > _PATH_MAX:
        return f"{len(raw)} bytes long, longer than a path may be"
    longest = max(len(part) for part in raw.split(b"/"))
    if longest > _NAME_MAX:
        return f"one of its names is {longest} bytes long, longer than a file name may be"
    return None
