"""Rebuilding an environment: the same packages on the same (or a new) interpreter, with the old
env kept in the trash for rollback.

Venvs are not relocatable (their scripts and activate files embed the absolute path), so the new
env cannot be built under a temporary path and renamed in: it would point at the temporary path.
It is built in place, after the old env has been moved aside by a rename. The order:

1. Check everything first, writing nothing: the env is a registered venv folder that the rm rules
   would let go (not the active env, not a link, not protected, the registered folder), neither
   conda's nor another tool's; the interpreter resolves; the backend exists. Its packages are
   read from their metadata (the snapshot).
2. Hold the env's lock (the one rm, rename, copy, wipe and restore take: a second command on
   the env is refused while this one runs), check again, store the snapshot in the registry;
   write the journal (core/journal.py) naming the env, its row as it is, and where the old env
   will wait.
3. Rename the old env aside: `.venvreg/rebuild/<id>/old` on WORKON_HOME's filesystem, else a
   hidden sibling folder. Instant whatever the size, and the old env stays intact.
4. Make the new folder at the env's path; record its identity in the journal and in the row, so
   that a listing running meanwhile sees the same env (not a replaced folder that loses its use
   history).
5. Create the env there with the backend, reinstall the snapshot with the new env's own pip,
   write `.project`, copy the env's hook files from the old env.
6. Verify: the new env is healthy, and every snapshot line is installed at the same version
   (packages the new interpreter adds are reported, not refused).
7. Commit, with signals deferred: the row gets the new interpreter, version, backend (same id,
   name, path, project, creation time and use history); then the journal says committed.
8. The old env moves into the trash by a rename, as an entry restorable by id; the journal goes.

A failure or an interruption (Ctrl-C, SIGTERM, SIGHUP) in steps 3-6 rolls back: the new folder
(only the one the journal names) is deleted, the old env is renamed back to its path and its row
written back. It is the very same folder, so it works exactly as before. After a kill -9 the next
command does the same from the journal; if the rebuild had committed, it finishes step 8.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..backends import get_backend
from ..backends.base import BACKEND_NAMES, CreateOptions
from ..backends.discovery import resolve_interpreter
from ..envdir.boundary import holds_more
from ..envdir.identity import identity_of
from ..envdir.owners import MANAGED_OWNERS
from ..envdir.project_file import write_project_file
from ..envdir.venv import check_health, inspect_venv
from ..errors import Refused, UsageError, VenvregError
from ..fs.holds import hold_point
from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from ..text import quoted
from . import journal as journals
from .context import Context
from .copy import _copy_hooks, base_interpreter
from .critical import signals_deferred
from .freeze import canonical_name, freeze
from .lookup import get_present_env
from .pip import install
from .reconcile import reconcile
from .safety import check_removable, env_lock
from .trash import new_entry_id

Progress = Callable[[str], None]


@dataclass(frozen=True)
class RebuildPlan:
    """A checked rebuild: what will be recreated, with which interpreter and backend."""

    record: EnvRecord
    interpreter: Path
    backend: str
    requirements: list[str]
    prompt: str | None
    system_site_packages: bool


@dataclass(frozen=True)
class RebuildResult:
    """A finished rebuild; the old env is the trash entry `trash_id`."""

    name: str
    path: str
    old_version: str | None
    new_version: str | None
    packages: int
    extras: tuple[str, ...]
    trash_id: str


def plan_rebuild(context: Context, name: str, python: str | None = None) -> RebuildPlan:
    """Check that `name` can be rebuilt and choose its interpreter; nothing is written."""
    record = get_present_env(context, name)
    removal = check_removable(context, record)
    if removal.kind == "gone":
        raise VenvregError(
            f"the folder of {quoted(record.name)} is gone ({quoted(record.path)}); "
            f"`venvreg rm {quoted(record.name)}` forgets it"
        )
    if removal.kind == "link":
        raise Refused(
            f"{quoted(record.name)} is a symbolic link to {quoted(os.path.realpath(record.path))};"
            " rebuild the environment it points to"
        )
    if removal.foreign:
        raise Refused(
            f"{quoted(record.name)} cannot be rebuilt in place: {holds_more(list(removal.foreign))}"
            ", and a rebuild moves the whole folder aside; nothing done (make a new env with "
            f"`venvreg create`, then `venvreg rm {quoted(record.name)}` moves only this env's own "
            "entries to the trash)"
        )
    info = inspect_venv(Path(record.path))
    if info.tool == "conda" or record.tool in MANAGED_OWNERS:
        owner = "conda" if info.tool == "conda" else record.tool
        raise Refused(f"{quoted(record.name)} belongs to {owner}; rebuild it with {owner}")
    interpreter = _choose_interpreter(record, python)
    backend = record.backend or (info.tool if info.tool in BACKEND_NAMES else None)
    backend = get_backend(backend or context.settings["backend"]).name
    requirements = freeze(info.site_packages) if info.site_packages else []
    return RebuildPlan(
        record=record,
        interpreter=interpreter,
        backend=backend,
        requirements=requirements,
        prompt=info.prompt if info.prompt and info.prompt != record.name else None,
        system_site_packages=info.include_system_site_packages,
    )


def _choose_interpreter(record: EnvRecord, python: str | None) -> Path:
    """-p when given; else the env's own base Python; else any Python of the env's X.Y."""
    if python:
        return resolve_interpreter(python)
    base = base_interpreter(record)
    if base is not None:
        return Path(base)
    version = inspect_venv(Path(record.path)).python_version or record.python_version
    if not version:
        raise UsageError(
            f"the Python version of {quoted(record.name)} is unknown; choose one with -p"
        )
    major_minor = ".".join(version.split(".")[:2])
    try:
        return resolve_interpreter(major_minor)
    except UsageError:
        raise UsageError(
            f"the Python {quoted(record.name)} was made from is gone and no Python "
            f"{major_minor} was found; choose another with -p (e.g. -p 3.12)"
        ) from None


def rebuild(context: Context, plan: RebuildPlan, progress: Progress) -> RebuildResult:
    """Carry out a checked rebuild (the module docstring gives the order)."""
    record = plan.record
    assert record.id is not None
    with env_lock(context, record.name):  # the same lock as rm, rename, copy, wipe, restore
        hold_point("rebuild-locked")
        check_removable(context, record)  # still the folder that was planned
        with write_transaction(context.conn):
            envs.add_snapshot(context.conn, record.name, record.path, "rebuild", plan.requirements)
        entry_id = new_entry_id()
        journal = journals.Journal(
            id=entry_id,
            name=record.name,
            env_id=record.id,
            path=record.path,
            aside=_aside_path(context, record.path, entry_id),
            old_record=record.as_dict(),
            requirements=plan.requirements,
            trash_id=entry_id,
            started_at=time.time(),
        )
        journals.write(context.home, journal)
        try:
            with signals_deferred():
                os.rename(record.path, journal.aside)
            new_version, extras = _build(context, plan, journal, progress)
            _commit(context, plan, journal, new_version)
        except BaseException:
            if journal.phase != journals.COMMITTED:
                journals.rollback(context, journal)
            else:  # a signal held back by the commit arrived as it ended: the rebuild stands
                journals.finish(context, journal)
            raise
        trash_id = journals.finish(context, journal)
    reconcile(context)  # refresh what listings cache about the env
    return RebuildResult(
        name=record.name,
        path=record.path,
        old_version=record.python_version,
        new_version=new_version,
        packages=len(plan.requirements),
        extras=extras,
        trash_id=trash_id,
    )


def _aside_path(context: Context, path: str, entry_id: str) -> str:
    """Where the old env waits: on the same filesystem as the env, so moving it is a rename."""
    try:
        same = os.stat(path).st_dev == os.stat(context.home.state).st_dev
    except OSError:
        same = False
    if same:
        return str(journals.folder_of(context.home, entry_id) / "old")
    env = Path(path)
    return str(env.parent / f".{env.name}.venvreg-rebuild-{entry_id}")


def _build(
    context: Context, plan: RebuildPlan, journal: journals.Journal, progress: Progress
) -> tuple[str | None, tuple[str, ...]]:
    """Steps 4-6: the new env at the env's path, its packages, verified."""
    assert plan.record.id is not None
    target = Path(plan.record.path)
    with signals_deferred():
        target.mkdir(mode=0o755)
        journal.new_identity = identity_of(target)
        journals.write(context.home, journal)
        with write_transaction(context.conn):
            envs.update(context.conn, plan.record.id, identity=journal.new_identity)
    progress(
        f"creating {quoted(plan.record.name)} with {plan.backend} and {plan.interpreter} "
        f"(the old env waits in {quoted(journal.aside)})"
    )
    options = CreateOptions(target, plan.interpreter, plan.prompt, plan.system_site_packages)
    get_backend(plan.backend).create(options, progress)
    info = inspect_venv(target)
    if info.interpreter is None:
        raise VenvregError(f"the new environment at {quoted(str(target))} has no interpreter")
    install(info.interpreter, plan.requirements, progress)
    if plan.record.project_path:
        write_project_file(target, plan.record.project_path)
    _copy_hooks(Path(journal.aside), target)
    return _verify(plan, target)


def _key(line: str) -> str:
    """`name==version` lines compare by normalised name and version; others as written."""
    name, sep, version = line.partition("==")
    if sep and " " not in name:
        return canonical_name(name) + "==" + version.strip()
    return line.strip()


def _verify(plan: RebuildPlan, target: Path) -> tuple[str | None, tuple[str, ...]]:
    """The new env is healthy and holds every package of the snapshot; returns its Python
    version and the packages it has beyond the snapshot."""
    info = inspect_venv(target)
    health = check_health(info, None)
    if not health.ok:
        raise VenvregError(f"the rebuilt environment is not healthy: {'; '.join(health.problems)}")
    installed = freeze(info.site_packages) if info.site_packages else []
    have = {_key(line) for line in installed}
    wanted = {_key(line) for line in plan.requirements}
    missing = [line for line in plan.requirements if _key(line) not in have]
    if missing:
        raise VenvregError(
            f"the rebuilt environment does not match the snapshot: missing {', '.join(missing)}"
        )
    extras = tuple(line for line in installed if _key(line) not in wanted)
    return info.python_version, extras


def _commit(
    context: Context, plan: RebuildPlan, journal: journals.Journal, new_version: str | None
) -> None:
    """Step 7: the row describes the new env (same id, name, path, history); then the journal
    says committed, so that a later recovery finishes instead of rolling back."""
    record = plan.record
    assert record.id is not None
    info = inspect_venv(Path(record.path))
    with signals_deferred():
        with write_transaction(context.conn):
            current = envs.get_by_name(context.conn, record.name)
            uses = max(record.use_count, current.use_count if current else 0)
            last = max(
                (t for t in (record.last_used_at, current.last_used_at if current else None) if t),
                default=None,
            )
            envs.update(
                context.conn,
                record.id,
                identity=identity_of(journal.path),  # now with the bin/ the backend made
                status="ready",
                tool=info.tool,
                backend=plan.backend,
                interpreter=str(info.interpreter) if info.interpreter else None,
                python_version=new_version,
                site_packages=str(info.site_packages) if info.site_packages else None,
                last_used_at=last,
                use_count=uses,
                size_bytes=None,
                size_measured_at=None,
            )
        journal.phase = journals.COMMITTED
        journals.write(context.home, journal)


def broken_envs(context: Context) -> tuple[list[EnvRecord], list[tuple[EnvRecord, str]]]:
    """Registered envs whose folder is there but broken (a gone project does not count), and
    those of them that cannot be rebuilt here, with the reason."""
    reconcile(context)
    chosen: list[EnvRecord] = []
    skipped: list[tuple[EnvRecord, str]] = []
    for record in envs.all_records(context.conn):
        if record.status != "ready":
            continue
        info = inspect_venv(Path(record.path))
        if check_health(info, None).ok:
            continue
        if info.tool == "conda" or record.tool in MANAGED_OWNERS:
            owner = "conda" if info.tool == "conda" else record.tool
            skipped.append((record, f"belongs to {owner}; rebuild it with {owner}"))
            continue
        chosen.append(record)
    return chosen, skipped
