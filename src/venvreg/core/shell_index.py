"""The files the shell functions read without starting Python, rewritten on every registry
change: `names` (completion) and, when auto_activate is on, `projects` (auto-activation)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from ..registry import envs
from .context import Context


def _write_atomically(target: Path, text: str) -> None:
    temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, target)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink()


def projects_text(context: Context) -> str:
    """Pairs of lines, project folder then env name, longest folder first; folders whose
    path holds a newline cannot be told apart from the next line and are left out."""
    rows = context.conn.execute(
        "SELECT name, project_path FROM envs WHERE status = 'ready' AND project_path IS NOT NULL"
    ).fetchall()
    pairs = sorted(
        ((project, name) for name, project in rows if "\n" not in project and project),
        key=lambda pair: -len(pair[0]),
    )
    return "".join(f"{project}\n{name}\n" for project, name in pairs)


def publish_index(context: Context) -> None:
    """Rewrite $WORKON_HOME/.venvreg/names and .../projects atomically."""
    state = context.home.state
    names = "".join(f"{name}\n" for name in envs.names(context.conn))
    _write_atomically(state / "names", names)
    projects = state / "projects"
    if context.settings["auto_activate"]:
        _write_atomically(projects, projects_text(context))
    else:
        with contextlib.suppress(OSError):
            projects.unlink()
