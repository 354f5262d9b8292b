"""Removing an environment: snapshot its packages, then move it to the trash by a rename.

The registry row goes only after the folder; an interrupted removal is finished on the next run.
"""

from __future__ import annotations

import errno
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from .. import locks
from ..errors import NotFound, VenvregError
from ..names import validate_name
from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .freeze import freeze
from .lookup import find_record
from .safety import RemovalPlan, check_removable
from .shell_index import publish_index
from .trash import TrashEntry, delete_entry, expire, new_entry_id, read_entry, write_entry


@dataclass(frozen=True)
class RemovalResult:
    """What happened to one environment. outcome: trashed, purged, link-trashed, snapshot-only
    (another filesystem: deleted, restorable from its package list) or forgotten (folder gone)."""

    name: str
    path: str
    outcome: str
    trash_id: str | None
    size_bytes: int | None
    packages: int


def plan_removal(context: Context, name: str) -> RemovalPlan:
    """Look `name` up and check every deletion rule; nothing is touched."""
    validate_name(name)
    record = find_record(context, name)
    if record is None:
        raise NotFound(f"no environment named {quoted(name)}")
    return check_removable(context, record)


def snapshot(context: Context, record: EnvRecord, reason: str) -> list[str]:
    """Record the env's packages (read from its metadata, never by running it)."""
    requirements = freeze(Path(record.site_packages)) if record.site_packages else []
    with write_transaction(context.conn):
        envs.add_snapshot(context.conn, record.name, record.path, reason, requirements)
    return requirements


def remove(context: Context, plan: RemovalPlan, purge: bool = False) -> RemovalResult:
    """Carry out a checked removal."""
    record = plan.record
    assert record.id is not None
    with locks.hold(context.lock_path("remove", record.name)):
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
        write_entry(context.home, entry)
        with write_transaction(context.conn):
            envs.update(context.conn, record.id, status="removing", pending_trash=entry.id)
        try:
            entry = _move_to_trash(context, entry)
        except VenvregError:  # nothing moved: undo, or the next run would "finish" it
            with write_transaction(context.conn):
                envs.update(context.conn, record.id, status="ready", pending_trash=None)
            shutil.rmtree(entry.folder(context.home), ignore_errors=True)
            raise
        with write_transaction(context.conn):
            envs.delete(context.conn, record.id)
        publish_index(context)
    expire(context.home, context.settings["trash_days"])
    outcome = {"folder": "trashed", "link": "link-trashed", "snapshot": "snapshot-only"}[entry.kind]
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
    )


def _move_to_trash(context: Context, entry: TrashEntry) -> TrashEntry:
    """Rename the env into its trash entry; off WORKON_HOME's filesystem, delete it instead."""
    destination = entry.env_path(context.home)
    try:
        os.rename(entry.original_path, destination)
    except OSError as error:
        if error.errno != errno.EXDEV:
            raise VenvregError(
                f"could not move {quoted(entry.original_path)} to the trash: {error.strerror}"
            ) from None
        shutil.rmtree(entry.original_path)
        entry.kind = "snapshot"
        write_entry(context.home, entry)
    return entry


def finish_interrupted_removal(context: Context, record: EnvRecord) -> None:
    """A removal killed midway: complete it (folder into the trash, then the row)."""
    assert record.id is not None
    folder = context.home.trash / (record.pending_trash or "")
    entry = read_entry(folder) if record.pending_trash else None
    if entry is None:
        with write_transaction(context.conn):
            envs.update(context.conn, record.id, status="ready", pending_trash=None)
        return
    if os.path.lexists(record.path) and not os.path.lexists(entry.env_path(context.home)):
        _move_to_trash(context, entry)
    with write_transaction(context.conn):
        envs.delete(context.conn, record.id)
