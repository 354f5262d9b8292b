"""Bringing an environment back from the trash: a rename back to where it was (for an env that
shared its folder with a project, exactly its own entries, one by one).

A restore first claims its entry (core/trash.py), so the trash never lists it half restored;
finish_trash_work completes what a killed restore or deletion left behind."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..envdir.identity import identity_of, same_identity
from ..envdir.venv import inspect_venv
from ..errors import NotFound, Refused, VenvregError
from ..fs.holds import hold_point
from ..names import name_key
from ..registry import envs, tables
from ..registry.db import note_work, write_transaction
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .create import CreateRequest, create
from .pip import requirements_file
from .safety import env_lock, trash_lock
from .shell_index import publish_index
from .trash import (
    ENV_FOLDER,
    RESTORING,
    TrashEntry,
    busy_root,
    claim,
    claimed_entries,
    delete_claimed,
    delete_entry,
    list_entries,
    read_entry,
)


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


def missing_part(folder: Path, entry: TrashEntry) -> str | None:
    """What a trash entry (kept in `folder`) lacks to be restored, or None when it is whole:
    an entry that a deletion interrupted midway (before entries were claimed first) must
    never come back as a registered env."""
    env = folder / ENV_FOLDER
    if entry.kind == "snapshot" or entry.link_target is not None:
        return None
    if entry.kind == "link":
        return None if os.path.islink(env) else "its link"
    if entry.kind == "entries":
        gone = [name for name in entry.entries if not os.path.lexists(env / name)]
        if gone:
            return ", ".join(gone[:3])
    info = inspect_venv(env)
    if info.tool == "conda":
        return None
    if not info.is_venv:
        return "pyvenv.cfg"
    if info.interpreter is None:
        return "its Python (bin/python)"
    if info.site_packages is None:
        return "its site-packages"
    return None


def restore(context: Context, name_or_id: str, progress: Callable[[str], None]) -> RestoreResult:
    """Put the env back at its original path and re-register it."""
    entry = find_entry(context, name_or_id)
    lacking = missing_part(entry.folder(context.home), entry)
    if lacking is not None:
        raise VenvregError(
            f"the trash entry {quoted(entry.id)} of {quoted(entry.name)} is incomplete (a "
            f"deletion was interrupted: {lacking} is gone), so it cannot be restored; "
            "`venvreg trash empty` deletes it"
        )
    with env_lock(context, entry.name):
        if envs.get_by_name(context.conn, entry.name) is not None:
            raise Refused(f"an environment named {quoted(entry.name)} exists; remove it first")
        _check_free(entry)
        if entry.kind == "snapshot":
            return RestoreResult(_recreate(context, entry, progress), entry, True)
        with trash_lock(context.home.locks, entry.id):
            note_work()  # a rerun would find the entry gone from the trash, and fail
            folder = claim(context.home, entry, RESTORING)
            record = _put_back(context, entry, folder)
    publish_index(context)
    return RestoreResult(record, entry, False)


def _check_free(entry: TrashEntry) -> None:
    """The original place must be free: the path itself, or (for an env that shared its folder
    with a project) each of the env's own entries in that folder."""
    path = entry.original_path
    if entry.kind != "entries":
        if os.path.lexists(path):
            raise Refused(f"{quoted(path)} exists again; refusing to overwrite it")
        return
    if os.path.lexists(path) and not os.path.isdir(path):
        raise Refused(f"{quoted(path)} is not a folder any more; refusing to restore into it")
    taken = [name for name in entry.entries if os.path.lexists(os.path.join(path, name))]
    if taken:
        raise Refused(
            f"{quoted(path)} holds {', '.join(taken[:3])} again; refusing to overwrite it"
        )


def _put_back(
    context: Context, entry: TrashEntry, folder: Path, *, finishing: bool = False
) -> EnvRecord:
    """Move a claimed entry's env back, register it, then drop the entry. Also what finishes a
    restore killed midway (`finishing`), so every step tolerates having been done already: done
    for another command, it does not stop this one from running again after damage."""
    env = folder / ENV_FOLDER
    path = entry.original_path
    if entry.link_target is not None:  # a link that was on another filesystem: re-create it
        if not os.path.lexists(path):
            os.symlink(entry.link_target, path)
    elif entry.kind == "entries":
        os.makedirs(path, mode=0o755, exist_ok=True)  # the project may have gone meanwhile
        # pyvenv.cfg last: the folder becomes an env only once the env is whole again.
        for name in sorted(entry.entries, key=lambda name: name == "pyvenv.cfg"):
            if os.path.lexists(env / name) and not os.path.lexists(os.path.join(path, name)):
                os.rename(env / name, os.path.join(path, name))
                hold_point("restore-entry-moved")
    elif os.path.lexists(env):
        os.rename(env, path)
    hold_point("restore-moved")
    with write_transaction(context.conn, idempotent=finishing):
        record = _record_from_entry(entry)
        existing = envs.get_by_path(context.conn, path)
        if existing is None:
            tables.insert_env(context.conn, record)
        elif existing.id is not None and same_identity(existing.identity, path):
            # A listing meanwhile registered the folder as newly found: give it its history.
            changes = {k: v for k, v in record.as_dict().items() if k not in ("id", "name")}
            tables.update_env(context.conn, existing.id, changes)
            record.id, record.name = existing.id, existing.name
        else:
            record = existing
    delete_claimed(folder)
    return record


def finish_trash_work(context: Context) -> list[str]:
    """Finish what a killed `trash empty`, expiry, purge or `restore` left in the busy folder:
    a deletion is completed; a restore is completed when its place is still free (the user
    asked for it), else its entry goes back into the trash whole. Returns the entry ids."""
    finished: list[str] = []
    for operation, entry_id, folder in claimed_entries(context.home):
        try:
            with trash_lock(context.home.locks, entry_id):
                _finish_one(context, operation, folder)
        except Refused:  # its command is still at work
            continue
        except (VenvregError, OSError) as error:
            # One stuck entry must not stop every command; doctor reports what stays.
            print(f"venvreg: warning: could not finish with the trash entry {entry_id}: {error}",
                  file=sys.stderr)  # fmt: skip
            continue
        finished.append(entry_id)
    with contextlib.suppress(OSError):
        busy_root(context.home).rmdir()
    return finished


def _finish_one(context: Context, operation: str, folder: Path) -> None:
    entry = read_entry(folder)
    if operation != RESTORING or entry is None:
        if os.path.lexists(folder):
            delete_claimed(folder)
        return
    env = folder / ENV_FOLDER
    registered = envs.get_by_name(context.conn, entry.name)
    if entry.link_target is not None:
        started = os.path.islink(entry.original_path) and (
            os.readlink(entry.original_path) == entry.link_target
        )
    else:
        started = not os.path.lexists(env) or (
            entry.kind == "entries" and any(not os.path.lexists(env / n) for n in entry.entries)
        )
    if started or (registered is None and _is_free(entry)):
        _put_back(context, entry, folder, finishing=True)
        publish_index(context)
        return
    os.rename(folder, entry.folder(context.home))  # not begun, and its place is taken: undo


def _is_free(entry: TrashEntry) -> bool:
    try:
        _check_free(entry)
    except Refused:
        return False
    return True


def _record_from_entry(entry: TrashEntry) -> EnvRecord:
    known = {key: value for key, value in entry.record.items() if key in envs.FIELDS}
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
    project = str(entry.record.get("project_path") or "")
    with requirements_file(entry.requirements) as requirements:
        request = CreateRequest(
            name=entry.name,
            python=spec,
            requirements=[requirements] if entry.requirements else [],
            backend=entry.backend,
            project=project if project and os.path.isdir(project) else None,
            project_trusted=project == entry.record.get("user_project"),
        )
        record = create(context, request, progress)
    delete_entry(context.home, entry)
    return record
