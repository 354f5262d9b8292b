"""virtualenvwrapper compatibility in real shells: exit statuses, mkproject -f, cpvirtualenv
from a path, VIRTUALENVWRAPPER_VIRTUALENV and options passed through to virtualenv, and the
VIRTUALENVWRAPPER_* variables, each as virtualenvwrapper documents it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from shells import ALL_SHELLS

from venvreg.shellcmds.notices import DROPPED


@pytest.fixture(scope="module")
def sb(make_sandbox):
    sandbox = make_sandbox("compat")
    (sandbox.root / "projects").mkdir()
    sandbox.plain_env("plain")
    return sandbox


# Each wrapper command's usage error: (label, command line, status). `workon` with no name
# lists the envs and returns 1, and `lsvirtualenv -h` returns 1, as virtualenvwrapper's do.
USAGE = (
    ("mk_none", "mkvirtualenv", 2),
    ("mk_a", "mkvirtualenv -a", 2),
    ("mk_p", "mkvirtualenv -p", 2),
    ("mk_i", "mkvirtualenv -i", 2),
    ("mk_r", "mkvirtualenv -r", 2),
    ("tmp_name", "mktmpenv some-name", 2),
    ("proj_none", "mkproject", 2),
    ("proj_t", "mkproject -t tpl proj-t", 2),
    ("cp_none", "cpvirtualenv", 2),
    ("rm_none", "rmvirtualenv", 2),
    ("ls_bad", "lsvirtualenv -x", 2),
    ("ls_help", "lsvirtualenv -h", 1),
    ("show_none", "showvirtualenv", 2),
    ("workon_none", "workon", 1),
)


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_usage_errors_return_2(shell, sb):
    sb.cli("ls")  # the registry exists before, so only envs could appear
    before = sorted(p.name for p in sb.workon_home.iterdir() if p.is_dir())
    script = "".join(f"{line}; rc {label}\n" for label, line, _ in USAGE)
    script += "workon -n plain; add2virtualenv; rc add2_none; deactivate\n"
    run = sb.run(shell, script, env={"PROJECT_HOME": str(sb.root / "projects")})
    for label, line, status in USAGE:
        assert run.rc(label) == status, f"{line}\n{run.describe()}"
    assert run.rc("add2_none") == 2, run.describe()
    assert "Traceback" not in run.stderr
    assert "mkvirtualenv: no environment name given" in run.stderr
    assert "Please specify an environment." in run.stderr
    assert "Invalid option: -x" in run.stderr
    # no env was made by any of them (sourcing made the stock hook files, not folders)
    assert sorted(p.name for p in sb.workon_home.iterdir() if p.is_dir()) == before
    assert list((sb.root / "projects").iterdir()) == []


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_mkproject_refuses_an_existing_folder_and_reuses_it_with_f(shell, sb):
    projects = sb.root / "projects"
    folder = projects / f"exist-{shell}"
    folder.mkdir()
    (folder / "kept.txt").write_text("mine\n", encoding="utf-8")
    (projects / f"file-{shell}").write_text("", encoding="utf-8")
    env = sb.workon_home / f"exist-{shell}"
    script = (
        f"mkproject exist-{shell}; rc plain\n"
        + "showvar VIRTUAL_ENV\n"
        + f"mkproject file-{shell}; rc file\n"
        + f"mkproject -f --without-pip exist-{shell}; rc force\n"
        + "showvar VIRTUAL_ENV\n"
        + "show PWD $PWD\n"
        + "deactivate\n"
    )
    run = sb.run(shell, script, env={"PROJECT_HOME": str(projects)})
    # without -f: virtualenvwrapper's refusal, nothing made
    assert run.rc("plain") == 1, run.describe()
    assert f"Project exist-{shell} already exists." in run.stderr
    assert run.all("VIRTUAL_ENV")[0] == "<unset>"
    # a file where the project folder would go: one line, no env left behind
    assert run.rc("file") == 1
    assert f"{projects / f'file-{shell}'} exists and is not a directory" in run.stderr
    assert not (sb.workon_home / f"file-{shell}").exists()
    # with -f: the folder is reused as it is, linked and entered
    assert run.rc("force") == 0, run.describe()
    assert run.all("VIRTUAL_ENV")[1] == str(env)
    assert run["PWD"] == str(folder)
    assert (folder / "kept.txt").read_text(encoding="utf-8") == "mine\n"
    assert not list(env.glob("lib/*/site-packages/pip"))  # its virtualenv option passed on
    assert (env / ".project").read_text(encoding="utf-8").strip() == str(folder)
    assert f"Setting project for exist-{shell} to {folder}" in run.text()


@pytest.fixture(scope="module")
def outside_env(sb, wheel):
    """A real env made by virtualenv outside WORKON_HOME, with a package, a .project file, an
    env hook and a stray file."""
    env = sb.root / "elsewhere" / "outside env"
    made = subprocess.run(
        [sys.executable, "-m", "virtualenv", "-q", str(env)], env=sb.env, capture_output=True
    )
    assert made.returncode == 0, made.stderr
    pip = [str(env / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)]
    assert subprocess.run(pip, env=sb.env, capture_output=True).returncode == 0
    project = sb.root / "outside-project"
    project.mkdir()
    (env / ".project").write_text(f"{project}\n", encoding="utf-8")
    (env / "bin" / "postactivate").write_text("OUTSIDE_HOOK=ran\n", encoding="utf-8")
    (env / "bin" / "postactivate.fish").write_text("set -g OUTSIDE_HOOK ran\n", encoding="utf-8")
    (env / "stray.txt").write_text("stray\n", encoding="utf-8")
    return env, project


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_cpvirtualenv_copies_an_env_outside_workon_home_by_path(shell, sb, outside_env):
    env, project = outside_env
    name = f"copied-{shell}"
    before = sorted((env / "lib").rglob("*"))
    script = (
        f"cpvirtualenv {sb.q(shell, str(env))} {name}; rc cp\n"
        + "showvar VIRTUAL_ENV\nshowvar OUTSIDE_HOOK\n"
        + sb.py_show("PKG", 'importlib.util.find_spec("venvreg_e2e_pkg") is not None')
        + "deactivate\n"
    )
    run = sb.run(shell, script)
    assert run.rc("cp") == 0, run.describe()
    target = sb.workon_home / name
    assert run["VIRTUAL_ENV"] == str(target)
    assert run["PKG"] == "True"
    assert run["OUTSIDE_HOOK"] == "ran"  # the env's own hook came along
    assert f"Copying outside env as {name}..." in run.stderr  # as the work starts
    assert (target / ".project").read_text(encoding="utf-8").strip() == str(project)
    assert not (target / "stray.txt").exists()  # a rebuild, not a file copy
    shown = sb.cli("show", name)
    assert shown.returncode == 0 and str(target) in shown.stdout, shown
    # the source is untouched and still unknown to the registry
    assert sorted((env / "lib").rglob("*")) == before
    assert str(env) not in sb.cli("ls").stdout


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_cpvirtualenv_from_a_bad_path_makes_nothing(shell, sb):
    not_env = sb.root / f"not-an-env-{shell}"
    not_env.mkdir()
    missing = sb.root / "no such env"
    script = (
        f"cpvirtualenv {sb.q(shell, str(missing))} bad-one; rc missing\n"
        + f"cpvirtualenv {sb.q(shell, str(not_env))} bad-two; rc not_env\n"
        + "showvar VIRTUAL_ENV\n"
    )
    run = sb.run(shell, script)
    assert run.rc("missing") == 1 and run.rc("not_env") == 1, run.describe()
    lines = run.stderr.strip().splitlines()
    assert lines == [  # as in virtualenvwrapper, the copy is announced, then found impossible
        "Please provide a valid virtualenv to copy.",
        f"Copying {not_env.name} as bad-two...",
        f"venvreg: '{not_env}' is not a virtual environment (no pyvenv.cfg); nothing copied",
    ]
    assert run["VIRTUAL_ENV"] == "<unset>"
    for name in ("bad-one", "bad-two"):
        assert not (sb.workon_home / name).exists()
        assert name not in sb.cli("ls").stdout


def registry_rows(sb, name: str) -> str:
    """Every registry row of `name`, as status words ('' when there is none)."""
    query = sb.cli("registry", "query", f"select status from envs where name = '{name}'")
    assert query.returncode == 0, query.stderr
    return " ".join(query.stdout.split()[1:])  # after the header line


@pytest.fixture(scope="module")
def creator(sb):
    """A VIRTUALENVWRAPPER_VIRTUALENV that logs its folder and arguments, then runs virtualenv
    (or, as `failing-creator`, makes part of an env and fails)."""
    folder = sb.root / "creators"
    folder.mkdir()
    log = folder / "calls.log"
    for name, then in (
        ("creator", f'exec {sb.q("bash", sys.executable)} -m virtualenv "$@"'),
        ("failing-creator", 'mkdir -p "${@: -1}/lib"; echo "creator broke" >&2; exit 3'),
        ("idle-creator", "exit 0"),
    ):
        script = folder / name
        script.write_text(
            f'#!/bin/bash\nprintf \'%s|%s\\n\' "$PWD" "$*" >> {sb.q("bash", str(log))}\n{then}\n',
            encoding="utf-8",
        )
        script.chmod(0o755)
    return folder, log


def set_plain(shell: str, name: str, value: str) -> str:
    """A line setting a shell variable without exporting it (the functions must pass it on)."""
    if shell == "fish":
        return f"set -g {name} {value}\n"
    return f"{name}={value}\n"


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_virtualenvwrapper_virtualenv_program_makes_the_env(shell, sb, creator):
    folder, log = creator
    name = f"prog-{shell}"
    script = (
        set_plain(shell, "VIRTUALENVWRAPPER_VIRTUALENV", sb.q(shell, str(folder / "creator")))
        + set_plain(shell, "VIRTUALENVWRAPPER_VIRTUALENV_ARGS", "'--no-periodic-update -q'")
        + f"mkvirtualenv -p {sb.q(shell, sys.executable)} --without-pip {name}; rc mk\n"
        + "showvar VIRTUAL_ENV\ndeactivate\n"
    )
    log.unlink(missing_ok=True)
    run = sb.run(shell, script)
    assert run.rc("mk") == 0, run.describe()
    env = sb.workon_home / name
    assert run["VIRTUAL_ENV"] == str(env)
    # virtualenvwrapper's command line, run in WORKON_HOME
    calls = log.read_text(encoding="utf-8").splitlines()
    assert calls == [
        f"{sb.workon_home}|--no-periodic-update -q --python={sys.executable} --without-pip {name}"
    ]
    assert (env / "pyvenv.cfg").is_file() and not list(env.glob("lib/*/site-packages/pip"))
    assert registry_rows(sb, name) == "ready"


@pytest.mark.parametrize("shell", ALL_SHELLS)
@pytest.mark.parametrize("program", ("failing-creator", "idle-creator"))
def test_a_failing_virtualenvwrapper_virtualenv_leaves_nothing(shell, program, sb, creator):
    folder, _ = creator
    name = f"{program}-{shell}"
    script = (
        set_plain(shell, "VIRTUALENVWRAPPER_VIRTUALENV", sb.q(shell, str(folder / program)))
        + f"mkvirtualenv {name}; rc mk\nshowvar VIRTUAL_ENV\n"
    )
    run = sb.run(shell, script)
    assert run.rc("mk") == 1, run.describe()
    assert run["VIRTUAL_ENV"] == "<unset>"
    assert "Traceback" not in run.stderr
    if program == "failing-creator":
        assert "creator broke" in run.stderr
    else:
        assert "made no environment" in run.stderr
    assert not (sb.workon_home / name).exists()
    assert registry_rows(sb, name) == ""


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_unknown_options_are_passed_to_virtualenv(shell, sb):
    name = f"passed-{shell}"
    script = (
        set_plain(shell, "VIRTUALENVWRAPPER_VIRTUALENV_ARGS", "--no-setuptools")
        + f"mkvirtualenv --without-pip --copies --prompt hello {name}; rc mk\n"
        + "showvar VIRTUAL_ENV\ndeactivate\n"
        + "mkvirtualenv --no-such-option bad-opt; rc bad\n"
        + "mktmpenv --without-pip; rc tmp\nshowvar VIRTUAL_ENV\n"
    )
    run = sb.run(shell, script)
    assert run.rc("mk") == 0, run.describe()
    env = sb.workon_home / name
    assert run.all("VIRTUAL_ENV")[0] == str(env)
    assert not list(env.glob("lib/*/site-packages/pip"))
    assert not (env / "bin" / "python").is_symlink()  # --copies
    assert "hello" in (env / "bin" / "activate").read_text(encoding="utf-8")
    # an option virtualenv refuses: its own message, status 2, nothing made
    assert run.rc("bad") == 2
    assert "--no-such-option" in run.stderr and "Traceback" not in run.stderr
    assert not (sb.workon_home / "bad-opt").exists() and registry_rows(sb, "bad-opt") == ""
    # mktmpenv passes them on too
    assert run.rc("tmp") == 0, run.describe()
    tmp = run.all("VIRTUAL_ENV")[1]
    assert not list(Path(tmp).glob("lib/*/site-packages/pip"))


@pytest.mark.parametrize("shell", ALL_SHELLS)
@pytest.mark.parametrize(("backend", "option"), [("venv", "--no-setuptools"), ("uv", "--copies")])
def test_venv_and_uv_refuse_what_they_cannot_take(shell, backend, option, make_sandbox):
    box = make_sandbox(f"{backend}-backend")
    assert box.cli("config", "set", "backend", backend).returncode == 0
    script = (
        f"mkvirtualenv {option} refused-env; rc refused\n"
        + "mkvirtualenv --without-pip venv-env; rc ok\nshowvar VIRTUAL_ENV\ndeactivate\n"
    )
    run = box.run(shell, script)
    assert run.rc("refused") == 2, run.describe()
    assert (
        f"venvreg: the {backend} backend cannot take the virtualenv option '{option}'" in run.stderr
    )
    assert not (box.workon_home / "refused-env").exists()
    assert registry_rows(box, "refused-env") == ""
    assert run.rc("ok") == 0, run.describe()
    env = box.workon_home / "venv-env"
    assert run["VIRTUAL_ENV"] == str(env)
    assert not list(env.glob("lib/*/site-packages/pip"))
    cfg = (env / "pyvenv.cfg").read_text(encoding="utf-8")
    assert "\nvirtualenv =" not in cfg and ("\nuv =" in cfg) is (backend == "uv")


@pytest.mark.parametrize("shell", ALL_SHELLS)
@pytest.mark.parametrize("variable", sorted(DROPPED))
def test_a_dropped_variable_is_noticed_once(shell, variable, make_sandbox):
    box = make_sandbox("dropped")
    value = str(box.root / "some value")
    first = box.run(shell, "lsvirtualenv -b; rc one\nlsvirtualenv -b; rc two\n",
                    env={variable: value})  # fmt: skip
    assert first.rc("one") == 0 and first.rc("two") == 0, first.describe()
    notes = [line for line in first.stderr.splitlines() if variable in line]
    assert notes == [f"venvreg: note: {variable} is not used: {DROPPED[variable]} (shown once)"]
    again = box.run(shell, "lsvirtualenv -b; rc three\n", env={variable: value})
    assert again.rc("three") == 0 and variable not in again.stderr
    assert not Path(value).exists()  # nothing is made from its value


@pytest.fixture(scope="module")
def honoured(sb):
    """An env with a project named by .project and another by an alternative file name, and a
    hook folder of its own."""
    env = sb.plain_env("honoured")
    project = sb.root / "honoured-project"
    project.mkdir()
    (env / ".project").write_text(f"{project}\n", encoding="utf-8")
    alt = sb.root / "alt-project"
    alt.mkdir()
    (env / ".alt-project").write_text(f"{alt}\n", encoding="utf-8")
    hooks = sb.root / "own-hooks"
    hooks.mkdir()
    (hooks / "postactivate").write_text("HOOKED=from-hook-dir\n", encoding="utf-8")
    (hooks / "postactivate.fish").write_text("set -g HOOKED from-hook-dir\n", encoding="utf-8")
    (hooks / "postdeactivate").write_text(
        'LAST="$VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV"\n', encoding="utf-8"
    )
    (hooks / "postdeactivate.fish").write_text(
        "set -g LAST $VIRTUALENVWRAPPER_LAST_VIRTUAL_ENV\n", encoding="utf-8"
    )
    return env, project, alt, hooks


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_virtualenvwrapper_hook_dir_and_last_virtual_env(shell, sb, honoured):
    env, _, _, hooks = honoured
    script = (
        set_plain(shell, "VIRTUALENVWRAPPER_HOOK_DIR", sb.q(shell, str(hooks)))
        + "workon -n honoured; showvar HOOKED; deactivate; showvar LAST\n"
    )
    run = sb.run(shell, script)
    assert run["HOOKED"] == "from-hook-dir", run.describe()
    assert run["LAST"] == str(env)
    assert "note:" not in run.stderr


@pytest.mark.parametrize("shell", ALL_SHELLS)
@pytest.mark.parametrize("cd", ("0", "1"))
def test_virtualenvwrapper_workon_cd(shell, cd, sb, honoured):
    _, project, _, _ = honoured
    script = (
        set_plain(shell, "VIRTUALENVWRAPPER_WORKON_CD", cd) + "workon honoured; show PWD $PWD\n"
    )
    run = sb.run(shell, script, cwd=sb.root)
    assert run["PWD"] == (str(project) if cd == "1" else str(sb.root)), run.describe()


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_virtualenvwrapper_project_filename(shell, sb, honoured):
    _, _, alt, _ = honoured
    script = (
        set_plain(shell, "VIRTUALENVWRAPPER_PROJECT_FILENAME", ".alt-project")
        + "workon honoured; show PWD $PWD; cdproject; rc cdproject; show AFTER $PWD\n"
    )
    run = sb.run(shell, script, cwd=sb.root)
    assert run["PWD"] == str(alt), run.describe()
    assert run.rc("cdproject") == 0 and run["AFTER"] == str(alt)
