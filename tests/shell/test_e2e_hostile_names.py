"""Hostile group A in real shells: hostile strings as env names, inside WORKON_HOME and inside
project paths round-trip byte for byte, in the happy path and in the error branches, and
nothing they spell is ever run (no PWNED file anywhere, no `uname` output)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from shells import ALL_SHELLS

from support import HOSTILE_STRINGS
from venvreg.names import name_problem

HOSTILE = [
    *HOSTILE_STRINGS,
    # prompt escapes of zsh and bash, which must show literally
    "%F{red}%~",
    "\\[\\e[31m\\]\\w",
]
# The ones that are legal names (names.py refuses `:`, `|`, `<`, `>`, `"`, `*`, ...), plus
# a unicode one without its `"`.
NAMES = [name for name in HOSTILE if name_problem(name) is None] + ["'&&e-$ èрт🚒♞中片-j"]
# Every hostile string but the one holding `:` (the PATH separator, refused below) as a folder
# of WORKON_HOME; all of them, `:` included, as folders of the project path.
HOME_PARTS = [part for part in HOSTILE if ":" not in part]

PROMPT_RENDER = {
    "bash": 'show PROMPT_{i} "${{PS1@P}}"\n',
    "zsh": 'show PROMPT_{i} "$(print -rP -- "$PS1")"\n',
    "fish": "show PROMPT_{i} (fish_prompt | string collect)\n",
}
PROMPT_SETUP = {
    "bash": "PS1='> '\n",
    "zsh": "PS1='> '\nsetopt prompt_subst\n",  # the riskiest setting for a prompt
    "fish": "function fish_prompt; printf '> '; end\n",
}


def test_the_names_under_test_are_legal_and_the_rest_refused() -> None:
    assert len(NAMES) >= 9
    assert name_problem(";|&<>") is not None and name_problem("*") is not None


@pytest.fixture(scope="module")
def sb(make_sandbox):
    sandbox = make_sandbox("hostile", workon_home=os.path.join("wh", *HOME_PARTS))
    project_root = sandbox.root.joinpath("projects", *HOSTILE)
    sandbox.projects = {}
    for index, name in enumerate(NAMES):
        sandbox.plain_env(name)
        project = project_root / f"p{index} {name}\\"  # fish: a value ending in `\\`
        project.mkdir(parents=True)
        result = sandbox.cli("project", "set", name, str(project))
        assert result.returncode == 0, result.stderr
        sandbox.projects[name] = project
    return sandbox


def no_sentinel(sb, run) -> None:
    assert sb.sentinels(Path(sb.home)) == [], run.describe()
    assert os.uname().nodename not in run.stdout + run.stderr  # `uname -a` never ran


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_hostile_names_homes_and_projects_round_trip(shell, sb):
    q = lambda value: sb.q(shell, value)  # noqa: E731
    script = PROMPT_SETUP[shell] + 'show PATH0 "$PATH"\n'
    for i, name in enumerate(NAMES):
        script += (
            f"workon -n {q(name)}; rc workon_{i}\n"
            + f'show VE_{i} "$VIRTUAL_ENV"; show VEP_{i} "$VIRTUAL_ENV_PROMPT"\n'
            + PROMPT_RENDER[shell].format(i=i)
            + f'cdproject; rc cdproject_{i}; show PWD_{i} "$PWD"\n'
            + sb.py_show(f"PY_{i}", "(sys.prefix, os.getcwd())")
            + f"deactivate; rc deactivate_{i}\n"
        )
    script += 'show PATH1 "$PATH"\n'
    run = sb.run(shell, script)
    assert run.returncode == 0, run.describe()
    for i, name in enumerate(NAMES):
        env = str(sb.workon_home / name)
        assert run.rc(f"workon_{i}") == 0, (name, run.describe())
        assert run[f"VE_{i}"] == env, name
        assert run[f"VEP_{i}"] == name
        assert run[f"PROMPT_{i}"] == f"({name}) > ", name
        assert run.rc(f"cdproject_{i}") == 0, name
        assert run[f"PWD_{i}"] == str(sb.projects[name])
        assert run[f"PY_{i}"] == str((env, str(sb.projects[name])))
        assert run.rc(f"deactivate_{i}") == 0
    assert run["PATH1"] == run["PATH0"]
    no_sentinel(sb, run)


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_hostile_values_in_error_branches(shell, sb):
    q = lambda value: sb.q(shell, value)  # noqa: E731
    missing = "x'$(touch PWNED)'y `touch PWNED` missing"
    before = sorted(os.listdir(sb.workon_home))
    script = (
        f"workon {q(missing)}; rc workon\n"
        + f"showvirtualenv {q(missing)}; rc show\n"
        + f"cpvirtualenv {q(missing)} {q(missing + ' copy')}; rc cp\n"
        + f"rmvirtualenv {q(missing)}; rc rm\n"
        + f"mkvirtualenv {q(';|&<>')}; rc mk_illegal\n"
        + "mkvirtualenv -rf; rc mk_option\n"
        + "workon -rf; rc workon_option\n"
        + "rmvirtualenv -rf --help; rc rm_option\n"
        + f"workon -n {q(NAMES[0])}; setvirtualenvproject {q(NAMES[0])} {q(missing)}; rc setproj\n"
        + f"cdvirtualenv {q(missing)}; rc cdv\n"
        + "deactivate\n"
        + "showvar VIRTUAL_ENV\n"
    )
    run = sb.run(shell, script)
    err = run.stderr
    assert run.rc("workon") == 1
    assert (
        # `missing` is NAMES[0] and more: a typo of it, as far as workon can tell
        f"ERROR: Environment '{missing}' does not exist. Did you mean '{NAMES[0]}'?" in err
    )
    assert run.rc("show") == 1 and f"ERROR: Environment '{missing}' does not exist." in err
    assert run.rc("cp") == 1 and "Please provide a valid virtualenv to copy." in err
    assert run.rc("rm") == 0  # virtualenvwrapper carries on
    assert f"Did not find environment {sb.workon_home / missing} to remove." in err
    assert run.rc("mk_illegal") != 0 and "';|&<>'" in err
    assert run.rc("mk_option") != 0
    assert run.rc("workon_option") == 1
    assert "ERROR: Environment '-rf' does not exist." in err
    assert run.rc("rm_option") == 0 and f"Did not find environment {sb.workon_home / '-rf'}" in err
    assert run.rc("setproj") == 1
    assert "it is not a directory" in err and missing in err
    assert run.rc("cdv") != 0
    assert run["VIRTUAL_ENV"] == "<unset>"
    assert sorted(os.listdir(sb.workon_home)) == before  # nothing created, nothing removed
    no_sentinel(sb, run)


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_mkvirtualenv_with_a_hostile_name_in_a_hostile_home_and_pip_works(shell, sb):
    name = f"x'$(touch PWNED)'y {shell}"
    q = lambda value: sb.q(shell, value)  # noqa: E731
    run = sb.run(
        shell,
        f'mkvirtualenv {q(name)}; rc mk; show VE "$VIRTUAL_ENV"\n'
        + "pip --version; rc pip\n"
        + f"lsvirtualenv -b; deactivate; rmvirtualenv {q(name)}; rc rm\n",
    )
    assert run.rc("mk") == 0, run.describe()
    assert run["VE"] == str(sb.workon_home / name)
    assert run.rc("pip") == 0, run.describe()
    assert str(sb.workon_home / name) in run.text()  # pip's own location line
    assert name in run.text().splitlines()
    assert run.rc("rm") == 0
    assert not (sb.workon_home / name).exists()
    no_sentinel(sb, run)


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_hostile_completion_reads_the_names_literally(shell, sb):
    if shell == "bash":
        script = (
            "COMP_WORDS=(workon ''); COMP_CWORD=1; __venvreg_complete_envs\n"
            + 'for c in "${COMPREPLY[@]}"; do eval "v=$c"; show C "$v"; done\n'
        )
    elif shell == "zsh":
        script = '__venvreg_env_names; for c in $reply; do show C "$c"; done\n'
    else:
        script = "for c in (complete -C 'workon '); show C (string split -m1 \\t -- $c)[1]; end\n"
    run = sb.run(shell, script)
    got = run.all("C")
    assert sorted(set(got)) == sorted(NAMES), run.describe()
    no_sentinel(sb, run)


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_a_workon_home_holding_the_path_separator_is_refused(shell, make_sandbox):
    sb = make_sandbox(f"colon-{shell}")
    # venv itself refuses such a folder: make the env, then give its folder a `:`
    staging = sb.root / "staging"
    sb.plain_env("env", where=staging)
    home = sb.root / "wh:with colon"
    staging.rename(home)
    run = sb.run(
        shell,
        'show PATH0 "$PATH"\nworkon env; rc workon; showvar VIRTUAL_ENV; show PATH1 "$PATH"\n',
        env={"WORKON_HOME": str(home)},
    )
    assert run.rc("workon") == 1, run.describe()
    assert "PATH separator" in run.stderr and str(home / "env") in run.stderr
    assert run["VIRTUAL_ENV"] == "<unset>"
    assert run["PATH1"] == run["PATH0"]


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_rich_markup_in_names_and_paths_is_printed_literally(shell, make_sandbox):
    sb = make_sandbox(f"markup-{shell}", workon_home="[bold]x[/]/[link=file]h[/link]")
    names = ["[bold]x[italic]y", "[red]proj[reset]"]
    for name in names:
        sb.plain_env(name)
    run = sb.run(
        shell,
        "lsvirtualenv -b; echo @@cut@@; lsvirtualenv -l; echo @@cut@@; "
        + f"showvirtualenv {sb.q(shell, names[0])}\n",
    )
    brief, long, show = (part.splitlines() for part in run.text().split("@@cut@@\n"))
    assert sorted(brief) == sorted(names), run.describe()
    for name in names:
        assert name in long
    assert f"path: {sb.workon_home / names[0]}" in show
    listed = sb.cli("list")
    for name in names:
        assert name in listed.stdout, listed.stdout
    shown = sb.cli("show", names[0])
    assert str(sb.workon_home / names[0]) in shown.stdout, shown.stdout


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_control_characters_in_paths(shell, make_sandbox):
    """Newline, tab and ESC in WORKON_HOME and in the project path: exact in the shell, shown
    escaped by showvirtualenv (a listing), never written raw to the terminal there."""
    sb = make_sandbox(f"control-{shell}", workon_home="w\nh\n\nx\ty\x1b[31m end\n/wh")
    sb.plain_env("ctl")
    project = sb.root / "pro\nj\tk\x1b[0m"
    project.mkdir()
    assert sb.cli("project", "set", "ctl", str(project)).returncode == 0
    env = sb.workon_home / "ctl"
    script = (
        'workon ctl; rc workon; show PWD_W "$PWD"; show VE "$VIRTUAL_ENV"\n'
        + sb.py_show("PY", "sys.prefix")
        + 'cdvirtualenv; show PWD_ENV "$PWD"; cdproject; show PWD_P "$PWD"\n'
        + "echo @@cut@@; showvirtualenv ctl; rc show; echo @@cut@@\n"
        + "deactivate; rc deactivate\n"
    )
    run = sb.run(shell, script)
    assert run.rc("workon") == 0, run.describe()
    assert run["VE"] == str(env) and run["PY"] == str(env)
    assert run["PWD_W"] == str(project) and run["PWD_P"] == str(project)
    assert run["PWD_ENV"] == str(env)
    assert run.rc("show") == 0 and run.rc("deactivate") == 0
    listing = run.text().split("@@cut@@\n")[1]
    assert "\x1b" not in listing and "\t" not in listing, listing
    shown = str(env).replace("\n", "\\n").replace("\t", "\\t").replace("\x1b", "\\u001b")
    assert f"path: {shown}" in listing.splitlines(), listing
