"""Replacing a file in one step: readers see the old content or the new, never half of it."""

from __future__ import annotations

import os


def write_text_atomically(path: str | os.PathLike[str], text: str) -> None:
    """Write a sibling temporary file (unique per process), then rename it over `path`; the
    temporary file is removed when anything fails, and the error propagates."""
    target = os.fspath(path)
    temporary = f"{target}.{os.getpid()}.tmp"
    try:
        with open(temporary, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, target)
    except BaseException:
        if os.path.lexists(temporary):
            os.unlink(temporary)
        raise
