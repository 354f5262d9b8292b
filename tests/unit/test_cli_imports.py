"""The human-facing commands import only what they use: `venvreg --version` nothing beyond
venvreg's own package, and `ls`, `rm NAME`, `scan` and `create NAME` (table piped, names, JSON)
neither typer, click nor rich (rich renders only on a terminal), nor the standard modules only
other commands need; neither `ls` nor `rm NAME` loads typing or dataclasses. Each command runs
in a child, as `venvreg` would run it, and reports the modules it loaded (tests/support.py's
probe)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from support import make_plain_venv, probe

# What no `ls` or `scan` may load: the CLI framework and rendering (typer, click, rich), the
# libraries of other commands, and standard modules that only other commands need (processes,
# copies and compression, OpenSSL's hashes, the parser of Python source).
NOT_FOR_LS = {
    "typer", "click", "rich", "sqlite_utils", "pydantic", "tomlkit", "platformdirs",
    "virtualenv", "python_discovery", "subprocess", "shutil", "hashlib", "_hashlib", "bz2",
    "lzma", "zlib", "tomllib", "tomli",
}  # fmt: skip
# What neither `ls` nor `rm NAME` may load: typing, and dataclasses with what it imports (inspect,
# which loads the parser of Python source and the disassembler), each more than the command's
# own work on a small registry.
NOT_AT_START_UP = {"typing", "dataclasses", "inspect", "ast", "dis", "tokenize"}


def run_probe(*argv: str) -> tuple[int, set[str], str]:
    probed = probe(*argv)
    return probed.status, probed.modules, probed.stdout


def tops(modules: set[str]) -> set[str]:
    return {name.split(".")[0] for name in modules}


def test_version_loads_nothing_but_the_package() -> None:
    status, modules, stdout = run_probe("--version")
    assert status == 0
    assert stdout.startswith("venvreg ")
    # __future__: the annotations import at the top of venvreg's modules, a few microseconds
    assert modules == {"venvreg", "venvreg.__main__", "__future__"}, sorted(modules)


@pytest.mark.parametrize(
    "words", [["ls"], ["ls", "-b"], ["list", "--sort", "size"], ["ls", "--json"]]
)
def test_ls_on_an_empty_registry_loads_no_framework(workon_home: Path, words: list[str]) -> None:
    run_probe("ls")  # the first run makes the registry (its migrations load sqlite-utils)
    status, modules, _ = run_probe(*words)
    assert status == 0
    assert not tops(modules) & NOT_FOR_LS, sorted(tops(modules) & NOT_FOR_LS)
    assert not modules & NOT_AT_START_UP, sorted(modules & NOT_AT_START_UP)
    assert ("json" in tops(modules)) == ("--json" in words)  # only --json prints JSON


def test_ls_json_with_envs_loads_json_and_no_framework(workon_home: Path) -> None:
    run_probe("ls")
    make_plain_venv(workon_home / "one")  # registered by the probed command itself
    status, modules, stdout = run_probe("ls", "--json")
    assert status == 0
    assert [entry["name"] for entry in json.loads(stdout)] == ["one"]
    assert "json" in tops(modules)
    assert not tops(modules) & NOT_FOR_LS, sorted(tops(modules) & NOT_FOR_LS)
    # A new folder judged (its health, its owner) loads none of them either.
    assert not modules & NOT_AT_START_UP, sorted(modules & NOT_AT_START_UP)


@pytest.mark.parametrize("words", [["ls", "--help"], ["ls", "--bogus"], ["show", "x"]])
def test_the_probe_sees_typer_where_it_is_used(workon_home: Path, words: list[str]) -> None:
    """The check can fail: help, a usage error and every other command go through typer."""
    status, modules, _ = run_probe(*words)
    assert "typer" in tops(modules)
    assert status == (0 if "--help" in words else 2 if "--bogus" in words else 1)


def test_rm_of_a_name_loads_no_framework(workon_home: Path) -> None:
    make_plain_venv(workon_home / "old")
    run_probe("ls")
    status, modules, _ = run_probe("rm", "old", "--yes")
    assert status == 0
    assert not (workon_home / "old").exists()
    assert not tops(modules) & {"typer", "click", "rich"}, sorted(tops(modules))
    assert not modules & NOT_AT_START_UP, sorted(modules & NOT_AT_START_UP)


@pytest.mark.parametrize("words", [["rm"], ["rm", "--", "x"], ["rm", "-x", "--yes"]])
def test_rm_words_that_are_not_plain_go_to_typer(workon_home: Path, words: list[str]) -> None:
    status, modules, _ = run_probe(*words)
    assert "typer" in tops(modules)
    assert status in (1, 2)


@pytest.mark.parametrize(
    "words",
    [
        ["--no-size", "--json"],
        ["--no-size"],
        ["--json"],  # sizes measured
        ["--json", "--max-depth", "3", "--exclude", "build*", "-l", "--cross-file-systems"],
    ],
)
def test_scan_loads_no_framework(workon_home: Path, tmp_path: Path, words: list[str]) -> None:
    """scan (NOT_FOR_LS applies to it too), of a tree holding an env, its table piped."""
    env = make_plain_venv(tmp_path / "tree" / "proj" / ".venv")
    run_probe("ls")
    status, modules, stdout = run_probe("scan", str(tmp_path / "tree"), *words)
    assert status == 0
    assert str(env) in stdout
    assert not tops(modules) & NOT_FOR_LS, sorted(tops(modules) & NOT_FOR_LS)


def test_ls_after_a_purge_does_not_load_the_trash_finishing_code(workon_home: Path) -> None:
    """A purge that finished leaves nothing for the next command to finish (no busy folder):
    that command loads neither the restore code nor sqlite-utils."""
    make_plain_venv(workon_home / "old")
    run_probe("ls")
    status, _, _ = run_probe("rm", "old", "--yes", "--purge")
    assert status == 0
    status, modules, _ = run_probe("ls")
    assert status == 0
    assert not {"venvreg.core.restore", "sqlite_utils"} & modules, sorted(modules)


def test_create_of_a_name_loads_no_framework(workon_home: Path, tmp_path: Path) -> None:
    """`create NAME` with its own options, in every spelling typer takes, runs without typer,
    with the same result (the other tests of create run through this path too)."""
    run_probe("ls")
    project = tmp_path / "proj"
    project.mkdir()
    words = ["create", "new", "--prompt=my prompt", "-a", str(project), "--system-site-packages"]
    status, modules, stdout = run_probe(*words, "-p", sys.executable)
    assert status == 0
    assert stdout == ""
    assert not tops(modules) & {"typer", "click", "rich"}, sorted(tops(modules))
    assert "virtualenv" in tops(modules)  # it did create, in this process
    config = (workon_home / "new" / "pyvenv.cfg").read_text(encoding="utf-8")
    assert 'prompt = "my prompt"' in config  # as virtualenv writes it
    assert "include-system-site-packages = true" in config
    assert (workon_home / "new" / ".project").read_text(encoding="utf-8").strip() == str(project)


@pytest.mark.parametrize(
    ("words", "status"),
    [
        (["--help"], 0),
        (["ROOT", "--bogus"], 2),
        (["--max-depth", "-1", "ROOT"], 2),
        (["--max-depth", "+1", "ROOT"], 0),
        (["ROOT", "--exclude"], 2),
        (["--exclude", "-x", "ROOT"], 0),
        (["-yl", "--adopt", "ROOT"], 1),  # no terminal to ask on
        (["--", "ROOT"], 0),
    ],
)
def test_scan_words_that_are_not_plain_go_to_typer(
    workon_home: Path, tmp_path: Path, words: list[str], status: int
) -> None:
    run_probe("ls")
    make_plain_venv(tmp_path / "proj" / ".venv")
    argv = [str(tmp_path) if word == "ROOT" else word for word in words]
    found, modules, _ = run_probe("scan", "--no-size", *argv)
    assert "typer" in tops(modules)
    assert found == status


@pytest.mark.parametrize(
    ("words", "status"),
    [
        (["create"], 2),
        (["create", "a", "b"], 2),
        (["create", "-x", "a"], 2),
        (["create", "a", "--prompt"], 2),
        (["create", "--help"], 0),
    ],
)
def test_create_words_that_are_not_plain_go_to_typer(
    workon_home: Path, words: list[str], status: int
) -> None:
    found, modules, _ = run_probe(*words)
    assert "typer" in tops(modules)
    assert found == status
    assert not (workon_home / "a").exists()
