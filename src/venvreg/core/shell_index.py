"""The files the shell functions read without starting Python, rewritten on every registry
change: `names` (completion), `brief` (`lsvirtualenv -b`, fs/brief.py) and, when
auto_activate is on, `projects` (auto-activation)."""

from __future__ import annotations

import contextlib
from pathlib import Path

from ..fs.atomic import write_text_atomically
from ..fs.brief import brief_writer
from ..names import unknown_folders
from ..registry import envs, links
from .case_twins import case_twins
from .context import Context


def _write_atomically(target: Path, text: str) -> None:
    """Best effort: a read-only state folder costs completion freshness, never a command.
    A file that already says `text` is left alone (no write, no fsync)."""
    with contextlib.suppress(OSError, ValueError):
        if target.read_text(encoding="utf-8") == text:
            return
    with contextlib.suppress(OSError):
        write_text_atomically(target, text)


def projects_text(context: Context) -> str:
    """Pairs of lines, project folder then env name, longest folder first, for the project
    links auto-activation may follow (registry/links.py: never a .project that an adopted or
    found env brought along by itself); folders whose path holds a line break (LF, or CR,
    which .NET's ReadAllLines also splits on) cannot be told apart from the next line and are
    left out."""
    pairs = sorted(
        (
            (project, name)
            for project, name in links.trusted_projects(context.conn)
            if "\n" not in project and "\r" not in project
        ),
        key=lambda pair: -len(pair[0]),
    )
    return "".join(f"{project}\n{name}\n" for project, name in pairs)


def publish_index(context: Context) -> None:
    """Rewrite $WORKON_HOME/.venvreg/names and .../brief, and .../projects while auto_activate
    is on (else remove it), atomically."""
    state = context.home.state
    root = str(context.home.root)
    with brief_writer(root, str(state)) as publish:
        # In listing order already: sorted by name key, and no two rows share one.
        registered = envs.names(context.conn)
        others = unknown_folders(root, set(registered))
        every = [*registered, *(twin.name for twin in case_twins(context, others))]
        _write_atomically(state / "names", "".join(f"{name}\n" for name in every))
        # lsvirtualenv -b's text, when every folder in WORKON_HOME is a registered env's (else
        # the functions ask the CLI, which lists the others and notes case twins)
        publish(None if others else registered)
    projects = state / "projects"
    if context.settings["auto_activate"]:
        _write_atomically(projects, projects_text(context))
    else:
        with contextlib.suppress(OSError):
            projects.unlink()
