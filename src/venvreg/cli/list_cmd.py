"""`venvreg list` (alias `ls`)."""

from __future__ import annotations

import typer

from ..core.sorting import SORT_KEYS
from .common import json_option, wide_option


def list_command(
    brief: bool = typer.Option(False, "-b", "--brief", help="Names only, one a line."),
    as_json: bool = json_option("array"),
    sort: str = typer.Option(
        "name", "--sort", help=f"Order: {', '.join(SORT_KEYS)}.", metavar="|".join(SORT_KEYS)
    ),
    wide: bool = wide_option(),
) -> None:
    """List every environment (alias: ls), reconciled with what is on disk.

    Folders made in WORKON_HOME by plain virtualenv or `python -m venv` appear without any
    command; folders deleted by hand show as missing.

    \b
    Example: venvreg ls --sort size
    """
    from .list_view import show_list

    show_list(brief, as_json, sort)


def register(app: typer.Typer) -> None:
    app.command("list", help=list_command.__doc__)(list_command)
    app.command("ls", hidden=True, help="Alias of `list`.")(list_command)
