"""Adopting envs found on disk (in place, never copied) and forgetting them: names and their
collisions, refusals, and an adopted env used like any other (ls, show, workon, rm, restore);
`venvreg scan --adopt` on a terminal, in scripts and without a terminal."""

from __future__ import annotations

import json
import os
import re
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from .conftest import by_path, registry_rows, run_venvreg, scan_json
from .trees import Maker, write

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX shells and ptys")


def project_with_env(
    maker: Maker, folder: Path, env_name: str = ".venv", kind: str = "venv"
) -> Path:
    write(folder / "pyproject.toml", "[project]\nname = 'x'\n")
    return maker.env(kind, folder / env_name)


def ok(result: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert result.returncode == 0, result.stderr
    return result


def rows_by_name(sandbox: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {row["name"]: row for row in registry_rows(Path(sandbox["WORKON_HOME"]))}


def listing(sandbox: dict[str, str]) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in json.loads(ok(run_venvreg(sandbox, "ls", "--json")).stdout)}


def tree_state(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry under root (links not followed) with mode, size and mtime."""
    state = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            st = os.lstat(os.path.join(folder, name))
            state[os.path.join(folder, name)] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return state


def workon_args(sandbox: dict[str, str], name: str) -> list[str]:
    """Evaluate what `workon NAME` emits in real bash, with the activation function replaced by
    one that prints the values it receives, one a line."""
    script = (
        'code="$(command "$VENVREG_PYTHON" -m venvreg __shell bash workon -- "$1")" || exit $?\n'
        '__venvreg_activate() { printf "%s\\n" "$@"; }\n'
        'eval "$code"\n'
    )
    result = subprocess.run(
        ["bash", "--norc", "--noprofile", "-c", script, "bash", name],
        capture_output=True,
        text=True,
        env={**os.environ, **sandbox, "VENVREG_PYTHON": sys.executable},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split("\n")[:-1]


def test_an_adopted_env_works_like_any_other(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    project = isolated / "src" / 'it\'s "api"'
    env = project_with_env(maker, project)
    before = tree_state(env)
    result = ok(run_venvreg(sandbox, "adopt", str(env)))
    name = "it's -api"  # `"` cannot be in a name: it became `-`, the trailing one dropped
    assert f"adopted '{env}' as '{name}' (venv; project '{project}', written to its .project)" in (
        result.stderr
    )
    assert (env / ".project").read_text() == f"{project}\n"
    after = tree_state(env)
    assert set(after) - set(before) == {str(env / ".project")}  # nothing else was written
    row = rows_by_name(sandbox)[name]
    assert (row["origin"], row["path"], row["tool"], row["project_path"]) == (
        "adopted",
        str(env),
        "venv",
        str(project),
    )
    entry = listing(sandbox)[name]
    assert (entry["origin"], entry["healthy"], entry["project_path"]) == (
        "adopted",
        True,
        str(project),
    )
    shown = json.loads(ok(run_venvreg(sandbox, "show", name, "--json")).stdout)
    assert (shown["path"], shown["origin"]) == (str(env), "adopted")

    args = workon_args(sandbox, name)
    assert args[:3] == [name, str(env), str(env / "bin")]
    assert str(project) in args  # workon changes into the project
    assert rows_by_name(sandbox)[name]["use_count"] == 1

    ok(run_venvreg(sandbox, "rm", name, "--yes"))
    assert not env.exists() and name not in rows_by_name(sandbox)
    ok(run_venvreg(sandbox, "restore", name))
    assert (env / "pyvenv.cfg").is_file()
    assert rows_by_name(sandbox)[name]["origin"] == "adopted"


def test_names_come_from_the_project_and_collide_with_a_suffix(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    first = project_with_env(maker, isolated / "a" / "api")
    second = project_with_env(maker, isolated / "b" / "api", "venv")
    third = project_with_env(maker, isolated / "c" / "API", "env-3.12")
    loose = maker.env("venv", isolated / "tools" / "mytool-env")  # no project above it
    scratch = maker.env("venv", isolated / "scratch" / ".venv")  # in-project name, no marker
    hidden = maker.env("venv", isolated / ".hidden proj:v2" / ".venv")
    paths = [first, second, third, loose, scratch, hidden]
    result = ok(run_venvreg(sandbox, "adopt", *map(str, paths)))
    assert "as 'api-2' ('api' is taken)" in result.stderr
    assert "as 'API-3' ('API' is taken)" in result.stderr
    names = {row["path"]: row["name"] for row in rows_by_name(sandbox).values()}
    assert [names[str(p)] for p in paths] == [
        "api", "api-2", "API-3", "mytool-env", "scratch", "hidden proj-v2",
    ]  # fmt: skip

    other = project_with_env(maker, isolated / "d" / "api")
    taken = run_venvreg(sandbox, "adopt", str(other), "--name", "API-2")
    assert taken.returncode == 2 and "already exists" in taken.stderr
    two = run_venvreg(sandbox, "adopt", str(other), str(loose), "--name", "x")
    assert two.returncode == 2 and "single PATH" in two.stderr
    ok(run_venvreg(sandbox, "adopt", str(other), "--name", "my api"))
    assert rows_by_name(sandbox)["my api"]["path"] == str(other)


def test_refusals_say_why_and_register_nothing(
    sandbox: dict[str, str], isolated: Path, maker: Maker, workon_home: Path
) -> None:
    env = project_with_env(maker, isolated / "src" / "api")
    ok(run_venvreg(sandbox, "adopt", str(env)))
    (isolated / "link").symlink_to(env)
    plain = isolated / "plain"
    plain.mkdir()
    wrapped = maker.env("virtualenv", workon_home / "wrapped")
    rows = registry_rows(workon_home)
    cases = {
        str(plain): "is not a virtual environment",
        str(isolated / "missing"): "is not a virtual environment",
        str(env): "is already registered as 'api'",
        str(isolated / "link"): "is already registered as 'api'",
        str(wrapped): "registered automatically as 'wrapped'",
    }
    for path, why in cases.items():
        result = run_venvreg(sandbox, "adopt", path)
        assert result.returncode == 1, (path, result.stderr)
        assert why in result.stderr, (path, result.stderr)
    now = {row["name"] for row in registry_rows(workon_home)}
    assert now == {row["name"] for row in rows} | {"wrapped"}  # wrapped: by the listing alone


def test_a_replaced_folder_is_adopted_again_under_its_name(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    """`rm -rf .venv && uv venv` gives another folder at the registered path: `rm` refuses it
    (it is not the env registered), and the next command that re-indexes (here adopt itself)
    records the new env under the row, keeping its history, with a notice."""
    project = isolated / "src" / "api"
    env = project_with_env(maker, project)
    ok(run_venvreg(sandbox, "adopt", str(env)))
    old = rows_by_name(sandbox)["api"]
    shutil.rmtree(env)
    maker.env("uv", env)
    assert run_venvreg(sandbox, "rm", "api", "--yes").returncode == 1
    again = run_venvreg(sandbox, "adopt", str(env))
    assert again.returncode == 1 and "is already registered as 'api'" in again.stderr
    assert "'api'" in again.stderr and "made again" in again.stderr
    row = rows_by_name(sandbox)["api"]
    assert (row["id"], row["tool"], row["project_path"]) == (old["id"], "uv", str(project))
    assert row["identity"] != old["identity"]
    assert (env / ".project").read_text() == f"{project}\n"
    ok(run_venvreg(sandbox, "rm", "api", "--yes"))
    assert not env.exists()


def test_an_existing_project_file_is_kept(
    sandbox: dict[str, str], isolated: Path, maker: Maker
) -> None:
    elsewhere = isolated / "the-real-project"
    elsewhere.mkdir()
    env = project_with_env(maker, isolated / "src" / "api")
    write(env / ".project", f"{elsewhere}\n")
    ok(run_venvreg(sandbox, "adopt", str(env)))
    assert (env / ".project").read_text() == f"{elsewhere}\n"
    row = rows_by_name(sandbox)["the-real-project"]
    assert row["project_path"] == str(elsewhere)


def test_forget_touches_no_file(
    sandbox: dict[str, str], isolated: Path, maker: Maker, workon_home: Path
) -> None:
    env = project_with_env(maker, isolated / "src" / "api")
    ok(run_venvreg(sandbox, "adopt", str(env)))
    before = tree_state(isolated / "src")
    result = ok(run_venvreg(sandbox, "forget", "api"))
    assert f"forgot 'api'; its folder '{env}' is untouched" in result.stderr
    assert tree_state(isolated / "src") == before  # even its .project stays
    assert "api" not in rows_by_name(sandbox)
    entry = by_path(scan_json(sandbox, str(isolated / "src"), "--no-size"))[str(env)]
    assert (entry["registered_as"], entry["adoptable"]) == (None, True)

    maker.env("venv", workon_home / "homebound")
    refused = run_venvreg(sandbox, "forget", "homebound")
    assert refused.returncode == 1
    assert "the next listing would register it again" in refused.stderr
    assert "homebound" in rows_by_name(sandbox)
    shutil.rmtree(workon_home / "homebound")
    ok(run_venvreg(sandbox, "forget", "homebound"))  # its folder is gone: nothing comes back
    assert "homebound" not in listing(sandbox)
    missing = run_venvreg(sandbox, "forget", "nobody")
    assert missing.returncode == 1 and "no environment named 'nobody'" in missing.stderr


@pytest.fixture
def mixed_tree(isolated: Path, maker: Maker) -> dict[str, Path]:
    """Two plain envs and one managed (tox) env under HOME/src."""
    src = isolated / "src"
    tox = src / "toxproj"
    write(tox / "tox.ini", "[tox]\n")
    return {
        "api": project_with_env(maker, src / "api"),
        "web": project_with_env(maker, src / "web", "venv"),
        "tox": maker.env("virtualenv", tox / ".tox" / "py"),
    }


def test_scan_adopt_without_a_terminal_adopts_nothing(
    sandbox: dict[str, str], isolated: Path, mixed_tree: dict[str, Path]
) -> None:
    result = run_venvreg(sandbox, "scan", str(isolated / "src"), "--adopt", "--no-size")
    assert result.returncode == 1
    assert "3 environment(s) could be adopted, but there is no terminal" in result.stderr
    assert "nothing adopted" in result.stderr
    assert rows_by_name(sandbox) == {}
    assert "tox (managed)" in result.stdout  # the table still came out
    usage = run_venvreg(sandbox, "scan", str(isolated / "src"), "--all")
    assert usage.returncode == 2 and "go with --adopt" in usage.stderr


@pytest.mark.parametrize("split", [[], ["--"]], ids=["direct", "typer"])
def test_scan_adopt_all_yes_leaves_managed_envs_unless_asked(
    sandbox: dict[str, str], isolated: Path, mixed_tree: dict[str, Path], split: list[str]
) -> None:
    """Through both parsers: without typer (plain words) and through it (`--` before ROOT)."""

    def scan(*flags: str) -> subprocess.CompletedProcess[str]:
        return run_venvreg(sandbox, "scan", *flags, *split, src)

    src = str(isolated / "src")
    result = scan("--adopt", "--all", "--yes", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert sorted(a["name"] for a in report["adopted"]) == ["api", "web"]
    entries = by_path(report)
    assert entries[str(mixed_tree["api"])]["registered_as"] == "api"
    assert entries[str(mixed_tree["tox"])]["registered_as"] is None
    assert set(rows_by_name(sandbox)) == {"api", "web"}
    again = ok(scan("--adopt", "--all", "--yes", "--include-managed"))
    assert f"adopted '{mixed_tree['tox']}' as 'toxproj'" in again.stderr
    assert "managed by tox, which may delete or recreate it" in again.stderr
    assert rows_by_name(sandbox)["toxproj"]["tool"] == "tox"
    done = ok(scan("--adopt", "--all", "--yes"))
    assert "nothing to adopt" in done.stderr


def test_scan_adopt_on_a_terminal_picks_by_number(
    sandbox: dict[str, str], isolated: Path, mixed_tree: dict[str, Path]
) -> None:
    main, child = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "venvreg", "scan", str(isolated / "src"), "--adopt"],
        stdin=child,
        stdout=subprocess.PIPE,
        stderr=child,
        env={**os.environ, **sandbox},
        text=True,
    )
    os.close(child)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while b"adopt which?" not in seen:
            assert time.monotonic() < deadline, seen
            if select.select([main], [], [], 1)[0]:
                seen += os.read(main, 65536)
        text = seen.decode()
        picks = dict(re.findall(r"^\s+(\d+)\) .*?  (\S+/src/\S+)  \(", text, re.MULTILINE))
        number = {Path(path): n for n, path in picks.items()}[mixed_tree["web"]]
        assert "tox (managed)" in text and "-> toxproj" in text and "-> web" in text
        os.write(main, f"{number}\n".encode())
        out, _ = process.communicate(timeout=60)
        while select.select([main], [], [], 0.2)[0]:
            try:
                seen += os.read(main, 65536)
            except OSError:
                break
    finally:
        os.close(main)
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, seen.decode()
    assert set(rows_by_name(sandbox)) == {"web"}
    assert "PATH" in out  # the table went to stdout, the pick list to the terminal
