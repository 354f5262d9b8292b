"""Building the code a shell function evaluates: calls to the static helpers each function
file defines (__venvreg_print, __venvreg_cd, ...), every value quoted for that shell."""

from __future__ import annotations

from .quoting import quoter

# The helpers every shell's function file defines (bash and zsh through venvreg.common.sh),
# and so the only words emitted bare.
HELPERS = frozenset(
    [
        "__venvreg_activate",
        "__venvreg_cd",
        "__venvreg_exec",
        "__venvreg_in_env",
        "__venvreg_print",
        "__venvreg_run_hook",
        "__venvreg_source_hook",
        "__venvreg_status",
    ]
)


class ShellCode:
    """Lines of calls for one shell; `text()` is what the CLI prints, all at once."""

    def __init__(self, shell: str) -> None:
        self.shell = shell
        self._quote = quoter(shell)
        self._lines: list[str] = []

    def call(self, helper: str, *values: str) -> ShellCode:
        if helper not in HELPERS:
            raise ValueError(f"not a venvreg shell helper: {helper}")
        self._lines.append(" ".join([helper, *(self._quote(value) for value in values)]))
        return self

    def print(self, *lines: str) -> ShellCode:
        """Lines for the user's stdout (where virtualenvwrapper prints them)."""
        return self.call("__venvreg_print", *lines) if lines else self

    def cd(self, folder: str) -> ShellCode:
        return self.call("__venvreg_cd", folder)

    def status(self, status: int) -> ShellCode:
        """Must come last: the function's own exit status."""
        return self.call("__venvreg_status", str(status))

    def extend(self, other: ShellCode) -> ShellCode:
        self._lines.extend(other._lines)
        return self

    def text(self) -> str:
        return "".join(line + "\n" for line in self._lines)
