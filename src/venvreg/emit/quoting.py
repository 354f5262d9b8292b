"""One quote() per shell family. Every value reaching shell code goes through one of these,
as a whole word, never inside another quoted string."""

from __future__ import annotations

from ..errors import UsageError
from ..text import quoted

TYPE_CHECKING = False  # typing itself is too costly to import on the hot path
if TYPE_CHECKING:
    from collections.abc import Callable

SHELLS = ("bash", "zsh", "fish", "pwsh")

# PowerShell treats the curly single quotes as quote characters too.
_POWERSHELL_QUOTES = "'\u2018\u2019\u201a\u201b"


def _refuse_nul(value: str) -> None:
    if "\x00" in value:
        raise UsageError("a value holding a NUL character cannot be passed to a shell")


def quote_posix(value: str) -> str:
    """bash and zsh: always single-quoted (zsh would expand a bare `=ls`)."""
    _refuse_nul(value)
    return "'" + value.replace("'", "'\\''") + "'"


def quote_fish(value: str) -> str:
    """fish: inside single quotes, `\\` and `'` are still escapes."""
    _refuse_nul(value)
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def quote_pwsh(value: str) -> str:
    """PowerShell: a single-quoted string, each kind of single quote doubled. A carriage return
    is refused too: PowerShell splits a program's output at it, so it cannot come back intact."""
    _refuse_nul(value)
    if "\r" in value:
        raise UsageError("a value holding a carriage return cannot be passed to PowerShell")
    return "'" + "".join(c + c if c in _POWERSHELL_QUOTES else c for c in value) + "'"


QUOTERS: dict[str, Callable[[str], str]] = {
    "bash": quote_posix,
    "zsh": quote_posix,
    "fish": quote_fish,
    "pwsh": quote_pwsh,
}


def quoter(shell: str) -> Callable[[str], str]:
    """The quote() for `shell`, or a UsageError naming the shells venvreg knows."""
    try:
        return QUOTERS[shell]
    except KeyError:
        raise UsageError(f"unknown shell {quoted(shell)}: choose {', '.join(SHELLS)}") from None
