"""An environment's boundary (issue 8, findings 1 and 6): an env made inside a project with
`python -m venv .` is seen as more than an env by scan and adopt, and rm, purge and restore
touch only the entries a venv tool made; adopt refuses what scan does not call an env, with
scan's reason, and writes nothing into it.

Everything is real: `git init` and a commit, `python -m venv`, the CLI as a subprocess.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from cli.conftest import BASE_PYTHON, snapshot_tree

Cli = Callable[..., subprocess.CompletedProcess[str]]
GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.invalid"]


def git(folder: Path, *args: str) -> str:
    result = subprocess.run(
        [*GIT, *args], cwd=folder, capture_output=True, text=True, check=True, timeout=60
    )
    return result.stdout


def git_project(isolated: Path) -> Path:
    """~/src/app: a git project with one commit of main.py."""
    app = isolated / "src" / "app"
    app.mkdir(parents=True)
    (app / "main.py").write_text("print('hello from app')\n", encoding="utf-8")
    git(app, "init", "-q")
    git(app, "add", "main.py")
    git(app, "commit", "-q", "-m", "first")
    return app


@pytest.fixture
def project_env(isolated: Path) -> Path:
    """~/src/app: a git project (one commit of main.py), then `python -m venv .` run in it."""
    app = git_project(isolated)
    subprocess.run(
        [str(BASE_PYTHON), "-m", "venv", "--without-pip", "."], cwd=app, check=True, timeout=120
    )
    assert (app / "pyvenv.cfg").is_file() and (app / "bin" / "python").exists()
    return app


def project_files(app: Path) -> dict[str, tuple[Any, ...]]:
    """Everything in the project that no venv tool made: main.py and the whole .git tree."""
    return {**snapshot_tree(app / ".git"), **snapshot_tree(app / "main.py")}


def scan_entry(cli: Cli, root: Path, path: Path) -> dict[str, Any]:
    result = cli("scan", str(root), "--json")
    assert result.returncode == 0, result.stderr
    found = {env["path"]: env for env in json.loads(result.stdout)["environments"]}
    return found[str(path)]  # type: ignore[no-any-return]


def test_scan_and_adopt_say_a_project_folder_is_more_than_an_env(
    cli: Cli, project_env: Path
) -> None:
    entry = scan_entry(cli, project_env.parent, project_env)
    assert entry["foreign_entries"] == [".git", "main.py"]
    table = cli("scan", str(project_env.parent))
    assert "holds more than an environment (.git, main.py)" in table.stdout

    adopted = cli("adopt", str(project_env))
    assert adopted.returncode == 0, adopted.stderr
    assert "holds more than an environment (.git, main.py)" in adopted.stderr
    assert sorted(os.listdir(project_env)) == sorted(
        [".git", "main.py", "bin", "include", "lib", "lib64", "pyvenv.cfg"]
    ), "adopt wrote into the project folder"


def test_purge_of_an_env_made_in_a_git_project_keeps_the_project(
    cli: Cli, project_env: Path
) -> None:
    before = project_files(project_env)
    assert cli("adopt", str(project_env)).returncode == 0
    removed = cli("rm", "app", "--purge", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert "deleted 'app' for good" in removed.stderr
    assert project_files(project_env) == before  # .git and main.py: not one byte moved
    assert sorted(os.listdir(project_env)) == [".git", "main.py"]  # the env itself is gone
    assert git(project_env, "log", "--format=%s") == "first\n"
    assert git(project_env, "status", "--porcelain") == ""
    assert cli("trash", "list", "--json").stdout.strip() == "[]"


def test_rm_then_restore_gives_back_a_working_env_in_the_project(
    cli: Cli, project_env: Path, workon_home: Path
) -> None:
    before = project_files(project_env)
    assert cli("adopt", str(project_env)).returncode == 0
    confirm = cli("rm", "app")  # no terminal: lists what it would do, removes nothing
    assert confirm.returncode == 1
    assert "only the env's own entries" in confirm.stderr and "main.py" in confirm.stderr

    removed = cli("rm", "app", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert "the rest of its folder stays" in removed.stderr
    assert sorted(os.listdir(project_env)) == [".git", "main.py"]
    assert project_files(project_env) == before
    (entry,) = json.loads(cli("trash", "list", "--json").stdout)
    assert entry["kind"] == "entries"
    trashed = workon_home / ".venvreg" / "trash" / entry["id"] / "env"
    assert sorted(os.listdir(trashed)) == ["bin", "include", "lib", "lib64", "pyvenv.cfg"]

    restored = cli("restore", "app")
    assert restored.returncode == 0, restored.stderr
    assert project_files(project_env) == before
    ran = subprocess.run(
        [str(project_env / "bin" / "python"), "-c", "import sys; print(sys.prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert ran.stdout.strip() == str(project_env)
    shown = cli("show", "app", "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["path"] == str(project_env)
    assert cli("trash", "list", "--json").stdout.strip() == "[]"
    assert git(project_env, "log", "--format=%s") == "first\n"


def test_restore_refuses_when_an_env_entry_is_back_in_the_project(
    cli: Cli, project_env: Path
) -> None:
    assert cli("adopt", str(project_env)).returncode == 0
    assert cli("rm", "app", "--yes").returncode == 0
    (project_env / "bin").mkdir()
    (project_env / "bin" / "tool").write_text("mine\n", encoding="utf-8")
    refused = cli("restore", "app")
    assert refused.returncode == 1
    assert "holds bin again; refusing to overwrite it" in refused.stderr
    assert (project_env / "bin" / "tool").read_text(encoding="utf-8") == "mine\n"
    assert len(json.loads(cli("trash", "list", "--json").stdout)) == 1  # still restorable


def test_rebuild_refuses_an_env_made_in_a_project(cli: Cli, project_env: Path) -> None:
    before = project_files(project_env)
    assert cli("adopt", str(project_env)).returncode == 0
    refused = cli("rebuild", "app")
    assert refused.returncode == 1
    assert "cannot be rebuilt in place" in refused.stderr
    assert "holds more than an environment (.git, main.py)" in refused.stderr
    assert project_files(project_env) == before
    assert (project_env / "pyvenv.cfg").is_file()


def test_a_project_gitignore_and_eclipse_project_file_stay_with_the_project(
    cli: Cli, project_env: Path
) -> None:
    (project_env / ".gitignore").write_text("*.pyc\n", encoding="utf-8")
    (project_env / ".project").write_text("<?xml version='1.0'?>\n<projectDescription/>\n")
    assert cli("adopt", str(project_env), "--name", "app").returncode == 0
    assert cli("rm", "app", "--purge", "--yes").returncode == 0
    assert sorted(os.listdir(project_env)) == [".git", ".gitignore", ".project", "main.py"]
    assert (project_env / ".gitignore").read_text(encoding="utf-8") == "*.pyc\n"


def test_adopt_refuses_a_lone_pyvenv_cfg_with_scans_reason(
    cli: Cli, isolated: Path, row: Callable[[str], dict[str, Any] | None]
) -> None:
    folder = isolated / "notes"
    folder.mkdir()
    (folder / "pyvenv.cfg").write_text(f"home = {BASE_PYTHON.parent}\n", encoding="utf-8")
    (folder / "notes.txt").write_text("my notes\n", encoding="utf-8")
    before = snapshot_tree(folder)

    scanned = cli("scan", str(isolated), "--json")
    assert scanned.returncode == 0, scanned.stderr
    assert json.loads(scanned.stdout)["environments"] == []
    refused = cli("adopt", str(folder))
    assert refused.returncode == 1
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert "is not a virtual environment: a pyvenv.cfg without bin, Scripts or lib" in (
        refused.stderr
    )
    assert snapshot_tree(folder) == before  # no .project, nothing else
    assert row("notes") is None


def test_adopt_refuses_an_env_inside_site_packages(
    cli: Cli, isolated: Path, plain_venv: Callable[[Path], Path]
) -> None:
    host = plain_venv(isolated / "host")
    (site,) = (host / "lib").glob("python*/site-packages")
    package = site / "somepkg"
    (package / "tests").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "setup.py").write_text("", encoding="utf-8")  # a project marker above the env
    fixture = plain_venv(package / "tests" / "fixture_env")
    before = snapshot_tree(site)

    refused = cli("adopt", str(fixture))
    assert refused.returncode == 1
    assert "is not a virtual environment: it is inside a site-packages folder" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert snapshot_tree(site) == before  # no .project written into the installed package
    listed = cli("ls", "--json")
    assert all(env["path"] != str(fixture) for env in json.loads(listed.stdout))


def test_env_entries_of_a_plain_env_are_all_its_own(
    isolated: Path, plain_venv: Callable[[Path], Path]
) -> None:
    """The boundary never calls a plain env's own entries foreign (else every rm would leave
    half an env behind); it runs in the CLI's interpreter, as core does."""
    env = plain_venv(isolated / "plain")
    code = (
        "import sys\nfrom venvreg.envdir.boundary import foreign_entries, own_entries\n"
        "print(foreign_entries(sys.argv[1], None), own_entries(sys.argv[1]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(env)], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[] ['bin', 'include', 'lib', 'lib64', 'pyvenv.cfg']"


def bash(script: str) -> subprocess.CompletedProcess[str]:
    """`script` in a real bash that sourced venvreg's function file (the CLI of this test
    interpreter first on PATH)."""
    path_file = subprocess.run(
        [sys.executable, "-m", "venvreg", "init", "bash", "--path"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    environment = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}/usr/bin{os.pathsep}/bin",
    }
    return subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", f"source '{path_file}'\n{script}"],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
    )


@pytest.mark.parametrize("where", ["adopted", "found"])
def test_deactivate_keeps_an_env_that_merely_holds_the_tmpenv_marker(
    cli: Cli,
    isolated: Path,
    workon_home: Path,
    env_in_home: Callable[[str], Path],
    plain_venv: Callable[[Path], Path],
    where: str,
) -> None:
    """An old virtualenvwrapper temp env a user kept (README.tmpenv in it), adopted from a
    project or found in WORKON_HOME: deactivate never deletes it."""
    if where == "adopted":
        env = plain_venv(isolated / "src" / "kept" / ".venv")
        assert cli("adopt", str(env), "--name", "kept").returncode == 0
    else:
        env = env_in_home("kept")
    (env / "README.tmpenv").write_text("This is a temporary environment.\n", encoding="utf-8")
    before = snapshot_tree(env)

    run = bash('workon kept || exit 9\ndeactivate\necho "rc=$?"\n')
    assert run.returncode == 0, run.stderr
    assert "rc=0" in run.stdout
    assert "did not make it with mktmpenv" in run.stderr
    assert snapshot_tree(env) == before
    assert [e["name"] for e in json.loads(cli("ls", "--json").stdout)] == ["kept"]
    assert json.loads(cli("trash", "list", "--json").stdout) == []


def test_deactivate_deletes_a_mktmpenv_env_but_only_its_own_entries(
    cli: Cli, workon_home: Path
) -> None:
    run = bash(
        "mktmpenv --python=" + str(BASE_PYTHON) + " >/dev/null || exit 9\n"
        'echo "env=$VIRTUAL_ENV"\n'
        'echo "my notes" > "$VIRTUAL_ENV/notes.txt"\n'
        "deactivate\n"
        'echo "rc=$?"\n'
    )
    assert run.returncode == 0, run.stderr
    env = Path(run.stdout.split("env=", 1)[1].splitlines()[0])
    assert env.parent == workon_home and env.name.startswith("tmp-")
    assert "rc=0" in run.stdout
    assert f"Removing temporary environment: {env.name}" in run.stdout + run.stderr
    assert sorted(os.listdir(env)) == ["notes.txt"]  # the user's file stays, the env is gone
    assert (env / "notes.txt").read_text(encoding="utf-8") == "my notes\n"
    assert json.loads(cli("ls", "--json").stdout) == []


def test_prune_of_a_broken_env_in_a_project_keeps_the_project(cli: Cli, workon_home: Path) -> None:
    """A project folder in WORKON_HOME where someone ran `python -m venv .` (found, not
    adopted, so prune takes it with --yes): prune moves only the env's own entries."""
    app = workon_home / "app"
    app.mkdir(parents=True)
    (app / "main.py").write_text("print('hello from app')\n", encoding="utf-8")
    git(app, "init", "-q")
    git(app, "add", "main.py")
    git(app, "commit", "-q", "-m", "first")
    subprocess.run(
        [str(BASE_PYTHON), "-m", "venv", "--without-pip", "."], cwd=app, check=True, timeout=120
    )
    before = project_files(app)
    assert [e["name"] for e in json.loads(cli("ls", "--json").stdout)] == ["app"]
    python = app / "bin" / "python"
    python.unlink()
    python.symlink_to(app / "no-such-python")  # dangling: the env is broken
    pruned = cli("prune", "--broken", "--yes")
    assert pruned.returncode == 0, pruned.stderr
    assert project_files(app) == before
    assert sorted(os.listdir(app)) == [".git", "main.py"]
    assert git(app, "log", "--format=%s") == "first\n"
    (entry,) = json.loads(cli("trash", "list", "--json").stdout)
    assert entry["name"] == "app" and entry["kind"] == "entries"


def test_a_conda_env_is_all_its_own(cli: Cli, workon_home: Path) -> None:
    """conda manages its whole prefix (ssl, compiler_compat, ... beside bin): none of it is
    foreign, so scan notes nothing and rm moves the whole folder."""
    from scan.trees import conda_env

    env = conda_env(workon_home / "data")
    for extra in ("ssl", "compiler_compat", "x86_64-conda-linux-gnu"):
        (env / extra).mkdir()
    assert scan_entry(cli, workon_home, env)["foreign_entries"] == []
    removed = cli("rm", "data", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert not os.path.lexists(env)
    (entry,) = json.loads(cli("trash", "list", "--json").stdout)
    assert entry["kind"] == "folder" and entry["restorable"] is True


def test_wipe_of_an_env_made_in_a_git_project_keeps_the_project(
    cli: Cli, isolated: Path, local_index: dict[str, str]
) -> None:
    """wipe uninstalls with the env's own pip: the packages go, the project stays as it was."""
    app = git_project(isolated)
    subprocess.run([str(BASE_PYTHON), "-m", "venv", "."], cwd=app, check=True, timeout=300)
    subprocess.run(
        [str(app / "bin" / "python"), "-m", "pip", "install", "-q", "vrdemoalpha"],
        check=True,
        env={**os.environ, **local_index},
        timeout=300,
    )
    before = project_files(app)
    assert cli("adopt", str(app)).returncode == 0
    wiped = cli("wipe", "app", "--yes", env=local_index)
    assert wiped.returncode == 0, wiped.stderr
    assert "vrdemoalpha" in wiped.stderr
    assert project_files(app) == before
    assert git(app, "status", "--porcelain", "--untracked-files=no") == ""
    assert git(app, "log", "--format=%s") == "first\n"
    (site,) = (app / "lib").glob("python*/site-packages")
    assert not list(site.glob("vrdemoalpha*"))
    assert sorted(os.listdir(app)) == sorted(
        [".git", "main.py", "bin", "include", "lib", "lib64", "pyvenv.cfg"]
    )
