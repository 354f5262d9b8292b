"""What the issue asks to be shown, as a user would do it: `pip install .` into a fresh
virtual environment, then create, list, remove and restore with the installed console script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with venvreg installed from this checkout (a real wheel build)."""
    venv = tmp_path_factory.mktemp("fresh") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(REPOSITORY)],
        check=True,
        timeout=600,
    )
    return venv


def test_pip_install_then_create_ls_rm_restore(installed: Path, isolated: Path) -> None:
    venvreg = str(installed / "bin" / "venvreg")
    env = {**os.environ, "PATH": f"{installed / 'bin'}{os.pathsep}{os.environ['PATH']}"}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [venvreg, *args], capture_output=True, text=True, env=env, timeout=300
        )

    created = run("create", "demo")
    assert created.returncode == 0, created.stderr
    listed = run("ls", "--json")
    assert listed.returncode == 0, listed.stderr
    (demo,) = json.loads(listed.stdout)
    assert demo["name"] == "demo"
    assert demo["python_version"].startswith(f"{sys.version_info[0]}.{sys.version_info[1]}.")
    assert demo["healthy"] is True
    path = Path(demo["path"])
    assert (path / "bin" / "pip").exists()

    removed = run("rm", "demo", "--yes")
    assert removed.returncode == 0, removed.stderr
    assert not path.exists()
    assert json.loads(run("ls", "--json").stdout) == []

    restored = run("restore", "demo")
    assert restored.returncode == 0, restored.stderr
    assert (path / "pyvenv.cfg").is_file()
    assert [entry["name"] for entry in json.loads(run("ls", "--json").stdout)] == ["demo"]


def test_the_wheel_ships_the_shell_files(installed: Path, isolated: Path) -> None:
    venvreg = str(installed / "bin" / "venvreg")
    for shell, name in (("bash", "venvreg.bash"), ("zsh", "venvreg.zsh")):
        where = subprocess.run(
            [venvreg, "init", shell, "--path"], capture_output=True, text=True, check=True
        ).stdout.strip()
        assert Path(where).is_relative_to(installed), where
        assert Path(where).read_bytes() == (REPOSITORY / "shell" / name).read_bytes()
        shared = Path(where).with_name("venvreg.common.sh")  # what bash and zsh both source
        assert shared.read_bytes() == (REPOSITORY / "shell" / "venvreg.common.sh").read_bytes()
        printed = subprocess.run(
            [venvreg, "init", shell], capture_output=True, text=True, check=True
        ).stdout
        assert "venvreg-common" not in printed  # the shared part is inlined for the eval form
        assert "__venvreg_activate()" in printed
