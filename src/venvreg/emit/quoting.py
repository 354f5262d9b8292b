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
    is refused too: PowerShell splits a program's piped output at it (the way
    `venvreg init pwsh | Out-String` is read), so it cannot come back intact there."""
    _refuse_nul(value)
    if "\r" in value:
        raise UsageError("a value holding a carriage return cannot be passed to PowerShell")
    return "'" + "".join(c + c if c in _POWERSHELL_QUOTES else c for c in value) + "'"


def quote_pwsh_ascii(value: str) -> str:
    """PowerShell: an expression of ASCII characters only whose value is `value`: runs of
    ASCII in single quotes, every other UTF-16 code unit as [char]0xHHHH. ASCII bytes mean the
    same in every ANSI and OEM code page and in UTF-8, so the text survives whatever code page
    PowerShell decodes a program's output with."""
    parts: list[str] = []
    run = ""
    for char in value:
        if ord(char) < 128:
            run += char
            continue
        if run or not parts:
            parts.append(quote_pwsh(run))
            run = ""
        data = char.encode("utf-16-le", "surrogatepass")
        for i in range(0, len(data), 2):
            parts.append(f"[char]0x{int.from_bytes(data[i : i + 2], 'little'):04X}")
    if run or not parts:
        parts.append(quote_pwsh(run))
    return parts[0] if len(parts) == 1 else "(" + " + ".join(parts) + ")"


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
