"""quote() per shell family, checked by evaluating its output in the real shells."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shells import ALL_SHELLS, require_shell

from support import HOSTILE_STRINGS
from venvreg.emit.quoting import quote_fish, quote_posix, quote_pwsh, quoter
from venvreg.errors import UsageError

HOSTILE = [
    *HOSTILE_STRINGS,
    "\\",
    "line\nbreak",
    "tab\there",
    "esc\x1b[31mred",
    "\u2018curly\u2019 \u201alow\u201b",
    "[ab]*?",
    "-rf",
    "--help",
    "",
    " leading and trailing ",
]

SHELL_OPTIONS = {
    "bash": ["bash", "--norc", "--noprofile", "-euo", "pipefail", "-c"],
    "zsh": ["zsh", "-f", "-o", "nounset", "-c"],
    "fish": ["fish", "--no-config", "-c"],
}


def evaluate(shell: str, values: list[str], cwd: Path) -> list[str]:
    """Have the real shell print each quoted value NUL-terminated; return what it printed."""
    require_shell(shell)
    quote = quoter(shell)
    script = "\n".join(f"printf '%s\\0' {quote(value)}" for value in values)
    result = subprocess.run(
        [*SHELL_OPTIONS[shell], script],
        capture_output=True,
        cwd=cwd,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert result.stderr == b""
    printed = result.stdout.decode("utf-8").split("\0")
    assert printed[-1] == ""
    return printed[:-1]


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_hostile_values_round_trip_and_run_nothing(shell: str, tmp_path: Path) -> None:
    assert evaluate(shell, HOSTILE, tmp_path) == HOSTILE
    assert list(tmp_path.iterdir()) == []


text_without_nul = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=40,
)


@pytest.mark.parametrize("shell", ALL_SHELLS)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(values=st.lists(text_without_nul, min_size=1, max_size=20))
def test_property_quote_evaluates_to_itself(shell: str, values: list[str], tmp_path: Path) -> None:
    # tmp_path is shared by the examples: it only has to stay empty (nothing was run).
    assert evaluate(shell, values, tmp_path) == values
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("quote", [quote_posix, quote_fish, quote_pwsh])
def test_nul_is_refused(quote: object) -> None:
    with pytest.raises(UsageError, match="NUL"):
        quote("a\x00b")  # type: ignore[operator]


def test_posix_quote_never_leaves_a_bare_word() -> None:
    assert quote_posix("ls") == "'ls'"
    assert quote_posix("=ls") == "'=ls'"
    assert quote_posix("it's") == "'it'\\''s'"


def test_fish_quote_escapes_backslash_and_quote() -> None:
    assert quote_fish("a\\") == "'a\\\\'"
    assert quote_fish("it's") == "'it\\'s'"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("plain", "'plain'"),
        ("it's", "'it''s'"),
        ("\u2018left\u2019", "'\u2018\u2018left\u2019\u2019'"),
        ("\u201alow\u201b", "'\u201a\u201alow\u201b\u201b'"),
        ("$(Get-Process) `n $env:HOME", "'$(Get-Process) `n $env:HOME'"),
        ('double "quotes"', "'double \"quotes\"'"),
    ],
)
def test_powershell_quote_doubles_every_single_quote_kind(value: str, expected: str) -> None:
    assert quote_pwsh(value) == expected


def test_unknown_shell_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown shell"):
        quoter("tcsh")


def test_powershell_quote_refuses_a_carriage_return() -> None:
    # PowerShell splits a program's output at CR: such a value cannot come back intact.
    with pytest.raises(UsageError, match="carriage return"):
        quote_pwsh("a\rb")
    assert quote_pwsh("a\nb") == "'a\nb'"
