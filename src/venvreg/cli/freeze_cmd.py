"""`venvreg freeze`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import VenvregError
from ..text import quoted
from .common import opened
from .output import message, print_lines


def freeze_command(
    name: str = typer.Argument(..., help="Environment name."),
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help="Write to this file instead of stdout."
    ),
    include_seed: bool = typer.Option(False, "--all", help="Include pip, setuptools and wheel."),
) -> None:
    """Print requirements lines read from the env's package metadata, without running it.

    Editable and VCS installs come out as pip freeze writes them (from direct_url.json).

    \b
    Example: venvreg freeze api -o requirements.lock
    """
    from ..core.freeze import freeze
    from ..core.lookup import get_present_env

    with opened() as context:
        record = get_present_env(context, name)
    if record.site_packages is None:
        raise VenvregError(f"{quoted(record.name)} has no site-packages folder")
    lines = freeze(Path(record.site_packages), include_seed=include_seed)
    if output is None:
        print_lines(lines)
        return
    output.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
    message(f"wrote {len(lines)} requirement(s) to {quoted(str(output))}")


def register(app: typer.Typer) -> None:
    app.command("freeze", help=freeze_command.__doc__)(freeze_command)
