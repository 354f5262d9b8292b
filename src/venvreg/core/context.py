"""The state every operation starts from: settings, the validated WORKON_HOME, the registry."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from ..config import Settings, load_settings
from ..names import name_key
from ..paths import Home, resolve_workon_home
from ..registry.db import open_registry
from ..registry.uselog import fold as fold_uses

ENV_OPERATIONS = frozenset(["env", "remove", "rebuild", "rename", "copy", "wipe", "restore"])


@dataclass
class Context:
    """Settings, WORKON_HOME and an open registry connection."""

    settings: Settings
    home: Home
    conn: sqlite3.Connection

    def close(self) -> None:
        self.conn.close()

    def lock_path(self, operation: str, name: str) -> Path:
        """The lock file an operation on the env `name` holds while it runs: one per env for
        everything that changes an existing env (ENV_OPERATIONS), so two never act at once."""
        digest = hashlib.sha256(name_key(name).encode()).hexdigest()[:32]
        kind = "env" if operation in ENV_OPERATIONS else operation
        return self.home.locks / f"{kind}-{digest}.lock"


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
    context = Context(settings, home, conn)
    if leftovers:
        fold_uses(conn, str(home.state))  # uses workon logged while the registry was busy
        clean_leftovers(context)
        if os.path.isdir(home.state / "trash-busy"):  # one stat; exists only mid-work
            from .restore import finish_trash_work  # rare: keep it off start-up

            finish_trash_work(context)
    if rebuilt:
        reconcile(context)
    return context
