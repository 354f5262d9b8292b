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
    pwsh = shell in ("pwsh", "powershell")
    if path and pwsh:
        sys.stdout.buffer.write(powershell_bytes(str(location) + "\n", console_code_page()))
        return
    if path:
        print_lines([str(location)])
        return
    text = default_home_line(shell) + shell_script(shell)
    if pwsh:
        # ASCII only (the file is; the home line is written with quote_pwsh_ascii): read
        # alike in every code page PowerShell may decode it with.
        sys.stdout.buffer.write(text.encode("ascii"))
        return
    sys.stdout.write(text)


def console_code_page() -> str:
    """The encoding PowerShell decodes this program's output with: [Console]::OutputEncoding,
    the console's output code page on Windows (setting the property sets that code page too),
    UTF-8 elsewhere; UTF-8 as well when there is no console."""
    if sys.platform == "win32":
        import ctypes

        page = int(ctypes.windll.kernel32.GetConsoleOutputCP())
        if page not in (0, 65001):
            return f"cp{page}"
    return "utf-8"


def powershell_bytes(text: str, encoding: str) -> bytes:
    """`text` in `encoding`, or a usage error naming what cannot be written in it."""
    from ..errors import UsageError
    from ..text import quoted

    try:
        return text.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        raise UsageError(
            f"the path {quoted(text.rstrip())} cannot be written in this console's code page "
            f"({encoding}); use `venvreg init pwsh | Out-String | Invoke-Expression` instead"
        ) from None


def default_home_line(shell: str) -> str:
    """WORKON_HOME as venvreg resolves it now (config file included), for completion and
    auto-activation when the variable is not set; nothing if it cannot be resolved."""
    from ..emit.quoting import quote_pwsh_ascii, quoter
    from ..errors import VenvregError
    from ..settings.config import load_settings
    from ..settings.paths import resolve_workon_home

    try:
        home = str(resolve_workon_home(load_settings()["workon_home"]))
    except VenvregError:
        return ""
    if shell in ("pwsh", "powershell"):
        return f"$global:__VenvregDefaultHome = {quote_pwsh_ascii(home)}\n"
    value = quoter(shell)(home)
    if shell == "fish":
        return f"set -g __venvreg_default_home {value}\n"
    return f"__VENVREG_DEFAULT_HOME={value}\n"


def register(app: typer.Typer) -> None:
    app.command("init", help=init_command.__doc__)(init_command)
