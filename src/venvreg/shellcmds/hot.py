"""workon and the name list: called on every switch, so stdlib-only and one registry write."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..config import load_settings
from ..emit.activation import Activation, activate_code
from ..emit.quoting import quoter
from ..errors import RegistryError, VenvregError
from ..fastpath import ShellRequest, WrapperError
from ..identity import looks_like_env
from ..names import name_key
from ..paths import Home, resolve_workon_home
from ..registry import envs
from ..registry.db import open_registry
from ..registry.envs import EnvRecord
from ..venv import inspect_venv


def open_home() -> Home:
    return Home(resolve_workon_home(load_settings()["workon_home"]))


def try_open_registry(home: Home) -> sqlite3.Connection | None:
    """The registry, or None when it cannot be opened (read-only disk): activation still works."""
    try:
        return open_registry(home)[0]
    except (RegistryError, OSError, sqlite3.Error):
        return None


def env_names(home: Home, conn: sqlite3.Connection | None) -> list[str]:
    """Every activatable env: the registry's plus any folder in WORKON_HOME not yet indexed."""
    names = {name_key(name): name for name in envs.names(conn)} if conn else {}
    try:
        entries = list(os.scandir(home.root))
    except OSError:
        entries = []
    for entry in entries:
        if entry.name.startswith(".") or name_key(entry.name) in names:
            continue
        if looks_like_env(entry.path):
            names[name_key(entry.name)] = entry.name
    return sorted(names.values(), key=name_key)


def print_code(shell: str, lines: list[str]) -> str:
    """Code that prints `lines` to stdout, one a line."""
    if not lines:
        return ""
    quote = quoter(shell)
    words = " ".join(quote(line) for line in lines)
    if shell == "pwsh":
        return f"Microsoft.PowerShell.Utility\\Write-Output {words}\n"
    return f"builtin printf '%s\\n' {words}\n"


def find_env(home: Home, conn: sqlite3.Connection | None, name: str) -> EnvRecord | None:
    """The registered env, or an env folder in WORKON_HOME not indexed yet (registered now)."""
    record = envs.get_by_name(conn, name) if conn is not None else None
    if record is not None and record.status in ("ready", "missing"):
        return record if record.status == "ready" else None
    if record is not None:
        return None
    folder = home.env_path(name)
    if "/" in name or name in (".", "..") or not looks_like_env(folder):
        return None
    if conn is not None:
        from ..core.context import Context
        from ..core.reconcile import reconcile

        reconcile(Context(load_settings(), home, conn))
        record = envs.get_by_name(conn, name)
        if record is not None:
            return record
    return EnvRecord(None, name, str(folder), "ready", "found", 0.0)


def _missing(name: str) -> WrapperError:
    return WrapperError(
        f"ERROR: Environment '{name}' does not exist. Create it with 'mkvirtualenv {name}'."
    )


def workon(request: ShellRequest) -> str:
    """workon [-c|-n] [NAME|.]: activate, or list the names when no NAME is given."""
    cd_mode, positional = "auto", []
    for index, arg in enumerate(request.args):
        if arg == "--":
            positional.extend(request.args[index + 1 :])
            break
        if arg in ("-c", "--cd"):
            cd_mode = "always"
        elif arg in ("-n", "--no-cd"):
            cd_mode = "never"
        elif arg in ("-h", "--help"):
            return print_code(request.shell, [WORKON_USAGE])
        elif arg.startswith("-") and arg != "-":
            raise WrapperError(f"workon: unknown option {arg!r}\n{WORKON_USAGE}")
        else:
            positional.append(arg)
    home = open_home()
    conn = try_open_registry(home)
    try:
        if not positional:
            return print_code(request.shell, env_names(home, conn))
        if len(positional) > 1:
            raise WrapperError(f"workon: too many arguments\n{WORKON_USAGE}")
        name = positional[0]
        if name == ".":
            name = os.path.basename(os.getcwd())
        record = find_env(home, conn, name)
        if record is None:
            raise _missing(name)
        activation = _activation(record, cd_mode)
        if conn is not None and record.id is not None:
            _record_use(conn, record.id)
        return activate_code(request.shell, activation)
    finally:
        if conn is not None:
            conn.close()


def _activation(record: EnvRecord, cd_mode: str) -> Activation:
    info = inspect_venv(Path(record.path))
    bin_dir = Path(record.path) / ("Scripts" if os.name == "nt" else "bin")
    if not bin_dir.is_dir():
        raise VenvregError(
            f"cannot activate '{record.name}': {bin_dir} is missing (see `venvreg show`)"
        )
    return Activation(
        name=record.name,
        path=record.path,
        bin_dir=str(bin_dir),
        prompt=info.prompt or record.name,
        project=record.project_path or "",
        cd_mode=cd_mode,
    )


def _record_use(conn: sqlite3.Connection, env_id: int) -> None:
    """One UPDATE; a read-only or full disk makes it a warning, never a failed workon."""
    import sys

    try:
        envs.record_use(conn, env_id)
    except sqlite3.Error as error:
        print(f"venvreg: warning: could not record this use: {error}", file=sys.stderr)


WORKON_USAGE = "Usage: workon [-c|-n] [environment_name|\".\"]"

HANDLERS = {"workon": workon}
