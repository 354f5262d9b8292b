"""A name that is not valid UTF-8 (issue 8, finding 14): every command that takes an env name
refuses it with exit 2 and one line on stderr naming the problem, never a traceback, and touches
nothing. The commands are enumerated from the CLI itself, so a new command cannot be missed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.core
import typer.main

from trust import shell_sandbox
from venvreg.cli.app import build_app

BAD = os.fsdecode(b"bad\xffname")  # what Python makes of a non-UTF-8 argv word
GOOD = "good"

# Arguments that carry an env name, and the other arguments with the value each gets. A new
# argument must be put in one of the two, or test_every_argument_is_classified fails.
NAME_ARGUMENTS = {"name", "names", "old", "new", "source", "target"}
OTHER_ARGUMENTS = {
    "shell": "bash",
    "roots": "{tmp}",
    "paths": "{env}",
    "manifest": "{tmp}/manifest.json",
    "folder": "{tmp}",
    "key": "backend",
    "value": "venv",
    "sql": "select name from envs",
    "words": None,  # `run NAME -- CMD...`: built by hand below
}
NAME_OPTIONS = {"--name"}


def _commands() -> list[tuple[list[str], Any]]:
    """Every leaf command of the CLI, with the words that reach it (typer's classes, which
    derive from click's or, from typer 0.26 on, from the click typer bundles)."""
    found: list[tuple[list[str], Any]] = []

    def walk(command: Any, words: list[str]) -> None:
        if isinstance(command, typer.core.TyperGroup):
            for word, sub in command.commands.items():
                walk(sub, [*words, word])
        else:
            found.append((words, command))

    walk(typer.main.get_command(build_app()), [])
    return found


def _arguments(command: Any) -> list[Any]:
    return [p for p in command.params if isinstance(p, typer.core.TyperArgument)]


def _invocations() -> list[tuple[str, list[str]]]:
    """(label, argv) for each way a non-UTF-8 name can reach each command."""
    calls: list[tuple[str, list[str]]] = []
    for words, command in _commands():
        arguments = _arguments(command)
        names = [a for a in arguments if a.name in NAME_ARGUMENTS]
        if words == ["run"]:
            calls.append(("run", ["run", BAD, "--", "python", "-c", "pass"]))
        for bad in names:
            argv = list(words)
            for argument in arguments:
                if argument.name in NAME_ARGUMENTS:
                    argv.append(BAD if argument is bad else GOOD)
                else:
                    argv.append(str(OTHER_ARGUMENTS[str(argument.name)]))
            calls.append((f"{' '.join(words)} <{bad.name}>", argv))
        for option in command.params:
            if isinstance(option, typer.core.TyperOption) and NAME_OPTIONS & set(option.opts):
                argv = [*words, "--name", BAD]
                argv += [str(OTHER_ARGUMENTS[str(a.name)]) for a in arguments]
                calls.append((f"{' '.join(words)} --name", argv))
    return calls


INVOCATIONS = _invocations()


def test_every_argument_is_classified() -> None:
    for words, command in _commands():
        for argument in _arguments(command):
            assert argument.name in NAME_ARGUMENTS | set(OTHER_ARGUMENTS), (
                f"`venvreg {' '.join(words)}` has a new argument {argument.name!r}: "
                "say here whether it is an env name"
            )


def test_the_enumeration_reaches_the_commands_of_the_issue() -> None:
    labels = {label.split(" <")[0] for label, _ in INVOCATIONS}
    for expected in (
        "show", "freeze", "run", "project set", "project show", "wipe", "rebuild", "forget",
        "copy", "rename", "restore", "rm", "create", "adopt --name", "doctor",
    ):  # fmt: skip
        assert expected in labels


def _run(argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "venvreg", *argv],
        capture_output=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


@pytest.fixture
def home_with_env(workon_home: Path, env_in_home: Any, cli: Any, tmp_path: Path) -> dict[str, Any]:
    """A registered env `good`, an adoptable env outside WORKON_HOME, a registry file."""
    env_in_home(GOOD)
    assert cli("ls").returncode == 0
    outside = tmp_path / "outside-env"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(outside)], check=True, timeout=120
    )
    return {"env": outside, "tmp": tmp_path}


def _listing(workon_home: Path) -> list[str]:
    """The folders of WORKON_HOME (the stock hook files the functions make are not envs)."""
    return sorted(name for name in os.listdir(workon_home) if (workon_home / name).is_dir())


@pytest.mark.parametrize(("label", "argv"), INVOCATIONS, ids=[c[0] for c in INVOCATIONS])
def test_a_non_utf8_name_is_refused_with_exit_2(
    label: str, argv: list[str], home_with_env: dict[str, Any], workon_home: Path, rows: Any
) -> None:
    argv = [word.format(**home_with_env) for word in argv]
    before_rows, before_disk = rows(), _listing(workon_home)
    result = _run(argv, dict(os.environ))
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, (label, result.returncode, err)
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, (label, err)
    assert "UTF-8" in lines[0] and "bad\\xffname" in lines[0], (label, err)
    assert result.stdout == b""
    assert rows() == before_rows
    assert _listing(workon_home) == before_disk


SHELL_COMMANDS = [
    ["workon", BAD],
    ["workon", "-n", BAD],
    ["rmvirtualenv", BAD],
    ["mkvirtualenv", BAD],
    ["cpvirtualenv", GOOD, BAD],
    ["cpvirtualenv", BAD, "fresh"],
    ["showvirtualenv", BAD],
    ["allvirtualenv", "true"],  # no name: must still work beside the refusals
]


@pytest.mark.parametrize("words", SHELL_COMMANDS[:-1], ids=lambda w: " ".join(w[:1]))
def test_the_shell_functions_refuse_it_too(
    words: list[str], home_with_env: dict[str, Any], workon_home: Path, rows: Any
) -> None:
    before_rows, before_disk = rows(), _listing(workon_home)
    result = _run(["__shell", "bash", words[0], "--", *words[1:]], dict(os.environ))
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, (words, result.returncode, err)
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and "UTF-8" in err, err
    assert result.stdout == b""  # nothing for the function to evaluate
    assert rows() == before_rows
    assert _listing(workon_home) == before_disk


# --- through the real shell functions ---------------------------------------------------------

make_sandbox = shell_sandbox.make_sandbox
virtualenv_app_data = shell_sandbox.virtualenv_app_data


@pytest.mark.parametrize("shell", ["bash", "zsh"])
def test_the_shell_functions_pass_the_refusal_on(shell: str, make_sandbox: Any) -> None:
    sb = make_sandbox(f"non-utf8-{shell}")
    sb.plain_env(GOOD)
    assert sb.cli("ls").returncode == 0
    bad = "$'bad\\xffname'"  # bash and zsh both read $'...' escapes
    script = (
        f"workon {bad}; rc workon\n"
        'show VE "${VIRTUAL_ENV-}"\n'
        f"rmvirtualenv {bad}; rc rmvirtualenv\n"
        f"showvirtualenv {bad}; rc showvirtualenv\n"
        f"cpvirtualenv {GOOD} {bad}; rc cpvirtualenv\n"
        f"mkvirtualenv {bad}; rc mkvirtualenv\n"
    )
    run = sb.run(shell, script, cwd=sb.root)
    for label in ("workon", "rmvirtualenv", "showvirtualenv", "cpvirtualenv", "mkvirtualenv"):
        assert run.rc(label) == 2, (label, run.describe())
    assert run["VE"] == ""
    assert "Traceback" not in run.stderr
    refusals = [line for line in run.stderr.splitlines() if "must be valid UTF-8" in line]
    assert len(refusals) == 5 and all("bad\\xffname" in line for line in refusals), run.stderr
    assert sorted(p.name for p in sb.workon_home.iterdir() if p.is_dir() and p.name[0] != ".") == [
        GOOD
    ]


# --- a project folder that is not valid UTF-8 -------------------------------------------------

BAD_FOLDER = os.fsdecode(b"proj\xffdir")


@pytest.fixture
def bad_project(home_with_env: dict[str, Any]) -> Path:
    """An existing folder whose name is not valid UTF-8 (such folders exist on a Linux disk)."""
    folder = Path(home_with_env["tmp"]) / BAD_FOLDER
    folder.mkdir()
    return folder


PROJECT_INVOCATIONS = {
    "create -a": ["create", "fresh", "--backend", "venv", "-a", "{project}"],
    "project set": ["project", "set", GOOD, "{project}"],
    "mkvirtualenv -a": ["__shell", "bash", "mkvirtualenv", "--", "-a", "{project}", "fresh"],
    "setvirtualenvproject": ["__shell", "bash", "setvirtualenvproject", "--", GOOD, "{project}"],
}


@pytest.mark.parametrize("label", sorted(PROJECT_INVOCATIONS))
def test_a_non_utf8_project_folder_is_refused_with_exit_2(
    label: str, bad_project: Path, workon_home: Path, rows: Any
) -> None:
    """The folder is written into `.project` and the registry, which hold UTF-8 only: refused
    before anything is made, as a name is (it used to be a traceback, or an env half made)."""
    argv = [word.format(project=bad_project) for word in PROJECT_INVOCATIONS[label]]
    before_rows, before_disk = rows(), _listing(workon_home)
    result = _run(argv, dict(os.environ))
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, (label, result.returncode, err)
    assert "Traceback" not in err and "internal error" not in err, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, (label, err)
    assert "not valid UTF-8" in lines[0] and "proj\\xffdir" in lines[0], (label, err)
    assert rows() == before_rows
    assert _listing(workon_home) == before_disk
    assert not (workon_home / GOOD / ".project").exists()


def test_setvirtualenvproject_refuses_a_non_utf8_env(
    home_with_env: dict[str, Any], workon_home: Path, rows: Any
) -> None:
    before_rows = rows()
    argv = ["__shell", "bash", "setvirtualenvproject", "--", BAD, str(home_with_env["tmp"])]
    result = _run(argv, dict(os.environ))
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 2, (result.returncode, err)
    assert "internal error" not in err and len(err.strip().splitlines()) == 1, err
    assert "UTF-8" in err and "bad\\xffname" in err
    assert rows() == before_rows
