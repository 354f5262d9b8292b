"""Bringing an environment back from the trash: a rename back to where it was."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, fields

from ..errors import NotFound, Refused
from ..identity import identity_of
from ..names import name_key
from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .create import CreateRequest, create
from .shell_index import publish_index
from .trash import TrashEntry, list_entries


@dataclass(frozen=True)
class RestoreResult:
    """The restored row; `rebuilt` when it came back from its package snapshot."""

    record: EnvRecord
    entry: TrashEntry
    rebuilt: bool


def find_entry(context: Context, name_or_id: str) -> TrashEntry:
    """The newest trash entry with that name (case-folded), or exactly that entry id."""
    entries = list_entries(context.home)
    for entry in entries:
        if entry.id == name_or_id:
            return entry
    for entry in entries:
        if name_key(entry.name) == name_key(name_or_id):
            return entry
    raise NotFound(f"nothing named {quoted(name_or_id)} in the trash (see `venvreg trash list`)")


def restore(context: Context, name_or_id: str, progress: Callable[[str], None]) -> RestoreResult:
    """Put the env back at its original path and re-register it."""
    entry = find_entry(context, name_or_id)
    if envs.get_by_name(context.conn, entry.name) is not None:
        raise Refused(f"an environment named {quoted(entry.name)} exists; remove it first")
    if os.path.lexists(entry.original_path):
        raise Refused(f"{quoted(entry.original_path)} exists again; refusing to overwrite it")
    if entry.kind == "snapshot":
        return RestoreResult(_recreate(context, entry, progress), entry, True)
    if entry.link_target is not None:  # a link that was on another filesystem: re-create it
        os.symlink(entry.link_target, entry.original_path)
    else:
        os.rename(entry.env_path(context.home), entry.original_path)
    record = _record_from_entry(entry)
    with write_transaction(context.conn):
        envs.insert(context.conn, record)
    shutil.rmtree(entry.folder(context.home), ignore_errors=True)
    publish_index(context)
    return RestoreResult(record, entry, False)


def _record_from_entry(entry: TrashEntry) -> EnvRecord:
    columns = {column.name for column in fields(EnvRecord)}
    known = {key: value for key, value in entry.record.items() if key in columns}
    record = EnvRecord(**known)  # type: ignore[arg-type]  # values as stored in entry.json
    record.id = None
    record.status = "ready"
    record.pending_trash = None
    record.path = entry.original_path
    record.identity = identity_of(entry.original_path)
    return record


def _recreate(context: Context, entry: TrashEntry, progress: Callable[[str], None]) -> EnvRecord:
    """The folder was deleted (another filesystem): rebuild it from its package snapshot."""
    version = entry.python_version or ""
    spec = ".".join(version.split(".")[:2]) or None
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as requirements:
        requirements.write("\n".join(entry.requirements) + "\n")
    project = str(entry.record.get("project_path") or "")
    try:
        request = CreateRequest(
            name=entry.name,
            python=spec,
            requirements=[requirements.name] if entry.requirements else [],
            backend=entry.backend,
            project=project if project and os.path.isdir(project) else None,
            project_trusted=project == entry.record.get("user_project"),
        )
        record = create(context, request, progress)
    finally:
        os.unlink(requirements.name)
    shutil.rmtree(entry.folder(context.home), ignore_errors=True)
    return record
