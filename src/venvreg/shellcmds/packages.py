"""add2virtualenv, wipeenv, toggleglobalsitepackages: changing what an env can import."""

from __future__ import annotations

import os
from pathlib import Path

from ..emit.code import ShellCode
from ..fs.atomic import write_text_atomically
from ..registry.db import note_work
from ..text import quoted
from . import ShellRequest, WrapperError, typed_path
from .common import active_env, err
from .navigate import PATH_EXTENSIONS_FILE, site_packages_of

PTH_HEADER = "import sys; sys.__plen = len(sys.path)"
PTH_FOOTER = (
    "import sys; new=sys.path[sys.__plen:]; del sys.path[sys.__plen:]; "
    "p=getattr(sys,'__egginsert',0); sys.path[p:p]=new; sys.__egginsert = p+len(new)"
)


def add2virtualenv(request: ShellRequest) -> str:
    """add2virtualenv [-d] DIR...: add (or with -d remove) folders in the env's import path,
    in virtualenvwrapper's _virtualenv_path_extensions.pth format."""
    site_packages = site_packages_of(active_env())
    pth = Path(site_packages) / PATH_EXTENSIONS_FILE
    lines = pth.read_text(encoding="utf-8").splitlines() if pth.is_file() else []
    code = ShellCode(request.shell)
    args = list(request.args)
    remove = bool(args) and args[0] == "-d"
    if remove:
        args.pop(0)
    if not args and not remove:
        code.print("Usage: add2virtualenv dir [dir ...]")
        existing = [line for line in lines if not line.startswith("import")]
        if existing:
            code.print("", "Existing paths:", *existing)
        return code.status(2).text()
    if not lines:
        lines = [PTH_HEADER, PTH_FOOTER]
    for typed in args:
        folder = typed_path(request.shell, typed)
        if "\n" in folder or "\r" in folder:  # a .pth line starting with `import` would run
            raise WrapperError("add2virtualenv: a path holding a line break cannot be added")
        absolute = os.path.abspath(folder)
        if absolute != folder:
            err(f'Warning: Converting "{folder}" to "{absolute}"')
        if remove:
            lines = [line for line in lines if line != absolute]
        elif absolute not in lines:
            lines.insert(1, absolute)
    _rewrite("add2virtualenv", pth, lines)
    return code.text()


def _rewrite(command: str, path: Path, lines: list[str]) -> None:
    """Replace a file inside the env in one step; a failure is one line and the old file stays."""
    try:
        write_text_atomically(path, "".join(line + "\n" for line in lines))
    except OSError as error:
        raise WrapperError(f"{command}: cannot write {path}: {error.strerror or error}") from None


def wipeenv(request: ShellRequest) -> str:
    """wipeenv: `venvreg wipe` of the active env without asking, as virtualenvwrapper's does
    (core/wipe.py: a package snapshot, then the env's own pip)."""
    from ..backends.process import ProcessFailed
    from ..core.session import open_context
    from ..core.wipe import plan_wipe, wipe_env
    from ..registry import envs

    env = active_env()
    code = ShellCode(request.shell)
    context = open_context()
    try:
        record = envs.get_by_path(context.conn, env)
        if record is None:  # a snapshot needs a row; an env this registry does not know stays
            raise WrapperError(
                f"ERROR: {quoted(env)} is not in the registry, so no package snapshot could be "
                "kept; nothing removed (add it with 'venvreg adopt PATH')"
            )
        plan = plan_wipe(record)
        if not plan.packages:
            return code.print("Nothing to remove.").text()
        for line in ("Uninstalling packages:", "", *plan.packages):
            err(line)  # before pip runs: a failure then reads as what it is
        try:
            wipe_env(context, plan, err)
        except ProcessFailed:
            return code.status(1).text()
    finally:
        context.close()
    return code.text()


def toggleglobalsitepackages(request: ShellRequest) -> str:
    """Flip include-system-site-packages in pyvenv.cfg (where modern venvs keep the switch)."""
    cfg = Path(active_env()) / "pyvenv.cfg"
    lines = cfg.read_text(encoding="utf-8").splitlines()
    enabled = False
    for index, line in enumerate(lines):
        key, _, value = line.partition("=")
        if key.strip().lower() == "include-system-site-packages":
            enabled = value.strip().lower() != "true"
            lines[index] = f"include-system-site-packages = {'true' if enabled else 'false'}"
            break
    else:
        enabled = True
        lines.append("include-system-site-packages = true")
    note_work()  # run again after damage, it would flip the switch back
    _rewrite("toggleglobalsitepackages", cfg, lines)
    _keep_identity(str(cfg.parent))
    code = ShellCode(request.shell)
    if "-q" not in request.args:
        code.print("Enabled global site-packages" if enabled else "Disabled global site-packages")
    return code.text()


def _keep_identity(env: str) -> None:
    """Store the env's identity as it is now. pyvenv.cfg is no part of it (envdir/identity.py),
    so this only brings an identity of an older form up to date."""
    from ..envdir.identity import identity_of
    from ..registry.quick import set_identity_at
    from .hot import home_root, try_open_registry

    conn = try_open_registry(home_root())
    if conn is not None:
        set_identity_at(conn, env, identity_of(env))
        conn.close()


HANDLERS = {
    "add2virtualenv": add2virtualenv,
    "wipeenv": wipeenv,
    "toggleglobalsitepackages": toggleglobalsitepackages,
}
