"""`venvreg init SHELL [--path]`."""

from __future__ import annotations

import sys

import typer

from ..shell_files import shell_file, shell_script
from .output import print_lines


def init_command(
    shell: str = typer.Argument(..., help="bash, zsh, fish or pwsh.", metavar="SHELL"),
    path: bool = typer.Option(False, "--path", help="Print where the file is instead."),
) -> None:
    """Print the shell functions (workon, mkvirtualenv, ...) for your rc file to evaluate.

    Sourcing them runs no Python; each command calls venvreg and evaluates what it prints.

    \b
    Example: eval "$(venvreg init bash)"   # in ~/.bashrc, instead of virtualenvwrapper.sh
    """
    location = shell_file(shell)
    if path:
        print_lines([str(location)])
        return
    sys.stdout.write(default_home_line(shell) + shell_script(shell))


def default_home_line(shell: str) -> str:
    """WORKON_HOME as venvreg resolves it now (config file included), for completion and
    auto-activation when the variable is not set; nothing if it cannot be resolved."""
    from ..emit.quoting import quoter
    from ..errors import VenvregError
    from ..settings.config import load_settings
    from ..settings.paths import resolve_workon_home

    try:
        home = str(resolve_workon_home(load_settings()["workon_home"]))
    except VenvregError:
        return ""
    value = quoter("pwsh" if shell == "powershell" else shell)(home)
    if shell == "fish":
        return f"set -g __venvreg_default_home {value}\n"
    if shell in ("pwsh", "powershell"):
        return f"$global:__VenvregDefaultHome = {value}\n"
    return f"__VENVREG_DEFAULT_HOME={value}\n"


def register(app: typer.Typer) -> None:
    app.command("init", help=init_command.__doc__)(init_command)
