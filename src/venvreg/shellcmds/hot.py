"""workon and the name list: called on every switch, so stdlib-only and one registry write."""

from __future__ import annotations

import os
import sqlite3
import sys

from ..emit.activation import Activation, activate_call
from ..emit.code import ShellCode
from ..envdir.identity import looks_like_env
from ..envdir.project_file import read_project_file
from ..errors import RegistryError, VenvregError
from ..fs.brief import brief_writer
from ..fs.smallfiles import parse_pyvenv_cfg, read_small_file
from ..names import (
    env_folders,
    env_folders_like,
    listing_order,
    name_problem,
    require_utf8,
    unknown_folders,
)
from ..registry import quick, uselog
from ..registry.db import is_damage, open_registry_in
from ..registry.quick import EnvRef
from ..settings.config import load_settings
from ..settings.paths import STATE_DIR_NAME, ensure_home, env_bin_dir, workon_home_text
from ..text import escape_text, no_envs_hint, quoted
from . import ShellRequest, WrapperError
from .runhooks import run_hook_file

# Only the standard library and venvreg's lean modules are imported here: no pathlib, no
# dataclasses (tests/unit/test_hot_path.py keeps it so).


def home_root() -> str:
    """WORKON_HOME; the config file is read only when the variable is not set."""
    configured = None if "WORKON_HOME" in os.environ else load_settings()["workon_home"]
    return workon_home_text(configured)


def verify_home() -> None:
    """As virtualenvwrapper before each command: a missing WORKON_HOME is announced on stderr,
    then created, so that a mistyped WORKON_HOME shows at once. (Sourcing the function file
    creates it without a word, as virtualenvwrapper's own start-up does.)"""
    root = home_root()
    if os.path.isdir(root):
        return
    notice = f"NOTE: Virtual environments directory {root} does not exist. Creating..."
    print(escape_text(notice), file=sys.stderr, flush=True)
    try:
        ensure_home(root)
    except OSError as error:
        message = f"could not create WORKON_HOME {quoted(root)}: {error.strerror}"
        raise VenvregError(message) from None


def try_open_registry(root: str) -> sqlite3.Connection | None:
    """The registry, or None when it cannot be opened (read-only disk): activation still works.

    The hot commands leave it open: venvreg's process ends right after them (os._exit in
    __main__), which spares the WAL checkpoint and its fsyncs that closing would do."""
    try:
        return open_registry_in(root)[0]
    except (RegistryError, OSError, sqlite3.Error):
        return None


def env_names(root: str, conn: sqlite3.Connection | None) -> list[str]:
    """Every activatable env: the registry's plus any folder in WORKON_HOME not indexed (yet,
    or ever: a case twin of a registered name is listed under its own exact name)."""
    return _listing(root, conn)[0]


def _listing(root: str, conn: sqlite3.Connection | None) -> tuple[list[str], bool]:
    """env_names, and whether the brief may keep them: every folder in WORKON_HOME is a
    registered env's (fs/brief.py)."""
    registered = set(quick.names(conn)) if conn else set()
    others = env_folders(root, registered)
    keep = conn is not None and not others and not unknown_folders(root, registered)
    return listing_order(registered.union(others)), keep


def find_env(root: str, conn: sqlite3.Connection | None, name: str) -> EnvRef | None:
    """The env named exactly `name` (registered, or a folder in WORKON_HOME: one not indexed
    yet is registered now); else the one whose name equals it after case folding, when that
    match is unique. Case twins make it ambiguous: an error naming them all."""
    require_utf8(name)  # a name that is not UTF-8 is a usage error (exit 2), not "no such env"
    if name_problem(name) is not None:
        return None
    found = quick.find_by_name(conn, name) if conn is not None else None
    if found is not None and found.name != name:
        twins = [
            twin
            for twin in env_folders_like(root, name)
            if twin != found.name and os.path.join(root, twin) != found.path
        ]
        if name in twins:  # the exact folder, not indexed: it is what the user named
            return EnvRef(None, name, os.path.join(root, name), "ready")
        if twins:
            every = ", ".join(quoted(n) for n in sorted([found.name, *twins]))
            raise VenvregError(
                f"{quoted(name)} is ambiguous: the environments {every} differ only in case; "
                "give the exact name"
            )
    if found is not None:
        return found if found.status == "ready" else None
    folder = os.path.join(root, name)
    if not looks_like_env(folder):
        return None
    if conn is not None:
        from pathlib import Path

        from ..core.context import Context
        from ..core.reconcile import reconcile
        from ..settings.paths import Home

        context = Context(load_settings(), Home(Path(root)), conn)
        reconcile(context, rescan_home=True, rows=False)  # only the new folder is wanted
        found = quick.find_by_name(conn, name)
        if found is not None:
            return found
    return EnvRef(None, name, folder, "ready")


def case_twin_note(root: str, conn: sqlite3.Connection | None, name: str) -> str | None:
    """For lsvirtualenv: why `name` has no registry row although it is an env, if it is a case
    twin of a registered name."""
    found = quick.find_by_name(conn, name) if conn is not None else None
    if found is None or found.name == name:
        return None
    twin_of = quoted(found.name)
    return f"(case twin of {twin_of}: not indexed by venvreg; `workon {name}` activates it)"


def _missing(name: str, known: list[str]) -> WrapperError:
    """virtualenvwrapper's words, with the known names a typo was probably meant as."""
    from ..names import did_you_mean

    hint = did_you_mean(name, known)
    if hint:
        hint = hint[0].upper() + hint[1:]
        return WrapperError(f"ERROR: Environment '{name}' does not exist. {hint}")
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
    root = home_root()
    conn = try_open_registry(root)
    if not positional:
        names = env_names(root, conn)
        if not names:
            print(f"venvreg: {no_envs_hint(root)}", file=sys.stderr)
        return ShellCode(request.shell).print(*names).status(1).text()
    name = positional[0]
    if name == ".":
        name = os.path.basename(os.getcwd())
    record = find_env(root, conn, name)
    if record is None:
        raise _missing(name, env_names(root, conn))
    activation = activation_for(root, record.name, record.path, cd_mode)
    if conn is not None and record.id is not None:
        _record_use(conn, root, record.id, record.name)
    return activate_call(ShellCode(request.shell), activation).text()


def activation_for(root: str, name: str, path: str, cd_mode: str) -> Activation:
    """Everything the shell's __venvreg_activate needs, from the folder itself."""
    bin_dir = env_bin_dir(path)
    if not os.path.isdir(bin_dir):
        raise WrapperError(f"ERROR: Environment '{path}' does not contain an activate script.")
    cfg_data = read_small_file(os.path.join(path, "pyvenv.cfg"))
    prompt = parse_pyvenv_cfg(cfg_data).get("prompt", "") if cfg_data else ""
    if len(prompt) > 1 and prompt[0] == prompt[-1] and prompt[0] in "'\"":
        prompt = prompt[1:-1]  # venv and virtualenv quote it, uv does not
    if cd_mode == "auto":
        cd = os.environ.get("VIRTUALENVWRAPPER_WORKON_CD", "1") == "1"
    else:
        cd = cd_mode == "always"
    return Activation(
        name=name,
        path=path,
        bin_dir=bin_dir,
        prompt=prompt or name,
        project=read_project_file(path) or "",
        cd=cd,
        hook_dir=os.environ.get("VIRTUALENVWRAPPER_HOOK_DIR") or root,
        workon_home=root,
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
                # -h returns 1 as virtualenvwrapper's does; an unknown option is a usage error
                code = ShellCode(request.shell).print(*LSVIRTUALENV_USAGE)
                if flag != "h":
                    print(f"Invalid option: -{flag}", file=sys.stderr)
                return code.status(1 if flag == "h" else 2).text()
    root = home_root()
    conn = try_open_registry(root)
    code = ShellCode(request.shell)
    if not long_mode:
        # what the functions print next time without Python, while WORKON_HOME stays as it is
        with brief_writer(root, os.path.join(root, STATE_DIR_NAME)) as publish:
            names, all_registered = _listing(root, conn)
            publish(names if all_registered else None)
        for name in names:
            note = case_twin_note(root, conn, name)
            if note:
                print(f"venvreg: note: {name} {note}", file=sys.stderr)
        return code.print(*names).text()
    for name in env_names(root, conn):
        record = find_env(root, conn, name)
        if record is not None:
            note = case_twin_note(root, conn, name)
            env_details(code, root, record, (note,) if note else ())
            code.print("")
    return code.text()


def env_details(
    code: ShellCode, root: str, record: EnvRef, details: tuple[str, ...] = ()
) -> ShellCode:
    """A name, its underline, `details`, and the get_env_details hooks' output (run inside it)."""
    code.print(record.name, "=" * len(record.name), *details)
    hooks = os.environ.get("VIRTUALENVWRAPPER_HOOK_DIR") or root
    bin_dir = env_bin_dir(record.path)
    for hook in (os.path.join(hooks, "get_env_details"), os.path.join(bin_dir, "get_env_details")):
        if run_hook_file(hook) is not None:
            code.call(
                "__venvreg_in_env", record.path, bin_dir, "__venvreg_run_hook", hook,
                root, record.name,
            )  # fmt: skip
    return code.print("")


def _record_use(conn: sqlite3.Connection, root: str, env_id: int, name: str) -> None:
    """One short transaction; when another process holds the registry for more than about a
    second, the use goes to the use log instead (counted by the next write): workon never waits
    on a writer. A read-only or full disk makes it a warning, never a failed workon; damage
    is left to the front end's recovery."""
    state = os.path.join(root, STATE_DIR_NAME)
    try:
        uselog.record_use(conn, state, env_id, name)
    except (sqlite3.Error, OSError) as error:
        if is_damage(error):
            raise  # the front end recovers the registry and runs workon again
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
