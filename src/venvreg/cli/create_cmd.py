"""`venvreg create`."""

from __future__ import annotations

from typing import Optional

import typer

from .create_view import create_env


def create_command(
    name: str = typer.Argument(..., help="Name of the new environment."),
    python: Optional[str] = typer.Option(
        None, "-p", "--python", help="Interpreter: a path, or a version spec such as 3.12."
    ),
    project: Optional[str] = typer.Option(
        None, "-a", "--project", help="Project folder to link (written to the env's .project)."
    ),
    requirements: list[str] = typer.Option(
        [], "-r", "--requirements", help="Requirements file to install (repeatable)."
    ),
    packages: list[str] = typer.Option(
        [], "-i", "--install", help="Package to install (repeatable)."
    ),
    system_site_packages: bool = typer.Option(
        False, "--system-site-packages", help="Give the env access to the base's site-packages."
    ),
    backend: Optional[str] = typer.Option(
        None, "--backend", help="virtualenv (default), venv or uv.", metavar="virtualenv|venv|uv"
    ),
    prompt: Optional[str] = typer.Option(
        None, "--prompt", help="Prompt prefix shown while the env is active."
    ),
) -> None:
    """Create an environment in WORKON_HOME, with pip, and register it.

    All or nothing: a failure or an interruption (Ctrl-C, SIGTERM, SIGHUP) leaves neither a
    folder nor a registry row. Progress goes to stderr.

    \b
    Example: venvreg create api -p 3.12 -a ~/src/api -r ~/src/api/requirements.txt
    """
    from ..core.create import CreateRequest

    create_env(
        CreateRequest(
            name,
            python,
            project,
            requirements,
            packages,
            system_site_packages,
            backend,
            prompt,
        )
    )


def register(app: typer.Typer) -> None:
    app.command("create", help=create_command.__doc__)(create_command)
