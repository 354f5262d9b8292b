"""`--help` keeps each example on one line at 80 columns, so it can be copied and run: click
re-wraps a paragraph unless it starts with `\\b`, and an example wrapped at `-r` or mid-path
is a broken command (each command's docstring marks its Example paragraph)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from venvreg.cli.reference import all_commands, root


def _examples(text: str) -> list[str]:
    return [
        " ".join(paragraph.replace("\b\n", "").split())
        for paragraph in text.split("\n\n")
        if paragraph.replace("\b\n", "").strip().startswith("Example:")
    ]


COMMANDS = [(doc.path, doc.help) for doc in [root(), *all_commands()]]


def test_every_command_has_an_example() -> None:
    for path, text in COMMANDS:
        assert _examples(text), f"`{path} --help` has no Example"


@pytest.mark.parametrize(("path", "text"), COMMANDS, ids=[p for p, _ in COMMANDS])
def test_the_example_is_one_line_at_80_columns(path: str, text: str) -> None:
    shown = subprocess.run(
        [sys.executable, "-m", "venvreg", *path.split()[1:], "--help"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "COLUMNS": "80"},
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    lines = [" ".join(line.split()) for line in shown.stdout.splitlines()]
    for example in _examples(text):
        assert example in lines, f"`{path} --help` splits its example:\n{shown.stdout}"
