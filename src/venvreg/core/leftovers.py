"""Finding what a killed (kill -9) creation or removal left behind, and finishing it."""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import sys

from .. import locks
from ..backends.process import stop_stragglers
from ..errors import VenvregError
from ..identity import same_identity
from ..registry import envs
from ..registry.db import write_transaction
from .context import Context


def clean_leftovers(context: Context) -> list[str]:
    """Roll back abandoned creations and rebuilds, finish abandoned removals; returns the names."""
    rows = context.conn.execute(
        f"SELECT {envs.SELECT_COLUMNS} FROM envs WHERE status IN ('creating', 'removing')"
    ).fetchall()
    cleaned: list[str] = []
    for row in rows:
        record = envs.EnvRecord.from_row(row)
        operation = "create" if record.status == "creating" else "remove"
        if not locks.is_abandoned(context.lock_path(operation, record.name)):
            continue
        stop_stragglers(context.lock_path(operation, record.name))  # what its children started
        try:
            if record.status == "creating":
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


def discard_creation(context: Context, record: envs.EnvRecord) -> None:
    """Delete a half-made env folder (only the one this creation made) and its row."""
    assert record.id is not None
    try:
        status = os.lstat(record.path)
    except FileNotFoundError:
        status = None
    if status is not None and stat.S_ISDIR(status.st_mode):
        if record.identity is not None and same_identity(record.identity, record.path):
            shutil.rmtree(record.path, ignore_errors=True)
        elif record.identity is None:  # killed before its folder was recorded: if that folder
            with contextlib.suppress(OSError):  # is ours it is still empty; else not ours
                os.rmdir(record.path)
    with write_transaction(context.conn):
        envs.delete(context.conn, record.id)
