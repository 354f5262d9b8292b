"""`$WORKON_HOME/.venvreg/brief`: the exact text of `lsvirtualenv -b`, for the shell functions
to print without starting Python.

The file is trusted only while it is strictly newer than WORKON_HOME itself: creating,
removing or renaming anything directly in WORKON_HOME (a plain `virtualenv` env, an `rm -rf`)
changes the folder's modification time, and the functions then ask the CLI. A file system
with coarse timestamps only makes them ask more often. Standard library only: the shell hot
path imports this module.
"""

from __future__ import annotations

import contextlib
import os
import time

from .atomic import write_bytes_atomically

BRIEF_FILE = "brief"
# A change this recent may share its timestamp with the next one (coarse clocks; FAT keeps
# 2-second times), so a listing taken then is not trusted.
_SETTLED_NS = 2_000_000_000


def home_stamp(root: str) -> int | None:
    """WORKON_HOME's modification time in ns, taken before its folders are listed; None when
    it cannot be read or changed too recently for a later change to be told from it."""
    now = time.time_ns()
    try:
        changed = os.stat(root).st_mtime_ns
    except OSError:
        return None
    return changed if changed < now - _SETTLED_NS else None


def publish_brief(root: str, state: str, names: list[str] | None, stamp: int | None) -> None:
    """Leave `state`/brief holding `names`, one per line, or no brief when `names` is None (a
    listing the functions cannot print as it is: none at all, or a folder not registered) or
    `stamp` is None (WORKON_HOME changed too recently).

    `stamp` is WORKON_HOME's time before `names` was computed: when the folder changed since,
    the file is made no newer than the folder, so that the functions do not trust it. Best
    effort: a read-only state folder costs speed, never a listing."""
    target = os.path.join(state, BRIEF_FILE)
    if not names or stamp is None:
        with contextlib.suppress(OSError):
            os.unlink(target)
        return
    data = "".join(f"{name}\n" for name in names).encode("utf-8", "surrogateescape")
    with contextlib.suppress(OSError):
        try:
            with open(target, "rb") as current:
                same = current.read(len(data) + 1) == data
        except OSError:
            same = False
        if same:
            os.utime(target)  # the same listing, confirmed now
        else:
            write_bytes_atomically(target, data)
        if home_stamp(root) != stamp:
            os.utime(target, ns=(stamp, stamp))
