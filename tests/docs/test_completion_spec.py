"""The completion tables in shell/ are generated from the CLI (src/venvreg/cli/completion_spec.py):
they must be current, and every argument of every command must have been given a kind."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from venvreg.cli import completion_spec
from venvreg.cli.reference import all_commands

REGENERATE = "run python -m venvreg.cli.completion_spec"
# The checkout's shell/ folder: the generator writes there, and the test may run against an
# installed (not editable) venvreg, whose modules live elsewhere.
SHELL_FOLDER = Path(__file__).resolve().parents[2] / "shell"


@pytest.mark.parametrize("shell", completion_spec.SHELLS)
def test_the_tables_in_the_function_file_are_current(shell: str) -> None:
    path = SHELL_FOLDER / completion_spec.shell_path(shell).name
    text = path.read_text(encoding="utf-8")
    assert text.count(completion_spec.BEGIN) == 1 and text.count(completion_spec.END) == 1
    current = text[text.index(completion_spec.BEGIN) : text.index(completion_spec.END)]
    fresh = completion_spec.render(shell)
    if current + completion_spec.END + "\n" != fresh:
        diff = difflib.unified_diff(current.splitlines(), fresh.splitlines(), lineterm="")
        pytest.fail(f"{path.name}: completion tables are stale: {REGENERATE}\n" + "\n".join(diff))


def test_every_command_and_argument_is_in_the_tables() -> None:
    entries = {entry.path: entry for entry in completion_spec.entries()}
    for doc in all_commands():
        path = doc.path.removeprefix("venvreg ").strip()
        assert path in entries, path
        arguments = [param for param in doc.params if param.kind == "argument"]
        assert len(entries[path].args) == len(arguments), path
    assert set(completion_spec.ARGUMENTS) == {
        (doc.path.removeprefix("venvreg ").strip(), param.name)
        for doc in all_commands()
        for param in doc.params
        if param.kind == "argument"
    }, "ARGUMENTS names an argument the CLI no longer has"
