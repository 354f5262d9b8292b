"""virtualenvwrapper's commands end to end in real bash, zsh and fish: each test is a script run
in a new shell, asserting what it printed, its exit statuses and the files on disk."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from shells import ALL_SHELLS

pytestmark = pytest.mark.parametrize("shell", ALL_SHELLS)

# Set a plain prompt, and render the prompt the way the shell draws it.
PROMPT_SETUP = {
    "bash": "PS1='base> '\n",
    "zsh": "PS1='base> '\n",
    "fish": "function fish_prompt; printf 'base> '; end\n",
}
PROMPT_RENDER = {
    "bash": 'show PROMPT_{n} "${{PS1@P}}"; show PS1_{n} "$PS1"\n',
    "zsh": 'show PROMPT_{n} "$(print -rP -- "$PS1")"\n',
    "fish": "show PROMPT_{n} (fish_prompt | string collect)\n",
}
# A shell variable (not exported), and an exported one.
SET_LOCAL = {
    "bash": "{name}={value}\n",
    "zsh": "{name}={value}\n",
    "fish": "set -g {name} {value}\n",
}
SET_EXPORTED = {
    "bash": "export {name}={value}\n",
    "zsh": "export {name}={value}\n",
    "fish": "set -gx {name} {value}\n",
}


def render(shell: str, n: str) -> str:
    return PROMPT_RENDER[shell].format(n=n)


def set_local(sb, shell: str, name: str, value: str) -> str:
    return SET_LOCAL[shell].format(name=name, value=sb.q(shell, value))


def set_exported(sb, shell: str, name: str, value: str) -> str:
    return SET_EXPORTED[shell].format(name=name, value=sb.q(shell, value))


@pytest.fixture(scope="module")
def sb(make_sandbox):
    """One WORKON_HOME for the module: read-only plain envs every test may use."""
    sandbox = make_sandbox("journey")
    for name in ("other", "listed one", "listed-two"):
        sandbox.plain_env(name)
    project = sandbox.root / "projects" / "other-project"
    project.mkdir(parents=True)
    sandbox.project_dir = project
    result = sandbox.cli("project", "set", "other", str(project))
    assert result.returncode == 0, result.stderr
    return sandbox


def test_journey(shell, sb):
    """mkvirtualenv, python inside, prompt, switch, deactivate (PATH and prompt byte for byte),
    no duplicate PATH entries, rmvirtualenv refusing the active env, then into the trash."""
    name = f"journey-{shell}"
    env = sb.workon_home / name
    project = sb.root / f"journey project {shell}"
    project.mkdir()
    q = sb.q
    script = (
        PROMPT_SETUP[shell]
        + 'showvar PATH; show PATH0 "$PATH"\n'
        + render(shell, "0")
        + f"mkvirtualenv -a {q(shell, str(project))} {q(shell, name)}; rc mk\n"
        + 'showvar VIRTUAL_ENV; showvar VIRTUAL_ENV_PROMPT; show PWD_MK "$PWD"\n'
        + render(shell, "1")
        + sb.py_show("PREFIX", "sys.prefix")
        + 'workon -n other; rc switch; show VE_OTHER "$VIRTUAL_ENV"; show PATH_OTHER "$PATH"\n'
        + sb.py_show("PREFIX_OTHER", "sys.prefix")
        + f"workon -n {q(shell, name)}; rc back\n"
        + "deactivate; rc deactivate\n"
        + 'show PATH1 "$PATH"; showvar VIRTUAL_ENV; showvar VIRTUAL_ENV_PROMPT\n'
        + render(shell, "2")
        + f'workon -n {q(shell, name)}; workon -n other; show PATH_AB "$PATH"; deactivate\n'
        + 'show PATH2 "$PATH"\n'
        + render(shell, "3")
        + f"workon -n {q(shell, name)}\n"
        + f"rmvirtualenv {q(shell, name)}; rc rm_active\n"
        + 'show VE_AFTER_REFUSAL "$VIRTUAL_ENV"\n'
        + f"deactivate; rmvirtualenv {q(shell, name)}; rc rm\n"
    )
    run = sb.run(shell, script)
    assert run.returncode == 0, run.describe()
    assert run.rc("mk") == 0, run.describe()
    assert run["VIRTUAL_ENV"] == "<unset>"  # the last showvar: after deactivate
    seq = run.all("VIRTUAL_ENV")
    assert seq == [str(env), "<unset>"]
    prompts = run.all("VIRTUAL_ENV_PROMPT")
    assert prompts == [name, "<unset>"]
    assert run["PREFIX"] == str(env)
    assert f"Setting project for {name} to {project}" in run.text()
    assert run["PWD_MK"] == str(project)  # -a: linked, and entered as virtualenvwrapper does
    assert run["PROMPT_0"] == "base> "
    assert run["PROMPT_1"] == f"({name}) base> "
    if shell == "bash":
        assert run["PS1_1"] == f"({name}) base> "
    # switching: the other env only, its python
    assert run.rc("switch") == 0
    assert run["VE_OTHER"] == str(sb.workon_home / "other")
    assert run["PREFIX_OTHER"] == str(sb.workon_home / "other")
    other_path = run["PATH_OTHER"].split(":")
    assert other_path[0] == str(sb.workon_home / "other" / "bin")
    assert str(env / "bin") not in other_path
    assert other_path[1:] == run["PATH0"].split(":")
    # deactivate restores PATH and the prompt exactly, and unsets the variables
    assert run.rc("back") == 0 and run.rc("deactivate") == 0
    assert run["PATH1"] == run["PATH0"]
    assert run["PROMPT_2"] == run["PROMPT_0"]
    # workon a; workon b; deactivate
    ab = run["PATH_AB"].split(":")
    assert len(ab) == len(set(ab))
    assert ab.count(str(sb.workon_home / "other" / "bin")) == 1
    assert str(env / "bin") not in ab
    assert run["PATH2"] == run["PATH0"]
    assert run["PROMPT_3"] == run["PROMPT_0"]
    if shell == "bash":
        assert run["PS1_3"] == "base> "
    # rmvirtualenv of the active env: virtualenvwrapper's message, status 1, nothing removed
    assert run.rc("rm_active") == 1
    assert f"ERROR: You cannot remove the active environment ('{name}')." in run.stderr
    assert "Either switch to another environment, or run 'deactivate'." in run.stderr
    assert run["VE_AFTER_REFUSAL"] == str(env)
    # then removed, into the trash
    assert run.rc("rm") == 0
    assert f"Removing {name}..." in run.stderr.splitlines()
    assert not env.exists()
    trash = sb.cli("trash", "list", "--json")
    assert trash.returncode == 0, trash.stderr
    assert name in [entry["name"] for entry in json.loads(trash.stdout)]


def test_pythonhome_is_unset_inside_and_restored_after(shell, sb):
    """A PYTHONHOME meant for some other Python: venvreg's own Python must not be hurt by it,
    and inside the env it would break `python`, so it must be unset there."""
    home = "/nonexistent/python-home"
    child = 'sh -c \'printf "\\036CHILD_%s\\037%s\\036" "$0" "${PYTHONHOME-<unset>}"\' WHERE\n'
    script = (
        set_exported(sb, shell, "PYTHONHOME", home)
        + "workon -n other; rc workon; showvar PYTHONHOME\n"
        + child.replace("WHERE", "inside")
        + sb.py_show("PREFIX", "sys.prefix")
        + "deactivate; showvar PYTHONHOME\n"
        + child.replace("WHERE", "after")
    )
    run = sb.run(shell, script)
    assert run.rc("workon") == 0, run.describe()
    homes = run.all("PYTHONHOME")
    assert homes == ["<unset>", home]
    assert run["CHILD_inside"] == "<unset>"
    assert run["PREFIX"] == str(sb.workon_home / "other")
    assert run["CHILD_after"] == home  # exported again


def test_workon_over_a_foreign_activation_disabled_prompt_and_workon_twice(shell, sb):
    """An env activated by its own bin/activate is deactivated by workon (as virtualenv's
    `deactivate nondestructive`); VIRTUAL_ENV_DISABLE_PROMPT leaves the prompt alone; a workon
    of the active env again adds nothing to PATH."""
    foreign = sb.root / f"foreign-{shell}"
    if not foreign.exists():
        sb.plain_env(foreign.name, where=sb.root)
    activate = foreign / "bin" / ("activate.fish" if shell == "fish" else "activate")
    script = (
        PROMPT_SETUP[shell]
        + 'show PATH0 "$PATH"\n'
        + render(shell, "0")
        + f'source {sb.q(shell, str(activate))}; show VE_FOREIGN "$VIRTUAL_ENV"\n'
        + 'workon -n other; rc workon; show VE "$VIRTUAL_ENV"; show PATH_IN "$PATH"\n'
        + render(shell, "1")
        + 'deactivate; rc deactivate; showvar VIRTUAL_ENV; show PATH1 "$PATH"\n'
        + render(shell, "2")
        + set_local(sb, shell, "VIRTUAL_ENV_DISABLE_PROMPT", "1")
        + 'workon -n other; workon -n other; workon -n other; show PATH_TWICE "$PATH"\n'
        + render(shell, "3")
        + 'deactivate; show PATH2 "$PATH"\n'
        + render(shell, "4")
    )
    run = sb.run(shell, script)
    assert run["VE_FOREIGN"] == str(foreign), run.describe()
    assert run.rc("workon") == 0 and run.rc("deactivate") == 0
    other_bin = str(sb.workon_home / "other" / "bin")
    assert run["VE"] == str(sb.workon_home / "other")
    assert run["PATH_IN"] == other_bin + ":" + run["PATH0"]  # the foreign bin is gone
    assert run["PROMPT_1"] == "(other) base> "
    assert run["VIRTUAL_ENV"] == "<unset>"
    assert run["PATH1"] == run["PATH0"]
    assert run["PROMPT_2"] == run["PROMPT_0"] == "base> "
    assert run["PATH_TWICE"] == other_bin + ":" + run["PATH0"]
    assert run["PROMPT_3"] == "base> "  # VIRTUAL_ENV_DISABLE_PROMPT
    assert run["PATH2"] == run["PATH0"]
    assert run["PROMPT_4"] == "base> "


def test_workon_without_a_name_lists_and_fails_and_a_missing_name_is_an_error(shell, sb):
    script = (
        "workon; rc list\n"
        + "workon no-such-env; rc missing; showvar VIRTUAL_ENV\n"
        + "workon -h; rc help\n"
    )
    run = sb.run(shell, script)
    assert run.rc("list") == 1
    lines = run.text().splitlines()
    for name in ("other", "listed one", "listed-two"):
        assert name in lines
    assert run.rc("missing") == 1
    assert (
        "ERROR: Environment 'no-such-env' does not exist. Create it with 'mkvirtualenv "
        "no-such-env'." in run.stderr
    )
    assert run["VIRTUAL_ENV"] == "<unset>"
    assert not (sb.workon_home / "no-such-env").exists()
    assert run.rc("help") == 0
    assert "Usage: workon env_name" in run.text()


def test_workon_dot_uses_the_current_folders_name(shell, sb):
    folder = sb.root / "work" / shell / "listed one"
    folder.mkdir(parents=True, exist_ok=True)
    run = sb.run(shell, "workon .; rc dot; showvar VIRTUAL_ENV; showvar PWD\n", cwd=folder)
    assert run.rc("dot") == 0, run.describe()
    assert run["VIRTUAL_ENV"] == str(sb.workon_home / "listed one")
    assert run["PWD"] == str(folder)


def test_workon_cd_flags_and_workon_cd_variable(shell, sb):
    """Default: cd into the project; -n: stay; VIRTUALENVWRAPPER_WORKON_CD=0 (a shell variable,
    not exported, as rc files often set it): stay; -c overrides it."""
    start = sb.root / "start" / shell
    start.mkdir(parents=True, exist_ok=True)
    go = f"builtin cd {sb.q(shell, str(start))}\n"
    script = (
        'workon other; rc default; show PWD_DEFAULT "$PWD"; deactivate\n'
        + go
        + 'workon -n other; show PWD_N "$PWD"; deactivate\n'
        + go
        + 'workon --no-cd other; show PWD_NO_CD "$PWD"; deactivate\n'
        + set_local(sb, shell, "VIRTUALENVWRAPPER_WORKON_CD", "0")
        + go
        + 'workon other; show PWD_VAR0 "$PWD"; deactivate\n'
        + go
        + 'workon -c other; show PWD_C "$PWD"; deactivate\n'
    )
    run = sb.run(shell, script, cwd=start)
    assert run.rc("default") == 0, run.describe()
    project = str(sb.project_dir)
    assert run["PWD_DEFAULT"] == project
    assert run["PWD_N"] == str(start)
    assert run["PWD_NO_CD"] == str(start)
    assert run["PWD_VAR0"] == str(start)
    assert run["PWD_C"] == project


def test_the_functions_from_eval_of_venvreg_init(shell, sb):
    """`eval "$(venvreg init SHELL)"` (fish: `venvreg init fish | source`), as in an rc file."""
    run = sb.run(
        shell,
        "workon -n other; rc workon; showvar VIRTUAL_ENV; deactivate; showvar VIRTUAL_ENV\n",
        source="eval",
    )
    assert run.rc("workon") == 0, run.describe()
    assert run.all("VIRTUAL_ENV") == [
        str(sb.workon_home / "other"),
        "<unset>",
    ]
    assert run.stderr == ""


def test_lsvirtualenv_and_showvirtualenv(shell, make_sandbox):
    listing = make_sandbox("listing")
    names = ["alpha", "beta two", "gamma"]
    for name in names:
        listing.plain_env(name)
    (listing.workon_home / "not-an-env").mkdir()
    script = (
        "lsvirtualenv -b; rc brief; echo @@cut@@\n"
        + "lsvirtualenv -l; rc long; echo @@cut@@\n"
        + "showvirtualenv 'beta two'; rc show; echo @@cut@@\n"
        + "lsvirtualenv -h; rc help\n"
        + "showvirtualenv; rc show_none\n"
    )
    run = listing.run(shell, script)
    brief, long, show, rest = (part.splitlines() for part in run.text().split("@@cut@@\n"))
    assert run.rc("brief") == 0
    assert brief == names
    assert run.rc("long") == 0
    for name in names:
        index = long.index(name)
        assert long[index + 1] == "=" * len(name)
    assert "not-an-env" not in long
    assert run.rc("show") == 0
    assert show[:2] == ["beta two", "========"]
    assert f"path: {listing.workon_home / 'beta two'}" in show
    assert run.rc("help") == 1
    assert "lsvirtualenv [-blh]" in rest
    assert run.rc("show_none") == 2
    assert "showvirtualenv [env]" in rest


def test_cdvirtualenv_cdsitepackages_cdproject(shell, sb):
    env = sb.workon_home / "other"
    script = (
        "cdproject; rc no_env\n"
        + "workon -n listed-two; cdproject; rc no_project; deactivate\n"
        + "workon -n other\n"
        + sb.py_show("SITE", 'sysconfig.get_path("platlib")')
        + 'cdvirtualenv; rc cdv; show PWD_ENV "$PWD"\n'
        + 'cdvirtualenv bin; show PWD_BIN "$PWD"\n'
        + 'cdsitepackages; rc cdsite; show PWD_SITE "$PWD"\n'
        + 'cdproject; rc cdproject; show PWD_PROJECT "$PWD"\n'
        + "lssitepackages; rc lssite\n"
    )
    run = sb.run(shell, script)
    assert run.rc("no_env") == 1
    assert "ERROR: no virtualenv active, or active virtualenv is missing" in run.stderr
    assert run.rc("no_project") == 1
    assert f"No project set in {sb.workon_home / 'listed-two' / '.project'}" in run.stderr
    assert run.rc("cdv") == 0
    assert run["PWD_ENV"] == str(env)
    assert run["PWD_BIN"] == str(env / "bin")
    assert run.rc("cdsite") == 0
    assert run["PWD_SITE"] == run["SITE"]
    assert Path(run["SITE"]).is_relative_to(env)
    assert run.rc("cdproject") == 0
    assert run["PWD_PROJECT"] == str(sb.project_dir)
    assert run.rc("lssite") == 0


def test_mkproject_and_setvirtualenvproject(shell, sb):
    project_home = sb.root / f"project-home-{shell}"
    project_home.mkdir()
    name = f"mp-{shell}"
    elsewhere = sb.root / f"elsewhere-{shell}"
    elsewhere.mkdir()
    q = sb.q
    script = (
        set_exported(sb, shell, "PROJECT_HOME", str(project_home))
        + f"mkproject {q(shell, name)}; rc mkproject\n"
        + "showvar VIRTUAL_ENV; showvar PWD\n"
        + f"mkproject {q(shell, name)}; rc again\n"
        + f"builtin cd {q(shell, str(elsewhere))}; setvirtualenvproject; rc setproject\n"
        + "deactivate; builtin cd /; workon "
        + q(shell, name)
        + '; show PWD_AFTER "$PWD"; deactivate\n'
        + f"setvirtualenvproject {q(shell, name)} {q(shell, str(project_home / name))}; rc set2\n"
    )
    run = sb.run(shell, script)
    assert run.rc("mkproject") == 0, run.describe()
    assert run["VIRTUAL_ENV"] == str(sb.workon_home / name)
    assert run["PWD"] == str(project_home / name)
    assert (project_home / name).is_dir()
    assert f"Creating {project_home / name}" in run.text()
    assert run.rc("again") == 1
    assert f"Project {name} already exists." in run.stderr
    assert run.rc("setproject") == 0
    assert f"Setting project for {name} to {elsewhere}" in run.text()
    assert run["PWD_AFTER"] == str(elsewhere)
    assert run.rc("set2") == 0
    project_file = sb.workon_home / name / ".project"
    assert project_file.read_text(encoding="utf-8") == f"{project_home / name}\n"


def test_add2virtualenv_and_toggleglobalsitepackages(shell, sb):
    env = sb.plain_env(f"paths-{shell}")
    extra = sb.root / f"extra dir {shell}"
    extra.mkdir()
    (extra / "e2e_added_module.py").write_text("WHERE = 'added'\n", encoding="utf-8")
    importable = 'importlib.util.find_spec("e2e_added_module") is not None'
    base_site = "any(p.startswith(sys.base_prefix) for p in site.getsitepackages())"
    script = (
        f"workon -n paths-{shell}\n"
        + sb.py_show("BEFORE", importable)
        + f"add2virtualenv {sb.q(shell, str(extra))}; rc add\n"
        + sb.py_show("ADDED", importable)
        + f"add2virtualenv -d {sb.q(shell, str(extra))}; rc remove\n"
        + sb.py_show("REMOVED", importable)
        + "add2virtualenv; rc usage\n"
        + sb.py_show("GLOBAL0", base_site)
        + "toggleglobalsitepackages; rc toggle1\n"
        + sb.py_show("GLOBAL1", base_site)
        + "toggleglobalsitepackages; rc toggle2\n"
        + sb.py_show("GLOBAL2", base_site)
        + "toggleglobalsitepackages -q; rc toggle3\n"
    )
    run = sb.run(shell, script)
    assert run.rc("add") == 0, run.describe()
    assert (run["BEFORE"], run["ADDED"], run["REMOVED"]) == ("False", "True", "False")
    assert run.rc("remove") == 0
    assert run.rc("usage") == 2
    assert "Usage: add2virtualenv dir [dir ...]" in run.text()
    assert run.rc("toggle1") == 0 and run.rc("toggle2") == 0 and run.rc("toggle3") == 0
    assert (run["GLOBAL0"], run["GLOBAL1"], run["GLOBAL2"]) == ("False", "True", "False")
    lines = run.text().splitlines()
    assert "Enabled global site-packages" in lines
    assert "Disabled global site-packages" in lines
    assert lines.count("Enabled global site-packages") == 1  # -q printed nothing
    cfg = (env / "pyvenv.cfg").read_text(encoding="utf-8")
    assert "include-system-site-packages = true" in cfg


def test_wipeenv_removes_an_installed_package(shell, sb, wheel):
    name = f"wipe-{shell}"
    importable = 'importlib.util.find_spec("venvreg_e2e_pkg") is not None'
    script = (
        f"mkvirtualenv -i {sb.q(shell, str(wheel))} {sb.q(shell, name)}; rc mk\n"
        + sb.py_show("BEFORE", importable)
        + "wipeenv; rc wipe\n"
        + sb.py_show("AFTER", importable)
        + "python -m pip --version >/dev/null; rc pip\n"
        + "wipeenv; rc again\n"
    )
    run = sb.run(shell, script)
    assert run.rc("mk") == 0, run.describe()
    assert run["BEFORE"] == "True", run.describe()
    assert run.rc("wipe") == 0, run.describe()
    assert "Uninstalling packages:" in run.stderr  # before the work, so on stderr
    assert "venvreg_e2e_pkg" in run.stderr.splitlines()
    assert run["AFTER"] == "False"
    assert run.rc("pip") == 0  # pip itself is kept
    assert run.rc("again") == 0
    assert "Nothing to remove." in run.text()


@pytest.fixture(scope="module")
def copy_source(sb, wheel):
    result = sb.cli("create", "copy-source", "-i", str(wheel), "-a", str(sb.project_dir))
    assert result.returncode == 0, result.stderr
    freeze = sb.cli("freeze", "copy-source")
    assert "venvreg_e2e_pkg" in freeze.stdout, freeze
    return freeze.stdout


def test_cpvirtualenv_copies_the_packages(shell, sb, copy_source):
    name = f"copy-{shell}"
    run = sb.run(
        shell, f"cpvirtualenv copy-source {sb.q(shell, name)}; rc cp; showvar VIRTUAL_ENV\n"
    )
    assert run.rc("cp") == 0, run.describe()
    assert run["VIRTUAL_ENV"] == str(sb.workon_home / name)
    assert f"Copying copy-source as {name}..." in run.stderr.splitlines()
    freeze = sb.cli("freeze", name)
    assert freeze.returncode == 0, freeze.stderr
    assert freeze.stdout == copy_source
    assert (sb.workon_home / name / ".project").read_text(encoding="utf-8").strip() == str(
        sb.project_dir
    )
    again = sb.run(shell, f"cpvirtualenv copy-source {sb.q(shell, name)}; rc cp\n")
    assert again.rc("cp") == 1
    assert f"{name} virtualenv already exists." in again.stderr


def test_allvirtualenv_runs_in_every_env(shell, make_sandbox):
    every = make_sandbox("every")
    names = ["one", "two words"]
    for name in names:
        every.plain_env(name)
    run = every.run(
        shell,
        "allvirtualenv python -c 'import os, sys; print(sys.prefix == os.getcwd(), sys.prefix)'; "
        "rc all; showvar VIRTUAL_ENV\n",
    )
    assert run.rc("all") == 0, run.describe()
    lines = run.text().splitlines()
    for name in names:
        index = lines.index(name)
        assert lines[index + 1] == "=" * len(name)
        assert lines[index + 2] == f"True {every.workon_home / name}"
    assert run["VIRTUAL_ENV"] == "<unset>"  # the caller's shell is untouched


def test_mktmpenv_is_gone_after_deactivate(shell, sb):
    run = sb.run(
        shell,
        'mktmpenv; rc mk; showvar VIRTUAL_ENV; show PWD_IN "$PWD"\n'
        + 'deactivate; rc deactivate; showvar VIRTUAL_ENV; show PWD_OUT "$PWD"\n',
    )
    assert run.rc("mk") == 0, run.describe()
    env = Path(run.all("VIRTUAL_ENV")[0])
    assert env.parent == sb.workon_home and env.name.startswith("tmp-")
    assert run["PWD_IN"] == str(env)
    assert (
        "This is a temporary environment. It will be deleted when you run 'deactivate'."
        in run.text()
    )
    assert run.rc("deactivate") == 0
    assert run["VIRTUAL_ENV"] == "<unset>"
    assert f"Removing temporary environment: {env.name}" in run.stderr.splitlines()
    assert not env.exists()
    assert run["PWD_OUT"] == str(sb.workon_home)
    assert env.name not in os.listdir(sb.workon_home)
