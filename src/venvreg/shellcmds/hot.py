"""workon and the name list: called on every switch, so stdlib-only and one registry write."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

from ..config import load_settings
from ..emit.activation import Activation, activate_call
from ..emit.code import ShellCode
from ..errors import RegistryError
from ..fastpath import ShellRequest, WrapperError
from ..identity import looks_like_env
from ..names import name_key
from ..paths import Home, resolve_workon_home
from ..project_file import read_project_file
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
    """workon [-c|-n] [NAME|.]: activate; with no NAME, list the names and return 1 (as
    virtualenvwrapper does). Options may come anywhere; words after the first are ignored."""
    cd_mode, positional = "auto", []
    for arg in request.args:
        if arg in ("-c", "--cd"):
            cd_mode = "always"
        elif arg in ("-n", "--no-cd"):
            cd_mode = "never"
        elif arg in ("-h", "--help"):
            return ShellCode(request.shell).print(*WORKON_HELP).text()
        else:
            positional.append(arg)
    home = open_home()
    conn = try_open_registry(home)
    try:
        if not positional:
            return ShellCode(request.shell).print(*env_names(home, conn)).status(1).text()
        name = positional[0]
        if name == ".":
            name = os.path.basename(os.getcwd())
        record = find_env(home, conn, name)
        if record is None:
            raise _missing(name)
        activation = activation_for(home, record, cd_mode)
        if conn is not None and record.id is not None:
            _record_use(conn, record.id)
        return activate_call(ShellCode(request.shell), activation).text()
    finally:
        if conn is not None:
            conn.close()


def activation_for(home: Home, record: EnvRecord, cd_mode: str) -> Activation:
    """Everything the shell's __venvreg_activate needs, from the folder itself."""
    info = inspect_venv(Path(record.path))
    bin_dir = Path(record.path) / ("Scripts" if os.name == "nt" else "bin")
    if not bin_dir.is_dir():
        raise WrapperError(
            f"ERROR: Environment '{record.path}' does not contain an activate script."
        )
    if cd_mode == "auto":
        cd = os.environ.get("VIRTUALENVWRAPPER_WORKON_CD", "1") == "1"
    else:
        cd = cd_mode == "always"
    return Activation(
        name=record.name,
        path=record.path,
        bin_dir=str(bin_dir),
        prompt=info.prompt or record.name,
        project=read_project_file(record.path) or "",
        cd=cd,
        hook_dir=os.environ.get("VIRTUALENVWRAPPER_HOOK_DIR") or str(home.root),
        workon_home=str(home.root),
    )


def lsvirtualenv(request: ShellRequest) -> str:
    """lsvirtualenv [-b|-l|-h]: names (brief) or, by default, each name with its details."""
    long_mode = True
    for arg in request.args:
        if not arg.startswith("-") or arg == "-":
            continue  # virtualenvwrapper ignores words that are not options
        for flag in arg[1:]:
            if flag == "b":
                long_mode = False
            elif flag == "l":
                long_mode = True
            else:
                code = ShellCode(request.shell).print(*LSVIRTUALENV_USAGE).status(1)
                if flag != "h":
                    print(f"Invalid option: -{flag}", file=sys.stderr)
                return code.text()
    home = open_home()
    conn = try_open_registry(home)
    try:
        names = env_names(home, conn)
        code = ShellCode(request.shell)
        if not long_mode:
            return code.print(*names).text()
        for name in names:
            record = find_env(home, conn, name)
            if record is not None:
                env_details(code, home, record)
                code.print("")
        return code.text()
    finally:
        if conn is not None:
            conn.close()


def env_details(
    code: ShellCode, home: Home, record: EnvRecord, details: tuple[str, ...] = ()
) -> ShellCode:
    """A name, its underline, `details`, and the get_env_details hooks' output (run inside it)."""
    code.print(record.name, "=" * len(record.name), *details)
    hooks = os.environ.get("VIRTUALENVWRAPPER_HOOK_DIR") or str(home.root)
    bin_dir = os.path.join(record.path, "bin")
    for hook in (os.path.join(hooks, "get_env_details"), os.path.join(bin_dir, "get_env_details")):
        if os.path.isfile(hook):
            code.call(
                "__venvreg_in_env", record.path, bin_dir, "__venvreg_run_hook", hook,
                str(home.root), record.name,
            )  # fmt: skip
    return code.print("")


def _record_use(conn: sqlite3.Connection, env_id: int) -> None:
    """One UPDATE; a read-only or full disk makes it a warning, never a failed workon."""
    try:
        envs.record_use(conn, env_id)
    except sqlite3.Error as error:
        print(f"venvreg: warning: could not record this use: {error}", file=sys.stderr)


WORKON_HELP = [
    "Usage: workon env_name",
    "",
    "           Deactivate any currently activated virtualenv",
    "           and activate the named environment, triggering",
    "           any hooks in the process.",
    "",
    "       workon",
    "",
    "           Print a list of available environments.",
    "           (See also lsvirtualenv -b)",
    "",
    "       workon (-h|--help)",
    "",
    "           Show this help message.",
    "",
    "       workon (-c|--cd) envname",
    "",
    "           After activation, change the current working directory",
    "           to the project directory, if one is set",
    "",
    "       workon (-n|--no-cd) envname",
    "",
    "           After activation, do not change the current working directory.",
]

LSVIRTUALENV_USAGE = [
    "lsvirtualenv [-blh]",
    "  -b -- brief mode",
    "  -l -- long mode",
    "  -h -- this help message",
]

HANDLERS = {"workon": workon, "lsvirtualenv": lsvirtualenv}
