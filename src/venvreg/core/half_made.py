"""A half-made env: what a killed creation (or a child still writing after it) can leave.

A folder without pyvenv.cfg is not an env and nothing deletes it on its own; but one holding an
interpreter link or a site-packages was almost surely made by a venv tool or pip, and the user
must hear that rather than "something that is not a venv".
"""

from __future__ import annotations

import glob
import os

from ..envdir.identity import looks_like_env


def is_half_made(path: str) -> bool:
    """No pyvenv.cfg, but a bin/python* or lib/python*/site-packages: stat and glob only."""
    if looks_like_env(path) or not os.path.isdir(path):
        return False
    escaped = glob.escape(path)
    return bool(
        glob.glob(os.path.join(escaped, "bin", "python*"))
        or glob.glob(os.path.join(escaped, "lib", "python*", "site-packages"))
    )


def half_made_note() -> str:
    """The words for such a folder, naming where the explanation is."""
    return (
        "a half-made environment without pyvenv.cfg, probably left by a creation that was "
        "killed: `venvreg doctor` says what to do"
    )
