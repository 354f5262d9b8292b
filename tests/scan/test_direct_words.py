"""`venvreg scan` runs without typer when its words are plain (cli/direct.py), and must then do
exactly what it does through typer: the same report, exit status and messages, for every flag.
A `--` before the roots is a word the direct path leaves to typer, so `scan FLAGS -- ROOT...`
is the same request made through typer; flags after the roots are the direct path again."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from support import Probed, probe

from .conftest import run_venvreg
from .trees import Maker, write

# 2020-01-01: every env "6 years ago" or more, the same in both runs of a comparison.
OLD = 1_577_836_800.0
ELAPSED = re.compile(r'"elapsed_seconds": [0-9.]+|in [0-9.]+ s\b')
AGO = re.compile(r"\b\d+ \w+ ago\b|\bjust now\b")


def age(env: Path) -> Path:
    """Date what scan reads an env's last change from (pyvenv.cfg, site-packages, bin/python)."""
    for folder, dirs, names in os.walk(env):
        for name in dirs + names:
            os.utime(os.path.join(folder, name), (OLD, OLD), follow_symlinks=False)
    return env


@pytest.fixture
def tree(sandbox: dict[str, str], isolated: Path, maker: Maker) -> list[str]:
    """The roots: a tree with a project's env, a managed one, a deep one, an env holding a
    project's files (a note under the table), a pruned .git; and WORKON_HOME with a
    registered env."""
    root = isolated / "tree"
    write(root / "proj" / "pyproject.toml", "[project]\nname = 'proj'\n")
    age(maker.env("venv", root / "proj" / ".venv"))
    age(maker.env("virtualenv", root / "work" / "t" / ".tox" / "py"))
    age(maker.env("venv", root / "deep" / "a" / "b" / ".venv"))
    mixed = maker.env("venv", root / "mixed")
    write(mixed / "main.py", "print('hi')\n")
    age(mixed)
    write(root / "proj" / ".git" / "objects" / "ab" / "cdef", "blob")
    workon_home = Path(sandbox["WORKON_HOME"])
    age(maker.env("venv", workon_home / "known"))
    assert run_venvreg(sandbox, "ls").returncode == 0  # registers `known`
    return [str(root), str(workon_home)]


def same(probed: Probed) -> tuple[int, str, str]:
    """What must not differ between two runs: status, stdout and stderr, but for timings."""
    stdout = AGO.sub("_", ELAPSED.sub("_", probed.stdout))
    return probed.status, re.sub(" +", " ", stdout), probed.stderr


@pytest.mark.parametrize(
    ("flags", "status"),
    [
        (["--no-size", "--json"], 0),
        (["--json"], 0),
        (["--no-size"], 0),
        (["--no-size", "-l"], 0),
        (["--json", "--no-size", "--max-depth", "2", "--exclude", "*tox*"], 0),
        (["--json", "--no-size", "--max-depth=3", "--exclude=mixed", "--cross-file-systems"], 0),
        (["--no-size", "--one-file-system", "--wide", "--json", "--no-size"], 0),
        (["--no-size", "--adopt"], 1),  # no terminal to ask on: nothing adopted
        (["--all"], 2),
        (["--yes", "--include-managed", "--json"], 2),
    ],
)
def test_plain_words_give_what_typer_gives(tree: list[str], flags: list[str], status: int) -> None:
    direct = probe("scan", *flags, *tree)
    after = probe("scan", *tree, *flags)
    typer = probe("scan", *flags, "--", *tree)
    assert "typer" not in direct.tops | after.tops
    assert "typer" in typer.tops
    assert direct.status == status, direct.stderr
    assert same(direct) == same(typer) == same(after)
    if status == 0:
        assert f"{tree[0]}/proj/.venv" in direct.stdout
        assert "known" in direct.stdout
    if status == 2:
        assert direct.stdout == ""
        assert direct.stderr.count("\n") == 1
        assert direct.stderr.startswith("venvreg: error: --all, --yes and --include-managed")


def test_a_root_that_is_not_a_folder_is_one_line_either_way(tree: list[str]) -> None:
    missing = os.path.join(tree[0], "nope")
    direct = probe("scan", "--json", tree[0], missing)
    typer = probe("scan", "--json", "--", tree[0], missing)
    assert "typer" not in direct.tops and "typer" in typer.tops
    assert same(direct) == same(typer)
    assert direct.status == 2 and direct.stdout == ""
    assert direct.stderr == f"venvreg: error: '{missing}' is not a folder\n"


def test_bad_values_are_typers_one_error(tree: list[str]) -> None:
    """What the direct path does not read, typer words: a usage error, no traceback."""
    for words in (["--max-depth", "x"], ["--max-depth", "-1"], ["--bogus"]):
        refused = probe("scan", *words, tree[0])
        assert refused.status == 2
        assert "typer" in refused.tops
        assert refused.stdout == ""
        assert "Traceback" not in refused.stderr
        assert refused.stderr.splitlines()[-1].startswith("Error: ")


def test_the_direct_path_reads_every_flag_typer_declares() -> None:
    """A flag added to scan_cmd.py but not to cli/direct.py would still work (through typer),
    only slower; a flag the direct path reads that typer does not have would be a bug."""
    import typer.main

    from venvreg.cli.app import build_app
    from venvreg.cli.direct import SCAN_FLAGS

    group = typer.main.get_command(build_app(["scan"]))
    command = group.commands["scan"]
    declared = {
        word
        for parameter in command.params
        for word in [*parameter.opts, *parameter.secondary_opts]
        if word.startswith("-")
    }
    assert declared - {"-h", "--help"} == {*SCAN_FLAGS, "--max-depth", "--exclude"}
