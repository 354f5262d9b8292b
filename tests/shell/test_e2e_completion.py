"""Tab completion of env names on the first Tab of a new shell, without Python: the shells
run with a PATH that holds no python at all and a VENVREG_EXE that only records being called.

The names come from the index the CLI keeps ($WORKON_HOME/.venvreg/names) plus env folders
made behind venvreg's back (`python -m venv` straight into WORKON_HOME, never indexed)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import subprocess
import termios
import time

import pytest
from shells import ALL_SHELLS, require_shell

COMMANDS = ("workon", "rmvirtualenv", "cpvirtualenv", "showvirtualenv")
ALL = {"alpha", "with space", "late"}


@pytest.fixture(scope="module")
def sb(make_sandbox):
    sandbox = make_sandbox("completion")
    sandbox.plain_env("alpha")
    sandbox.plain_env("with space")
    listed = sandbox.cli("list")  # indexes them and writes the names file
    assert listed.returncode == 0, listed.stderr
    names = (sandbox.workon_home / ".venvreg" / "names").read_text(encoding="utf-8")
    assert set(names.splitlines()) == {"alpha", "with space"}
    sandbox.plain_env("late")  # made behind venvreg's back: not in the index
    (sandbox.workon_home / "not-an-env").mkdir()
    (sandbox.workon_home / "not-an-env" / "bin").mkdir()
    sandbox.forbid_python()
    return sandbox


BASH_COMPLETE = r"""
spec="$(complete -p {command})"; show SPEC_{command} "$spec"
fn="${{spec#*-F }}"; fn="${{fn%% *}}"
COMP_WORDS=({command} {word}); COMP_CWORD=1
COMP_LINE="{command} {word}"; COMP_POINT=${{#COMP_LINE}}
COMPREPLY=()
"$fn" {command} {word} {command}; rc fn_{command}_{label}
show REPLY_{command}_{label} "$(printf '%s\n' "${{COMPREPLY[@]}}")"
"""


@pytest.mark.parametrize("bash_major", ["", "3"], ids=["bash-4-or-later", "bash-3.2-fallback"])
def test_bash_completion(sb, bash_major):
    """Both branches of the bash 4 gate: this bash's own, and (told it is bash 3, whose lack of
    associative arrays the gate is for) the fallback that macOS's /bin/bash takes."""
    script = 'show ADD "$(declare -f __venvreg_complete_add)"\n'
    for command in COMMANDS:
        script += BASH_COMPLETE.format(command=command, word="''", label="all")
    script += BASH_COMPLETE.format(command="workon", word="wi", label="wi")
    script += BASH_COMPLETE.format(command="workon", word="l", label="l")
    script += BASH_COMPLETE.format(command="workon", word="zz", label="none")
    env = {**sb.no_python, "__VENVREG_TEST_BASH_MAJOR": bash_major or None}
    run = sb.run("bash", script, env=env)
    assert run.returncode == 0, run.describe()
    # the fallback remembers nothing in an associative array: bash 3.2 has none
    assert ("__venvreg_seen" in run["ADD"]) is (bash_major == ""), run["ADD"]
    for command in COMMANDS:
        assert " -F " in run[f"SPEC_{command}"]
        assert run.rc(f"fn_{command}_all") == 0
        # bash inserts the reply as typed text: the space comes escaped; indexed names that
        # are also folders are offered once
        replies = sorted(run[f"REPLY_{command}_all"].splitlines())
        assert replies == ["alpha", "late", "with\\ space"], run.describe()
    assert run["REPLY_workon_wi"].splitlines() == ["with\\ space"]
    assert run["REPLY_workon_l"].splitlines() == ["late"]
    assert run["REPLY_workon_none"] == ""
    assert run.stderr == ""
    sb.assert_no_python()


def test_zsh_completion_without_compinit_uses_compctl(sb):
    script = "".join(f'show CTL_{c} "$(compctl -L {c})"\n' for c in COMMANDS)
    script += '__venvreg_env_names; show REPLY "${(F)reply}"\n'
    run = sb.run("zsh", script, env=sb.no_python)
    assert run.returncode == 0, run.describe()
    for command in COMMANDS:
        assert run[f"CTL_{command}"].startswith("compctl -K __venvreg_env_names"), run.describe()
    assert set(run["REPLY"].splitlines()) == ALL
    assert len(run["REPLY"].splitlines()) == len(ALL)  # no duplicates
    assert run.stderr == ""
    sb.assert_no_python()


def test_zsh_completion_with_compinit_uses_compdef(sb):
    script = (
        'show BEFORE "${+functions[compdef]}"\n'
        # compinit was loaded before venvreg: compdef, as in most .zshrc files
        + "autoload -Uz compinit; compinit -u -D\n"
        + f"source {sb.q('zsh', sb.function_file('zsh'))}\n"
        + "".join(f'show COMP_{c} "${{_comps[{c}]-}}"\n' for c in COMMANDS)
        + 'local -a reply; __venvreg_env_names; show REPLY "${(F)reply}"\n'
    )
    run = sb.run("zsh", script, env=sb.no_python, source=None)
    assert run.returncode == 0, run.describe()
    functions = {run[f"COMP_{c}"] for c in COMMANDS}
    assert len(functions) == 1 and "" not in functions, run.describe()
    assert set(run["REPLY"].splitlines()) == ALL
    sb.assert_no_python()


def test_fish_completion(sb):
    script = (
        "show ALL (complete -C 'workon ' | string collect)\n"
        + "show RM (complete -C 'rmvirtualenv ' | string collect)\n"
        + "show CP (complete -C 'cpvirtualenv ' | string collect)\n"
        + "show SHOW (complete -C 'showvirtualenv ' | string collect)\n"
        + "show WI (complete -C 'workon wi' | string collect)\n"
        + "show NONE (complete -C 'workon zz' | string collect)\n"
    )
    run = sb.run("fish", script, env=sb.no_python)
    assert run.returncode == 0, run.describe()
    for key in ("ALL", "RM", "CP", "SHOW"):
        candidates = {line.split("\t")[0] for line in run[key].splitlines()}
        assert candidates == ALL, (key, run.describe())
    assert [line.split("\t")[0] for line in run["WI"].splitlines()] == ["with space"]
    assert run["NONE"] == ""
    sb.assert_no_python()


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_sourcing_runs_no_python(shell, sb):
    """Sourcing the file (twice) in a new shell starts nothing, even where python is missing."""
    path = sb.function_file(shell)
    run = sb.run(shell, f"source {sb.q(shell, path)}\nshow DONE yes\n", env=sb.no_python)
    assert run["DONE"] == "yes", run.describe()
    assert run.stderr == ""
    sb.assert_no_python()


def type_in_terminal(sb, shell: str, steps: list[tuple[str, bytes]], timeout: float = 15) -> bytes:
    """Start `shell` interactively on a pseudo-terminal, as a user's new terminal, and type:
    each step sends its keys, then waits until the screen shows the expected bytes."""
    executable = require_shell(shell)
    args = {"bash": ["--norc", "--noprofile", "-i"], "zsh": ["-f", "-i"], "fish": ["--no-config"]}
    env = {**sb.env, **sb.no_python, "TERM": "dumb", "PS1": "$ "}
    master, slave = pty.openpty()

    def controlling_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    process = subprocess.Popen(
        [executable, *args[shell]],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=str(sb.home),
        preexec_fn=controlling_terminal,
    )
    os.close(slave)
    screen = b""
    try:
        for keys, expected in steps:
            os.write(master, keys.encode())
            deadline = time.monotonic() + timeout
            while expected not in screen:
                remaining = deadline - time.monotonic()
                assert remaining > 0, (keys, expected, screen[-600:])
                ready, _, _ = select.select([master], [], [], min(remaining, 0.1))
                if ready:
                    try:
                        screen += os.read(master, 65536)
                    except OSError:
                        break
        os.write(master, b"\x15exit\r")
        process.wait(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(master)
    return screen


@pytest.mark.parametrize("shell", [*ALL_SHELLS, "bash+3.2-fallback", "zsh+compinit"])
def test_the_first_tab_in_a_real_terminal(shell, sb):
    """The real thing: a new interactive shell on a terminal, the file sourced, then Tab
    (bash: also its bash 3.2 branch; zsh: with the old compctl, and with compinit loaded first
    as most .zshrc files do)."""
    shell, _, variant = shell.partition("+")
    # printf prints `sourced-ok`, while the terminal echoes what was typed: `sourced ok`
    source = f"source {sb.q(shell, sb.function_file(shell))}; printf '%s-%s\\n' sourced ok\r"
    if variant == "compinit":
        source = "autoload -Uz compinit; compinit -u -D; " + source
    elif variant == "3.2-fallback":
        source = "__VENVREG_TEST_BASH_MAJOR=3; " + source
    type_in_terminal(
        sb,
        shell,
        [
            (source, b"sourced-ok"),
            ("workon wi\t", b"workon with\\ space"),  # indexed, with a space
            ("\x15showvirtualenv la\t", b"showvirtualenv late"),  # never indexed
        ],
    )
    sb.assert_no_python()


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_completion_with_a_literal_tilde_in_workon_home(shell, sb):
    """`export WORKON_HOME="~/.virtualenvs"` keeps the `~` (quoted): the CLI expands it, as
    virtualenvwrapper does, so completion must find the same folder."""
    home = sb.workon_home.relative_to(sb.home)
    script = {
        "bash": 'COMP_WORDS=(workon ""); COMP_CWORD=1; __venvreg_complete_envs\n'
        + 'for c in "${COMPREPLY[@]}"; do eval "v=$c"; show C "$v"; done\n',
        "zsh": '__venvreg_env_names; for c in $reply; do show C "$c"; done\n',
        "fish": "for c in (complete -C 'workon '); show C (string split -m1 \\t -- $c)[1]; end\n",
    }[shell]
    run = sb.run(shell, script, env={**sb.no_python, "WORKON_HOME": f"~/{home}"})
    assert set(run.all("C")) == ALL, run.describe()
    sb.assert_no_python()


def test_bash_completion_with_failglob_and_no_env_folder(make_sandbox):
    """failglob makes a glob that matches nothing an error: a new user with no env yet."""
    empty = make_sandbox("completion-failglob")
    script = (
        "shopt -s failglob\n"
        + "COMP_WORDS=(workon ''); COMP_CWORD=1; __venvreg_complete_envs; rc complete\n"
        + 'show N "${#COMPREPLY[@]}"; show OPT "$(shopt -p failglob)"\n'
    )
    run = empty.run("bash", script)
    assert run.rc("complete") == 0, run.describe()
    assert run["N"] == "0"
    assert run["OPT"] == "shopt -s failglob"  # the user's option is left as it was
    assert run.stderr == ""


def test_zsh_completion_with_noglob_offers_no_bogus_name(sb):
    run = sb.run("zsh", 'setopt noglob\n__venvreg_env_names; show REPLY "${(F)reply}"\n')
    names = set(run["REPLY"].splitlines())
    assert {"alpha", "with space"} <= names <= ALL, run.describe()
