"""`venvreg show`."""

from __future__ import annotations

import typer

from ..envdir.venv import env_state
from .common import env_json, json_option, opened, wide_option
from .output import ago, human_size, iso_time, print_fields, print_json

PATH_FIELDS = frozenset({"path", "interpreter", "base python", "site-packages", "project"})


def show_command(
    name: str = typer.Argument(..., help="Environment name."),
    as_json: bool = json_option(),
    wide: bool = wide_option(),
) -> None:
    """Show everything the registry and the folder know, with the health verdict and its cause.

    \b
    Example: venvreg show api --json
    """
    from ..core.show import show_env
    from ..core.usage import last_use

    with opened() as context:
        details = show_env(context, name)
    record = details.record
    use = last_use(record)
    if as_json:
        data = env_json(record, details.health.problems)
        data["site_packages"] = record.site_packages
        data["snapshots"] = details.snapshots
        data["last_use_at"] = iso_time(use.at)
        data["last_use_source"] = use.source
        data["recreated_at"] = iso_time(record.recreated_at)
        print_json(data)
        return
    info = details.info
    recreated = (
        f"{iso_time(record.recreated_at)} (made again at its path; its history was kept)"
        if record.recreated_at is not None
        else "no"
    )
    problems = details.health.problems
    state = env_state(problems, record.status)
    verdict = f"{state}: {'; '.join(problems)}" if problems else state
    print_fields(
        [
            ("name", record.name),
            ("path", record.path),
            ("health", verdict),
            ("python", record.python_version or "?"),
            ("interpreter", record.interpreter or "?"),
            ("base python", (info.home if info else None) or "?"),
            ("site-packages", record.site_packages or "?"),
            ("project", record.project_path or "(none)"),
            ("origin", record.origin),
            ("tool", record.tool),
            ("backend", record.backend or "?"),
            ("created", iso_time(record.created_at) or "?"),
            ("re-created", recreated),
            ("last used", f"{ago(record.last_used_at)} ({record.use_count} activations)"),
            ("latest use", f"{ago(use.at)} (from {use.source or 'nothing'})"),
            ("size", human_size(record.size_bytes)),
            ("snapshots", str(details.snapshots)),
        ],
        paths=PATH_FIELDS,
    )


def register(app: typer.Typer) -> None:
    app.command("show", help=show_command.__doc__)(show_command)
