"""The tests never write into the home of the user running them: every test has a private HOME
and XDG folders, the session private caches (tests/conftest.py). Each check asks a real program
where it would write (or makes it write) and fails when that is not inside pytest's temporary
folder, so a fixture that stopped isolating, or a new tool writing elsewhere, is caught."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import REAL_HOME


@pytest.fixture
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.getbasetemp().resolve()


def private(path: str | Path, base: Path) -> bool:
    resolved = Path(path).resolve()
    return resolved.is_relative_to(base) and resolved != Path(REAL_HOME).resolve()


def run(*command: str) -> str:
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"{command}: {result.stderr}"
    return result.stdout.strip()


def test_the_environment_of_every_test_is_private(base: Path, tmp_path: Path) -> None:
    names = ("HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME",
             "UV_CACHE_DIR", "PIP_CACHE_DIR", "VIRTUALENV_OVERRIDE_APP_DATA")  # fmt: skip
    for name in names:
        assert private(os.environ[name], base), f"{name}={os.environ[name]} is not private"
    assert Path(os.environ["HOME"]).name == f"{tmp_path.name}-home"  # each test its own
    assert os.path.expanduser("~") != REAL_HOME


def test_pip_uv_and_platformdirs_write_in_private_folders(base: Path) -> None:
    uv = shutil.which("uv", path=os.path.dirname(sys.executable)) or shutil.which("uv")
    assert uv is not None, "uv is a test dependency"
    assert private(run(uv, "cache", "dir"), base)
    assert private(run(sys.executable, "-m", "pip", "cache", "dir"), base)
    code = (
        "import platformdirs as p\n"
        "for f in (p.user_cache_dir, p.user_config_dir, p.user_data_dir, p.user_state_dir,"
        " p.user_log_dir):\n"
        "    print(f('venvreg'))\n"
    )
    for folder in run(sys.executable, "-c", code).splitlines():
        assert private(folder, base), folder


def test_shells_write_their_history_and_variables_in_the_private_home(base: Path) -> None:
    home = Path(os.environ["HOME"])
    env = {key: value for key, value in os.environ.items() if key not in ("HISTFILE", "ZDOTDIR")}
    bash, zsh = shutil.which("bash"), shutil.which("zsh")
    assert bash and zsh, "bash and zsh are needed by the tests"
    subprocess.run(
        [bash, "--norc", "-i"], input="echo private-home-probe\nexit\n", text=True,
        capture_output=True, timeout=60, env=env,
    )  # fmt: skip
    assert (home / ".bash_history").is_file()  # written where HOME says
    subprocess.run([zsh, "-f", "-c", "autoload -U compinit; compinit"], env=env, timeout=60)
    assert (home / ".zcompdump").is_file()
    fish = shutil.which("fish")
    assert fish, "fish is needed by the tests"
    run(fish, "-c", "set -U __venvreg_probe 1; echo $__fish_user_data_dir")
    variables = Path(os.environ["XDG_CONFIG_HOME"]) / "fish" / "fish_variables"
    assert variables.is_file() and "__venvreg_probe" in variables.read_text()
    written = [path for path in home.rglob("*") if path.is_file()]
    assert written, "the shells wrote nothing at all: the probe proves nothing"
    assert all(private(path, base) for path in written)


def test_a_venvreg_failure_logs_in_a_private_folder(base: Path, tmp_path: Path) -> None:
    """A failed child's log falls back to the user's log folder when WORKON_HOME's cannot be
    written: that folder too is the private one."""
    from venvreg.backends import process

    path = process.write_log("probe", ["false"], 1, ["nothing"])
    assert path is not None and private(path, base)
