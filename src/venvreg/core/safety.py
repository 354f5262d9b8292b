"""The deletion rules (docs/registry.md, Deletion): what may go to the trash, checked first."""

from __future__ import annotations

import contextlib
import os
import stat

from ..envdir.boundary import foreign_entries
from ..envdir.identity import looks_like_env, same_identity
from ..errors import Refused
from ..fs import locks
from ..registry.envs import EnvRecord
from ..settings.paths import is_system_folder, is_within
from ..text import quoted
from .context import Context

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path
    from typing import Literal

    # What a removal moves: the env's folder (or only its own entries), a link, or nothing (gone).
    RemovalKind = Literal["folder", "link", "gone"]


class RemovalPlan:
    """A checked removal. kind: folder, link (only the link goes) or gone (only the row goes).
    `marker` is the inode and change time of the env's pyvenv.cfg when it was checked: a
    folder deleted and made again reuses the folder's inode at once, but not that.
    `foreign`: the folder's top-level entries that no venv tool made (a project made with
    `python -m venv .`); then only the env's own entries are removed and the folder stays.
    Read-only once made: a plan checked again is a new plan."""

    __slots__ = ("foreign", "kind", "marker", "record")

    def __init__(
        self,
        record: EnvRecord,
        kind: RemovalKind,
        marker: str | None = None,
        foreign: tuple[str, ...] = (),
    ) -> None:
        self.record = record
        self.kind = kind
        self.marker = marker
        self.foreign = foreign


def env_marker(path: str) -> str | None:
    try:
        status = os.stat(os.path.join(path, "pyvenv.cfg"))
    except OSError:
        return None
    return f"{status.st_ino}:{status.st_ctime_ns}"


def is_active(path: str) -> bool:
    """Is `path` the environment the calling shell has active ($VIRTUAL_ENV)?"""
    active = os.environ.get("VIRTUAL_ENV")
    if not active:
        return False
    if os.path.realpath(active) == os.path.realpath(path):
        return True
    try:
        return os.path.samefile(active, path)
    except OSError:
        return False


def _protected(context: Context, path: str) -> bool:
    """WORKON_HOME, $HOME, a filesystem root, a system folder, or an ancestor of one."""
    home_root = os.path.realpath(context.home.root)
    for candidate in {os.path.normpath(path), os.path.realpath(path)}:
        if is_system_folder(candidate):
            return True
        if is_within(home_root, candidate, or_same=True):
            return True
    return False


def check_removable(context: Context, record: EnvRecord) -> RemovalPlan:
    """Raise Refused unless every deletion rule allows removing `record`'s folder."""
    name, path = quoted(record.name), quoted(record.path)
    if record.status == "creating":
        raise Refused(f"{name} is still being created; try again when that has finished")
    if _protected(context, record.path):
        raise Refused(f"{name} points at {path}, a protected folder; refusing to delete it")
    try:
        status = os.lstat(record.path)
    except FileNotFoundError:
        return RemovalPlan(record, "gone")
    if is_active(record.path):
        raise Refused(f"{name} is the active environment; run `deactivate` first")
    replaced = Refused(
        f"the folder {path} is not the environment registered as {name} (it was replaced "
        "since); run `venvreg list` to re-index it (or `venvreg adopt PATH` for an env "
        "outside WORKON_HOME), then try again"
    )
    if stat.S_ISLNK(status.st_mode):
        if not same_identity(record.identity, record.path):
            raise replaced
        return RemovalPlan(record, "link")
    if not stat.S_ISDIR(status.st_mode):
        raise Refused(f"{path} is not a folder; refusing to delete it")
    if not looks_like_env(record.path):
        raise Refused(
            f"{path} holds no pyvenv.cfg, so it is not a virtual environment; refusing to delete it"
        )
    if not same_identity(record.identity, record.path):
        raise replaced
    foreign = tuple(foreign_entries(record.path, limit=None))
    return RemovalPlan(record, "folder", env_marker(record.path), foreign)


def deletes_for_good(context: Context, plan: RemovalPlan) -> bool:
    """A folder on another filesystem than the trash cannot be moved there: removing it deletes
    it, and only its package snapshot remains (a link there is only unlinked)."""
    if plan.kind != "folder":
        return False
    try:
        return os.stat(plan.record.path).st_dev != os.stat(context.home.trash).st_dev
    except OSError:
        return False


@contextlib.contextmanager
def try_lock(path: Path, busy: str) -> Iterator[None]:
    """Hold the lock file at `path`, or raise Refused(busy) at once when another process holds
    it: a second command on the same env says so instead of waiting without a word."""
    try:
        with locks.hold(path, wait=False):
            yield
    except locks.Busy:
        raise Refused(busy) from None


def env_lock(context: Context, name: str) -> contextlib.AbstractContextManager[None]:
    """The one lock of the env `name`, shared by rm, rebuild, rename, copy, wipe and restore
    (context.lock_path maps each of them to the same file)."""
    context.home.locks.mkdir(mode=0o700, parents=True, exist_ok=True)
    return try_lock(
        context.lock_path("env", name),
        f"{quoted(name)} is busy: another venvreg command (rm, rebuild, rename, copy, wipe or "
        "restore) is working on it; nothing done, try again when it has finished",
    )


def trash_lock(context_locks: Path, entry_id: str) -> contextlib.AbstractContextManager[None]:
    """The lock a command holds while it deletes or restores the trash entry `entry_id`; free
    with the entry still claimed means that command was killed."""
    context_locks.mkdir(mode=0o700, parents=True, exist_ok=True)
    return try_lock(
        context_locks / f"trash-{entry_id}.lock",
        f"the trash entry {quoted(entry_id)} is being deleted or restored by another command",
    )
