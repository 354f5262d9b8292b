"""The commands behind the shell functions, one module per group.

`hot` (workon, lsvirtualenv) is stdlib-only; the others load on demand. The request and error
types live here, not in fastpath, so that the commands never import the dispatcher that
imports them.
"""

from __future__ import annotations

import os

from ..errors import EXIT_USAGE, VenvregError

# The virtualenvwrapper variables venvreg does not use -> what happens instead; notices.py
# says so once (docs/migration.md has the same list). Here so that the check before every
# shell command costs no import.
DROPPED = {
    "VIRTUALENVWRAPPER_PYTHON": "venvreg runs no Python of virtualenvwrapper's (no hook loader)",
    "VIRTUALENVWRAPPER_VIRTUALENV_CLONE": (
        "cpvirtualenv rebuilds the env instead of cloning its folder"
    ),
    "VIRTUALENVWRAPPER_LOG_FILE": "there is no hook loader to log; hooks' output goes to stderr",
    "VIRTUALENVWRAPPER_TMPDIR": "venvreg writes no temporary hook scripts",
    "VIRTUALENVWRAPPER_SCRIPT": "the functions come from `venvreg init`, not virtualenvwrapper.sh",
}


class ShellRequest:
    """One call from a shell function: which shell, and the user's arguments, untouched."""

    __slots__ = ("args", "shell")

    def __init__(self, shell: str, args: list[str]) -> None:
        self.shell = shell
        self.args = args


def typed_path(shell: str, value: str) -> str:
    """A path the user typed, with a leading `~` expanded for PowerShell, which (unlike bash,
    zsh and fish) hands a function's arguments over with the `~` still in them."""
    if shell == "pwsh" and (value == "~" or value.startswith(("~/", "~\\"))):
        return os.path.expanduser("~") + value[1:]
    return value


class WrapperError(VenvregError):
    """A failure reported with virtualenvwrapper's own wording (no `venvreg:` prefix)."""


class WrapperUsage(WrapperError):
    """A command line a shell command cannot take (a missing name, an option without its
    value): exit status 2, as virtualenv's own parser gives virtualenvwrapper's mkvirtualenv."""

    exit_code = EXIT_USAGE


# command -> module in this package, for the commands that are not hot
COLD_HANDLERS: dict[str, str] = {
    "mkvirtualenv": "lifecycle",
    "mktmpenv": "lifecycle",
    "rmtmpenv": "lifecycle",
    "rmvirtualenv": "lifecycle",
    "cpvirtualenv": "lifecycle",
    "mkproject": "lifecycle",
    "cdvirtualenv": "navigate",
    "cdsitepackages": "navigate",
    "lssitepackages": "navigate",
    "cdproject": "navigate",
    "setvirtualenvproject": "navigate",
    "showvirtualenv": "navigate",
    "allvirtualenv": "navigate",
    "add2virtualenv": "packages",
    "wipeenv": "packages",
    "toggleglobalsitepackages": "packages",
    "virtualenvwrapper": "help",
}
