"""`venvreg freeze`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from ..errors import VenvregError
from ..text import quoted
from .common import opened
from .output import message, print_json, print_lines


def freeze_command(
    name: str = typer.Argument(..., help="Environment name."),
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help="Write to this file instead of stdout."
    ),
    include_seed: bool = typer.Option(False, "--all", help="Include pip, setuptools and wheel."),
    as_json: bool = typer.Option(
        False, "--json", help="JSON object: the env and its requirement lines."
    ),
) -> None:
    """Print requirements lines read from the env's package metadata, without running it.

    Editable and VCS installs come out as pip freeze writes them (from direct_url.json).

    \b
    With --json and -o, the file still gets the plain lines and stdout the JSON object
    (its `output` names the file).

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
    if output is not None:
        output.write_text("".join(f"{line}\n" for line in lines), encoding="utf-8")
        message(f"wrote {len(lines)} requirement(s) to {quoted(str(output))}")
    if as_json:
        print_json(
            {
                "name": record.name,
                "site_packages": record.site_packages,
                "requirements": lines,
                "output": str(output.absolute()) if output is not None else None,
            }
        )
    elif output is None:
        print_lines(lines)


def register(app: typer.Typer) -> None:
    app.command("freeze", help=freeze_command.__doc__)(freeze_command)
