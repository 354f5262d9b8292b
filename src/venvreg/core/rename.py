"""Renaming an environment: a new env under the new name, like `copy`, then the old one into the
trash. Never a folder rename: venvs embed their absolute path.

All or nothing. Everything the removal of the old env would refuse is checked before anything is
made; a failure or an interruption while the new env is made leaves nothing (create's own
rollback); after that, until the old env is in the trash, any failure deletes the new env again.
The project link and hook files follow (copy_env), and so does the use history.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..errors import Refused
from ..names import validate_name
from ..registry import envs
from ..registry.db import write_transaction
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context
from .copy import copy_env
from .critical import signals_deferred
from .remove import RemovalResult, plan_removal, remove


@dataclass(frozen=True)
class RenameResult:
    """The new env's row, and what became of the old one (its trash entry)."""

    record: EnvRecord
    old: RemovalResult


def rename_env(
    context: Context, old_name: str, new_name: str, progress: Callable[[str], None]
) -> RenameResult:
    """Recreate `old_name` as `new_name`, then move `old_name` to the trash."""
    validate_name(new_name)
    plan = plan_removal(context, old_name)  # the old env must be one rm would let go
    if plan.kind != "folder":
        what = "a symbolic link" if plan.kind == "link" else "gone"
        raise Refused(f"{quoted(plan.record.name)} is {what}; nothing to rename")
    old = plan.record
    record = copy_env(context, old.name, new_name, progress)
    removed: RemovalResult | None = None
    try:
        with signals_deferred():
            assert record.id is not None
            with write_transaction(context.conn):
                envs.update(
                    context.conn,
                    record.id,
                    last_used_at=old.last_used_at,
                    use_count=old.use_count,
                )
            record.last_used_at, record.use_count = old.last_used_at, old.use_count
            removed = remove(context, plan_removal(context, old.name))
    except BaseException:
        if removed is None:  # an interruption held back until the end finds the rename done
            remove(context, plan_removal(context, record.name), purge=True)
        raise
    return RenameResult(record, removed)
