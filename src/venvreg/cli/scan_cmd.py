"""`venvreg scan`: its typer wiring. What it does is cli/scan_run.py's show_scan, which
cli/direct.py runs without typer when the command's words are plain."""

from __future__ import annotations

from typing import Optional

import typer

from ..errors import EXIT_OK
from .common import json_option, wide_option


def scan_command(
    roots: Optional[list[str]] = typer.Argument(
        None, help="Folders to walk (default: your home folder).", metavar="[ROOT]..."
    ),
    max_depth: Optional[int] = typer.Option(
        None, "--max-depth", min=0, help="Walk at most N folder levels below each ROOT."
    ),
    exclude: list[str] = typer.Option(
        [],
        "--exclude",
        help="Skip folders whose name or path matches this glob (repeatable).",
        metavar="GLOB",
    ),
    one_file_system: bool = typer.Option(
        True,
        "--one-file-system/--cross-file-systems",
        help="Stay on each ROOT's filesystem (network and virtual ones are never entered).",
    ),
    no_size: bool = typer.Option(
        False, "--no-size", help="Measure no size (sizes known from earlier scans still show)."
    ),
    as_json: bool = json_option(),
    adopt: bool = typer.Option(
        False, "--adopt", help="Then pick environments to register where they are."
    ),
    adopt_all: bool = typer.Option(
        False, "--all", help="With --adopt: every unregistered env that is not managed."
    ),
    yes: bool = typer.Option(False, "-y", "--yes", help="With --adopt: do not ask."),
    include_managed: bool = typer.Option(
        False, "--include-managed", help="With --adopt --all: envs of poetry, pipx, tox... too."
    ),
    wide: bool = wide_option(),
) -> None:
    """Find the Python environments on disk: owner, Python, health, size, project, last change.

    The walk never enters an env it found, .git, node_modules or caches that hold no env,
    follows no symbolic link, stays on one filesystem, skips /proc, /sys, /dev and network
    mounts, counts what it cannot read, and runs nothing it finds. Envs of poetry, pipenv,
    pipx, hatch, pdm, tox, nox, conda and pyenv are labelled "managed". Sizes are cached, so a
    second scan is quick. A live progress line goes to stderr on a terminal. Ctrl-C stops the
    walk and prints what was found so far (exit 130). --adopt shows a numbered pick list (on a
    terminal; --all --yes in scripts, else nothing is adopted and the exit status is 1).

    \b
    Example: venvreg scan ~/src --exclude 'archive*' --adopt
    """
    from .scan_run import show_scan

    status = show_scan(
        roots=list(roots or ()),
        max_depth=max_depth,
        excludes=list(exclude),
        one_file_system=one_file_system,
        measure_sizes=not no_size,
        as_json=as_json,
        adopt=adopt,
        adopt_all=adopt_all,
        yes=yes,
        include_managed=include_managed,
    )
    if status != EXIT_OK:
        raise typer.Exit(status)


def register(app: typer.Typer) -> None:
    app.command("scan", help=scan_command.__doc__)(scan_command)
