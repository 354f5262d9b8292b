"""Names through the real `venvreg create`: bad ones refused with exit 2 and nothing written,
legal ones (quotes, `$`, `;`, backticks, emoji) round-tripped through create, ls and show."""

from __future__ import annotations

import json
import os
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

HOSTILE = "';&&e-$ èрт🚒♞中片-j"  # virtualenv's test name minus the '"' the name rules refuse


def _nothing_written(workon_home: Path, rows: Callable[..., list[dict[str, Any]]]) -> None:
    assert sorted(os.listdir(workon_home)) == [".venvreg"]
    assert rows() == []


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "cannot be empty"),
        (".", "is not a name"),
        ("..", "is not a name"),
        ("-rf", "cannot start with '-'"),
        ("--help", "cannot start with '-'"),
        (".hidden", "cannot start with '.'"),
        ("trailing ", "cannot end with a space or a dot"),
        ("trailing.", "cannot end with a space or a dot"),
        ("a/b", "cannot contain '/'"),
        ("../escape", "cannot start with '.'"),
        ("a\\b", "cannot contain '/' or '\\'"),
        ("a\nb", "U+000A"),
        ("a\tb", "U+0009"),
        ("a\x1b[2Jb", "U+001B"),
        ("a\u200bb", "U+200B"),
        ("a\u202eb", "U+202E"),
        ("a|b", "reserved on Windows"),
        ("a:b", "reserved on Windows"),
        ("a*", "reserved on Windows"),
        ("CON", "reserved device name"),
        ("nul.txt", "reserved device name"),
        ("Com1", "reserved device name"),
        ("lpt9.tar.gz", "reserved device name"),
        ("x" * 101, "at most 100 characters"),
    ],
)
def test_create_refuses_a_bad_name(
    cli: Any, workon_home: Path, rows: Any, name: str, rule: str
) -> None:
    result = cli("create", "--", name)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr  # one line, no traceback, no raw control characters
    assert lines[0].startswith("venvreg: error: invalid environment name")
    assert rule in lines[0]
    assert "\x1b" not in result.stderr
    assert result.stdout == ""
    _nothing_written(workon_home, rows)


def test_an_option_lookalike_is_not_read_as_an_option(cli: Any, workon_home: Path) -> None:
    """`create -- --help` must refuse the name, not print help; `-rf` must not become flags."""
    result = cli("create", "--", "--help")
    assert result.returncode == 2
    assert "Usage" not in result.stdout + result.stderr
    assert "invalid environment name '--help'" in result.stderr


@pytest.mark.parametrize(
    ("existing", "new"),
    [
        ("demo", "Demo"),
        ("demo", "DEMO"),
        (unicodedata.normalize("NFC", "café"), unicodedata.normalize("NFD", "café")),
        (unicodedata.normalize("NFD", "Éte"), unicodedata.normalize("NFC", "éTE")),
    ],
)
def test_a_name_equal_after_case_folding_and_nfc_is_refused(
    cli: Any, workon_home: Path, env_in_home: Any, rows: Any, existing: str, new: str
) -> None:
    env_in_home(existing)
    assert cli("ls", "-b").stdout == existing + "\n"
    result = cli("create", new)
    assert result.returncode == 2
    assert "equals the existing environment" in result.stderr
    assert "case folding" in result.stderr
    assert len(result.stderr.splitlines()) == 1
    assert sorted(os.listdir(workon_home)) == sorted([".venvreg", existing])
    assert [row["name"] for row in rows()] == [existing]


def test_the_same_name_twice_is_refused_and_the_first_kept(
    cli: Any, workon_home: Path, env_in_home: Any, rows: Any
) -> None:
    env = env_in_home("demo")
    cfg_before = (env / "pyvenv.cfg").read_bytes()
    cli("ls")
    result = cli("create", "demo")
    assert result.returncode == 2
    assert "an environment named 'demo' already exists" in result.stderr
    assert (env / "pyvenv.cfg").read_bytes() == cfg_before
    assert len(rows()) == 1


@pytest.mark.parametrize(
    "name",
    [
        "with space",
        "it's",
        "$HOME;x",
        "`touch PWNED`",
        "🚒 emoji [bold]x",
        HOSTILE,
    ],
)
def test_legal_names_round_trip_through_create_ls_and_show(
    cli: Any, workon_home: Path, row: Any, tmp_path: Path, name: str
) -> None:
    result = cli("create", name)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert (workon_home / name / "pyvenv.cfg").is_file()

    listed = json.loads(cli("ls", "--json").stdout)
    assert [entry["name"] for entry in listed] == [name]
    assert listed[0]["path"] == str(workon_home / name)
    assert listed[0]["healthy"] is True

    assert cli("ls", "-b").stdout == name + "\n"

    shown = json.loads(cli("show", name, "--json").stdout)
    assert shown["name"] == name
    assert shown["path"] == str(workon_home / name)
    plain = cli("show", name).stdout
    assert f"name:          {name}\n" in plain

    stored = row(name)
    assert stored is not None and stored["status"] == "ready"
    assert not (tmp_path / "PWNED").exists() and not Path("PWNED").exists()
