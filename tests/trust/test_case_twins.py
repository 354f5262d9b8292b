"""Case twins (issue 8, finding 5): a virtualenvwrapper WORKON_HOME on a case-sensitive disk
holds `oldenv` (with a project) and `OldEnv`, both real envs. Names are unique in the registry
after case folding, so one of them is a twin that cannot be indexed: it is listed with a note,
`workon` of its exact name activates it, a name matching both after case folding is refused as
ambiguous, no command ever acts on the other twin, and a new twin cannot be created."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trust import shell_sandbox

make_sandbox = shell_sandbox.make_sandbox
virtualenv_app_data = shell_sandbox.virtualenv_app_data
ALL_SHELLS = shell_sandbox.ALL_SHELLS


def _venv(path: Path) -> Path:
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(path)], check=True, timeout=120
    )
    return path


def _twins(workon_home: Path, project: Path, registered_first: str) -> dict[str, Path]:
    """`OldEnv` and `oldenv` (whose .project names `project`); `registered_first` is indexed by a
    listing before the other folder appears, as when virtualenv made it after venvreg came."""
    other = "oldenv" if registered_first == "OldEnv" else "OldEnv"
    paths = {name: workon_home / name for name in ("OldEnv", "oldenv")}
    _venv(paths[registered_first])
    ls = subprocess.run(
        [sys.executable, "-m", "venvreg", "ls"], capture_output=True, text=True, timeout=120
    )
    assert ls.returncode == 0, ls.stderr
    _venv(paths[other])
    project.mkdir(exist_ok=True)
    (paths["oldenv"] / ".project").write_text(f"{project}\n")
    return paths


@pytest.fixture(params=["OldEnv", "oldenv"], ids=["OldEnv-indexed", "oldenv-indexed"])
def twins(request: Any, workon_home: Path, tmp_path: Path) -> dict[str, Any]:
    paths = _twins(workon_home, tmp_path / "project", request.param)
    other = "oldenv" if request.param == "OldEnv" else "OldEnv"
    return {"paths": paths, "indexed": request.param, "twin": other}


def _both_intact(paths: dict[str, Path]) -> None:
    for path in paths.values():
        assert (path / "pyvenv.cfg").is_file(), path


def test_ls_lists_both_with_a_note(twins: dict[str, Any], cli: Any) -> None:
    result = cli("ls")
    assert result.returncode == 0, result.stderr
    names = [line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()]
    assert sorted(names) == ["OldEnv", "oldenv"], result.stdout
    twin_line = next(line for line in result.stdout.splitlines() if line.startswith(twins["twin"]))
    assert f"case twin of '{twins['indexed']}'" in twin_line
    assert f"note: '{twins['twin']}' is a case twin of '{twins['indexed']}'" in result.stderr
    brief = cli("ls", "-b")
    assert brief.returncode == 0 and sorted(brief.stdout.split()) == ["OldEnv", "oldenv"]


def test_twins_are_listed_while_workon_home_is_unchanged(
    twins: dict[str, Any], cli: Any, workon_home: Path
) -> None:
    """Once WORKON_HOME has settled, its folder's time no longer sends a listing to read it
    again; the twin, kept among the folders each listing looks at again, is still listed."""
    old = workon_home.stat().st_mtime - 60
    os.utime(workon_home, (old, old))
    for _ in range(2):  # the first listing records the settled time, the second finds it
        result = cli("ls", "--json")
        assert result.returncode == 0, result.stderr
        assert [env["name"] for env in json.loads(result.stdout)] == [twins["indexed"]]
        assert f"note: '{twins['twin']}' is a case twin of '{twins['indexed']}'" in result.stderr
    brief = cli("ls", "-b")
    assert sorted(brief.stdout.split()) == ["OldEnv", "oldenv"], brief.stdout


def test_show_and_rm_never_act_on_the_other_twin(twins: dict[str, Any], cli: Any) -> None:
    indexed, twin = twins["indexed"], twins["twin"]
    shown = cli("show", indexed, "--json")
    assert shown.returncode == 0, shown.stderr
    assert Path(json.loads(shown.stdout)["path"]) == twins["paths"][indexed]

    for command in (["show", twin], ["rm", twin, "--yes"], ["freeze", twin]):
        result = cli(*command)
        assert result.returncode == 1, (command, result.stderr)
        assert "Traceback" not in result.stderr
        assert f"'{twin}' is not indexed" in result.stderr and f"'{indexed}'" in result.stderr
        _both_intact(twins["paths"])

    for command in (["show", "OLDENV"], ["rm", "OLDENV", "--yes"], ["project", "show", "OLDENV"]):
        result = cli(*command)
        assert result.returncode == 1, (command, result.stderr)
        assert "ambiguous" in result.stderr
        assert "'OldEnv'" in result.stderr and "'oldenv'" in result.stderr
        _both_intact(twins["paths"])


def test_a_new_twin_cannot_be_created(twins: dict[str, Any], cli: Any, workon_home: Path) -> None:
    result = cli("create", "OLDENV", "--backend", "venv")
    assert result.returncode == 2, result.stderr
    assert "'OLDENV'" in result.stderr and "case folding" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in workon_home.iterdir() if not p.name.startswith(".")) == [
        "OldEnv",
        "oldenv",
    ]


def test_removing_the_indexed_twin_leaves_the_other_which_is_then_indexed(
    twins: dict[str, Any], cli: Any, rows: Any
) -> None:
    indexed, twin = twins["indexed"], twins["twin"]
    result = cli("rm", indexed, "--yes")
    assert result.returncode == 0, result.stderr
    assert not twins["paths"][indexed].exists()
    assert (twins["paths"][twin] / "pyvenv.cfg").is_file()
    listed = cli("ls", "-b")
    assert listed.stdout.split() == [twin]
    assert [row["name"] for row in rows()] == [twin]


# --- the shell functions ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def twin_sandbox(make_sandbox: Any) -> Any:
    sb = make_sandbox("case-twins")
    sb.plain_env("OldEnv")
    assert sb.cli("ls").returncode == 0  # OldEnv is indexed; oldenv comes later
    sb.plain_env("oldenv")
    sb.project = sb.root / "oldproject"
    sb.project.mkdir()
    (sb.workon_home / "oldenv" / ".project").write_text(f"{sb.project}\n")
    return sb


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_workon_lsvirtualenv_and_completion_agree(shell: str, twin_sandbox: Any) -> None:
    sb = twin_sandbox
    script = (
        "workon oldenv; rc exact_lower\n"
        'show VE_lower "$VIRTUAL_ENV"\n'
        'show PWD_lower "$PWD"\n'
        "workon OldEnv; rc exact_upper\n"
        'show VE_upper "$VIRTUAL_ENV"\n'
        "workon OLDENV; rc ambiguous\n"
        'show VE_after "$VIRTUAL_ENV"\n'
        "deactivate\n"
        "lsvirtualenv -b; rc ls_brief\n"
    )
    run = sb.run(shell, script, cwd=sb.root)
    assert run.rc("exact_lower") == 0, run.describe()
    assert run["VE_lower"] == str(sb.workon_home / "oldenv")
    assert run["PWD_lower"] == str(sb.project)  # its own project, not OldEnv's (none)
    assert run.rc("exact_upper") == 0
    assert run["VE_upper"] == str(sb.workon_home / "OldEnv")
    assert run.rc("ambiguous") == 1
    assert run["VE_after"] == str(sb.workon_home / "OldEnv")  # left as it was
    assert "'OLDENV' is ambiguous" in run.stderr
    assert "'OldEnv'" in run.stderr and "'oldenv'" in run.stderr
    assert run.rc("ls_brief") == 0
    listed = [line for line in run.text().splitlines() if line in ("OldEnv", "oldenv")]
    assert sorted(listed) == ["OldEnv", "oldenv"], run.describe()
    assert "oldenv (case twin of 'OldEnv'" in run.stderr

    long_run = sb.run(shell, "lsvirtualenv\n", cwd=sb.root)
    text = long_run.text()
    assert "OldEnv\n======" in text and "oldenv\n======" in text, long_run.describe()
    assert "(case twin of 'OldEnv': not indexed by venvreg" in text

    assert sb.cli("ls").returncode == 0  # the names file completion reads is rewritten
    names = (sb.workon_home / ".venvreg" / "names").read_text().split("\n")
    assert "OldEnv" in names and "oldenv" in names


def test_bash_completion_offers_both(twin_sandbox: Any) -> None:
    sb = twin_sandbox
    script = (
        "COMP_WORDS=(workon old); COMP_CWORD=1; __venvreg_complete_envs\n"
        'show LOWER "${COMPREPLY[*]}"\n'
        "COMP_WORDS=(workon Old); COMP_CWORD=1; __venvreg_complete_envs\n"
        'show UPPER "${COMPREPLY[*]}"\n'
    )
    run = sb.run("bash", script, cwd=sb.root)
    assert run["LOWER"] == "oldenv", run.describe()
    assert run["UPPER"] == "OldEnv", run.describe()


@pytest.mark.parametrize("shell", ALL_SHELLS)
def test_mkvirtualenv_and_rmvirtualenv_refuse_twins(shell: str, twin_sandbox: Any) -> None:
    sb = twin_sandbox
    script = (
        "mkvirtualenv oldEnv; rc mk\n"
        "rmvirtualenv oldenv; rc rm_twin\n"
        "rmvirtualenv OLDENV; rc rm_ambiguous\n"
        f"setvirtualenvproject {sb.q(shell, str(sb.workon_home / 'oldenv'))} /; rc setproject\n"
    )
    run = sb.run(shell, script, cwd=sb.root)
    assert run.rc("mk") == 2, run.describe()
    assert "'oldEnv'" in run.stderr and "case folding" in run.stderr
    assert run.rc("rm_twin") == 1
    assert "'oldenv' is not indexed" in run.stderr
    assert run.rc("rm_ambiguous") == 1
    assert "'OLDENV' is ambiguous" in run.stderr
    assert run.rc("setproject") == 1  # never linked to OldEnv instead
    assert not (sb.workon_home / "OldEnv" / ".project").exists()
    assert sorted(p.name for p in sb.workon_home.iterdir() if p.is_dir() and p.name[0] != ".") == [
        "OldEnv",
        "oldenv",
    ]
    for name in ("OldEnv", "oldenv"):
        assert (sb.workon_home / name / "pyvenv.cfg").is_file()
