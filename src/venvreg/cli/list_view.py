"""What `venvreg list` shows, apart from its typer wiring (list_cmd.py): cli/direct.py runs it
without typer when the command's words are plain."""

from __future__ import annotations

from ..text import no_envs_hint, quoted
from .common import ENV_COLUMNS, env_json, env_row, opened, twin_row
from .output import message, print_json, print_lines, print_table


def show_list(brief: bool, as_json: bool, sort: str) -> None:
    """Reconcile, then print every env: a table, names only (`brief`) or JSON."""
    from ..core.case_twins import case_twins
    from ..core.listing import list_envs

    with opened() as context:
        records, report = list_envs(context, sort, brief=brief)
        twins = case_twins(context, report.unregistered)
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
