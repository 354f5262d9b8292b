"""The state every operation starts from: settings, the validated WORKON_HOME, the registry."""

from __future__ import annotations

from ..names import name_key

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    import sqlite3
    from pathlib import Path

    from ..settings.config import Settings
    from ..settings.paths import Home

ENV_OPERATIONS = frozenset(["env", "remove", "rebuild", "rename", "copy", "wipe", "restore"])


class Context:
    """Settings, WORKON_HOME and an open registry connection."""

    __slots__ = ("conn", "home", "settings")

    def __init__(self, settings: Settings, home: Home, conn: sqlite3.Connection) -> None:
        self.settings = settings
        self.home = home
        self.conn = conn

    def close(self) -> None:
        self.conn.close()

    def lock_path(self, operation: str, name: str) -> Path:
        """The lock file an operation on the env `name` holds while it runs: one per env for
        everything that changes an existing env (ENV_OPERATIONS), so two never act at once."""
        import hashlib  # OpenSSL's library is a large load: only for the commands that lock

        digest = hashlib.sha256(name_key(name).encode()).hexdigest()[:32]
        kind = "env" if operation in ENV_OPERATIONS else operation
        return self.home.locks / f"{kind}-{digest}.lock"
