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
from ..text import is_utf8, quoted


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


def run_query(sql: str, *, as_objects: bool = False) -> QueryResult:
    """One SQL statement that only reads; a write is refused and the file left unchanged.
    `as_objects`: the rows become JSON objects, so two columns may not share a name."""
    if not is_utf8(sql):
        raise UsageError(f"the SQL {quoted(sql)} is not valid UTF-8")
    path = _existing()
    try:
        result = inspect.query(path, sql)
    except inspect.WriteRefused:
        raise Refused(
            "registry query only reads: this statement would change the registry; nothing done"
        ) from None
    except sqlite3.Error as error:
        kind = inspect.error_kind(error)
        if kind == "busy":
            raise RegistryError(f"the registry is busy: {error}") from None
        if kind == "unreadable":
            raise RegistryError(
                f"the registry {quoted(str(path))} cannot be read: {error}"
            ) from None
        raise UsageError(f"bad SQL: {error}") from None
    repeated = sorted({c for c in result.columns if result.columns.count(c) > 1})
    if as_objects and repeated:
        names = ", ".join(quoted(column) for column in repeated)
        raise UsageError(f"--json needs one name per column; rename the repeated {names} with AS")
    return result


def check_registry() -> tuple[Path, CheckResult]:
    """The integrity and schema version of the registry, without changing it."""
    path = _existing()
    try:
        return path, inspect.check(path)
    except sqlite3.DatabaseError as error:
        return path, CheckResult([str(error)], None)
