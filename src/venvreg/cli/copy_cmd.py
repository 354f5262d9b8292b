"""`venvreg copy` and `venvreg rename`."""

from __future__ import annotations

import typer

from ..text import quoted
from .common import opened
from .output import message, progress


def copy_command(
    source: str = typer.Argument(..., help="Environment to copy."),
    target: str = typer.Argument(..., help="Name of the new environment."),
) -> None:
    """Make a new environment like SOURCE: same interpreter, same packages, same project
    link and hook files (what the shell's cpvirtualenv does).

    Never a file copy: venvs embed their absolute path, so a copied folder would still run
    the original's scripts. The packages are read from SOURCE's metadata and installed by pip.

    \b
    Example: venvreg copy api api-experiment
    """
    from ..core.copy import copy_env

    with opened() as context:
        record = copy_env(context, source, target, progress)
    message(f"copied {quoted(source)} to {quoted(record.name)} in {quoted(record.path)}")


def rename_command(
    old: str = typer.Argument(..., help="Environment to rename."),
    new: str = typer.Argument(..., help="Its new name."),
) -> None:
    """Rename an environment: it is recreated under NEW (like `copy`), then OLD goes to the trash.

    The project link, hook files and use history follow. All or nothing: if anything fails or
    is interrupted, OLD stays as it was and NEW does not exist.

    \b
    Example: venvreg rename api api-legacy
    """
    from ..core.rename import rename_env

    with opened() as context:
        result = rename_env(context, old, new, progress)
    message(
        f"renamed {quoted(result.old.name)} to {quoted(result.record.name)}; the old env is "
        f"trash entry {result.old.trash_id}"
    )


def register(app: typer.Typer) -> None:
    app.command("copy", help=copy_command.__doc__)(copy_command)
    app.command("rename", help=rename_command.__doc__)(rename_command)
