"""Tab completion of the `venvreg` command itself in real bash, zsh and fish: subcommands,
options, option values, env names, trash ids, config keys, without starting Python (PATH holds
no python and VENVREG_EXE only records being called). And, with `workon_home` set only in the
config file and the function file sourced by path, completion and the auto-activation map read
that home."""

from __future__ import annotations

import pytest
from test_e2e_completion import type_in_terminal

from venvreg.settings.config import KEYS

NAMES = {"alpha", "with space"}


@pytest.fixture(scope="module")
def sb(completion_sandbox):
    return completion_sandbox


# (what is typed, the candidates expected); "TRASH" stands for the trash entry's id
CASES = [
    ("venvreg ", {"create", "list", "ls", "show", "remove", "rm", "restore", "trash", "config"}),
    ("venvreg sh", {"show"}),
    ("venvreg show ", NAMES),
    ("venvreg show w", {"with space"}),
    ("venvreg rm alpha ", NAMES),
    ("venvreg restore ", {"TRASH"}),
    ("venvreg trash ", {"list", "empty"}),
    ("venvreg config ", {"path", "list", "get", "set", "unset"}),
    ("venvreg config get ", set(KEYS)),
    ("venvreg config unset trash_d", {"trash_days"}),
    ("venvreg create --backend ", {"virtualenv", "venv", "uv"}),
    ("venvreg ls --sort ", {"name", "last-used", "size", "created"}),
    ("venvreg ls --s", {"--sort"}),
    ("venvreg show --", {"--json", "--wide", "--help"}),
    ("venvreg init ", {"bash", "zsh", "fish", "pwsh"}),
    ("venvreg project show ", NAMES),
    ("venvreg copy alpha ", set()),  # the new name: nothing to offer
]
SUPERSETS = {"venvreg "}  # only some of the candidates are listed above


def expected(sb, wanted: set[str]) -> set[str]:
    return {sb.trash_id if word == "TRASH" else word for word in wanted}


BASH = r"""
line={line}
read -ra words <<<"$line"
[[ $line == *" " ]] && words+=("")
COMP_WORDS=("${{words[@]}}"); COMP_CWORD=$((${{#words[@]}} - 1))
COMP_LINE="$line"; COMP_POINT=${{#line}}; COMPREPLY=()
"$fn" venvreg "${{words[-1]}}" "${{words[-2]}}"; rc {label}
for c in "${{COMPREPLY[@]}}"; do eval "v=$c"; show {label} "$v"; done
"""


def check_candidates(sb, run) -> None:
    """Each case's candidates, as `show c<index>` lines: all that are wanted (a superset
    where the shell adds its own), and nothing on stderr."""
    for index, (line, wanted) in enumerate(CASES):
        got = set(run.all(f"c{index}"))
        if line in SUPERSETS:
            assert expected(sb, wanted) <= got, (line, got)
        else:
            assert got == expected(sb, wanted), (line, got)
    assert run.stderr == ""


def test_bash(sb):
    script = 'spec="$(complete -p venvreg)"; show SPEC "$spec"\n'
    script += 'fn="${spec#*-F }"; fn="${fn%% *}"\n'
    for index, (line, _) in enumerate(CASES):
        script += BASH.format(line=sb.q("bash", line), label=f"c{index}")
    run = sb.run("bash", script, env=sb.no_python)
    assert " -F " in run["SPEC"] and run["SPEC"].endswith(" venvreg"), run.describe()
    for index, (line, _) in enumerate(CASES):
        assert run.rc(f"c{index}") == 0, (line, run.describe())
    check_candidates(sb, run)
    sb.assert_no_python()


def test_fish(sb):
    script = "".join(
        f"for c in (complete -C {sb.q('fish', line)}); "
        f"show c{index} (string split -m1 \\t -- $c)[1]; end\n"
        for index, (line, _) in enumerate(CASES)
    )
    run = sb.run("fish", script, env=sb.no_python)
    assert run.returncode == 0, run.describe()
    check_candidates(sb, run)
    sb.assert_no_python()


@pytest.mark.parametrize("shell", ["bash", "zsh", "zsh+compinit", "fish"])
def test_venvreg_tab_in_a_real_terminal(shell, sb):
    """A new interactive shell on a terminal, the file sourced, then Tab after `venvreg`:
    a subcommand, an env name with a space, a trash id, a config key, an option's value
    (zsh: with the old compctl, and with compinit loaded first, as most .zshrc files do)."""
    shell, _, variant = shell.partition("+")
    source = f"source {sb.q(shell, sb.function_file(shell))}; printf '%s-%s\\n' sourced ok\r"
    if variant == "compinit":
        source = "autoload -Uz compinit; compinit -u -D; " + source
    escaped = "with\\ space"
    type_in_terminal(
        sb,
        shell,
        [
            (source, b"sourced-ok"),
            ("venvreg resto\t", b"venvreg restore "),
            ("\x15venvreg show wi\t", f"venvreg show {escaped}".encode()),
            ("\x15venvreg restore 2\t", f"venvreg restore {sb.trash_id}".encode()),
            ("\x15venvreg config get trash_d\t", b"venvreg config get trash_days"),
            ("\x15venvreg create x --backend vi\t", b"--backend virtualenv"),
        ],
    )
    sb.assert_no_python()


@pytest.fixture(scope="module")
def configured(make_sandbox):
    """WORKON_HOME unset; the config file alone names the home (with a ~), auto-activation on,
    and an env linked to a project there."""
    box = make_sandbox("configured-home")
    (box.home / ".virtualenvs").rmdir()  # made by the sandbox for WORKON_HOME, unused here
    home = box.home / "elsewhere" / "envs"
    home.mkdir(parents=True)
    box.config.write_text(
        "# mine\nworkon_home = '~/elsewhere/envs'  # not the default\nauto_activate = true\n"
        "\n[prune]\nunused_days = 30\n",
        encoding="utf-8",
    )
    box.env.pop("WORKON_HOME")
    box.workon_home = home
    project = box.env_with_project("far")
    assert not (box.home / ".virtualenvs").exists()
    box.project = project
    return box


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_a_home_set_only_in_the_config_file(shell, configured):
    """Sourced by path (no home line from `venvreg init`): completion of workon and of
    venvreg, and the auto-activation map, read the config file's home."""
    box = configured
    complete = {
        "bash": 'COMP_WORDS=(workon ""); COMP_CWORD=1; __venvreg_complete_envs\n'
        + 'show WORKON "${COMPREPLY[*]}"\n'
        + 'COMP_WORDS=(venvreg show ""); COMP_CWORD=2; __venvreg_cli_complete\n'
        + 'show VENVREG "${COMPREPLY[*]}"\n',
        "zsh": '__venvreg_env_names; show WORKON "${reply[*]}"\n'
        + 'local REPLY __venvreg_cur=""; __venvreg_cli_candidates venvreg show\n'
        + 'show VENVREG "${reply[*]}"\n',
        "fish": "show WORKON (complete -C 'workon ' | string collect)\n"
        + "show VENVREG (complete -C 'venvreg show ' | string collect)\n",
    }[shell]
    auto = f'cd {box.q(shell, str(box.project))}\n__venvreg_auto\nshow VE "$VIRTUAL_ENV"\n'
    run = box.run(shell, complete + auto)
    assert run["WORKON"].strip() == "far", run.describe()
    assert run["VENVREG"].strip() == "far", run.describe()
    assert run["VE"] == str(box.workon_home / "far"), run.describe()


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_init_output_brings_the_completion_too(shell, sb):
    """`eval "$(venvreg init SHELL)"` (the rc line the README gives) installs it as well."""
    script = {
        "bash": 'COMP_WORDS=(venvreg restore ""); COMP_CWORD=2; __venvreg_cli_complete\n'
        + 'show GOT "${COMPREPLY[*]}"\n',
        "zsh": 'local REPLY __venvreg_cur=""; __venvreg_cli_candidates venvreg restore\n'
        + 'show GOT "${reply[*]}"\n',
        "fish": "show GOT (complete -C 'venvreg restore ' | string collect)\n",
    }[shell]
    run = sb.run(shell, script, source="eval")
    assert run["GOT"].strip() == sb.trash_id, run.describe()
