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


def is_utf8(text: str) -> bool:
    """Whether `text` can be written as UTF-8: argv words and file names with bytes that are not
    UTF-8 reach Python as lone surrogates, which no registry row, file or message can hold."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def no_envs_hint(workon_home: str) -> str:
    """What an empty listing says (`venvreg ls`, `workon`): how to make or find envs."""
    return (
        f"no environments in {quoted(workon_home)} yet: make one with `mkvirtualenv NAME` or "
        "`venvreg create NAME`, or find the ones already on this disk with `venvreg scan ~`"
    )


def quoted(text: str) -> str:
    """A name or path inside a message: escaped and in single quotes."""
    return "'" + escape_text(text) + "'"
