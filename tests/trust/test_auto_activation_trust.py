"""Auto-activation trusts only what the user made (issue 8, finding 8): a `.project` that an
adopted env brought along (a cloned repository's `.venv`) never makes a cd activate it nor
source its hooks; a link the user made through venvreg still does. Real envs, real shells with
auto_activate on (bash reads the script as an interactive shell, so PROMPT_COMMAND runs)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trust import shell_sandbox

# The real-shell fixtures of tests/shell, by name in this module.
make_sandbox = shell_sandbox.make_sandbox
virtualenv_app_data = shell_sandbox.virtualenv_app_data
ALL_SHELLS = shell_sandbox.ALL_SHELLS

pytestmark = pytest.mark.parametrize("shell", ALL_SHELLS)


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


def test_an_adopted_envs_own_project_file_activates_nothing(shell: str, make_sandbox: Any) -> None:
    sb = make_sandbox(f"trust-auto-{shell}")
    repo, sentinel = _hostile_repo(sb, shell)
    _cli_ok(sb, "config", "set", "auto_activate", "true")
    _cli_ok(sb, "adopt", str(repo / ".venv"), "--name", "cloned")
    show = _cli_ok(sb, "project", "show", "cloned")
    assert show.stdout.strip() == str(sb.home)  # the link is known, and shown...
    assert str(sb.home) not in _projects_file(sb)  # ...but auto-activation does not follow it
    q = lambda path: sb.q(shell, str(path))  # noqa: E731
    script = 'show START "$VIRTUAL_ENV"\n'
    for label, folder in (("home", sb.home), ("src", sb.home / "src"), ("repo", repo)):
        script += f'cd {q(folder)}\nshow VE_{label} "$VIRTUAL_ENV"\n'
    run = _run(sb, shell, script, cwd=sb.home)
    for label in ("START", "VE_home", "VE_src", "VE_repo"):
        assert run[label] == "", run.describe()
    assert not sentinel.exists(), run.describe()


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
