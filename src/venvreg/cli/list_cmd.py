"""`venvreg list` (alias `ls`)."""

from __future__ import annotations

import typer

from ..core.sorting import SORT_KEYS
from ..text import no_envs_hint, quoted
from .common import ENV_COLUMNS, env_json, env_row, json_option, opened, twin_row, wide_option
from .output import message, print_json, print_lines, print_table


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
    from ..core.case_twins import case_twins
    from ..core.listing import list_envs

    with opened() as context:
        records, report = list_envs(context, sort)
        twins = case_twins(context)
    twin_names = {twin.name for twin in twins}
    for name, reason in report.ignored:
        if name not in twin_names:
            message(f"warning: ignored {quoted(name)}: {reason}")
    for twin in twins:
        message(f"note: {quoted(twin.name)} is a {twin.note}")
    if as_json:
        print_json([env_json(record) for record in records])
        return
    # Each case twin right after the registered env whose name it differs from only in case.
    rows: list[list[str]] = []
    for record in records:
        rows.append([record.name] if brief else env_row(record))
        for twin in twins:
            if twin.twin_of == record.name:
                rows.append([twin.name] if brief else twin_row(twin))
    if not rows:
        message(no_envs_hint(str(context.home.root)))
    elif brief:
        print_lines([row[0] for row in rows])
    else:
        print_table(ENV_COLUMNS, rows)


def register(app: typer.Typer) -> None:
    app.command("list", help=list_command.__doc__)(list_command)
    app.command("ls", hidden=True, help="Alias of `list`.")(list_command)
