"""The state every operation starts from: settings, the validated WORKON_HOME, the registry."""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings, load_settings
from ..names import name_key
from ..paths import Home, resolve_workon_home
from ..registry.db import open_registry
from ..registry.uselog import fold as fold_uses


@dataclass
class Context:
    """Settings, WORKON_HOME and an open registry connection."""

    settings: Settings
    home: Home
    conn: sqlite3.Connection
    registry_rebuilt: bool = False

    def close(self) -> None:
        self.conn.close()

    def lock_path(self, operation: str, name: str) -> Path:
        """The lock file an operation on the env `name` holds while it runs."""
        digest = hashlib.sha256(name_key(name).encode()).hexdigest()[:32]
        return self.home.locks / f"{operation}-{digest}.lock"


def open_context(leftovers: bool = True) -> Context:
    """Validate the configuration and WORKON_HOME (before any write), then open the registry.

    Leftovers of operations killed with -9 are finished or cleaned here, so that nothing
    half-made is ever listed as healthy, and uses that workon could only log are counted;
    `leftovers=False` (doctor, read-only) leaves both alone.
    """
    from .leftovers import clean_leftovers
    from .reconcile import reconcile

    settings = load_settings()
    home = Home(resolve_workon_home(settings["workon_home"]))
    conn, rebuilt = open_registry(home)
    context = Context(settings, home, conn, rebuilt)
    if leftovers:
        fold_uses(conn, str(home.state))  # uses workon logged while the registry was busy
        clean_leftovers(context)
    if rebuilt:
        reconcile(context)
    return context
