"""cdvirtualenv, cdsitepackages, lssitepackages, cdproject, setvirtualenvproject,
showvirtualenv, allvirtualenv: moving around and looking at environments."""

from __future__ import annotations

import os
from pathlib import Path

from ..emit.code import ShellCode
from ..envdir.project_file import project_filename, read_project_file
from ..envdir.venv import inspect_venv, read_small_file
from ..settings.paths import env_bin_dir
from ..text import escape_text
from . import ShellRequest, WrapperError, typed_path
from .common import active_env
from .hot import env_details, env_names, find_env, home_root, try_open_registry

PATH_EXTENSIONS_FILE = "_virtualenv_path_extensions.pth"


def site_packages_of(env: str) -> str:
    folder = inspect_venv(Path(env)).site_packages
    if folder is None:
        raise WrapperError(
            "ERROR: currently-active virtualenv does not appear to have a site-packages directory"
        )
    return str(folder)


def cdvirtualenv(request: ShellRequest) -> str:
    target = os.path.join(active_env(), *request.args[:1])
    return ShellCode(request.shell).cd(target).text()


def cdsitepackages(request: ShellRequest) -> str:
    target = os.path.join(site_packages_of(active_env()), *request.args[:1])
    return ShellCode(request.shell).cd(target).text()


def lssitepackages(request: ShellRequest) -> str:
    site_packages = site_packages_of(active_env())
    code = ShellCode(request.shell).call("__venvreg_exec", "ls", *request.args, site_packages)
    extensions = read_small_file(Path(site_packages) / PATH_EXTENSIONS_FILE, limit=1 << 20)
    if extensions is not None:
        lines = extensions.decode("utf-8", "replace").splitlines()
        code.print("", f"{PATH_EXTENSIONS_FILE}:", *lines)
    return code.text()


def cdproject(request: ShellRequest) -> str:
    env = active_env()
    project_file = Path(env) / project_filename()
    if not project_file.is_file():
        raise WrapperError(f"No project set in {project_file}")
    project = read_project_file(env)
    if not project:
        raise WrapperError("Project directory  does not exist")
    return ShellCode(request.shell).cd(project).text()


def setvirtualenvproject(request: ShellRequest) -> str:
    """setvirtualenvproject [ENV [PROJECT]]: defaults are the active env and the current folder."""
    from ..core.lookup import find_record
    from ..core.project import set_project
    from ..core.session import open_context
    from ..names import require_utf8
    from ..registry import envs

    given = typed_path(request.shell, request.args[0]) if request.args else ""
    env = require_utf8(given or os.environ.get("VIRTUAL_ENV", ""))
    project = os.getcwd()
    if len(request.args) > 1:
        project = os.path.abspath(typed_path(request.shell, request.args[1]))
    context = open_context()
    try:
        record = envs.get_by_path(context.conn, os.path.abspath(env)) if env else None
        if record is None and env:
            # exact name first: a case twin is refused, never taken for its registered twin
            record = find_record(context, os.path.basename(env.rstrip("/")) or env)
        if record is None:
            raise WrapperError(f"No virtualenv {os.path.basename(env) or env}")
        if not os.path.isdir(project):
            raise WrapperError(
                f'Cannot associate virtualenv with "{project}", it is not a directory'
            )
        set_project(context, record.name, project)
    finally:
        context.close()
    return ShellCode(request.shell).print(f"Setting project for {record.name} to {project}").text()


def showvirtualenv(request: ShellRequest) -> str:
    """showvirtualenv [NAME]: the name, where it is, its Python and project, then the
    get_env_details hooks (virtualenvwrapper shows only the hooks' output)."""
    name = request.args[0] if request.args else os.path.basename(os.environ.get("VIRTUAL_ENV", ""))
    code = ShellCode(request.shell)
    if not name:
        return code.print("showvirtualenv [env]").status(2).text()
    root = home_root()
    conn = try_open_registry(root)
    try:
        record = find_env(root, conn, name)
    finally:
        if conn is not None:
            conn.close()
    if record is None:
        raise WrapperError(f"ERROR: Environment '{name}' does not exist.")
    info = inspect_venv(Path(record.path))
    details = (  # a listing: control characters in paths shown escaped, never raw
        f"path: {escape_text(record.path)}",
        f"python: {info.python_version or '?'}",
        f"project: {escape_text(read_project_file(record.path) or '(none)')}",
    )
    return env_details(code, root, record, details).text()


def allvirtualenv(request: ShellRequest) -> str:
    """allvirtualenv CMD...: run CMD in every env (activated, in its folder, in a subshell)."""
    root = home_root()
    conn = try_open_registry(root)
    code = ShellCode(request.shell)
    try:
        for name in env_names(root, conn):
            record = find_env(root, conn, name)
            if record is None:
                continue
            code.print(name, "=" * len(name))
            if request.args:
                code.call("__venvreg_in_env", record.path, env_bin_dir(record.path), *request.args)
            code.print("")
    finally:
        if conn is not None:
            conn.close()
    return code.text()


HANDLERS = {
    "cdvirtualenv": cdvirtualenv,
    "cdsitepackages": cdsitepackages,
    "lssitepackages": lssitepackages,
    "cdproject": cdproject,
    "setvirtualenvproject": setvirtualenvproject,
    "showvirtualenv": showvirtualenv,
    "allvirtualenv": allvirtualenv,
}
