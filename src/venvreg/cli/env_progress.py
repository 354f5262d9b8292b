"""Progress across several environments, on stderr: a rich bar when stderr is a terminal, plain
lines otherwise (a log file or CI gets `[2/5] rebuilding api` and the steps, not escape codes).
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any

from ..text import escape_text
from .output import _console, message, progress


class EnvProgress:
    """Plain lines: one per env started, the steps indented below it."""

    def __init__(self, total: int, verb: str) -> None:
        self.total = total
        self.verb = verb
        self.done = 0

    def start(self, name: str) -> None:
        message(f"[{self.done + 1}/{self.total}] {self.verb} {escape_text(name)}")

    def line(self, text: str) -> None:
        """A step, or a line of a child's output."""
        progress(text)

    def note(self, text: str) -> None:
        """A line that stays: the outcome of one env."""
        message(text)

    def advance(self) -> None:
        self.done += 1


class _RichProgress(EnvProgress):
    """The same, as a bar with the current step beside it; outcomes print above the bar."""

    def __init__(self, total: int, verb: str, bar: Any) -> None:
        super().__init__(total, verb)
        self.bar = bar
        self.task = bar.add_task("", total=total, status="")

    def start(self, name: str) -> None:
        self.bar.update(self.task, description=f"{self.verb} {escape_text(name)}", status="")

    def line(self, text: str) -> None:
        from .fit import shorten_end

        room = max(10, self.bar.console.width - 60)  # the name and the bar keep their room
        self.bar.update(self.task, status=shorten_end(escape_text(text.strip()), room))

    def note(self, text: str) -> None:
        from rich.text import Text

        self.bar.console.print(Text(f"venvreg: {text}"))

    def advance(self) -> None:
        super().advance()
        self.bar.update(self.task, advance=1, status="")


@contextlib.contextmanager
def env_progress(total: int, verb: str) -> Iterator[EnvProgress]:
    """A progress display for `total` envs, each `verb`-ed in turn."""
    if not sys.stderr.isatty():
        yield EnvProgress(total, verb)
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    columns = (
        TextColumn("{task.description}", markup=False),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}", markup=False),
    )
    with Progress(*columns, console=_console(stderr=True), transient=True) as bar:
        yield _RichProgress(total, verb, bar)
