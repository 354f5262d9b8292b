"""`venvreg registry path|query|check`: a look inside the registry."""

from __future__ import annotations

import csv
import sys

import typer

from ..errors import EXIT_FAILURE
from .common import wide_option
from .output import print_json, print_lines, print_table

registry_app = typer.Typer(
    help="Look inside the registry: its file, read-only SQL queries, its checks.\n\n\b\n"
    'Example: venvreg registry query "select name, use_count from envs" --csv',
    no_args_is_help=True,
)


@registry_app.command("path")
def path_command() -> None:
    """Print the registry file's path (it may not exist before the first command).

    \b
    Example: sqlite3 "$(venvreg registry path)" .schema
    """
    from ..core.registry_view import registry_path

    print_lines([str(registry_path())])


def _cell(value: object) -> str:
    if value is None:
        return ""
    return value.hex() if isinstance(value, bytes) else str(value)


def _json_value(value: object) -> object:
    return value.hex() if isinstance(value, bytes) else value


@registry_app.command("query")
def query_command(
    sql: str = typer.Argument(..., help="One SQL statement that reads (SELECT, PRAGMA name)."),
    as_json: bool = typer.Option(
        False, "--json", help="JSON array of objects, one per row, keyed by column."
    ),
    as_csv: bool = typer.Option(False, "--csv", help="CSV with a header line."),
    wide: bool = wide_option(),
) -> None:
    """Run one read-only SQL statement on the registry and print the rows. A statement that
    would write is refused (exit 1) and the registry is left unchanged; bad SQL exits 2.

    \b
    Example: venvreg registry query "select name, use_count from envs" --json
    """
    from ..core.registry_view import run_query
    from ..errors import UsageError

    if as_json and as_csv:
        raise UsageError("--json and --csv cannot be used together")
    result = run_query(sql, as_objects=as_json)
    if as_json:
        print_json(
            [
                {c: _json_value(v) for c, v in zip(result.columns, row, strict=True)}
                for row in result.rows
            ]
        )
    elif as_csv:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(result.columns)
        writer.writerows([_cell(value) for value in row] for row in result.rows)
    elif result.columns:
        print_table(result.columns, [[_cell(value) for value in row] for row in result.rows])


@registry_app.command("check")
def check_command() -> None:
    """Check the registry without changing it: SQLite's full integrity check and the schema
    version. Exit 1 when anything is wrong.

    \b
    Example: venvreg registry check
    """
    from ..core.registry_view import check_registry
    from ..registry.schema import SCHEMA_VERSION

    path, result = check_registry()
    lines = [f"registry: {path}"]
    lines.append("integrity: " + "; ".join(result.integrity))
    version = result.schema_version
    if version is None:
        lines.append("schema: unreadable")
    elif version > SCHEMA_VERSION:
        lines.append(f"schema: {version}, newer than this venvreg knows ({SCHEMA_VERSION})")
    elif version < SCHEMA_VERSION:
        lines.append(f"schema: {version} (the next command migrates it to {SCHEMA_VERSION})")
    else:
        lines.append(f"schema: {version} (current)")
    lines.append("verdict: " + ("ok" if result.ok else "problems found"))
    print_lines(lines)
    if not result.ok:
        raise typer.Exit(EXIT_FAILURE)


def register(app: typer.Typer) -> None:
    app.add_typer(registry_app, name="registry")
