"""Making names and paths safe to show: nothing raw reaches the terminal, nothing is lost."""

from __future__ import annotations

import unicodedata

_NAMED_ESCAPES = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}


def escape_text(text: str) -> str:
    """Escape control/format characters and undecodable bytes (surrogateescape) visibly."""
    if text.isprintable():
        return text
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char in _NAMED_ESCAPES:
            out.append(_NAMED_ESCAPES[char])
        elif unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp", "Cs"):
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    return "".join(out)


def quoted(text: str) -> str:
    """A name or path inside a message: escaped and in single quotes."""
    return "'" + escape_text(text) + "'"
