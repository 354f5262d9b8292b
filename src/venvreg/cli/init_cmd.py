"""`venvreg init SHELL [--path]`."""

from __future__ import annotations

import sys

import typer

from ..shell_files import shell_file
from .output import print_lines


def init_command(
    shell: str = typer.Argument(..., help="bash, zsh, fish or pwsh.", metavar="SHELL"),
    path: bool = typer.Option(False, "--path", help="Print where the file is instead."),
) -> None:
    """Print the shell functions (workon, mkvirtualenv, ...) for your rc file to evaluate.

    Sourcing them runs no Python; each command calls venvreg and evaluates what it prints.

    Example: eval "$(venvreg init bash)"   # in ~/.bashrc, instead of virtualenvwrapper.sh
    """
    location = shell_file(shell)
    if path:
        print_lines([str(location)])
        return
    sys.stdout.write(location.read_text(encoding="utf-8"))


def register(app: typer.Typer) -> None:
    app.command("init", help=init_command.__doc__)(init_command)
