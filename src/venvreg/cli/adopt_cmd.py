"""`venvreg adopt` and `venvreg forget`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Optional

import typer

from ..envdir.boundary import holds_more
from ..errors import EXIT_OK, UsageError, VenvregError
from ..text import quoted
from .common import opened
from .output import message

if TYPE_CHECKING:
    from ..core.adopt import AdoptResult


def adopt_command(
    paths: list[str] = typer.Argument(
        ..., help="Environment folders to register where they are.", metavar="PATH..."
    ),
    name: Optional[str] = typer.Option(
        None, "--name", help="Name to register it under (one PATH only).", metavar="NAME"
    ),
) -> None:
    """Register environments where they are (origin "adopted"); nothing is copied or moved.

    The name is the project folder's name (the nearest folder above holding pyproject.toml,
    setup.py, setup.cfg, requirements*.txt, Pipfile or .git; the parent of a .venv or venv),
    else the env folder's name. A taken name gets -2, -3, ... appended. When venvreg finds the
    project and the env has no .project file, it writes one, so that workon changes into the
    project (never into a folder that holds more than an env, such as a project made with
    `python -m venv .`: adopt says so). Refused, with scan's reason: folders scan does not call
    an env (a lone pyvenv.cfg, anything inside a site-packages folder), envs already
    registered (an adopted env whose folder was made again at its path stays registered, with
    its history), and envs directly in WORKON_HOME (registered automatically). Then workon, ls,
    show and rm work as for any env.

    \b
    Example: venvreg adopt ~/src/api/.venv ~/old/tool/venv
    """
    from ..core.adopt import adopt

    if name is not None and len(paths) > 1:
        raise UsageError("--name goes with a single PATH")
    status = EXIT_OK
    with opened() as context:
        for path in paths:
            try:
                result = adopt(context, path, name)
            except VenvregError as error:
                message(f"error: {error}")
                status = max(status, error.exit_code)
                continue
            message(describe(result))
    if status != EXIT_OK:
        raise typer.Exit(status)


def describe(result: AdoptResult) -> str:
    """One line saying what adopting did."""
    record = result.record
    details = [result.ownership.owner]
    if result.ownership.managed:
        details.append(f"managed by {result.ownership.owner}, which may delete or recreate it")
    if record.project_path:
        written = ", written to its .project" if result.project_written else ""
        details.append(f"project {quoted(record.project_path)}{written}")
    renamed = ""
    if record.name != result.wanted:
        renamed = f" ({quoted(result.wanted)} is taken)"
    verb = "adopted"
    if result.foreign:
        details.append(
            f"note: {holds_more(list(result.foreign))}; rm, prune and purge act on the "
            "environment's own entries only, and nothing is written into the folder"
        )
    text = f"{verb} {quoted(record.path)} as {quoted(record.name)}{renamed} ({'; '.join(details)})"
    return text + (f"; note: {result.note}" if result.note else "")


def forget_command(
    names: list[str] = typer.Argument(..., help="Environments to unregister.", metavar="NAME..."),
) -> None:
    """Unregister environments without touching their files (use rm to delete one).

    Refused for an env folder directly in WORKON_HOME: every env there is registered
    automatically, so it would come back at the next listing; move it out of WORKON_HOME, or
    remove it with rm. A forgotten env shows up again, unregistered, in `venvreg scan`.

    \b
    Example: venvreg forget old-api
    """
    from ..core.adopt import forget

    status = EXIT_OK
    with opened() as context:
        for name in names:
            try:
                record = forget(context, name).record
            except VenvregError as error:
                message(f"error: {error}")
                status = max(status, error.exit_code)
                continue
            message(f"forgot {quoted(record.name)}; its folder {quoted(record.path)} is untouched")
    if status != EXIT_OK:
        raise typer.Exit(status)


def register(app: typer.Typer) -> None:
    app.command("adopt", help=adopt_command.__doc__)(adopt_command)
    app.command("forget", help=forget_command.__doc__)(forget_command)
