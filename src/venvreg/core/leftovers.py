"""Finding what a killed (kill -9) creation or removal left behind, and finishing it.

Each leftover row is acted on only under its operation's lock, taken without waiting (a running
operation holds it) and held while the row is read again: a creation that finished in the
meantime is `ready` by then, and is left alone. A folder is removed as a creation's leftover only
when it is provably the one that creation made: it holds the creation's marker file with the
random token recorded in the row (written first into the new folder), or it still has the
identity recorded once the backend had made the env. Anything else stays where it is; the row
goes, and `doctor` reports a marked folder that no creation owns any more.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys

from ..envdir.identity import UNKNOWN, is_current_form, same_identity
from ..errors import VenvregError
from ..registry import envs
from ..registry.db import write_transaction
from ..text import quoted
from .context import Context

# Written by `create` into the new folder before anything else, holding the row's token.
CREATION_MARKER = ".venvreg-creating"
MARKER_LIMIT = 256


def clean_leftovers(context: Context) -> list[str]:
    """Roll back abandoned creations, finish abandoned removals, roll back or finish abandoned
    rebuilds; returns the names."""
    rows = envs.unfinished(context.conn)
    cleaned: list[str] = []
    if rows:  # rare: the lock module loads only when there are leftovers
        from ..fs import locks
        from ..fs.holds import hold_point

        hold_point("leftovers-read")
    for env_id, name, status in rows:
        operation = "create" if status == "creating" else "remove"
        with locks.hold_if_free(context.lock_path(operation, name)) as free:
            if not free:
                continue  # still running
            record = envs.get_by_id(context.conn, env_id)
            if record is None or record.status != status:
                continue  # finished (or rolled back) since it was read: not a leftover
            from ..backends.process import stop_stragglers  # subprocess: only for leftovers

            stop_stragglers(context.lock_path(operation, name))  # what its children started
            try:
                if status == "creating":
                    discard_creation(context, record)
                else:
                    from .remove import finish_interrupted_removal  # rare: keep it off start-up

                    finish_interrupted_removal(context, record)
            except (VenvregError, OSError) as error:
                # One stuck leftover must not stop every command; doctor reports it.
                print(f"venvreg: warning: could not finish with {record.name!r}: {error}",
                      file=sys.stderr)  # fmt: skip
                continue
        cleaned.append(record.name)
    if os.path.isdir(context.home.state / "rebuild"):  # one stat; exists only mid-rebuild
        from .journal import recover  # rare: keep it off the start-up

        cleaned += recover(context)
    return cleaned


def read_marker(folder: str) -> str | None:
    """The token in a folder's creation marker (a small regular file), or None."""
    path = os.path.join(folder, CREATION_MARKER)
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(handle).st_mode):
            return None
        data = os.read(handle, MARKER_LIMIT)
    finally:
        os.close(handle)
    return data.decode("ascii", "replace").strip() or None


def write_marker(folder: str, token: str) -> None:
    """The proof that `folder` is this creation's: a new file, never one that was there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(os.path.join(folder, CREATION_MARKER), flags, 0o600)
    try:
        os.write(handle, (token + "\n").encode("ascii"))
    finally:
        os.close(handle)


def is_own_folder(record: envs.EnvRecord) -> bool:
    """Can we prove the folder at the row's path is the one this creation made?"""
    if record.creation_token and read_marker(record.path) == record.creation_token:
        return True
    # The identity recorded once the backend had made the env (it has a bin/ part).
    identity = record.identity
    return (
        is_current_form(identity)
        and identity is not None
        and identity.split("|")[2] != UNKNOWN
        and same_identity(identity, record.path)
    )


def discard_creation(context: Context, record: envs.EnvRecord) -> None:
    """Delete a half-made env folder (only when provably this creation's) and its row. A folder
    that cannot be proven stays; the row goes either way, unless ours could not be deleted."""
    assert record.id is not None
    try:
        status = os.lstat(record.path)
    except FileNotFoundError:
        status = None
    if status is not None and stat.S_ISDIR(status.st_mode):
        if is_own_folder(record):
            _remove_own_folder(record)
        else:  # made before its marker (then still empty), or not ours at all: kept
            with contextlib.suppress(OSError):
                os.rmdir(record.path)
    with write_transaction(context.conn, idempotent=True):
        envs.delete(context.conn, record.id)


def _remove_own_folder(record: envs.EnvRecord) -> None:
    """Everything but the marker first, then the marker and the folder: killed midway, the
    folder still proves itself to the next attempt. Raise when it cannot all go (a child
    process that outlived the creation may still write into it); the row then stays."""
    path = record.path
    for entry in os.scandir(path):
        if entry.name == CREATION_MARKER:
            continue
        if entry.is_dir(follow_symlinks=False):
            import shutil  # its compression modules are a large load: only for leftovers

            shutil.rmtree(entry.path)
        else:
            os.unlink(entry.path)
    marker = os.path.join(path, CREATION_MARKER)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(marker)
    try:
        os.rmdir(path)
    except OSError as error:
        if record.creation_token:
            with contextlib.suppress(OSError):
                write_marker(path, record.creation_token)
        raise VenvregError(
            f"the interrupted creation's folder {quoted(path)} could not be removed "
            f"({error.strerror}); something may still be writing into it"
        ) from None
