"""Rendering for people and scripts: rich tables on a terminal, plain text when piped, JSON.

Names and paths are shown literally: rich markup is never interpreted in them, and control
characters are escaped. Messages and progress go to stderr; stdout carries only results.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from typing import Any

from ..text import escape_text


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
    import json  # only the commands that print JSON pay for it

    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def print_lines(lines: Sequence[str]) -> None:
    sys.stdout.write("".join(escape_text(line) + "\n" for line in lines))


def print_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], title: str | None = None
) -> None:
    """A rich table on a terminal; otherwise plain, space-aligned columns, escaped."""
    cells = [[escape_text(cell) for cell in row] for row in rows]
    if stdout_is_terminal():
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, header_style="bold", box=None, pad_edge=False)
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in cells:
            table.add_row(*(Text(cell) for cell in row))
        _console(stderr=False).print(table)
        return
    widths = [
        max([len(header)] + [len(row[i]) for row in cells]) for i, header in enumerate(headers)
    ]
    for row in [list(headers), *cells]:
        sys.stdout.write(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            + "\n"
        )


def print_fields(pairs: Sequence[tuple[str, str]]) -> None:
    """`key: value` lines for one object (show)."""
    width = max(len(key) for key, _ in pairs)
    for key, value in pairs:
        sys.stdout.write(f"{key + ':':<{width + 1}} {escape_text(value)}\n")


def iso_time(timestamp: float | None) -> str | None:
    """UTC ISO 8601, as JSON carries it."""
    if timestamp is None:
        return None
    from datetime import datetime, timezone

    moment = datetime.fromtimestamp(timestamp, tz=timezone.utc)
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


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
