"""Removing an environment: snapshot its packages, then move it to the trash by a rename.

The registry row goes only after the folder; an interrupted removal is finished on the next run.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import time
from pathlib import Path

from ..envdir.boundary import foreign_entries, holds_more, is_own_entry, own_entries
from ..envdir.identity import same_folder, same_identity
from ..errors import Refused, VenvregError
from ..fs.brief import discard_brief
from ..fs.holds import hold_point
from ..names import validate_name
from ..registry import envs
from ..registry.db import note_work, write_transaction
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .freeze import freeze
from .lookup import find_record, not_found
from .safety import RemovalPlan, check_removable, env_lock
from .shell_index import publish_index
from .trash import (
    ENTRY_FILE,
    TrashEntry,
    delete_entry,
    expire,
    new_entry_id,
    read_entry,
    write_entry,
)


class RemovalResult:
    """What happened to one environment. outcome: trashed, entries-trashed (only the env's own
    entries; the folder stays), link-trashed, snapshot-only (another filesystem: deleted,
    restorable from its package list), purged or forgotten (folder gone). Read-only once made."""

    __slots__ = ("expiry_problem", "name", "outcome", "packages", "path", "size_bytes", "trash_id")

    def __init__(
        self,
        name: str,
        path: str,
        outcome: str,
        trash_id: str | None,
        size_bytes: int | None,
        packages: int,
        expiry_problem: str | None = None,
    ) -> None:
        self.name = name
        self.path = path
        self.outcome = outcome
        self.trash_id = trash_id
        self.size_bytes = size_bytes
        self.packages = packages
        self.expiry_problem = expiry_problem


def plan_removal(context: Context, name: str) -> RemovalPlan:
    """Look `name` up and check every deletion rule; nothing is touched."""
    validate_name(name)
    record = find_record(context, name)
    if record is None:
        raise not_found(context, name)
    return check_removable(context, record)


def snapshot(context: Context, record: EnvRecord, reason: str) -> list[str]:
    """Record the env's packages (read from its metadata, never by running it)."""
    requirements = freeze(Path(record.site_packages)) if record.site_packages else []
    with write_transaction(context.conn):
        envs.add_snapshot(context.conn, record.name, record.path, reason, requirements)
    return requirements


def _recheck(context: Context, plan: RemovalPlan) -> RemovalPlan:
    """Under the lock, the row and the folder must still be what was checked (a confirmation
    prompt may have waited while another shell replaced them): check every rule again."""
    record = plan.record
    current = envs.get_by_path(context.conn, record.path)
    fresh = None if current is None else check_removable(context, current)
    if (
        fresh is None
        or bool(fresh.foreign) != bool(plan.foreign)  # the project's own files may change
        or fresh.record.id != record.id
        or fresh.record.identity != record.identity
        or fresh.kind != plan.kind
        or fresh.marker != plan.marker
    ):
        raise Refused(
            f"{quoted(record.name)} changed since it was checked; nothing removed (run it again)"
        )
    return fresh


def remove(context: Context, plan: RemovalPlan, purge: bool = False) -> RemovalResult:
    """Carry out a checked removal."""
    with env_lock(context, plan.record.name):
        hold_point("remove-locked")
        plan = _recheck(context, plan)
        record = plan.record
        assert record.id is not None
        if plan.kind == "gone":
            with write_transaction(context.conn):
                envs.delete(context.conn, record.id)
            publish_index(context)
            return RemovalResult(record.name, record.path, "forgotten", None, None, 0)
        requirements = snapshot(context, record, "remove") if plan.kind == "folder" else []
        entry = TrashEntry(
            id=new_entry_id(),
            name=record.name,
            original_path=record.path,
            removed_at=time.time(),
            kind=plan.kind,
            size_bytes=record.size_bytes if plan.kind == "folder" else 0,
            python_version=record.python_version,
            backend=record.backend,
            requirements=requirements,
            record=record.as_dict(),
        )
        if plan.foreign:  # a project made with `venv .`: only the env's own entries go
            entry.kind = "entries"
            entry.entries = own_entries(record.path)
        note_work()  # run again after damage, a second trash entry would be written
        write_entry(context.home, entry)
        with write_transaction(context.conn):
            envs.update(context.conn, record.id, status="removing", pending_trash=entry.id)
        discard_brief(str(context.home.root), str(context.home.state))
        try:
            entry = _move_to_trash(context, entry)
        except VenvregError:  # nothing moved: undo, or the next run would "finish" it
            with write_transaction(context.conn):
                envs.update(context.conn, record.id, status="ready", pending_trash=None)
            _drop_empty_entry(context, entry)
            raise
        with write_transaction(context.conn):
            envs.delete(context.conn, record.id)
        publish_index(context)
    expiry_problem = _expire_quietly(context)
    outcome = {
        "folder": "trashed",
        "entries": "entries-trashed",
        "link": "link-trashed",
        "snapshot": "snapshot-only",
    }[entry.kind]
    if purge:
        delete_entry(context.home, entry)
        outcome = "purged"
    return RemovalResult(
        record.name,
        record.path,
        outcome,
        None if purge else entry.id,
        record.size_bytes,
        len(requirements),
        expiry_problem,
    )


def _expire_quietly(context: Context) -> str | None:
    """Apply trash_days; a trash entry that cannot be deleted must not turn a removal that
    worked into a failure (it is tried again next time). Returns the problem, if any."""
    try:
        expire(context.home, context.settings["trash_days"])
    except (VenvregError, OSError) as error:
        return f"could not expire old trash entries: {error}"
    return None


def _drop_empty_entry(context: Context, entry: TrashEntry) -> None:
    """Remove a trash entry that received nothing: its entry.json, then the empty folder (never
    a tree: if anything else is in it, it stays)."""
    folder = entry.folder(context.home)
    with contextlib.suppress(OSError):
        if os.path.isdir(entry.env_path(context.home)):
            entry.env_path(context.home).rmdir()
        (folder / ENTRY_FILE).unlink()
        folder.rmdir()


def _delete_for_good(entry: TrashEntry) -> None:
    """Delete an env that cannot be moved to the trash (another filesystem): a link only loses
    the link (its target is recorded to restore it); a folder only if it holds nothing but a
    venv, since its package snapshot is all that will remain."""
    path = entry.original_path
    if os.path.islink(path):
        entry.link_target = os.readlink(path)
        os.unlink(path)
        return
    extra = foreign_entries(path)
    if extra:
        raise VenvregError(
            f"{quoted(path)} is on another filesystem, so removing it would delete it for good, "
            f"and {holds_more(extra)}; nothing removed"
        )
    try:
        shutil.rmtree(path)
    except OSError as error:
        raise VenvregError(f"could not delete {quoted(path)}: {error.strerror}") from None


def _move_entries(context: Context, entry: TrashEntry) -> TrashEntry:
    """Move the env's own top-level entries one by one into its trash entry; the folder and
    everything else in it (the project) stay. pyvenv.cfg goes first, so that what is left is
    no env for a listing running meanwhile. Also what finishes such a removal killed midway:
    entries already moved are skipped. Nothing moved when it fails; another filesystem than
    the trash's is refused (deleting would be for good, and the folder is more than an env)."""
    path = entry.original_path
    destination = entry.env_path(context.home)
    names = [n for n in entry.entries if os.path.lexists(os.path.join(path, n))]
    names = [n for n in names if is_own_entry(path, n) and not os.path.lexists(destination / n)]
    names.sort(key=lambda name: name != "pyvenv.cfg")
    destination.mkdir(mode=0o700, exist_ok=True)
    moved: list[str] = []
    try:
        for name in names:
            os.rename(os.path.join(path, name), destination / name)
            moved.append(name)
            hold_point("remove-entry-moved")
    except OSError as error:
        for name in reversed(moved):
            with contextlib.suppress(OSError):
                os.rename(destination / name, os.path.join(path, name))
        if error.errno == errno.EXDEV:
            raise VenvregError(
                f"{quoted(path)} is on another filesystem than the trash, so removing it would "
                f"delete it for good, and {holds_more(foreign_entries(path))}; nothing removed"
            ) from None
        raise VenvregError(
            f"could not move the environment in {quoted(path)} to the trash: {error.strerror}"
        ) from None
    return entry


def _move_to_trash(context: Context, entry: TrashEntry) -> TrashEntry:
    """Rename the env into its trash entry; off WORKON_HOME's filesystem, delete it instead."""
    if entry.kind == "entries":
        return _move_entries(context, entry)
    destination = entry.env_path(context.home)
    try:
        os.rename(entry.original_path, destination)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise VenvregError(
                f"could not move {quoted(entry.original_path)} to the trash: {error.strerror}"
            ) from None
        _delete_for_good(entry)
        if entry.link_target is None:
            entry.kind = "snapshot"
        write_entry(context.home, entry)
    return entry


def finish_interrupted_removal(context: Context, record: EnvRecord) -> None:
    """A removal killed midway: complete it (folder into the trash, then the row)."""
    assert record.id is not None
    folder = context.home.trash / (record.pending_trash or "")
    entry = read_entry(folder) if record.pending_trash else None
    if entry is None:
        with write_transaction(context.conn, idempotent=True):
            envs.update(context.conn, record.id, status="ready", pending_trash=None)
        return
    if entry.kind == "entries":
        _finish_entries(context, record, entry)
        return
    moved = os.path.lexists(entry.env_path(context.home)) or entry.link_target is not None
    if os.path.lexists(record.path) and not moved:
        if not same_identity(record.identity, record.path):
            # Not the folder the removal started on: leave it, and the row to re-indexing.
            with write_transaction(context.conn, idempotent=True):
                envs.update(context.conn, record.id, status="ready", pending_trash=None)
            _drop_empty_entry(context, entry)
            return
        _move_to_trash(context, entry)
    with write_transaction(context.conn, idempotent=True):
        envs.delete(context.conn, record.id)


def _finish_entries(context: Context, record: EnvRecord, entry: TrashEntry) -> None:
    """Finish a killed removal of an env that shares its folder with a project: once its
    pyvenv.cfg is in the trash, the rest of its own entries follow (the folder must still be
    the one the removal started on); before that, it starts again only if the env is still
    the registered one. The project's files are never moved."""
    assert record.id is not None
    started = os.path.lexists(entry.env_path(context.home) / "pyvenv.cfg")
    if (started and same_folder(record.identity, record.path)) or (
        not started and same_identity(record.identity, record.path)
    ):
        _move_entries(context, entry)
    elif not started:  # not the env the removal started on: leave it to re-indexing
        with write_transaction(context.conn, idempotent=True):
            envs.update(context.conn, record.id, status="ready", pending_trash=None)
        _drop_empty_entry(context, entry)
        return
    with write_transaction(context.conn, idempotent=True):
        envs.delete(context.conn, record.id)
