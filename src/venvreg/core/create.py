"""Creating an environment, all or nothing.

A `creating` row is written first (it reserves the name, and holds a random token), the folder
is made in place (venvs embed absolute paths) and the token written into it first (the
`.venvreg-creating` marker: the proof, for a clean-up, that the folder is this creation's),
packages are installed, the env's identity is recorded, the marker goes, and the row becomes
`ready` last. Any BaseException — Ctrl-C, or SIGTERM/SIGHUP turned into one by the CLI —
removes the folder and the row; a kill -9 leaves a `creating` row whose lock is abandoned,
cleaned on the next run (core/leftovers.py).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import sqlite3
import time
from pathlib import Path

from ..backends import get_backend
from ..backends.base import Backend, CreateOptions, ProgramBackend
from ..backends.discovery import resolve_interpreter
from ..envdir.identity import identity_of, looks_like_env
from ..envdir.project_file import checked_project_folder, write_project_file
from ..envdir.venv import inspect_venv
from ..errors import Refused, UsageError, VenvregError
from ..fs import locks
from ..fs.holds import hold_point
from ..names import validate_name
from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .half_made import half_made_note, is_half_made
from .leftovers import (
    CREATION_MARKER,
    discard_creation,
    read_marker,
    write_marker,
)
from .reconcile import reconcile
from .shell_index import publish_index

TYPE_CHECKING = False  # typing itself is not needed to create an environment
if TYPE_CHECKING:
    from collections.abc import Callable

    Progress = Callable[[str], None]
    # Called with the new env's folder once the backend has made it, before any package is
    # installed: virtualenvwrapper's premkvirtualenv moment.
    BuiltHook = Callable[[Path], None]


class CreateRequest:
    """Everything `venvreg create` accepts (a plain class: a dataclass costs its definition on
    every start-up)."""

    __slots__ = (
        "backend",
        "backend_args",
        "name",
        "packages",
        "program",
        "project",
        "project_trusted",
        "prompt",
        "python",
        "requirements",
        "system_site_packages",
    )

    def __init__(
        self,
        name: str,
        python: str | None = None,
        project: str | None = None,
        requirements: list[str] | None = None,
        packages: list[str] | None = None,
        system_site_packages: bool = False,
        backend: str | None = None,
        prompt: str | None = None,
        project_trusted: bool = True,
        backend_args: list[str] | None = None,
        program: list[str] | None = None,
    ) -> None:
        self.name = name
        self.python = python
        self.project = project
        self.requirements = list(requirements or ())
        self.packages = list(packages or ())
        self.system_site_packages = system_site_packages
        self.backend = backend
        self.prompt = prompt
        # False when the project link is not the user's own choice (a copy of an env whose
        # link came with it): auto-activation will not follow it.
        self.project_trusted = project_trusted
        # virtualenv options passed through to the backend (mkvirtualenv's unknown options)
        self.backend_args = list(backend_args or ())
        # The user's own creation command line (VIRTUALENVWRAPPER_VIRTUALENV), run in
        # WORKON_HOME in place of the backend; it ends with the name.
        self.program = program


def check_request(context: Context, request: CreateRequest) -> tuple[Path, Path | None]:
    """Validate everything before anything is written; returns (target, interpreter)."""
    validate_name(request.name)
    # A folder made by hand under a case-variant of the name must clash: index it first.
    reconcile(context, rescan_home=True)
    if request.project is not None:
        checked_project_folder(request.project)
    for requirement_file in request.requirements:
        if not os.path.isfile(requirement_file):
            raise UsageError(f"requirements file {quoted(requirement_file)} does not exist")
    existing = envs.get_by_name(context.conn, request.name)
    if existing is not None:
        raise _name_taken(request.name, existing.name)
    target = context.home.env_path(request.name)
    if os.path.lexists(target):
        if read_marker(str(target)) is not None:
            raise Refused(
                f"{quoted(str(target))} was left by an interrupted creation that could not be "
                f"cleaned up (it holds {CREATION_MARKER}); check that it holds nothing you "
                f"want, delete it (rm -rf {quoted(str(target))}) and try again"
            )
        what = "an environment" if looks_like_env(target) else "something that is not a venv"
        what = half_made_note() if is_half_made(str(target)) else what
        raise Refused(f"{quoted(str(target))} already exists ({what}); refusing to touch it")
    spec = request.python or context.settings["default_python"]
    interpreter = resolve_interpreter(spec) if spec else None
    return target, interpreter


def _name_taken(name: str, existing: str) -> UsageError:
    """The Names rule: no two names equal after case folding and NFC normalisation."""
    if existing == name:
        return UsageError(f"an environment named {quoted(name)} already exists")
    return UsageError(
        f"invalid environment name {quoted(name)}: it equals the existing environment "
        f"{quoted(existing)} after case folding and Unicode (NFC) normalisation"
    )


def create(
    context: Context,
    request: CreateRequest,
    progress: Progress,
    on_built: BuiltHook | None = None,
) -> EnvRecord:
    """Create, install into and register one environment; all or nothing."""
    target, interpreter = check_request(context, request)
    backend = _backend_for(context, request)
    project = str(Path(request.project).absolute()) if request.project else None
    record = EnvRecord(
        id=None,
        name=request.name,
        path=str(target),
        status="creating",
        origin="created",
        created_at=time.time(),
        backend=None if request.program else backend.name,
        project_path=project,
        user_project=project if request.project_trusted else None,
        creation_token=secrets.token_hex(16),
    )
    with locks.hold(context.lock_path("create", request.name)):
        try:
            with write_transaction(context.conn):
                envs.insert(context.conn, record)
        except sqlite3.IntegrityError:
            other = envs.get_by_name(context.conn, request.name)
            raise _name_taken(request.name, other.name if other else request.name) from None
        try:
            _build(context, record, backend, interpreter, request, progress, on_built)
        except BaseException:
            with contextlib.suppress(VenvregError, OSError):  # else the next command retries
                discard_creation(context, record)
            raise
        hold_point("create-finished")  # ready, its lock still held
    publish_index(context)
    return record


def _backend_for(context: Context, request: CreateRequest) -> Backend:
    """The configured backend, checked to take the passed-through options; or the user's own
    program (its first word is found on PATH as a shell would)."""
    if request.program:
        import shutil

        found = shutil.which(request.program[0])
        if found is None:
            raise UsageError(
                f"ERROR: could not find {request.program[0]!r} (VIRTUALENVWRAPPER_VIRTUALENV) "
                "in your path"
            )
        return ProgramBackend(
            name=os.path.basename(request.program[0]),
            argv=(found, *request.program[1:]),
            cwd=str(context.home.root),
        )
    backend = get_backend(request.backend or context.settings["backend"])
    backend.check_extra(tuple(request.backend_args))
    return backend


def _build(
    context: Context,
    record: EnvRecord,
    backend: Backend,
    interpreter: Path | None,
    request: CreateRequest,
    progress: Progress,
    on_built: BuiltHook | None,
) -> None:
    assert record.id is not None
    target = Path(record.path)
    target.mkdir(mode=0o755)
    assert record.creation_token is not None
    write_marker(str(target), record.creation_token)
    record.identity = identity_of(target)
    with write_transaction(context.conn):
        envs.update(context.conn, record.id, identity=record.identity)
    progress(f"creating {quoted(record.name)} with {backend.name} in {quoted(record.path)}")
    hold_point("create-building")  # the row and the folder exist, the env does not yet
    options = CreateOptions(
        target,
        interpreter,
        request.prompt,
        request.system_site_packages,
        tuple(request.backend_args),
    )
    backend.create(options, progress)
    info = inspect_venv(target)
    if on_built is not None:
        on_built(target)
    if request.requirements or request.packages:
        _install(info.interpreter, request, progress)
    if record.project_path:
        write_project_file(target, record.project_path)
    changes: dict[str, object] = {
        "tool": info.tool,
        "interpreter": str(info.interpreter) if info.interpreter else None,
        "python_version": info.python_version,
        "site_packages": str(info.site_packages) if info.site_packages else None,
        "identity": identity_of(target),  # now with its bin/ in it: proof enough on its own
    }
    with write_transaction(context.conn):
        envs.update(context.conn, record.id, **changes)
    os.unlink(target / CREATION_MARKER)
    changes.update(status="ready", creation_token=None)
    with write_transaction(context.conn):
        envs.update(context.conn, record.id, status="ready", creation_token=None)
    for key, value in changes.items():
        setattr(record, key, value)


def _install(python: Path | None, request: CreateRequest, progress: Progress) -> None:
    if python is None:
        raise UsageError("the new environment has no interpreter to install packages with")
    argv = [str(python), "-m", "pip", "install", "--disable-pip-version-check"]
    for requirement_file in request.requirements:
        argv += ["-r", str(Path(requirement_file).absolute())]
    argv += request.packages
    progress(
        f"installing {len(request.packages)} package(s) and {len(request.requirements)} "
        "requirements file(s)"
    )
    from ..backends.process import run

    run(argv, "pip install", progress)
