"""`venvreg list` (alias `ls`)."""

from __future__ import annotations

import typer

from ..core.sorting import SORT_KEYS
from ..text import quoted
from .common import ENV_HEADERS, env_json, env_row, opened
from .output import message, print_json, print_lines, print_table


def list_command(
    brief: bool = typer.Option(False, "-b", "--brief", help="Names only, one a line."),
    as_json: bool = typer.Option(False, "--json", help="JSON array (schema: docs/json.md)."),
    sort: str = typer.Option(
        "name", "--sort", help=f"Order: {', '.join(SORT_KEYS)}.", metavar="|".join(SORT_KEYS)
    ),
) -> None:
    """List every environment (alias: ls), reconciled with what is on disk.

    Folders made in WORKON_HOME by plain virtualenv or `python -m venv` appear without any
    command; folders deleted by hand show as missing.

    Example: venvreg ls --sort size
    """
    from ..core.listing import list_envs

    with opened() as context:
        records, report = list_envs(context, sort)
    for name, reason in report.ignored:
        message(f"warning: ignored {quoted(name)}: {reason}")
    if brief:
        print_lines([record.name for record in records])
    elif as_json:
        print_json([env_json(record) for record in records])
    else:
        print_table(ENV_HEADERS, [env_row(record) for record in records])


def register(app: typer.Typer) -> None:
    app.command("list", help=list_command.__doc__)(list_command)
    app.command("ls", hidden=True, help="Alias of `list`.")(list_command)
