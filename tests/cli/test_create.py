"""Creation (hostile group E): all or nothing under signals, kill -9, races and bad input; the
options land on disk; every backend really runs."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from venvreg.core.session import open_context
from venvreg.registry import envs
from venvreg.registry.db import write_transaction
from venvreg.registry.envs import EnvRecord


def _only_state_folder(workon_home: Path) -> None:
    assert sorted(os.listdir(workon_home)) == [".venvreg"]


def _pyvenv_cfg(env: Path) -> dict[str, str]:
    pairs = {}
    for line in (env / "pyvenv.cfg").read_text().splitlines():
        key, _, value = line.partition("=")
        pairs[key.strip()] = value.strip()
    return pairs


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.mark.parametrize(
    ("signum", "to_group", "exit_code"),
    [
        (signal.SIGINT, True, 130),  # Ctrl-C: the terminal signals the whole process group
        (signal.SIGTERM, False, 143),
        (signal.SIGHUP, True, 129),  # the terminal closed
    ],
)
def test_a_signal_during_create_leaves_nothing(
    start_blocked_creation: Any,
    blocking_python: Any,
    cli: Any,
    workon_home: Path,
    rows: Any,
    signum: int,
    to_group: bool,
    exit_code: int,
) -> None:
    process = start_blocked_creation()
    assert [row["status"] for row in rows()] == ["creating"]
    backend_pid = blocking_python.pid()
    if to_group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    _out, err = process.communicate(timeout=120)
    assert process.returncode == exit_code, err
    assert "interrupted" in err and "nothing was left half done" in err
    assert "Traceback" not in err
    _only_state_folder(workon_home)
    assert rows() == []
    assert _process_gone(backend_pid)  # the backend child was stopped too
    assert json.loads(cli("ls", "--json").stdout) == []


def test_kill_9_during_create_is_cleaned_by_the_next_command(
    start_blocked_creation: Any, blocking_python: Any, cli: Any, workon_home: Path, rows: Any
) -> None:
    process = start_blocked_creation()
    os.killpg(process.pid, signal.SIGKILL)
    process.communicate(timeout=120)
    with contextlib.suppress(ProcessLookupError):  # it died with the group (if not yet reaped)
        os.kill(blocking_python.pid(), signal.SIGKILL)
    assert (workon_home / "victim").is_dir()
    assert [row["status"] for row in rows()] == ["creating"]

    result = cli("ls", "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    _only_state_folder(workon_home)
    assert rows() == []
    assert cli("show", "victim").returncode == 1


def test_a_leftover_row_never_deletes_a_folder_it_did_not_make(
    cli: Any, workon_home: Path, plain_venv: Any, rows: Any, listing: Any
) -> None:
    """kill -9 right after the `creating` row was written, before its folder was made; then the
    user makes that env by hand. Cleaning the leftover must not delete the user's folder."""
    workon_home.mkdir(parents=True)
    context = open_context()
    try:
        with write_transaction(context.conn):
            envs.insert(
                context.conn,
                EnvRecord(
                    id=None,
                    name="mine",
                    path=str(workon_home / "mine"),
                    status="creating",
                    origin="created",
                    created_at=0.0,
                ),
            )
    finally:
        context.close()
    env = plain_venv(workon_home / "mine")
    (env / "work.txt").write_text("the user's")

    listed = listing()
    assert (env / "work.txt").read_text() == "the user's"
    assert listed["mine"]["origin"] == "found"
    assert [row["status"] for row in rows()] == ["ready"]


def test_two_creations_of_one_name_one_wins_and_is_untouched(
    start_blocked_creation: Any,
    blocking_python: Any,
    cli: Any,
    workon_home: Path,
    rows: Any,
    listing: Any,
) -> None:
    winner = start_blocked_creation("foo")

    loser = cli("create", "foo")
    assert loser.returncode == 2
    assert "an environment named 'foo' already exists" in loser.stderr
    assert "Traceback" not in loser.stderr
    # Another command meanwhile neither lists the half-made env nor cleans it up.
    assert "foo" not in listing()
    assert (workon_home / "foo").is_dir()
    assert [row["status"] for row in rows()] == ["creating"]

    blocking_python.release()
    _out, err = winner.communicate(timeout=300)
    assert winner.returncode == 0, err
    entry = listing()["foo"]
    assert entry["healthy"] is True and entry["backend"] == "venv"
    assert (workon_home / "foo" / "pyvenv.cfg").is_file()
    assert [row["status"] for row in rows()] == ["ready"]


@pytest.mark.parametrize("kind", ["folder", "file", "symlink", "fifo", "dangling-symlink"])
def test_an_existing_target_is_refused_and_never_cleared(
    cli: Any, workon_home: Path, tmp_path: Path, tree_snapshot: Any, rows: Any, kind: str
) -> None:
    workon_home.mkdir(parents=True)
    target = workon_home / "taken"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "data.txt").write_text("linked data")
    if kind == "folder":
        target.mkdir()
        (target / "notes.txt").write_text("my notes")
    elif kind == "file":
        target.write_text("a file")
    elif kind == "symlink":
        target.symlink_to(elsewhere)
    elif kind == "dangling-symlink":
        target.symlink_to(tmp_path / "nowhere")
    else:
        os.mkfifo(target)
    cli("ls")  # venvreg's own state folder exists before the snapshot
    state = (workon_home / ".venvreg",)
    before = tree_snapshot(workon_home, elsewhere, skip=state)

    result = cli("create", "taken")
    assert result.returncode == 1
    assert "already exists (something that is not a venv); refusing to touch it" in result.stderr
    assert tree_snapshot(workon_home, elsewhere, skip=state) == before
    assert rows() == []


@pytest.mark.parametrize(
    ("spec", "cause"),
    [
        ("3.99", "no Python interpreter matches '3.99'"),
        ("/nonexistent/python", "the interpreter '/nonexistent/python' does not exist"),
        ("/", "'/' is not an executable interpreter"),
    ],
)
def test_a_bad_python_leaves_nothing_and_names_the_cause(
    cli: Any, workon_home: Path, rows: Any, spec: str, cause: str
) -> None:
    result = cli("create", "nope", "-p", spec)
    assert result.returncode == 2
    assert cause in result.stderr
    assert len(result.stderr.splitlines()) == 1
    _only_state_folder(workon_home)
    assert rows() == []


@pytest.mark.parametrize("backend", ["virtualenv", "venv", "uv"])
def test_an_interpreter_that_is_not_python_fails_cleanly(
    cli: Any, workon_home: Path, rows: Any, tmp_path: Path, backend: str
) -> None:
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\necho 'fake-python: not a real interpreter' >&2\nexit 3\n")
    fake.chmod(0o755)
    result = cli("create", "nope", "-p", str(fake), "--backend", backend)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    last = _error_line(result.stderr)
    assert last.startswith(f"venvreg: error: {backend} creating the environment failed")
    assert "not a real interpreter" in last
    _only_state_folder(workon_home)
    assert rows() == []


def _error_line(stderr: str) -> str:
    """The error line (a child's failure has its log file on the line after it)."""
    lines = stderr.splitlines()
    if lines[-1].startswith("  full output: "):
        return lines[-2]
    return lines[-1]


def test_a_package_that_cannot_be_installed_leaves_nothing(
    cli: Any, workon_home: Path, rows: Any, local_index: dict[str, str]
) -> None:
    result = cli("create", "nope", "-i", "no-such-package-anywhere", env=local_index)
    assert result.returncode == 1
    last = _error_line(result.stderr)
    assert last.startswith("venvreg: error: pip install failed")
    assert "no-such-package-anywhere" in last
    assert "Traceback" not in result.stderr
    _only_state_folder(workon_home)
    assert rows() == []


def test_project_option_writes_dot_project(
    cli: Any, workon_home: Path, tmp_path: Path, listing: Any
) -> None:
    project = tmp_path / "my project"
    project.mkdir()
    result = cli("create", "withproj", "-a", str(project))
    assert result.returncode == 0, result.stderr
    assert (workon_home / "withproj" / ".project").read_text() == f"{project}\n"
    shown = cli("project", "show", "withproj")
    assert shown.returncode == 0 and shown.stdout == f"{project}\n"
    assert listing()["withproj"]["project_path"] == str(project)


def test_project_option_with_a_missing_folder_is_refused(
    cli: Any, workon_home: Path, tmp_path: Path, rows: Any
) -> None:
    result = cli("create", "withproj", "-a", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "project folder" in result.stderr and "does not exist" in result.stderr
    _only_state_folder(workon_home)
    assert rows() == []


def test_requirements_and_packages_are_installed_and_frozen(
    cli: Any, workon_home: Path, tmp_path: Path, local_index: dict[str, str]
) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("vrdemobeta==2.5\n")
    result = cli("create", "pkgs", "-i", "vrdemoalpha", "-r", str(requirements), env=local_index)
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""  # progress and messages go to stderr only
    assert "installing 1 package(s) and 1 requirements file(s)" in result.stderr
    python = workon_home / "pkgs" / "bin" / "python"
    imported = subprocess.run(
        [str(python), "-c", "import vrdemoalpha, vrdemobeta; print(vrdemoalpha.VERSION)"],
        capture_output=True,
        text=True,
    )
    assert imported.stdout == "1.0\n"

    frozen = cli("freeze", "pkgs")
    assert frozen.returncode == 0, frozen.stderr
    assert frozen.stdout.splitlines() == ["vrdemoalpha==1.0", "vrdemobeta==2.5"]
    output = tmp_path / "lock.txt"
    assert cli("freeze", "pkgs", "-o", str(output)).returncode == 0
    assert output.read_text() == "vrdemoalpha==1.0\nvrdemobeta==2.5\n"


def test_a_missing_requirements_file_is_refused(
    cli: Any, workon_home: Path, tmp_path: Path, rows: Any
) -> None:
    result = cli("create", "pkgs", "-r", str(tmp_path / "nope.txt"))
    assert result.returncode == 2
    assert "requirements file" in result.stderr and "does not exist" in result.stderr
    _only_state_folder(workon_home)
    assert rows() == []


def test_a_version_spec_for_python_finds_the_interpreter(cli: Any, workon_home: Path) -> None:
    """`-p X.Y` goes through interpreter discovery (python-discovery), not a path."""
    spec = "{}.{}".format(*sys.version_info[:2])
    result = cli("create", "demo", "-p", spec)
    assert result.returncode == 0, result.stderr
    listed = json.loads(cli("ls", "--json").stdout)
    assert [(env["name"], env["state"]) for env in listed] == [("demo", "ok")]
    assert listed[0]["python_version"].startswith(f"{spec}.")
    version = subprocess.run(
        [str(workon_home / "demo" / "bin" / "python"), "-c", "import sys; print(sys.version)"],
        capture_output=True,
        text=True,
    )
    assert version.stdout.startswith(f"{spec}.")


@pytest.mark.parametrize(
    ("backend", "tool", "cfg_key"),
    [("virtualenv", "virtualenv", "virtualenv"), ("venv", "venv", None), ("uv", "uv", "uv")],
)
def test_each_backend_creates_a_working_env_and_is_recorded(
    cli: Any, workon_home: Path, row: Any, listing: Any, backend: str, tool: str, cfg_key: Any
) -> None:
    name = f"by-{backend}"
    result = cli("create", name, "--backend", backend)
    assert result.returncode == 0, result.stderr
    env = workon_home / name
    cfg = _pyvenv_cfg(env)
    if cfg_key:
        assert cfg_key in cfg
    assert (env / "bin" / "pip").exists()  # every new env has pip
    pip = subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "--version"], capture_output=True, text=True
    )
    assert pip.returncode == 0 and str(env) in pip.stdout
    entry = listing()[name]
    assert entry["backend"] == backend and entry["tool"] == tool
    assert entry["origin"] == "created" and entry["healthy"] is True
    assert row(name)["backend"] == backend
    assert json.loads(cli("show", name, "--json").stdout)["backend"] == backend


def test_an_unknown_backend_is_a_usage_error(cli: Any, workon_home: Path, rows: Any) -> None:
    result = cli("create", "x", "--backend", "conda")
    assert result.returncode == 2
    assert "unknown backend 'conda'" in result.stderr
    assert rows() == []


def test_prompt_lands_in_pyvenv_cfg(cli: Any, workon_home: Path) -> None:
    result = cli("create", "prompted", "--prompt", "my [prompt] $x")
    assert result.returncode == 0, result.stderr
    prompt = _pyvenv_cfg(workon_home / "prompted")["prompt"]
    assert prompt.strip("'\"") == "my [prompt] $x"


@pytest.mark.parametrize("flag", [True, False])
def test_system_site_packages_is_recorded_in_pyvenv_cfg(
    cli: Any, workon_home: Path, flag: bool
) -> None:
    args = ["create", "sys", "--backend", "uv"] + (["--system-site-packages"] if flag else [])
    result = cli(*args)
    assert result.returncode == 0, result.stderr
    expected = "true" if flag else "false"
    assert _pyvenv_cfg(workon_home / "sys")["include-system-site-packages"] == expected


@pytest.mark.parametrize("backend", ["virtualenv", "venv", "uv"])
def test_a_prompt_that_starts_with_a_dash_lands_in_pyvenv_cfg(
    cli: Any, workon_home: Path, backend: str
) -> None:
    result = cli("create", "dashed", "--backend", backend, "--prompt=-x y")
    assert result.returncode == 0, result.stderr
    assert _pyvenv_cfg(workon_home / "dashed")["prompt"].strip("'\"") == "-x y"
