"""`venvreg restore` and `venvreg trash list|empty`."""

from __future__ import annotations

from typing import Optional

import typer

from ..errors import EXIT_FAILURE
from ..settings.durations import parse_duration
from ..text import quoted
from .common import json_option, opened, wide_option
from .fit import FIXED, KEY, PATH, TEXT, Column
from .output import (
    ago,
    confirm,
    human_size,
    iso_time,
    message,
    print_json,
    print_table,
    progress,
    stdin_is_terminal,
)

trash_app = typer.Typer(
    help="Removed environments waiting to expire (see the trash_days setting).\n\n\b\n"
    "Example: venvreg trash list",
    no_args_is_help=True,
)


def restore_command(
    name: str = typer.Argument(..., help="Name of a removed environment, or a trash entry id."),
) -> None:
    """Bring a removed environment back from the trash, where it was, with its history.

    \b
    Example: venvreg restore old-api
    """
    from ..core.restore import restore

    with opened() as context:
        result = restore(context, name, progress)
    how = "rebuilt from its package snapshot" if result.rebuilt else "restored"
    message(f"{how} {quoted(result.record.name)} at {quoted(result.record.path)}")


@trash_app.command("list")
def trash_list(
    as_json: bool = json_option("array"),
    wide: bool = wide_option(),
) -> None:
    """List the trash, newest first.

    \b
    Example: venvreg trash list --json
    """
    from ..core.restore import missing_part
    from ..core.trash import entry_sizes, list_entries

    with opened() as context:
        entries = list_entries(context.home)
        lacking = {e.id: missing_part(e.folder(context.home), e) for e in entries}
        sizes = entry_sizes(context, entries)
    if as_json:
        print_json(
            [
                {
                    "id": entry.id,
                    "name": entry.name,
                    "original_path": entry.original_path,
                    "removed_at": iso_time(entry.removed_at),
                    "kind": entry.kind,
                    "size_bytes": sizes[entry.id],
                    "python_version": entry.python_version,
                    "packages": len(entry.requirements),
                    "restorable": lacking[entry.id] is None,
                    "missing": lacking[entry.id],
                }
                for entry in entries
            ]
        )
        return
    rows = [
        [entry.name, ago(entry.removed_at), human_size(sizes[entry.id]),
         entry.kind if lacking[entry.id] is None else f"incomplete ({lacking[entry.id]} gone)",
         entry.original_path, entry.id]
        for entry in entries
    ]  # fmt: skip
    columns = [
        Column("NAME", KEY),
        Column("REMOVED", FIXED, 50),
        Column("SIZE", FIXED, 60),
        Column("KIND", TEXT, 30),
        Column("WAS AT", PATH, 40),
        Column("ID", KEY),
    ]
    print_table(columns, rows)


def _entries(count: int) -> str:
    return f"{count} entr{'y' if count == 1 else 'ies'}"


@trash_app.command("empty")
def trash_empty(
    older_than: Optional[str] = typer.Option(
        None, "--older-than", help="Only entries removed longer ago than this (e.g. 30d, 12h)."
    ),
    yes: bool = typer.Option(False, "-y", "--yes", help="Do not ask for confirmation."),
    dry_run: bool = typer.Option(False, "-n", "--dry-run", help="Show what would be deleted only."),
    wide: bool = wide_option(),
) -> None:
    """Delete trash entries for good and report the space freed. It lists what goes and asks
    first; with no terminal to ask on it lists, deletes nothing and exits 1 (pass --yes).
    Deleted entries cannot be restored.

    \b
    Example: venvreg trash empty --older-than 2w --dry-run
    """
    from ..core.trash import delete_entries, entries_older_than, entry_sizes

    seconds = parse_duration(older_than) if older_than is not None else None
    with opened() as context:
        entries = entries_older_than(context.home, seconds)
        if not entries:
            scope = f"removed more than {older_than} ago" if older_than is not None else "at all"
            message(f"nothing to delete: no trash entries {scope}")
            return
        known = entry_sizes(context, entries)
        sizes = [known[entry.id] for entry in entries]
        print_table(
            [Column("NAME", KEY), Column("REMOVED"), Column("SIZE", FIXED, 60), Column("ID", KEY)],
            [
                [e.name, ago(e.removed_at), human_size(size), e.id]
                for e, size in zip(entries, sizes, strict=True)
            ],
        )
        total = sum(sizes)
        message(f"{_entries(len(entries))}, {human_size(total)} to free")
        if dry_run:
            message("dry run: nothing deleted")
            return
        if not yes and not stdin_is_terminal():
            message("nothing deleted: no terminal to confirm on (pass --yes to confirm)")
            raise typer.Exit(EXIT_FAILURE)
        question = f"venvreg: delete {_entries(len(entries))} for good? They cannot be restored."
        if not yes and not confirm(question):
            message("nothing deleted")
            raise typer.Exit(EXIT_FAILURE)
        result = delete_entries(context.home, entries)
    message(f"deleted {_entries(len(result.removed))}, freed {human_size(result.bytes_freed)}")


def register(app: typer.Typer) -> None:
    app.command("restore", help=restore_command.__doc__)(restore_command)
    app.add_typer(trash_app, name="trash")
