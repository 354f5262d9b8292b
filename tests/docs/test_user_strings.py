"""No message points at a file the user does not have: an installed venvreg has no docs/ folder
(and the project has no web site), so help, errors, notices and the shell functions' text
explain in place or name a `--help` instead of `docs/*.md`."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from venvreg.cli.reference import all_commands

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "src" / "venvreg"
A_DOC_FILE = re.compile(r"docs/|\b[\w.-]+\.md\b")
# The generator of docs/reference.md writes into docs/ itself: its links are between doc pages.
GENERATOR = SOURCE / "cli" / "reference.py"


def _docstrings(tree: ast.AST) -> set[int]:
    """Module, class and function docstrings: for developers, except the commands' ones,
    which typer turns into help (checked through the real --help below)."""
    found = set()
    for node in ast.walk(tree):
        kinds = (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
        if isinstance(node, kinds) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def test_no_string_in_the_code_names_a_doc_file() -> None:
    offenders = []
    for path in sorted(SOURCE.rglob("*.py")):
        if path == GENERATOR:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skipped = _docstrings(tree)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in skipped
                and A_DOC_FILE.search(node.value)
            ):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value[:70]!r}")
    assert not offenders, "strings naming a doc file:\n" + "\n".join(offenders)


def _shell_text(path: Path) -> list[tuple[int, str]]:
    """The lines of a shell function file that are not comments."""
    lines = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.lstrip().startswith("#"):
            lines.append((number, line))
    return lines


def test_no_shell_function_names_a_doc_file() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in sorted((ROOT / "shell").iterdir())
        for number, line in _shell_text(path)
        if A_DOC_FILE.search(line)
    ]
    assert not offenders, "\n".join(offenders)


COMMANDS = [doc.path.split()[1:] for doc in all_commands()]


@pytest.mark.parametrize("words", [[], *COMMANDS], ids=lambda words: " ".join(words) or "venvreg")
def test_no_help_names_a_doc_file(words: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "venvreg", *words, "--help"],
        capture_output=True, text=True, timeout=60, env={"COLUMNS": "300", "PATH": ""},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert not A_DOC_FILE.search(result.stdout), result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["bash", "virtualenvwrapper", "--"],
        ["bash", "mkvirtualenv", "--", "--help"],
        ["bash", "mkvirtualenv", "--", "--clear", "x"],
    ],
    ids=["virtualenvwrapper", "mkvirtualenv --help", "mkvirtualenv --clear"],
)
def test_the_shell_functions_help_and_refusals_name_no_doc_file(
    args: list[str], isolated: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "venvreg", "__shell", *args],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    said = result.stdout + result.stderr
    assert said.strip(), "the command printed nothing: the check proves nothing"
    assert not A_DOC_FILE.search(said), said


def test_the_dropped_variable_notice_names_no_doc_file(isolated: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "venvreg", "__shell", "bash", "lsvirtualenv", "--", "-b"],
        capture_output=True, text=True, timeout=60,
        env={**os.environ, "VIRTUALENVWRAPPER_TMPDIR": "/tmp"},
    )  # fmt: skip
    assert "VIRTUALENVWRAPPER_TMPDIR is not used" in result.stderr
    assert not A_DOC_FILE.search(result.stderr), result.stderr
