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


def _escaped_char(char: str, shell: str) -> str:
    """One character that cannot be shown as it is, in the escape that shell reads back."""
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte kept by surrogateescape
        return ("\\X" if shell == "fish" else "\\x") + f"{code - 0xDC00:02x}"
    named = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char)
    return named or (f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}")


def paste_word(shell: str, value: str) -> str:
    """`value` as one word a user can copy from a message into `shell`: bare when nothing in
    it is special, else quoted, with characters a terminal would not show written as escapes
    ($'\\n' in bash and zsh, a bare \\n in fish), joined to the quoted parts into one word."""
    if value and all(c.isalnum() or c in "_-.,+:/@%=" for c in value) and value[0] != "-":
        return value
    if shell == "pwsh":  # no way to join an escape to a quoted part into one word
        return quote_pwsh(value) if value.isprintable() else quoted(value)
    quote = quote_fish if shell == "fish" else quote_posix
    if value.isprintable():
        return quote(value)
    parts: list[str] = []
    run = ""
    for char in value:
        if char.isprintable() and not 0xDC80 <= ord(char) <= 0xDCFF:
            run += char
            continue
        if run:
            parts.append(quote(run))
            run = ""
        escape = _escaped_char(char, shell)
        parts.append(escape if shell == "fish" else f"$'{escape}'")
    if run:
        parts.append(quote(run))
    return "".join(parts)
