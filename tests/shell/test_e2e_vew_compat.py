"""virtualenvwrapper's documented behaviour around rmvirtualenv, WORKON_HOME, the hook files and
the order of messages, in real bash, zsh and fish (issue 9's shell-side points)."""

from __future__ import annotations

import os
import re
import signal
import subprocess

import pytest
from shells import ALL_SHELLS, require_shell

from support import Hold
from venvreg.emit.quoting import paste_word

pytestmark = pytest.mark.parametrize("shell", ALL_SHELLS)


@pytest.fixture(scope="module")
def sb(make_sandbox):
    return make_sandbox("vew-compat")


def test_rmvirtualenv_from_inside_the_env_moves_to_workon_home(shell, sb):
    """virtualenvwrapper: rmvirtualenv changes to $WORKON_HOME first; when the folder the shell
    was in is gone afterwards, the shell stays there."""
    name, other = f"rm-inside-{shell}", f"rm-outside-{shell}"
    env = sb.plain_env(name)
    sb.plain_env(other)
    (env / "lib" / "deep").mkdir(parents=True, exist_ok=True)
    q = sb.q
    run = sb.run(
        shell,
        f"builtin cd {q(shell, str(env / 'lib' / 'deep'))}\n"
        f"rmvirtualenv {q(shell, name)}; rc rm\n"
        "show PWD $PWD\n"
        f"builtin cd {q(shell, str(sb.home))}\n"
        f"rmvirtualenv {q(shell, other)}; rc rm_other\n"
        "show PWD2 $PWD\n",
    )
    assert run.rc("rm") == 0 and run.rc("rm_other") == 0, run.describe()
    assert run["PWD"] == str(sb.workon_home)
    assert not env.exists()
    assert run["PWD2"] == str(sb.home)  # a shell outside the env stays where it was


@pytest.mark.parametrize("name", ["plain-{shell}", "it's $HOME; {shell} $(x)"])
def test_the_restore_hint_after_rmvirtualenv_pastes_back(shell, sb, name):
    """The hint names a command that, pasted into the same shell, brings the env back."""
    name = name.format(shell=shell)
    env = sb.plain_env(name)
    run = sb.run(shell, f"rmvirtualenv {sb.q(shell, name)}; rc rm\n")
    assert run.rc("rm") == 0 and not env.exists(), run.describe()
    hint = re.search(r"`(venvreg restore [^`]*)`", run.stderr)
    assert hint, run.stderr
    if name.startswith("plain"):
        assert hint.group(1) == f"venvreg restore {name}"
    again = sb.run(shell, hint.group(1) + "; rc restore\n", source=None)
    assert again.rc("restore") == 0, again.describe()
    assert (env / "pyvenv.cfg").is_file()


@pytest.mark.parametrize("value", ["x\ny", "tab\there", "it's\x1b[31m", "b\udcff-end", "-rf"])
def test_a_pasteable_word_reads_back_as_the_value(shell, sb, value):
    """paste_word's escapes are ones the shell itself reads back into the same bytes."""
    word = paste_word(shell, value)
    assert word.isprintable()
    run = sb.run(shell, f"show V {word}\n", source=None)
    assert run["V"] == value, (word, run.describe())


def test_venvreg_is_found_once_when_the_file_is_sourced(shell, sb):
    """The program PATH named at source time is the one called later, even under a PATH that
    no longer holds it; sourcing itself runs nothing; VENVREG_EXE still wins."""
    script, log = sb.recorder("venvreg")
    other, other_log = sb.recorder("other-venvreg")
    log.unlink(missing_ok=True)
    other_log.unlink(missing_ok=True)
    sb.plain_env(f"found-once-{shell}")
    narrow = "set -gx PATH /usr/bin /bin\n" if shell == "fish" else "PATH=/usr/bin:/bin\n"
    use_other = (
        f"set -gx VENVREG_EXE {sb.q(shell, str(other))}\n"
        if shell == "fish"
        else f"VENVREG_EXE={sb.q(shell, str(other))}; export VENVREG_EXE\n"
    )
    run = sb.run(
        shell,
        narrow + "lsvirtualenv -b; rc ls\n" + use_other
        + "lsvirtualenv -b >/dev/null; rc ls_other\n",
        env={"PATH": f"{script.parent}:{sb.path}"},
    )  # fmt: skip
    assert run.rc("ls") == 0, run.describe()
    assert f"found-once-{shell}" in run.text()
    calls = sb.calls(log)
    assert len(calls) == 1 and calls[0].startswith(f"__shell {shell} lsvirtualenv"), calls
    assert run.rc("ls_other") == 0 and len(sb.calls(other_log)) == 1, run.describe()


NOTE = "NOTE: Virtual environments directory {} does not exist. Creating..."


@pytest.mark.parametrize(
    "command", ["lsvirtualenv -b", "workon", "rmvirtualenv gone", "showvirtualenv gone"]
)
def test_a_missing_workon_home_is_announced_then_created(shell, sb, command):
    """virtualenvwrapper_verify_workon_home: the NOTE on stderr, then the folder exists."""
    missing = sb.root / f"missing-{shell}-{command.split()[0]}" / "envs"
    setting = (
        f"set -gx WORKON_HOME {sb.q(shell, str(missing))}\n"
        if shell == "fish"
        else f"WORKON_HOME={sb.q(shell, str(missing))}\n"
    )
    run = sb.run(shell, setting + f"{command}; rc cmd\nvirtualenvwrapper >/dev/null\n")
    assert NOTE.format(missing) in run.stderr.splitlines(), run.describe()
    assert run.stderr.count("NOTE:") == 1
    assert missing.is_dir()


def test_virtualenvwrapper_help_needs_no_workon_home(shell, sb):
    missing = sb.root / f"missing-help-{shell}"
    env = {"WORKON_HOME": str(missing)}
    run = sb.run(shell, "virtualenvwrapper >/dev/null; rc help\n", env=env)
    assert run.rc("help") == 0 and "NOTE:" not in run.stderr, run.describe()


def test_messages_come_in_the_order_things_happen(shell, sb):
    """virtualenvwrapper prints `Removing NAME...` before the hooks and the removal, so each
    env's messages follow its own announcement."""
    hooks = sb.root / f"order-hooks-{shell}"
    hooks.mkdir()
    prerm = hooks / "prermvirtualenv"
    prerm.write_text('#!/bin/sh\necho "prerm hook $1"\n', encoding="utf-8")
    prerm.chmod(0o755)
    name = f"order-{shell}"
    sb.plain_env(name)
    run = sb.run(
        shell,
        f"rmvirtualenv gone-{shell} {sb.q(shell, name)}; rc rm\n",
        env={"VIRTUALENVWRAPPER_HOOK_DIR": str(hooks)},
    )
    assert run.rc("rm") == 0, run.describe()
    lines = run.stderr.splitlines()
    assert lines[:4] == [
        f"Removing gone-{shell}...",
        f"Did not find environment {sb.workon_home / f'gone-{shell}'} to remove.",
        f"Removing {name}...",
        f"prerm hook {name}",
    ], run.describe()
    assert "Removing" not in run.text()


def test_ctrl_c_during_mkvirtualenv_says_what_it_left(shell, sb, tmp_path):
    """Interrupted while the env is being built: the half-made env is cleaned away, and the
    message says so."""
    hold = Hold(tmp_path / "hold")
    name = f"interrupted-{shell}"
    script = (
        f"source {sb.q(shell, sb.function_file(shell))}\n"
        f"mkvirtualenv {sb.q(shell, name)}\n"
        + ("echo status=$status\n" if shell == "fish" else "echo status=$?\n")
    )
    args = {"bash": ["--norc", "--noprofile"], "zsh": ["-f"], "fish": ["--no-config"]}[shell]
    process = subprocess.Popen(
        [require_shell(shell), *args, "-c", script],
        env={**sb.env, **hold.env("create-building")},
        cwd=sb.home,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    hold.wait_held(process, "the build of the env")
    pid = int((hold.folder / "reached").read_text(encoding="utf-8"))
    assert (sb.workon_home / name).is_dir()  # half made, at this moment
    os.kill(pid, signal.SIGINT)  # what Ctrl-C sends to venvreg (the foreground process)
    out, errors = process.communicate(timeout=120)
    assert "status=130" in out, (out, errors)
    assert f"Interrupted: {name} was not created; nothing was left behind." in errors
    assert not (sb.workon_home / name).exists()
    assert name not in sb.cli("list").stdout
