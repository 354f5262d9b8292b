"""Every rule of docs/registry.md's Names, one case (or a parametrized family) each."""

from __future__ import annotations

import unicodedata

import pytest

from venvreg.errors import EXIT_USAGE, UsageError
from venvreg.names import MAX_NAME_LENGTH, name_key, name_problem, validate_name

# virtualenv's hostile name without its '"', which the name rules refuse (reserved on Windows)
HOSTILE = "';&&e-$ èрт🚒♞中片-j"


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("", "cannot be empty"),
        (".", "is not a name"),
        ("..", "is not a name"),
        ("-rf", "cannot start with '-'"),
        ("--help", "cannot start with '-'"),
        ("-", "cannot start with '-'"),
        (".hidden", "cannot start with '.'"),
        (".venvreg", "cannot start with '.'"),
        ("trailing ", "cannot end with a space or a dot"),
        ("trailing.", "cannot end with a space or a dot"),
        ("a/b", "cannot contain '/' or '\\'"),
        ("../x", "cannot start with '.'"),
        ("x/..", "cannot end with a space or a dot"),
        ("a\\b", "cannot contain '/' or '\\'"),
        ("a\x00b", "NUL"),
        ("a\nb", "U+000A"),
        ("a\rb", "U+000D"),
        ("a\tb", "U+0009"),
        ("a\x1b[31mb", "U+001B"),
        ("a\x7fb", "U+007F"),
        ("a\u200bb", "U+200B"),
        ("a\u202eb", "U+202E"),
        ("a\ufeffb", "U+FEFF"),
        ("a\u2028b", "U+2028"),
        ("a" * (MAX_NAME_LENGTH + 1), f"at most {MAX_NAME_LENGTH} characters"),
    ],
)
def test_refused_with_the_rule_named(name: str, rule: str) -> None:
    problem = name_problem(name)
    assert problem is not None and rule in problem
    with pytest.raises(UsageError) as raised:
        validate_name(name)
    assert raised.value.exit_code == EXIT_USAGE
    message = str(raised.value)
    assert rule in message
    assert "\n" not in message and "\x1b" not in message  # one line, nothing raw


@pytest.mark.parametrize("char", list('<>:"|?*'))
def test_windows_reserved_characters_are_refused(char: str) -> None:
    problem = name_problem(f"a{char}b")
    assert problem is not None
    assert "reserved on Windows" in problem and char in problem


def test_virtualenvs_hostile_name_is_refused_for_its_double_quote() -> None:
    problem = name_problem("'\";&&e-$ èрт🚒♞中片-j")
    assert problem is not None and "'\"'" in problem


@pytest.mark.parametrize(
    "name",
    [
        "CON", "con", "Con", "nul", "NUL", "PRN", "aux", "COM1", "com1", "COM9", "LPT1", "lpt9",
        "LPT9", "CON.txt", "nul.tar.gz", "Com1.py", "lpt9.x", "CONIN$", "conout$", "COM¹",
    ],
)  # fmt: skip
def test_windows_device_names_are_refused_in_any_case_and_with_an_extension(name: str) -> None:
    problem = name_problem(name)
    assert problem is not None and "reserved device name" in problem


@pytest.mark.parametrize("name", ["CONSOLE", "COM10", "LPT", "nullable", "auxiliary", "con-x"])
def test_names_that_only_start_like_a_device_are_accepted(name: str) -> None:
    assert name_problem(name) is None


def test_the_length_limit_is_inclusive() -> None:
    assert name_problem("a" * MAX_NAME_LENGTH) is None
    assert name_problem("a" * (MAX_NAME_LENGTH + 1)) is not None


def test_a_name_too_long_for_a_folder_is_refused() -> None:
    """100 characters, but 400 bytes: no filesystem takes that as one folder name."""
    name = "🚒" * MAX_NAME_LENGTH
    problem = name_problem(name)
    assert problem is not None and "bytes" in problem
    assert name_problem("🚒" * 63) is None  # 252 bytes still fits a folder name


@pytest.mark.parametrize(
    "name",
    [
        "demo",
        "with space",
        "it's",
        "say 'hi'",
        "$HOME",
        "a;b",
        "`touch PWNED`",
        "x'$(touch PWNED)'y",
        "🚒",
        "中片",
        "[bold]x",
        "=ls",
        "!!",
        "~",
        "a.b",
        " leading space",
        HOSTILE,
    ],
)
def test_legal_names_are_accepted_unchanged(name: str) -> None:
    assert name_problem(name) is None
    assert validate_name(name) == name


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Demo", "demo"),
        ("DEMO", "demo"),
        ("Straße", "STRASSE"),
        (unicodedata.normalize("NFC", "é"), unicodedata.normalize("NFD", "é")),
        (unicodedata.normalize("NFD", "Éa"), unicodedata.normalize("NFC", "éA")),
    ],
)
def test_names_equal_after_case_folding_and_nfc_share_a_key(first: str, second: str) -> None:
    assert first != second
    assert name_key(first) == name_key(second)


def test_different_names_have_different_keys() -> None:
    assert name_key("demo") != name_key("demo2")
    assert name_key("e") != name_key("é")
