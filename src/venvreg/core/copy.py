"""Copying an environment: a new env with the same interpreter and the same packages.

Never a file copy: venvs embed their absolute path, so a copied folder would run the
original's scripts. The project link and the env's own hook files follow.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

from ..envdir.project_file import read_project_file
from ..envdir.venv import inspect_venv
from ..errors import Refused, VenvregError
from ..registry import envs, links
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .create import CreateRequest, create
from .freeze import freeze
from .lookup import get_present_env
from .pip import requirements_file
from .safety import env_lock

# Per-env hook files virtualenvwrapper users keep in bin/, in every shell's variant.
ENV_HOOKS = ("preactivate", "postactivate", "predeactivate", "postdeactivate", "get_env_details")
HOOK_SUFFIXES = ("", ".fish", ".ps1")


def base_interpreter(record: EnvRecord) -> str | None:
    """The base Python an env was made from (pyvenv.cfg `home` and its X.Y), if still there."""
    info = inspect_venv(Path(record.path))
    if info.home and info.python_version:
        major_minor = ".".join(info.python_version.split(".")[:2])
        for name in (f"python{major_minor}", "python3", "python"):
            candidate = Path(info.home) / name
            if candidate.is_file() and os.access(candidate, os.X_OK):
                return str(candidate)
    return None


def copy_env(
    context: Context, source_name: str, target_name: str, progress: Callable[[str], None]
) -> EnvRecord:
    """Create `target_name` like `source_name`: same Python, packages, project and hooks. The
    source's lock is held throughout, so no rm, rebuild or wipe changes it meanwhile."""
    source = get_present_env(context, source_name)
    with env_lock(context, source.name):
        return _copy_locked(context, source, target_name, progress)


def copy_folder(
    context: Context, folder: str, target_name: str, progress: Callable[[str], None]
) -> EnvRecord:
    """Create `target_name` like the env in `folder`, which the registry need not know
    (virtualenvwrapper's `cpvirtualenv /path/to/env NAME`). A registered folder is copied as
    its env; an unknown one's project link comes along untrusted, as any copied link."""
    path = os.path.abspath(folder)
    registered = envs.get_by_path(context.conn, path)
    if registered is not None:
        return copy_env(context, registered.name, target_name, progress)
    info = inspect_venv(Path(path))
    if not info.is_venv:
        raise Refused(
            f"{quoted(path)} is not a virtual environment (no pyvenv.cfg); nothing copied"
        )
    source = EnvRecord(
        id=None,
        name=os.path.basename(path),
        path=path,
        status="ready",
        origin="adopted",
        created_at=0.0,
        site_packages=str(info.site_packages) if info.site_packages else None,
        project_path=read_project_file(path),
    )
    return _copy_locked(context, source, target_name, progress)


def _copy_locked(
    context: Context, source: EnvRecord, target_name: str, progress: Callable[[str], None]
) -> EnvRecord:
    if source.site_packages is None:
        raise VenvregError(f"{quoted(source.name)} has no site-packages to copy packages from")
    interpreter = base_interpreter(source)
    if interpreter is None:
        raise VenvregError(
            f"the Python {quoted(source.name)} was made from is gone; see `venvreg show`"
        )
    requirements = freeze(Path(source.site_packages))
    with requirements_file(requirements) as listing:
        project = (
            source.project_path
            if source.project_path and os.path.isdir(source.project_path)
            else None
        )
        request = CreateRequest(
            name=target_name,
            python=interpreter,
            project=project,
            requirements=[listing] if requirements else [],
            backend=source.backend,
            project_trusted=source.id is not None
            and links.link_is_trusted(context.conn, source.id),
        )
        record = create(context, request, progress)
    _copy_hooks(Path(source.path), Path(record.path))
    return record


def _copy_hooks(source: Path, target: Path) -> None:
    for hook in ENV_HOOKS:
        for suffix in HOOK_SUFFIXES:
            original = source / "bin" / (hook + suffix)
            if original.is_file() and not original.is_symlink():
                shutil.copy2(original, target / "bin" / original.name)
