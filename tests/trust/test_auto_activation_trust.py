"""Auto-activation trusts only what the user made (issue 8, finding 8): a `.project` that an
adopted env brought along (a cloned repository's `.venv`) never makes a cd activate it nor
source its hooks; a link the user made through venvreg still does. Real envs, real shells with
auto_activate on (bash reads the script as an interactive shell, so PROMPT_COMMAND runs)."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trust import shell_sandbox
from venvreg.envdir.identity import identity_of
from venvreg.registry.schema import MIGRATIONS
from venvreg.registry.tables import database

# The real-shell fixtures of tests/shell, by name in this module.
make_sandbox = shell_sandbox.make_sandbox
virtualenv_app_data = shell_sandbox.virtualenv_app_data
ALL_SHELLS = shell_sandbox.ALL_SHELLS

per_shell = pytest.mark.parametrize("shell", ALL_SHELLS)


def _venv(path: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=120
    )
    return path


def _hostile_repo(sb: Any, label: str) -> tuple[Path, Path]:
    """A cloned repository whose `.venv` carries a .project naming $HOME and hooks that
    leave a SENTINEL behind when sourced or run."""
    repo = sb.home / "src" / f"cloned-{label}"
    (repo / ".git").mkdir(parents=True)
    (repo / "main.py").write_text("print('hi')\n")
    env = _venv(repo / ".venv")
    (env / ".project").write_text(f"{sb.home}\n")
    sentinel = sb.root / f"SENTINEL-{label}"
    for hook in ("postactivate", "postactivate.fish", "preactivate"):
        script = env / "bin" / hook
        script.write_text(f"#!/bin/sh\ntouch '{sentinel}'\n")
        script.chmod(0o755)
    return repo, sentinel


def _cli_ok(sb: Any, *args: str) -> subprocess.CompletedProcess[str]:
    result = sb.cli(*args)
    assert result.returncode == 0, (args, result.stderr)
    return result


def _run(sb: Any, shell: str, script: str, cwd: Path) -> Any:
    return sb.run(shell, script, cwd=cwd, interactive=shell == "bash")


def _projects_file(sb: Any) -> str:
    return (sb.workon_home / ".venvreg" / "projects").read_text(encoding="utf-8")


@per_shell
def test_an_adopted_envs_own_project_file_activates_nothing(shell: str, make_sandbox: Any) -> None:
    sb = make_sandbox(f"trust-auto-{shell}")
    repo, sentinel = _hostile_repo(sb, shell)
    _cli_ok(sb, "config", "set", "auto_activate", "true")
    _cli_ok(sb, "adopt", str(repo / ".venv"), "--name", "cloned")
    show = _cli_ok(sb, "project", "show", "cloned")
    assert show.stdout.strip() == str(sb.home)  # the link is known, and shown...
    assert "auto-activation does not follow this link" in show.stderr
    assert str(sb.home) not in _projects_file(sb)  # ...but auto-activation does not follow it
    q = lambda path: sb.q(shell, str(path))  # noqa: E731
    script = 'show START "$VIRTUAL_ENV"\n'
    for label, folder in (("home", sb.home), ("src", sb.home / "src"), ("repo", repo)):
        script += f'cd {q(folder)}\nshow VE_{label} "$VIRTUAL_ENV"\n'
    run = _run(sb, shell, script, cwd=sb.home)
    for label in ("START", "VE_home", "VE_src", "VE_repo"):
        assert run[label] == "", run.describe()
    assert not sentinel.exists(), run.describe()


@per_shell
def test_a_link_the_user_makes_is_followed_and_a_rewritten_project_file_is_not(
    shell: str, make_sandbox: Any
) -> None:
    sb = make_sandbox(f"trust-auto-user-{shell}")
    repo, sentinel = _hostile_repo(sb, shell)
    _cli_ok(sb, "config", "set", "auto_activate", "true")
    _cli_ok(sb, "adopt", str(repo / ".venv"), "--name", "cloned")
    _cli_ok(sb, "project", "set", "cloned", str(repo))  # the user says: this is its project
    (sb.home / "elsewhere").mkdir()
    q = lambda path: sb.q(shell, str(path))  # noqa: E731
    script = (
        f'cd {q(repo)}\nshow VE_repo "$VIRTUAL_ENV"\n'
        f'cd {q(sb.home / "elsewhere")}\nshow VE_elsewhere "$VIRTUAL_ENV"\n'
    )
    run = _run(sb, shell, script, cwd=sb.home)
    assert run["VE_repo"] == str(repo / ".venv"), run.describe()
    assert run["VE_elsewhere"] == "", run.describe()
    assert sentinel.exists()  # its hooks run: the user linked it by name
    sentinel.unlink()

    # A `git pull` rewrites the env's .project to name $HOME: the next listing sees the new
    # link, and auto-activation no longer follows anything of this env.
    (repo / ".venv" / ".project").write_text(f"{sb.home}\n")
    _cli_ok(sb, "ls")
    assert _projects_file(sb) == ""
    run = _run(sb, shell, f'cd {q(sb.home / "elsewhere")}\nshow VE "$VIRTUAL_ENV"\n', sb.home)
    assert run["VE"] == "", run.describe()
    assert not sentinel.exists(), run.describe()


@per_shell
def test_envs_venvreg_created_keep_their_links(shell: str, make_sandbox: Any) -> None:
    """mkvirtualenv -a and a found env linked with setvirtualenvproject: both followed; a found
    env's own .project is not."""
    sb = make_sandbox(f"trust-auto-own-{shell}")
    made, linked, brought = (sb.home / name for name in ("made", "linked", "brought"))
    for folder in (made, linked, brought):
        folder.mkdir()
    _cli_ok(sb, "config", "set", "auto_activate", "true")
    _cli_ok(sb, "create", "made-env", "--backend", "venv", "-a", str(made))
    found = sb.plain_env("found-env")
    (found / ".project").write_text(f"{brought}\n")  # there before venvreg saw it
    sb.plain_env("linked-env")
    q = lambda path: sb.q(shell, str(path))  # noqa: E731
    script = (
        f'workon linked-env\nsetvirtualenvproject "$VIRTUAL_ENV" {q(linked)}\ndeactivate\n'
        f'cd {q(made)}\nshow VE_made "$VIRTUAL_ENV"\n'
        f'cd {q(linked)}\nshow VE_linked "$VIRTUAL_ENV"\n'
        f'cd {q(brought)}\nshow VE_brought "$VIRTUAL_ENV"\n'
    )
    run = _run(sb, shell, script, cwd=sb.root)
    assert run["VE_made"] == str(sb.workon_home / "made-env"), run.describe()
    assert run["VE_linked"] == str(sb.workon_home / "linked-env"), run.describe()
    assert run["VE_brought"] == "", run.describe()


def test_a_copy_keeps_the_trust_of_its_source_and_a_hand_edit_drops_it(make_sandbox: Any) -> None:
    """`venvreg copy` of an adopted env does not turn the link it brought along into one the
    user made; a copy of a linked env stays linked. A .project edited by hand (not through
    venvreg) is not followed, even in an env venvreg created."""
    sb = make_sandbox("trust-auto-copy")
    repo, _ = _hostile_repo(sb, "copy")
    mine = sb.home / "mine"
    mine.mkdir()
    _cli_ok(sb, "config", "set", "auto_activate", "true")
    _cli_ok(sb, "adopt", str(repo / ".venv"), "--name", "cloned")
    _cli_ok(sb, "create", "linked", "--backend", "venv", "-a", str(mine))
    _cli_ok(sb, "copy", "cloned", "cloned-copy")
    _cli_ok(sb, "copy", "linked", "linked-copy")
    assert _cli_ok(sb, "project", "show", "cloned-copy").stdout.strip() == str(sb.home)
    pairs = _projects_file(sb).splitlines()
    assert sorted(zip(pairs[::2], pairs[1::2], strict=True)) == [
        (str(mine), "linked"),
        (str(mine), "linked-copy"),
    ]

    (sb.workon_home / "linked" / ".project").write_text(f"{sb.home}\n")  # by hand
    _cli_ok(sb, "ls")
    pairs = _projects_file(sb).splitlines()
    assert list(zip(pairs[::2], pairs[1::2], strict=True)) == [(str(mine), "linked-copy")]

    # rm then restore: the link the user made is still theirs
    _cli_ok(sb, "rm", "linked-copy", "--yes")
    assert _projects_file(sb) == ""
    _cli_ok(sb, "restore", "linked-copy")
    assert _projects_file(sb) == f"{mine}\nlinked-copy\n"


def test_upgrading_a_registry_keeps_the_links_of_created_envs_only(
    workon_home: Path, cli: Any, tmp_path: Path
) -> None:
    """Migration 3 on a schema-2 registry: the links of envs venvreg created are the user's
    (they were made with create -a or project set); an adopted env's link is not."""
    made_project, brought_project = tmp_path / "made-project", tmp_path / "brought-project"
    made_project.mkdir()
    brought_project.mkdir()
    made = _venv(workon_home / "made")
    adopted = _venv(tmp_path / "repo" / ".venv")
    for env, project in ((made, made_project), (adopted, brought_project)):
        (env / ".project").write_text(f"{project}\n")
    state = workon_home / ".venvreg"
    state.mkdir()
    conn = sqlite3.connect(state / "registry.sqlite3")
    for migration in MIGRATIONS[:2]:
        migration(database(conn))
    conn.execute("PRAGMA user_version = 2")
    for name, env, origin, project in (
        ("made", made, "created", made_project),
        ("brought", adopted, "adopted", brought_project),
    ):
        conn.execute(
            "INSERT INTO envs (name, name_key, path, origin, created_at, project_path, identity)"
            " VALUES (?, ?, ?, ?, 0, ?, ?)",
            (name, name, str(env), origin, str(project), identity_of(str(env))),
        )
    conn.commit()
    conn.close()
    assert cli("config", "set", "auto_activate", "true").returncode == 0
    listed = cli("ls")
    assert listed.returncode == 0, listed.stderr
    assert (state / "projects").read_text() == f"{made_project}\nmade\n"
