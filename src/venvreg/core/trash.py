"""The trash: removed environments wait in $WORKON_HOME/.venvreg/trash/<id>/ until they expire.

Each entry is a folder holding `entry.json` (who it was, its package snapshot) and `env`, the
environment itself moved there by a rename (for an env whose folder holds more than an env, only
its own entries, moved one by one). The folder, not the registry, is the truth, so the trash
survives a rebuilt registry.

An entry is complete or gone: before `trash empty`, expiry, purge or `restore` work on an entry
they rename its folder out of the trash into `.venvreg/trash-busy/<operation>-<id>`, so that no
listing ever shows an entry half deleted or half restored; a command killed there leaves the
busy folder, which the next command finishes (core/restore.py, finish_trash_work).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import time
from pathlib import Path

from ..envdir.venv import disk_usage, read_small_file
from ..errors import Refused, VenvregError
from ..fs.atomic import write_text_atomically
from ..fs.holds import hold_point
from ..registry import envs
from ..registry.db import note_work, write_transaction
from ..settings.paths import Home
from ..text import quoted
from .context import Context
from .safety import trash_lock

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from typing import Literal

    EntryKind = Literal["folder", "link", "snapshot", "entries"]

ENTRY_FILE = "entry.json"
ENV_FOLDER = "env"
BUSY_FOLDER = "trash-busy"
DELETING, RESTORING = "delete", "restore"
SIZES_KEY = "trash_sizes"  # the registry's meta key of the measured sizes (entry_sizes)
# What entry.json holds, in the order TrashEntry takes them.
ENTRY_FIELDS = (
    "id", "name", "original_path", "removed_at", "kind", "size_bytes", "python_version",
    "backend", "requirements", "record", "link_target", "entries",
)  # fmt: skip


class TrashEntry:
    """One removed environment. kind: folder (moved here), link (only the link was moved here),
    snapshot (the folder was on another filesystem and deleted; the package list remains), or
    entries (the folder also held a project: only the env's own top-level entries, listed in
    `entries`, were moved here; the folder stayed)."""

    __slots__ = ENTRY_FIELDS

    def __init__(
        self,
        id: str,
        name: str,
        original_path: str,
        removed_at: float,
        kind: EntryKind,
        size_bytes: int | None = None,
        python_version: str | None = None,
        backend: str | None = None,
        requirements: list[str] | None = None,
        record: dict[str, object] | None = None,
        # A link on another filesystem is unlinked, not moved: where it pointed, to re-create it.
        link_target: str | None = None,
        entries: list[str] | None = None,
    ) -> None:
        self.id = id
        self.name = name
        self.original_path = original_path
        self.removed_at = removed_at
        self.kind = kind
        self.size_bytes = size_bytes
        self.python_version = python_version
        self.backend = backend
        self.requirements: list[str] = [] if requirements is None else requirements
        self.record: dict[str, object] = {} if record is None else record
        self.link_target = link_target
        self.entries: list[str] = [] if entries is None else entries

    def as_dict(self) -> dict[str, object]:
        """What entry.json holds: every field, in ENTRY_FIELDS order."""
        return {key: getattr(self, key) for key in ENTRY_FIELDS}

    def folder(self, home: Home) -> Path:
        return home.trash / self.id

    def env_path(self, home: Home) -> Path:
        return self.folder(home) / ENV_FOLDER


def new_entry_id() -> str:
    """Sortable by time and unique across concurrent shells."""
    return time.strftime("%Y%m%dT%H%M%S", time.gmtime()) + "-" + secrets.token_hex(4)


def write_entry(home: Home, entry: TrashEntry) -> None:
    """Create the entry folder and its entry.json atomically."""
    folder = entry.folder(home)
    folder.mkdir(mode=0o700, exist_ok=True)
    write_text_atomically(folder / ENTRY_FILE, json.dumps(entry.as_dict(), indent=2))


def read_entry(folder: Path) -> TrashEntry | None:
    data = read_small_file(folder / ENTRY_FILE, limit=4 * 1024 * 1024)
    if data is None:
        return None
    try:
        raw = json.loads(data)
        return TrashEntry(**raw)
    except (ValueError, TypeError):
        return None


def _entry_folders(home: Home) -> list[Path]:
    try:
        return [Path(entry.path) for entry in os.scandir(home.trash) if entry.is_dir()]
    except OSError:
        return []


def list_entries(home: Home) -> list[TrashEntry]:
    """Every readable trash entry, newest first."""
    entries: list[TrashEntry] = []
    for folder in _entry_folders(home):
        entry = read_entry(folder)
        if entry is not None and entry.id == folder.name:
            entries.append(entry)
    entries.sort(key=lambda entry: entry.removed_at, reverse=True)
    return entries


class EmptyResult:
    """What `trash empty` (or expiry) deleted and how much space that freed. Read-only once
    made."""

    __slots__ = ("bytes_freed", "removed")

    def __init__(self, removed: list[TrashEntry], bytes_freed: int) -> None:
        self.removed = removed
        self.bytes_freed = bytes_freed


def busy_root(home: Home) -> Path:
    return home.state / BUSY_FOLDER


def claim(home: Home, entry: TrashEntry, operation: str) -> Path:
    """Take an entry out of the trash before working on it (one rename: the entry is listed
    whole or not at all); returns the folder it now has."""
    busy = busy_root(home)
    target = busy / f"{operation}-{entry.id}"
    for attempt in range(3):
        busy.mkdir(mode=0o700, exist_ok=True)
        try:
            os.rename(entry.folder(home), target)
            break
        except OSError as error:
            # Another command may remove the empty busy folder between mkdir and rename.
            if isinstance(error, FileNotFoundError) and attempt < 2 and entry.folder(home).is_dir():
                continue
            raise VenvregError(
                f"could not take {quoted(entry.id)} out of the trash: {error.strerror}"
            ) from None
    hold_point(f"{operation}-claimed")
    return target


def claimed_entries(home: Home) -> list[tuple[str, str, Path]]:
    """(operation, entry id, folder) of every entry taken out of the trash and not done with."""
    try:
        items = sorted(os.scandir(busy_root(home)), key=lambda item: item.name)
    except OSError:
        return []
    claimed = []
    for item in items:
        operation, _, entry_id = item.name.partition("-")
        claimed.append((operation, entry_id, Path(item.path)))
    return claimed


def delete_claimed(folder: Path) -> None:
    """Delete a claimed entry's folder (entry.json first: what is left is never an entry), and
    the busy folder once it is empty: while it exists, every command starts by loading what
    finishes the work left in it (core/session.py), sqlite-utils included."""
    try:
        if os.path.lexists(folder / ENTRY_FILE):
            os.unlink(folder / ENTRY_FILE)
        hold_point("delete-started")
        shutil.rmtree(folder)
    except OSError as error:
        raise VenvregError(f"could not delete {quoted(str(folder))}: {error.strerror}") from None
    # Not empty: another command is at work in it (claim copes with the folder going).
    with contextlib.suppress(OSError):
        folder.parent.rmdir()


def delete_entry(home: Home, entry: TrashEntry) -> int:
    """Delete one entry for good; returns the bytes it took on disk."""
    size = disk_usage(entry.folder(home))
    with trash_lock(home.locks, entry.id):
        delete_claimed(claim(home, entry, DELETING))
    return size


def entries_older_than(home: Home, older_than_seconds: float | None) -> list[TrashEntry]:
    """The entries removed longer ago than `older_than_seconds` (all when None), newest first:
    what `trash empty` shows before it asks."""
    now = time.time()
    return [
        entry
        for entry in list_entries(home)
        if older_than_seconds is None or now - entry.removed_at >= older_than_seconds
    ]


def _fingerprint(folder: Path) -> str | None:
    """What a measurement of an entry is good for: the entry folder, its `env`, the env's
    `lib` and each site-packages (device, inode, mtime); an install into a trashed env or a
    folder swapped in changes it. None when the entry is gone."""
    parts = []
    env = folder / ENV_FOLDER
    for path in [folder, env, env / "lib", *sorted(env.glob("lib/python*/site-packages"))]:
        try:
            st = os.lstat(path)
        except OSError:
            if path == folder:
                return None
            continue
        parts.append(f"{st.st_dev}:{st.st_ino}:{st.st_mtime_ns}")
    return ";".join(parts)


def _cached_sizes(context: Context) -> dict[str, dict[str, object]]:
    raw = envs.get_meta(context.conn, SIZES_KEY)
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)} if isinstance(data, dict) else {}


def entry_sizes(context: Context, entries: list[TrashEntry]) -> dict[str, int]:
    """The bytes each entry takes on disk now (entry id -> size): measured once, then cached
    in the registry for as long as the entry's fingerprint stays the same. Entries that left
    the trash are dropped from the cache."""
    home = context.home
    cache = _cached_sizes(context)
    sizes: dict[str, int] = {}
    fresh: dict[str, dict[str, object]] = {}
    for entry in entries:
        fingerprint = _fingerprint(entry.folder(home))
        known = cache.get(entry.id)
        if known is not None and known.get("identity") == fingerprint:
            size = known.get("size_bytes")
            if isinstance(size, int):
                sizes[entry.id] = size
                continue
        sizes[entry.id] = disk_usage(entry.folder(home))
        if fingerprint is not None:
            fresh[entry.id] = {
                "identity": fingerprint,
                "size_bytes": sizes[entry.id],
                "measured_at": time.time(),
            }
    in_trash = {folder.name for folder in _entry_folders(home)}
    if fresh or set(cache) - in_trash:
        with write_transaction(context.conn, idempotent=True):
            cache = {**_cached_sizes(context), **fresh}  # another command may have written
            kept = {key: value for key, value in cache.items() if key in in_trash}
            envs.set_meta(context.conn, SIZES_KEY, json.dumps(kept, sort_keys=True))
    return sizes


def empty_trash(home: Home, older_than_seconds: float | None = None) -> EmptyResult:
    """Delete entries removed longer ago than `older_than_seconds` (all when None)."""
    return delete_entries(home, entries_older_than(home, older_than_seconds))


def delete_entries(home: Home, entries: list[TrashEntry]) -> EmptyResult:
    """Delete these entries for good: the ones a user was shown, not any added since. One
    restored or deleted by another command meanwhile is skipped."""
    if entries:
        note_work()  # run again after damage, the command would report nothing deleted
    removed: list[TrashEntry] = []
    freed = 0
    for entry in entries:
        try:
            freed += delete_entry(home, entry)
        except Refused:  # another command is deleting or restoring it right now
            continue
        except VenvregError:
            if not os.path.lexists(entry.folder(home)):
                continue  # another command took it out of the trash meanwhile
            raise
        removed.append(entry)
    return EmptyResult(removed, freed)


def expire(home: Home, trash_days: int) -> EmptyResult:
    """Apply the `trash_days` setting (0 keeps entries until emptied by hand)."""
    if trash_days <= 0:
        return EmptyResult([], 0)
    return empty_trash(home, trash_days * 86400.0)
