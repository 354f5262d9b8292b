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
