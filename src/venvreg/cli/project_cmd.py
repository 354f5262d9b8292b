"""`venvreg project set|show`."""

from __future__ import annotations

import os

import typer

from ..text import quoted
from .common import opened
from .output import message, print_json, print_lines

project_app = typer.Typer(
    help="The project folder linked to an environment (kept in step with its .project file)."
    "\n\n\b\nExample: venvreg project set api ~/src/api",
    no_args_is_help=True,
)


@project_app.command("set")
def project_set(
    name: str = typer.Argument(..., help="Environment name."),
    folder: str = typer.Argument(..., help="Project folder (must exist)."),
) -> None:
    """Link NAME to FOLDER, in the registry and in the env's .project file.

    \b
    Example: venvreg project set api ~/src/api
    """
    from ..core.project import set_project

    with opened() as context:
        record = set_project(context, name, folder)
    message(f"{quoted(record.name)} is linked to {quoted(record.project_path or '')}")


@project_app.command("show")
def project_show(
    name: str = typer.Argument(..., help="Environment name."),
    as_json: bool = typer.Option(
        False, "--json", help="JSON object: the env, its project folder and whether it exists."
    ),
) -> None:
    """Print NAME's project folder; exit 1 when it has none. With auto_activate on, a note
    says when auto-activation does not follow the link (one the env brought along).

    --json prints the object in both cases (`project_path` null when there is none) and keeps
    the exit status.

    \b
    Example: cd "$(venvreg project show api)"
    """
    from ..core.project import show_project

    with opened() as context:
        record = show_project(context, name)
        auto_activate = bool(context.settings["auto_activate"])
    if as_json:
        project = record.project_path
        print_json(
            {
                "name": record.name,
                "project_path": project,
                "exists": project is not None and os.path.isdir(project),
                "linked_by_venvreg": project is not None and project == record.user_project,
            }
        )
        if project is None:
            raise typer.Exit(1)
        return
    if record.project_path is None:
        message(f"{quoted(record.name)} has no project folder")
        raise typer.Exit(1)
    if auto_activate and record.project_path != record.user_project:
        message(
            "note: auto-activation does not follow this link (it was not made through venvreg); "
            f"`venvreg project set {quoted(record.name)} FOLDER` makes it yours"
        )
    print_lines([record.project_path])


def register(app: typer.Typer) -> None:
    app.add_typer(project_app, name="project")
