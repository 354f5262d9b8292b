"""Rendering for people and scripts: rich tables on a terminal, plain text when piped, JSON.

Names and paths are shown literally: rich markup is never interpreted in them, and control
characters are escaped. Messages and progress go to stderr; stdout carries only results.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence

from ..text import escape_text
from .fit import PATH, TEXT, Column

TYPE_CHECKING = False  # typing itself costs start-up; the name below is for mypy only
if TYPE_CHECKING:
    from typing import Any


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()


def _console(stderr: bool):  # type: ignore[no-untyped-def]
    from rich.console import Console

    # NO_COLOR (set and not empty, per no-color.org): no escape codes at all, bold included;
    # rich's own no_color only drops the colours.
    plain = bool(os.environ.get("NO_COLOR"))
    return Console(stderr=stderr, color_system=None if plain else "auto", highlight=False)


def message(text: str) -> None:
    """A line for people, on stderr."""
    print(f"venvreg: {text}", file=sys.stderr, flush=True)


def progress(text: str) -> None:
    """Progress of long work (a child's output, a step), on stderr."""
    print(f"  {escape_text(text)}", file=sys.stderr, flush=True)


def print_json(data: Any) -> None:
    sys.stdout.write(pretty_json(data) + "\n")


_SCALARS = (str, int, float, bool, type(None))


def pretty_json(data: Any) -> str:
    """`json.dumps(data, indent=2, ensure_ascii=False)`, byte for byte, about five times
    faster on a listing of 10,000 envs: with an indent the json module encodes in Python, so
    every scalar is encoded here at once by its C encoder, and only the layout is Python."""
    import json  # only the commands that print JSON pay for it

    scalars: list[Any] = []
    if not _collect(data, scalars):
        return json.dumps(data, indent=2, ensure_ascii=False)  # a key or type left to json
    # Control characters are escaped inside strings, so a raw NUL is only ever a separator.
    encoded = json.JSONEncoder(ensure_ascii=False, separators=("\0", ":")).encode(scalars)
    texts = iter(encoded[1:-1].split("\0") if scalars else ())
    keys: dict[tuple[tuple[str, ...], str], list[str]] = {}
    out: list[str] = []
    _layout(data, "", out, texts, keys, json.JSONEncoder(ensure_ascii=False).encode)
    return "".join(out)


def _collect(value: Any, scalars: list[Any]) -> bool:
    """Append every scalar of `value` in the order json writes them; False for a shape this
    layout does not handle (a key that is not a string, a type json converts or refuses)."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                return False
            if type(item) in _SCALARS:
                scalars.append(item)
            elif not _collect(item, scalars):
                return False
        return True
    if kind is list or kind is tuple:
        for item in value:
            if type(item) in _SCALARS:
                scalars.append(item)
            elif not _collect(item, scalars):
                return False
        return True
    if kind in _SCALARS:
        scalars.append(value)
        return True
    return False


def _layout(
    value: Any,
    indent: str,
    out: list[str],
    texts: Any,
    shapes: dict[tuple[tuple[str, ...], str], list[str]],
    encode: Any,
) -> None:
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
            return
        # What precedes each value, per set of keys and depth: a listing's objects share one.
        shape = (tuple(value), indent)
        leads = shapes.get(shape)
        if leads is None:
            inner = indent + "  "
            leads = shapes[shape] = [
                f"{',' if i else '{'}\n{inner}{encode(key)}: " for i, key in enumerate(value)
            ]
        for lead, item in zip(leads, value.values(), strict=True):
            out.append(lead)
            if type(item) in _SCALARS:
                out.append(next(texts))
            else:
                _layout(item, indent + "  ", out, texts, shapes, encode)
        out.append(f"\n{indent}}}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
            return
        inner = indent + "  "
        lead = "[\n"
        for item in value:
            out.append(lead + inner)
            lead = ",\n"
            if type(item) in _SCALARS:
                out.append(next(texts))
            else:
                _layout(item, inner, out, texts, shapes, encode)
        out.append(f"\n{indent}]")
    else:
        out.append(next(texts))


def print_lines(lines: Sequence[str]) -> None:
    sys.stdout.write("".join(escape_text(line) + "\n" for line in lines))


def print_table(
    columns: Sequence[Column | str], rows: Sequence[Sequence[str]], title: str | None = None
) -> None:
    """A table fitted to the terminal (cli/fit.py); otherwise plain, space-aligned columns,
    escaped and whole. A header given as a plain string is a TEXT column."""
    specs = [Column(c, TEXT) if isinstance(c, str) else c for c in columns]
    cells = [[escape_text(cell) for cell in row] for row in rows]
    if stdout_is_terminal():
        _print_fitted(specs, cells, title)
        return
    headers = [spec.header for spec in specs]
    widths = [
        max([len(header)] + [len(row[i]) for row in cells]) for i, header in enumerate(headers)
    ]
    for row in [list(headers), *cells]:
        sys.stdout.write(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            + "\n"
        )


def terminal_width() -> int:
    """The width of the terminal stdout is on (COLUMNS first, as rich reads it)."""
    return int(_console(stderr=False).width)


def _home_as_tilde(cell: str, kind: str) -> str:
    """A PATH cell, or the words of a TEXT cell that are paths, with the home folder as `~`
    (not with --wide)."""
    from .fit import fit_path, home_short, is_wide

    if kind == PATH:
        return fit_path(cell, None)
    if kind == TEXT and not is_wide() and "/" in cell:
        return " ".join(home_short(word) for word in cell.split(" "))
    return cell


def _print_fitted(specs: list[Column], cells: list[list[str]], title: str | None) -> None:
    from rich.text import Text

    from .fit import GAP, fit_cell, is_wide, layout, pad

    console = _console(stderr=False)
    kinds = [spec.kind for spec in specs]
    cells = [
        [_home_as_tilde(cell, kind) for cell, kind in zip(row, kinds, strict=True)] for row in cells
    ]
    width = console.width
    fitted = layout(specs, cells, 1 << 30 if is_wide() else width)
    kept = [specs[i] for i in fitted.keep]
    gap = " " * GAP
    if title:
        console.print(Text(title, style="bold"), soft_wrap=True)
    header = gap.join(pad(s.header, w) for s, w in zip(kept, fitted.widths, strict=True))
    console.print(Text(header.rstrip(), style="bold"), soft_wrap=True)
    for row in cells:
        parts = [
            fit_cell(row[i], spec, w) if not is_wide() else [row[i]]
            for i, spec, w in zip(fitted.keep, kept, fitted.widths, strict=True)
        ]
        for n in range(max(len(lines) for lines in parts)):
            line = gap.join(
                pad(lines[n] if n < len(lines) else "", w)
                for lines, w in zip(parts, fitted.widths, strict=True)
            )
            console.print(Text(line.rstrip()), soft_wrap=True)
    if fitted.dropped:
        message(f"columns left out: {', '.join(fitted.dropped)} (--wide shows them)")


def print_fields(pairs: Sequence[tuple[str, str]], paths: frozenset[str] = frozenset()) -> None:
    """`key: value` lines for one object (show). On a terminal a value fits the width: the
    values of the keys in `paths` shortened in the middle, the others wrapped at spaces."""
    width = max(len(key) for key, _ in pairs)
    fit = stdout_is_terminal()
    if fit:
        from .fit import fit_path, is_wide, wrap_words

        fit = not is_wide()
        room = max(terminal_width() - width - 2, 16)  # past the edge rather than nothing
    for key, value in pairs:
        text = escape_text(value)
        lines = [text]
        if fit:
            lines = [fit_path(text, room)] if key in paths else wrap_words(text, room)
        sys.stdout.write(f"{key + ':':<{width + 1}} {lines[0]}\n")
        for line in lines[1:]:
            sys.stdout.write(" " * (width + 2) + line + "\n")


def print_wrapped(lines: Sequence[str]) -> None:
    """Lines of prose on stdout; on a terminal each is wrapped at spaces to its width, the
    continuation indented two more than the line."""
    if not stdout_is_terminal():
        print_lines(lines)
        return
    from .fit import is_wide, wrap_words

    width = terminal_width()
    out: list[str] = []
    for line in lines:
        text = escape_text(line)
        if is_wide():
            out.append(text)
            continue
        body = text.lstrip(" ")
        lead = len(text) - len(body)
        first, *rest = wrap_words(body, width - lead - 2)
        out.append(" " * lead + first)
        out.extend(" " * (lead + 2) + more for more in rest)
    sys.stdout.write("".join(line + "\n" for line in out))


_DAYS: dict[int, str] = {}  # days since 1970 -> "YYYY-MM-DD", for iso_time


def iso_time(timestamp: float | None) -> str | None:
    """UTC ISO 8601 to the second, as JSON carries it: what datetime writes (microseconds
    rounded half to even, then cut), with the date of each day computed once (a listing of
    10,000 envs writes 30,000 of these)."""
    if timestamp is None:
        return None
    seconds = int(timestamp)
    micros = round((timestamp - seconds) * 1e6)
    if micros >= 1_000_000:
        seconds += 1
    elif micros < 0:  # before 1970: int() cut towards zero
        seconds -= 1
    day, second = divmod(seconds, 86400)
    date = _DAYS.get(day)
    if date is None:
        from datetime import datetime, timezone

        moment = datetime.fromtimestamp(day * 86400, tz=timezone.utc)
        date = _DAYS[day] = moment.date().isoformat()
    hour, rest = divmod(second, 3600)
    return f"{date}T{hour:02d}:{rest // 60:02d}:{rest % 60:02d}Z"


def ago(timestamp: float | None) -> str:
    """'3 days ago' style, for tables."""
    if timestamp is None:
        return "never"
    seconds = max(0.0, time.time() - timestamp)
    for unit, size in (
        ("year", 365 * 86400),
        ("month", 30 * 86400),
        ("day", 86400),
        ("hour", 3600),
        ("minute", 60),
    ):
        if seconds >= size:
            count = int(seconds // size)
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    return "just now"


def human_size(size: int | None) -> str:
    if size is None:
        return "?"
    value = float(size)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def confirm(question: str) -> bool:
    """Ask on stderr, answer from stdin; anything but y/yes is no. What stdout holds so far
    goes out first: `venvreg prune | tee log` shows the candidates before the question."""
    sys.stdout.flush()
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline()
    return answer.strip().lower() in ("y", "yes")
