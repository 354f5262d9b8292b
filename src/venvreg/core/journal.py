"""The rebuild journal: what an interrupted rebuild needs to put the old environment back.

`$WORKON_HOME/.venvreg/rebuild/<id>/journal.json` is written before the old env is moved aside
and deleted after its last step; while it exists, the rebuild holds the env's one lock
(context.lock_path: the one rm, rename, copy, wipe and restore take).
A journal whose lock nobody holds belongs to a rebuild killed with -9: the next command
(`clean_leftovers`) rolls it back, or, when it had committed, finishes moving the old env into
the trash. The folder exists only while a rebuild is pending, so checking for it costs one stat.

A journal is input like any file on disk: before anything acts on it, it must match the
registry (its env id names a row with its name and path, the old row it carries is that row's)
and the places a rebuild uses (the old env waits in the journal's own folder, or beside the env
as `.NAME.venvreg-rebuild-ID`). One that does not is never acted on; doctor reports it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import stat
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..backends.process import stop_stragglers
from ..envdir.identity import identity_of, same_identity
from ..envdir.venv import read_small_file
from ..errors import VenvregError
from ..fs import locks
from ..fs.atomic import write_text_atomically
from ..names import name_key
from ..registry import envs
from ..registry.db import write_transaction
from ..settings.paths import Home
from ..text import quoted
from .context import Context
from .critical import signals_deferred
from .trash import TrashEntry, write_entry

JOURNAL_FILE = "journal.json"
BUILDING = "building"
COMMITTED = "committed"
# The row columns a rebuild changes; a rollback writes them back from the old row.
REBUILT_COLUMNS = (
    "identity",
    "status",
    "interpreter",
    "python_version",
    "site_packages",
    "tool",
    "backend",
)


@dataclass
class Journal:
    """One pending rebuild. `aside` is where the old env waits; `new_identity` is the folder the
    rebuild made at `path` (only that folder is ever deleted by a rollback)."""

    id: str
    name: str
    env_id: int
    path: str
    aside: str
    old_record: dict[str, object]
    requirements: list[str] = field(default_factory=list)
    new_identity: str | None = None
    phase: str = BUILDING
    trash_id: str | None = None
    started_at: float = 0.0


def root(home: Home) -> Path:
    return home.state / "rebuild"


def folder_of(home: Home, journal_id: str) -> Path:
    return root(home) / journal_id


def lock_path(context: Context, name: str) -> Path:
    return context.lock_path("rebuild", name)


def write(home: Home, journal: Journal) -> None:
    """Create or update the journal atomically."""
    folder = folder_of(home, journal.id)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    write_text_atomically(folder / JOURNAL_FILE, json.dumps(asdict(journal), indent=2))


def read(folder: Path) -> Journal | None:
    data = read_small_file(folder / JOURNAL_FILE, limit=4 * 1024 * 1024)
    if data is None:
        return None
    try:
        journal = Journal(**json.loads(data))
    except (ValueError, TypeError):
        return None
    if not _well_typed(asdict(journal)):
        return None
    # Its id names the folder it is deleted with: it must be this very folder's name.
    return journal if journal.id == folder.name else None


def _well_typed(raw: dict[str, object]) -> bool:
    """JSON can hold anything: the fields must have the types a rebuild writes."""
    texts = ("id", "name", "path", "aside", "phase")
    return (
        all(isinstance(raw[key], str) for key in texts)
        and type(raw["env_id"]) is int
        and isinstance(raw["old_record"], dict)
        and isinstance(raw["requirements"], list)
        and all(isinstance(raw[key], str | None) for key in ("new_identity", "trash_id"))
    )


def pending(home: Home) -> list[tuple[Path, Journal | None]]:
    """Every journal folder with its journal (None when unreadable)."""
    try:
        folders = sorted(Path(entry.path) for entry in os.scandir(root(home)) if entry.is_dir())
    except OSError:
        return []
    return [(folder, read(folder)) for folder in folders]


def aside_places(home: Home, journal: Journal) -> tuple[str, str]:
    """The two places a rebuild puts the old env (see core/rebuild.py's _aside_path)."""
    env = Path(journal.path)
    return (
        str(folder_of(home, journal.id) / "old"),
        str(env.parent / f".{env.name}.venvreg-rebuild-{journal.id}"),
    )


def distrust(context: Context, journal: Journal) -> str | None:
    """Why this journal cannot be what a rebuild wrote, or None when it matches the registry
    and the places a rebuild uses."""
    record = envs.get_by_id(context.conn, journal.env_id)
    if record is None:
        return f"no registered environment has its id {journal.env_id}"
    name, path = record.name, record.path
    if name_key(name) != name_key(journal.name):
        return f"it names {journal.name!r}, but the environment with its id is {name!r}"
    if journal.path != path:
        return f"its path {journal.path!r} is not the path of {name!r} ({path!r})"
    if journal.aside not in aside_places(context.home, journal):
        return f"the old env's place {journal.aside!r} is not one a rebuild of {name!r} uses"
    if (journal.old_record.get("id"), journal.old_record.get("path")) != (journal.env_id, path):
        return "the old row it would write back is not that environment's"
    if journal.phase not in (BUILDING, COMMITTED) or journal.trash_id not in (None, journal.id):
        return "its phase or trash id is not one a rebuild writes"
    return None


def discard(home: Home, journal: Journal) -> None:
    """Delete the journal (and the rebuild folder when it was the last one)."""
    shutil.rmtree(folder_of(home, journal.id), ignore_errors=True)
    with contextlib.suppress(OSError):
        root(home).rmdir()


def _is_empty_dir(path: str) -> bool:
    try:
        return stat.S_ISDIR(os.lstat(path).st_mode) and not os.listdir(path)
    except OSError:
        return False


def rollback(context: Context, journal: Journal) -> None:
    """Put the old env back under its name: delete what the rebuild made at `path` (only that
    folder), rename the old env back, and write its row back. Raise if `path` is taken by
    something that is not ours; the journal then stays for doctor to report."""
    path = journal.path
    with signals_deferred():
        if os.path.lexists(path) and os.path.lexists(journal.aside):
            if journal.new_identity is not None and same_identity(journal.new_identity, path):
                shutil.rmtree(path, ignore_errors=True)
            elif _is_empty_dir(path):  # made, then killed before its identity was written
                os.rmdir(path)
            if os.path.lexists(path):
                raise VenvregError(
                    f"cannot roll back the rebuild of {quoted(journal.name)}: {quoted(path)} "
                    f"is not the folder the rebuild made; the old env is at {quoted(journal.aside)}"
                )
        if os.path.lexists(journal.aside):
            os.rename(journal.aside, path)
        _restore_row(context, journal)
        discard(context.home, journal)


def _restore_row(context: Context, journal: Journal) -> None:
    changes = {column: journal.old_record.get(column) for column in REBUILT_COLUMNS}
    changes["identity"] = identity_of(journal.path)
    changes["status"] = "ready"
    with write_transaction(context.conn, idempotent=True):
        if envs.get_by_id(context.conn, journal.env_id) is not None:
            envs.update(context.conn, journal.env_id, **changes)


def finish(context: Context, journal: Journal) -> str:
    """After the commit: the old env goes into the trash (restorable by the returned id)."""
    assert journal.trash_id is not None
    old = journal.old_record
    size = old.get("size_bytes")
    version = old.get("python_version")
    backend = old.get("backend")
    entry = TrashEntry(
        id=journal.trash_id,
        name=journal.name,
        original_path=journal.path,
        removed_at=time.time(),
        kind="folder",
        size_bytes=size if isinstance(size, int) else None,
        python_version=version if isinstance(version, str) else None,
        backend=backend if isinstance(backend, str) else None,
        requirements=journal.requirements,
        record=old,
    )
    destination = entry.env_path(context.home)
    with signals_deferred():
        write_entry(context.home, entry)
        if os.path.lexists(journal.aside) and not os.path.lexists(destination):
            try:
                os.rename(journal.aside, destination)
            except OSError as error:
                if error.errno != errno.EXDEV:
                    raise
                shutil.rmtree(journal.aside)  # another filesystem: the package list remains
                entry.kind = "snapshot"
                write_entry(context.home, entry)
        discard(context.home, journal)
    return entry.id


def recover(context: Context) -> list[str]:
    """Finish or roll back rebuilds killed with -9; returns their names. Rebuilds still
    running (their lock is held) are left alone, and so is what cannot be rolled back."""
    recovered: list[str] = []
    for folder, seen in pending(context.home):
        if seen is None:
            continue
        with locks.hold_if_free(lock_path(context, seen.name)) as free:
            journal = read(folder) if free else None  # as it is now that we hold its lock
            if journal is None or distrust(context, journal) is not None:
                continue  # running again, finished, or not trustworthy: doctor reports it
            stop_stragglers(lock_path(context, journal.name))  # what its children started
            try:
                if journal.phase == COMMITTED:
                    finish(context, journal)
                else:
                    rollback(context, journal)
            except (VenvregError, OSError):
                continue
        recovered.append(journal.name)
    return recovered
