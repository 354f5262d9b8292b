"""`venvreg registry`: where the registry is, read-only queries, and its checks. None of these
opens the registry the usual way: they never create, migrate or repair it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import Refused, RegistryError, UsageError
from ..registry import inspect
from ..registry.inspect import CheckResult, QueryResult
from ..settings.config import load_settings
from ..settings.paths import Home, resolve_workon_home
from ..text import quoted


def registry_path() -> Path:
    """The registry file of the configured WORKON_HOME (it may not exist yet)."""
    return Home(resolve_workon_home(load_settings()["workon_home"])).registry_file


def _existing() -> Path:
    path = registry_path()
    if not path.is_file():
        raise RegistryError(
            f"there is no registry at {quoted(str(path))} yet (the first venvreg command "
            "that needs it makes it)"
        )
    return path


def run_query(sql: str) -> QueryResult:
    """One SQL statement that only reads; a write is refused and the file left unchanged."""
    path = _existing()
    try:
        return inspect.query(path, sql)
    except inspect.WriteRefused:
        raise Refused(
            "registry query only reads: this statement would change the registry; nothing done"
        ) from None
    except (sqlite3.OperationalError, sqlite3.ProgrammingError, sqlite3.Warning) as error:
        if "locked" in str(error) or "busy" in str(error):
            raise RegistryError(f"the registry is busy: {error}") from None
        raise UsageError(f"bad SQL: {error}") from None


def check_registry() -> tuple[Path, CheckResult]:
    """The integrity, schema version and foreign keys of the registry, without changing it."""
    path = _existing()
    try:
        return path, inspect.check(path)
    except sqlite3.DatabaseError as error:
        return path, CheckResult([str(error)], None, 0)
