"""Finding a registered environment by name, with the error every command gives."""

from __future__ import annotations

from ..errors import NotFound
from ..registry import envs
from ..registry.envs import EnvRecord
from ..text import quoted
from .context import Context


def get_env(context: Context, name: str) -> EnvRecord:
    """The row for `name` (matched after case folding), or NotFound."""
    record = envs.get_by_name(context.conn, name)
    if record is None or record.status == "creating":
        raise NotFound(f"no environment named {quoted(name)} (see `venvreg list`)")
    return record
