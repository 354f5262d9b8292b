"""bash's PROMPT_COMMAND as the user left it: a string or (bash 5.1+) an array of commands. The
auto-activation hook goes first, once, and whatever the user had keeps running after it.

bash reads each script as an interactive shell (stdin, `-i`), so PROMPT_COMMAND runs before
every line as at a real prompt."""

from __future__ import annotations

import subprocess

import pytest
from shells import require_shell


def _bash_at_least_5_1() -> bool:
    version = subprocess.run(
        [require_shell("bash"), "-c", 'echo "${BASH_VERSINFO[0]} ${BASH_VERSINFO[1]}"'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return (int(version[0]), int(version[1])) >= (5, 1)


@pytest.fixture(scope="module")
def sb(make_sandbox):
    sandbox = make_sandbox("prompt-command")
    project = sandbox.root / "project"
    project.mkdir()
    sandbox.plain_env("auto")
    for command in (
        ("config", "set", "auto_activate", "true"),
        ("project", "set", "auto", str(project)),
    ):
        result = sandbox.cli(*command)
        assert result.returncode == 0, result.stderr
    sandbox.project = project
    return sandbox


USER_COMMANDS = """first() { show FIRST "${VIRTUAL_ENV-}"; }
second() { show SECOND "${VIRTUAL_ENV-}"; }
"""


def _run(sb, setup: str):
    source = f"source {sb.q('bash', sb.function_file('bash'))}\n"
    script = (
        USER_COMMANDS
        + setup
        + source
        + source  # sourced twice (a .bashrc read again): the hook is still there once
        + 'show PC "$(declare -p PROMPT_COMMAND)"\n'
        + f"cd {sb.q('bash', str(sb.project))}\n"
        + 'show VE "${VIRTUAL_ENV-}"\n'
    )
    run = sb.run("bash", script, source=None, interactive=True, cwd=sb.root)
    assert run.returncode == 0, run.describe()
    return run


def test_an_array_prompt_command_gets_the_hook_as_its_first_element(sb):
    assert _bash_at_least_5_1(), "the bash here must run array PROMPT_COMMANDs (5.1 or later)"
    run = _run(sb, "PROMPT_COMMAND=(first second)\n")
    assert run["PC"] == (
        'declare -a PROMPT_COMMAND=([0]="__venvreg_auto" [1]="first" [2]="second")'
    ), run.describe()
    env = str(sb.workon_home / "auto")
    assert run["VE"] == env
    # at the prompt after the cd, both user commands ran, after the hook had activated the env
    assert run.all("FIRST")[-1] == env and run.all("SECOND")[-1] == env, run.describe()
    assert "syntax error" not in run.stderr and "command not found" not in run.stderr


def test_a_string_prompt_command_gets_the_hook_prepended(sb):
    run = _run(sb, 'PROMPT_COMMAND="first; second"\n')
    assert run["PC"] == 'declare -- PROMPT_COMMAND="__venvreg_auto;first; second"', run.describe()
    env = str(sb.workon_home / "auto")
    assert run["VE"] == env
    assert run.all("FIRST")[-1] == env and run.all("SECOND")[-1] == env, run.describe()
