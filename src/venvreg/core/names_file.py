"""The names file that shell completion reads, so the first Tab needs no Python."""

from __future__ import annotations

import contextlib
import os

from ..registry import envs
from .context import Context


def publish_names(context: Context) -> None:
    """Rewrite $WORKON_HOME/.venvreg/names atomically, one activatable name a line."""
    target = context.home.names_file
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    text = "".join(f"{name}\n" for name in envs.names(context.conn))
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()
