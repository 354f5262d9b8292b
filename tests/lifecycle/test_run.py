"""`venvreg run` (one env or --all) and `venvreg wipe` / the shell's wipeenv: the command sees the
env, the exit status is the command's, uses are recorded; wiping keeps the seed packages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from pathlib import Path

import pytest

import venvreg
from support import make_plain_venv

from .conftest import env_python, json_out, ok, row

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
PROBE = (
    "import json, os, sys; print(json.dumps({'venv': os.environ.get('VIRTUAL_ENV'), "
    "'prefix': sys.prefix, 'home': 'PYTHONHOME' in os.environ, "
    "'path0': os.environ['PATH'].split(os.pathsep)[0]}))"
)


def test_run_sees_the_env_and_returns_the_command_status(
    cli: CliRunner, make_env: Callable[..., Path], workon_home: Path
) -> None:
    env = make_env("api")
    # With PYTHONHOME left in, the env's python would start as the base Python (its prefix).
    # venvreg itself is started the same way here, finding its code through PYTHONPATH.
    code = [sysconfig.get_paths()["purelib"], str(Path(venvreg.__file__).parents[1])]
    home = {"PYTHONHOME": sys.base_prefix, "PYTHONPATH": os.pathsep.join(code)}
    result = ok(cli("run", "api", "--", "python", "-c", PROBE, env=home))
    seen = json.loads(result.stdout)
    assert seen == {"venv": str(env), "prefix": str(env), "home": False, "path0": str(env / "bin")}
    assert ok(cli("run", "api", "python", "-c", "import six; print(six.__version__)")).stdout == (
        "1.17.0\n"
    )
    assert cli("run", "api", "--", "python", "-c", "raise SystemExit(7)").returncode == 7
    assert cli("run", "api", "--", "sh", "-c", "kill -TERM $$").returncode == 143
    missing = cli("run", "api", "--", "no-such-command-here")
    assert missing.returncode == 127
    assert "command not found: 'no-such-command-here'" in missing.stderr
    assert row(workon_home, "api")["use_count"] == 5  # type: ignore[index]
    unknown = cli("run", "nope", "--", "true")
    assert unknown.returncode == 1 and "no environment named 'nope'" in unknown.stderr


def test_run_all_goes_on_after_a_failure_and_fails_at_the_end(
    cli: CliRunner, make_env: Callable[..., Path], workon_home: Path
) -> None:
    make_env("with-six")
    make_plain_venv(workon_home / "without-six")
    result = cli("run", "--all", "--", "python", "-c", "import six")
    assert result.returncode == 1
    assert result.stdout.startswith("with-six\n========\n")
    assert "without-six\n===========\n" in result.stdout
    assert "failed in 1 of 2 environments: 'without-six'" in result.stderr
    assert "ModuleNotFoundError" in result.stderr
    good = ok(cli("run", "--all", "--", "python", "-c", "import sys; print(sys.prefix)"))
    assert f"{workon_home / 'with-six'}\n" in good.stdout
    assert f"{workon_home / 'without-six'}\n" in good.stdout
    assert [row(workon_home, n)["use_count"] for n in ("with-six", "without-six")] == [0, 0]  # type: ignore[index]


def test_wipe_asks_then_keeps_only_the_seed_packages(
    cli: CliRunner, make_env: Callable[..., Path]
) -> None:
    env = make_env("api")
    refused = cli("wipe", "api")  # no terminal to ask on
    assert refused.returncode == 1
    assert "would uninstall: six; nothing removed (pass --yes)" in refused.stderr
    assert ok(cli("freeze", "api")).stdout == "six==1.17.0\n"

    result = ok(cli("wipe", "api", "--yes"))
    assert "uninstalled 1 package(s) from 'api': six" in result.stderr
    assert ok(cli("freeze", "api")).stdout == ""
    assert ok(env_python(env, "import pip; print('pip ok')")).stdout == "pip ok\n"
    assert json_out(ok(cli("show", "api", "--json")))["snapshots"] == 1
    assert "nothing to remove from 'api'" in ok(cli("wipe", "api")).stderr


def _shell_wipeenv(env: Path) -> tuple[int, list[str], str]:
    """The shell's wipeenv in the active env `env`: its status, the lines the code it printed
    shows in a real bash, and its stderr."""
    result = subprocess.run(
        [sys.executable, "-m", "venvreg", "__shell", "bash", "wipeenv", "--"],
        capture_output=True,
        text=True,
        env={**os.environ, "VIRTUAL_ENV": str(env)},
        timeout=120,
    )
    script = "__venvreg_print() { printf '%s\\n' \"$@\"; }\n" + result.stdout
    shown = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=60)
    return result.returncode, shown.stdout.splitlines(), result.stderr


@pytest.mark.parametrize("front_end", ["venvreg wipe", "wipeenv"])
def test_wipe_and_wipeenv_do_the_same(
    cli: CliRunner, make_env: Callable[..., Path], front_end: str
) -> None:
    """One operation (core/wipe.py) behind both front ends: a package snapshot first, then
    only the non-seed packages uninstalled with the env's own pip."""
    env = make_env("api")
    if front_end == "venvreg wipe":
        ok(cli("wipe", "api", "--yes"))
    else:
        status, shown, err = _shell_wipeenv(env)
        assert status == 0, err
        assert shown == []  # announced on stderr, before pip runs
        assert err.splitlines()[:3] == ["Uninstalling packages:", "", "six"]
    assert ok(cli("freeze", "api")).stdout == ""
    assert ok(env_python(env, "import pip; print('pip ok')")).stdout == "pip ok\n"
    assert json_out(ok(cli("show", "api", "--json")))["snapshots"] == 1
    kept = json_out(
        ok(cli("registry", "query", "select reason, requirements from snapshots", "--json"))
    )
    assert [(row["reason"], row["requirements"].splitlines()) for row in kept] == [
        ("wipe", ["six==1.17.0"])
    ]


def test_wipeenv_refuses_an_env_the_registry_does_not_know(
    cli: CliRunner, make_env: Callable[..., Path], tmp_path: Path
) -> None:
    """Without a row there is nowhere to keep the snapshot: nothing is uninstalled."""
    outside = tmp_path / "outside"
    make_plain_venv(outside)
    site = next((outside / "lib").glob("python*/site-packages"))
    package = site / "fakepkg-1.0.dist-info"
    package.mkdir()
    (package / "METADATA").write_text("Name: fakepkg\nVersion: 1.0\n", encoding="utf-8")
    status, _, err = _shell_wipeenv(outside)
    assert status == 1
    assert f"ERROR: '{outside}' is not in the registry" in err
    shown = [line for line in err.splitlines() if not line.startswith("NOTE: ")]  # new home
    assert len(shown) == 1 and "Traceback" not in err
    assert (package / "METADATA").is_file()
