"""`venvreg rebuild`."""

from __future__ import annotations

from typing import Optional

import typer

from ..errors import EXIT_USAGE, VenvregError
from ..text import quoted
from .common import opened
from .env_progress import env_progress
from .output import message


def rebuild_command(
    names: Optional[list[str]] = typer.Argument(None, help="Environments to rebuild."),
    broken: bool = typer.Option(
        False, "--broken", help="Rebuild every broken environment (see `venvreg doctor`)."
    ),
    python: Optional[str] = typer.Option(
        None,
        "-p",
        "--python",
        help="New interpreter: a path or a version such as 3.13 (default: the env's own).",
    ),
) -> None:
    """Recreate environments with the same packages, on the same or a new Python.

    For each env: its packages are read from their metadata, the env is recreated at the same
    path (venvs cannot be moved) with the same interpreter (or -p; when the env's base Python
    is gone, any Python of the same X.Y), the packages are reinstalled with pip, and the result
    is verified: healthy, every package at its version. The old env is kept in the trash:
    `venvreg rm NAME && venvreg restore ID` rolls back. A failure or an interruption (Ctrl-C,
    SIGTERM) puts the old env back under its name, untouched.

    \b
    Example: venvreg rebuild --broken        # after brew or pyenv upgraded Python
    """
    from ..core.rebuild import broken_envs, plan_rebuild, rebuild

    if bool(names) == broken:
        message("error: give environment names or --broken (not both)")
        raise typer.Exit(EXIT_USAGE)
    status = 0
    with opened() as context:
        if broken:
            records, skipped = broken_envs(context)
            for record, why in skipped:
                message(f"skipped {quoted(record.name)}: {why}")
            chosen = [record.name for record in records]
            if not chosen:
                message("no broken environment to rebuild")
        else:
            chosen = list(dict.fromkeys(names or []))
        with env_progress(len(chosen), "rebuilding") as bar:
            for name in chosen:
                bar.start(name)
                try:
                    plan = plan_rebuild(context, name, python)
                    result = rebuild(context, plan, bar.line)
                except VenvregError as error:
                    bar.note(f"error: {quoted(name)} not rebuilt, left as it was: {error}")
                    status = max(status, error.exit_code)
                    bar.advance()
                    continue
                change = (
                    f"Python {result.old_version} -> {result.new_version}"
                    if result.old_version != result.new_version
                    else f"Python {result.new_version}"
                )
                bar.note(
                    f"rebuilt {quoted(result.name)} ({change}, {result.packages} package(s)); "
                    f"the old env is trash entry {result.trash_id}"
                )
                if result.extras:
                    bar.note(f"  the new interpreter added: {', '.join(result.extras)}")
                bar.advance()
    if status:
        raise typer.Exit(status)


def register(app: typer.Typer) -> None:
    app.command("rebuild", help=rebuild_command.__doc__)(rebuild_command)
