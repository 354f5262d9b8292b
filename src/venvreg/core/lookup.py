"""Finding a registered environment by name, with the error every command gives."""

from __future__ import annotations

from ..errors import NotFound, VenvregError
from ..identity import looks_like_env
from ..names import name_problem
from ..registry import envs
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context


def find_record(context: Context, name: str) -> EnvRecord | None:
    """The row for `name` (after case folding). An env folder made in WORKON_HOME by plain
    virtualenv and not indexed yet is registered on the spot: the disk is the truth."""
    record = envs.get_by_name(context.conn, name)
    if (
        record is None
        and name_problem(name) is None
        and looks_like_env(context.home.env_path(name))
    ):
        from .reconcile import reconcile

        reconcile(context, rescan_home=True)
        record = envs.get_by_name(context.conn, name)
    return record


def get_env(context: Context, name: str) -> EnvRecord:
    """The row for `name`, or NotFound."""
    record = find_record(context, name)
    if record is None or record.status == "creating":
        raise NotFound(f"no environment named {quoted(name)} (see `venvreg list`)")
    return record


def get_present_env(context: Context, name: str) -> EnvRecord:
    """Like get_env, for operations that need the folder: a missing one is an error."""
    record = get_env(context, name)
    if record.status == "missing":
        raise VenvregError(
            f"the folder of {quoted(record.name)} is gone ({quoted(record.path)}); "
            f"`venvreg rm {quoted(record.name)}` forgets it"
        )
    return record
