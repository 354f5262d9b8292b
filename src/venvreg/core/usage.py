"""When an environment was last used, with the evidence that says so.

`workon` is not the only way to use an env: an IDE runs its bin/python directly, and pip
changes its site-packages. So the last use is the newest of the registry's last activation
(`workon`, `venvreg run`) and the mtimes of site-packages (changed by every install or
uninstall), pyvenv.cfg and the env's bin/python. The interpreter is lstat'ed: its target is the
base Python, shared by every env made from it, and says nothing about this one. Stat only,
nothing is run: prune asks this for a thousand envs at a time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from ..registry.envs import EnvRecord

ACTIVATION = "activation"
SITE_PACKAGES = "site-packages"
PYVENV_CFG = "pyvenv.cfg"
INTERPRETER = "bin/python"
SOURCES = (ACTIVATION, SITE_PACKAGES, PYVENV_CFG, INTERPRETER)


@dataclass(frozen=True)
class LastUse:
    """The newest evidence (`at`, from `source`), and every piece found, newest first."""

    at: float | None
    source: str | None
    evidence: tuple[tuple[str, float], ...]


def _mtime(path: str, follow: bool = True) -> float | None:
    try:
        return os.stat(path, follow_symlinks=follow).st_mtime
    except (OSError, ValueError):
        return None


def last_use(record: EnvRecord) -> LastUse:
    """The last use of `record`'s env; `at` is None when nothing at all says it was used."""
    found: list[tuple[str, float]] = []
    if record.last_used_at is not None:
        found.append((ACTIVATION, record.last_used_at))
    interpreter = record.interpreter or os.path.join(record.path, "bin", "python")
    for source, path, follow in (
        (SITE_PACKAGES, record.site_packages, True),
        (PYVENV_CFG, os.path.join(record.path, "pyvenv.cfg"), True),
        (INTERPRETER, interpreter, False),
    ):
        when = _mtime(path, follow) if path else None
        if when is not None:
            found.append((source, when))
    found.sort(key=lambda item: -item[1])
    if not found:
        return LastUse(None, None, ())
    return LastUse(found[0][1], found[0][0], tuple(found))
