"""Commands that guide: a typo of an env name gets "did you mean", an empty listing says how to
make or find envs, and `venvreg workon` says that workon is a shell function to set up."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

CliRunner = Callable[..., subprocess.CompletedProcess[str]]


def test_an_empty_listing_says_how_to_begin(cli: CliRunner, workon_home: Path) -> None:
    hint = (
        f"venvreg: no environments in '{workon_home}' yet: make one with `mkvirtualenv NAME` "
        "or `venvreg create NAME`, or find the ones already on this disk with `venvreg scan ~`\n"
    )
    for args in (["ls"], ["ls", "-b"]):
        result = cli(*args)
        assert (result.returncode, result.stdout, result.stderr) == (0, "", hint), args
    as_json = cli("ls", "--json")
    assert (as_json.returncode, as_json.stdout.strip(), as_json.stderr) == (0, "[]", "")


@pytest.mark.parametrize(
    "command", [["show"], ["rm", "--yes"], ["rebuild"], ["freeze"], ["doctor"]]
)
def test_a_typo_of_a_name_gets_did_you_mean(
    cli: CliRunner, plain_venv: Callable[[Path], Path], workon_home: Path, command: list[str]
) -> None:
    for name in ("projectx", "project-y", "unrelated"):
        plain_venv(workon_home / name)
    result = cli(command[0], "projctx", *command[1:])
    assert result.returncode == 1, result.stderr
    # rebuild puts "'projctx' not rebuilt, left as it was:" first
    assert result.stderr.splitlines()[-1].endswith(
        "no environment named 'projctx' (did you mean 'projectx' or 'project-y'?)"
    )
    far = cli(command[0], "qqqq", *command[1:])
    assert far.stderr.splitlines()[-1].endswith("no environment named 'qqqq' (see `venvreg list`)")


@pytest.mark.parametrize("word", ["workon", "mkvirtualenv", "lsvirtualenv", "deactivate"])
def test_a_shell_function_typed_after_venvreg_says_how_to_set_it_up(
    cli: CliRunner, word: str
) -> None:
    result = cli(word, "api")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"venvreg: error: `{word}` is a shell function, not a venvreg command: put "
        '`eval "$(venvreg init bash)"` (or zsh, fish, pwsh) in your shell\'s startup file and '
        "open a new shell; `venvreg init --help` shows how\n"
    )
