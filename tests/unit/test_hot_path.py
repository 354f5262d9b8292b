"""The shell hot path (workon, lsvirtualenv, completion names) must not import the heavy
libraries: typer, click, rich, sqlite_utils, pydantic, tomlkit, platformdirs, virtualenv — nor
the standard modules that cost more than the lookup itself: pathlib, dataclasses, typing."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from support import make_plain_venv

HEAVY = (
    "typer",
    "click",
    "rich",
    "sqlite_utils",
    "pydantic",
    "tomlkit",
    "platformdirs",
    "virtualenv",
    "pathlib",
    "dataclasses",
    "typing",
    "inspect",
)

PROBE = """
import json, sys
from venvreg.fastpath import main
status = main(sys.argv[1:])
sys.stdout.flush()
loaded = sorted({name.split('.')[0] for name in sys.modules})
print("\\n" + json.dumps({"status": status, "modules": loaded}), file=sys.stderr)
"""


def run_probe(*argv: str) -> tuple[int, set[str], str]:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=60
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    return report["status"], set(report["modules"]), result.stdout


@pytest.fixture
def one_env(workon_home: Path) -> str:
    make_plain_venv(workon_home / "hot")
    subprocess.run([sys.executable, "-m", "venvreg", "ls"], check=True, capture_output=True)
    return "hot"


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish", "pwsh"])
@pytest.mark.parametrize(
    "command", [["workon", "--", "hot"], ["workon", "--"], ["lsvirtualenv", "--", "-b"]]
)
def test_hot_commands_import_nothing_heavy(one_env: str, shell: str, command: list[str]) -> None:
    status, modules, stdout = run_probe(shell, *command)
    assert status == 0, stdout
    assert stdout.strip(), "the command printed no code"
    assert modules.isdisjoint(HEAVY), sorted(modules & set(HEAVY))


def test_a_config_file_is_read_without_tomlkit(
    one_env: str, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = os.environ["WORKON_HOME"]
    Path(os.environ["VENVREG_CONFIG"]).write_text(f"workon_home = {home!r}\n", encoding="utf-8")
    monkeypatch.delenv("WORKON_HOME")  # only then is the config file read
    status, modules, stdout = run_probe("bash", "workon", "--", "hot")
    assert status == 0
    assert "'hot'" in stdout
    assert "tomllib" in modules  # the file was read, with the standard library's parser
    assert modules.isdisjoint({"tomlkit", "platformdirs", "typer", "rich", "dataclasses"})


def test_the_probe_sees_heavy_imports(one_env: str) -> None:
    """The check can fail: a cold command (mkvirtualenv's help) is allowed heavy imports,
    and a CLI command that typer parses (show) does import it."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from venvreg.cli.app import build_app; build_app(['show']); "
            "print('typer' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "True"
