"""Moving from virtualenvwrapper: a WORKON_HOME made by virtualenvwrapper 6.x itself (installed
from PyPI into a venv of this test), with envs, a project made by `mkvirtualenv -a`, one by
`mkproject`, and the user's own lines in the hook files it created. Then the rc line is swapped
for venvreg's: every env is listed, `workon` of each activates it and runs the user's hooks,
and completion offers every name."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from shells import POSIX_SHELLS, require_shell

pytestmark = pytest.mark.slow

NAMES = ("alpha", "beta", "gamma")


@pytest.fixture(scope="module")
def virtualenvwrapper(tmp_path_factory) -> Path:
    """A venv holding virtualenvwrapper 6.x and its virtualenv, from PyPI."""
    venv = tmp_path_factory.mktemp("vew") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    install = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q",
         "--disable-pip-version-check", "virtualenvwrapper>=6,<7"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    assert (venv / "bin" / "virtualenvwrapper.sh").is_file()
    return venv


@pytest.fixture(scope="module")
def migrated(make_sandbox, virtualenvwrapper):
    """The sandbox, after virtualenvwrapper made its envs and the user filled in its hooks."""
    sb = make_sandbox("migration")
    projects = sb.root / "projects"
    projects.mkdir()
    linked = sb.root / "beta-project"
    linked.mkdir()
    log = sb.root / "hooks.log"
    vew = virtualenvwrapper / "bin"
    q = lambda value: sb.q("bash", str(value))  # noqa: E731
    script = (
        f"export PROJECT_HOME={q(projects)} VIRTUALENVWRAPPER_PYTHON={q(vew / 'python')}\n"
        f"export PATH={q(vew)}:$PATH\n"
        f"source {q(vew / 'virtualenvwrapper.sh')} || exit 11\n"
        "mkvirtualenv alpha || exit 12\ndeactivate\n"
        f"mkvirtualenv -a {q(linked)} beta || exit 13\ndeactivate\n"
        "mkproject gamma || exit 14\ndeactivate\n"
    )
    made = subprocess.run(
        [require_shell("bash"), "--norc", "--noprofile", "-c", script],
        capture_output=True, text=True, env=sb.env, cwd=str(sb.home), timeout=600,
    )  # fmt: skip
    assert made.returncode == 0, made.stdout + made.stderr
    home = sb.workon_home
    # virtualenvwrapper's own stock hook files, which the user then fills in
    for hook in ("postactivate", "predeactivate", "preactivate", "postmkvirtualenv"):
        assert (home / hook).is_file(), f"virtualenvwrapper made no {hook}"
    for name in NAMES:
        assert (home / name / "bin" / "postactivate").is_file()
    with open(home / "preactivate", "a", encoding="utf-8") as handle:
        handle.write(f'echo "preactivate $1" >> {q(log)}\n')
    with open(home / "postactivate", "a", encoding="utf-8") as handle:
        handle.write('MIGRATED_GLOBAL="post:$(basename "$VIRTUAL_ENV")"\n')
    for name in NAMES:
        with open(home / name / "bin" / "postactivate", "a", encoding="utf-8") as handle:
            handle.write(f"export MIGRATED_ENV={name}\nmigrated_fn() {{ echo {name}; }}\n")
        with open(home / name / "bin" / "predeactivate", "a", encoding="utf-8") as handle:
            handle.write("unset MIGRATED_ENV\n")
    sb.projects, sb.linked, sb.log = projects, linked, log
    return sb


@pytest.mark.parametrize("shell", POSIX_SHELLS)
def test_a_virtualenvwrapper_home_works_after_the_rc_line_is_swapped(shell, migrated):
    sb = migrated
    sb.log.unlink(missing_ok=True)
    script = "lsvirtualenv -b; rc ls\n"
    for name in NAMES:
        script += (
            f"cd /; workon {name}; rc w_{name}\n"
            f'show VE_{name} "$VIRTUAL_ENV"; show G_{name} "$MIGRATED_GLOBAL"\n'
            f'show E_{name} "$MIGRATED_ENV"; show PWD_{name} "$PWD"\n'
            f'show FN_{name} "$(migrated_fn)"\n'
            f'deactivate; show AFTER_{name} "${{MIGRATED_ENV-unset}}"\n'
        )
    if shell == "bash":
        script += 'COMP_WORDS=(workon ""); COMP_CWORD=1; __venvreg_complete_envs\n'
        script += 'show COMP "${COMPREPLY[*]}"\n'
    else:
        script += '__venvreg_env_names; show COMP "${(j: :)reply}"\n'
    run = sb.run(shell, script, source="eval", env={"PROJECT_HOME": str(sb.projects)})
    assert run.rc("ls") == 0, run.describe()
    assert [line for line in run.text().splitlines() if line in NAMES] == list(NAMES)
    projects = {"alpha": "/", "beta": str(sb.linked), "gamma": str(sb.projects / "gamma")}
    for name in NAMES:
        assert run.rc(f"w_{name}") == 0, run.describe()
        assert run[f"VE_{name}"] == str(sb.workon_home / name)
        assert run[f"G_{name}"] == f"post:{name}"  # the global postactivate, sourced
        assert run[f"E_{name}"] == name  # the env's own postactivate, sourced
        assert run[f"FN_{name}"] == name  # a function the hook defined
        assert run[f"AFTER_{name}"] == "unset"  # the env's predeactivate ran
        assert run[f"PWD_{name}"] == projects[name]  # .project files were read
    assert sb.log.read_text(encoding="utf-8").splitlines() == [
        f"preactivate {name}" for name in NAMES
    ]
    assert sorted(run["COMP"].split()) == list(NAMES)
    assert "Traceback" not in run.stderr
