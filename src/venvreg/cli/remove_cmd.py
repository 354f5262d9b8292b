"""`venvreg remove` (alias `rm`)."""

from __future__ import annotations

import typer


def remove_command(
    names: list[str] = typer.Argument(..., help="Environments to remove."),
    yes: bool = typer.Option(False, "-y", "--yes", help="Do not ask for confirmation."),
    purge: bool = typer.Option(
        False, "--purge", help="Delete for good instead of moving to the trash."
    ),
) -> None:
    """Remove environments (alias: rm): a package snapshot is taken, then the folder moves to
    the trash.

    `venvreg restore NAME` brings it back. Refused: the active env, anything that is not a
    registered venv folder, WORKON_HOME, $HOME, system folders. For a symlinked env only the
    link goes. Without --yes it asks; with no terminal to ask on it deletes nothing and
    exits 1.

    \b
    Example: venvreg rm old-api scratch --yes
    """
    from .remove_view import remove_envs

    status = remove_envs(names, yes, purge)
    if status:
        raise typer.Exit(status)


def register(app: typer.Typer) -> None:
    app.command("remove", help=remove_command.__doc__)(remove_command)
    app.command("rm", hidden=True, help="Alias of `remove`.")(remove_command)
