"""A child's failure (pip, uv) in two lines: the line of its output that names the cause, and
the log file holding all of it; and the uv backend getting pip's index settings. Real installs
against a real empty index (a file:// folder with nothing in it), real uv, nothing mocked."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import virtualenv

from venvreg.backends.process import cause_line

from .conftest import build_wheel

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
LOG_LINE = re.compile(r"^  full output: '(?P<path>[^']+)'$")


@pytest.fixture
def no_pip_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only what a test gives: no pip.conf, no PIP_* or UV_* index variables from the machine."""
    for name in list(os.environ):
        if name.startswith(("PIP_", "UV_INDEX", "UV_EXTRA", "UV_DEFAULT", "UV_FIND", "UV_NO")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("PIP_CONFIG_FILE", os.devnull)


@pytest.fixture
def empty_index(tmp_path: Path) -> str:
    folder = tmp_path / "empty-index"
    folder.mkdir()
    return folder.as_uri()


def failure(result: subprocess.CompletedProcess[str]) -> tuple[str, Path]:
    """The error line and the log file of a failed child, checked to be the last two lines."""
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    *_, error, where = result.stderr.splitlines()
    match = LOG_LINE.match(where)
    assert match, f"no log line at the end:\n{result.stderr}"
    return error, Path(match.group("path"))


def test_a_failed_pip_install_names_its_error_and_keeps_the_output(
    cli: CliRunner, workon_home: Path, rows: Callable[[], list[object]], no_pip_settings: None,
    empty_index: str,
) -> None:  # fmt: skip
    result = cli("create", "api", "-i", "vr-no-such-package", env={"PIP_INDEX_URL": empty_index})
    error, log = failure(result)
    assert error == (
        "venvreg: error: pip install failed (exit 1): "
        "No matching distribution found for vr-no-such-package"
    )
    assert log.parent == workon_home / ".venvreg" / "logs"
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert text.startswith("$ ") and " -m pip install " in text.splitlines()[0]
    assert f"Looking in indexes: {empty_index}" in text
    assert "Could not find a version that satisfies the requirement vr-no-such-package" in text
    assert text.endswith("[exit status 1]\n")
    assert rows() == []  # all or nothing, as before


def test_uv_gets_pips_index_url_and_its_real_error_not_a_hint(
    cli: CliRunner, workon_home: Path, no_pip_settings: None, empty_index: str
) -> None:
    """An index with nothing in it: uv fails to find pip there, which proves it was given the
    index; the message is uv's deepest cause, not its trailing hint."""
    result = cli("create", "api", "--backend", "uv", env={"PIP_INDEX_URL": empty_index})
    error, log = failure(result)
    assert error.startswith("venvreg: error: uv creating the environment failed (exit 2): ")
    assert "pip was not found in the package registry" in error
    assert "hint" not in error
    assert "--no-config" in log.read_text().splitlines()[0]
    assert not (workon_home / "api").exists()


def seed_wheels(folder: Path) -> Path:
    """pip and setuptools from virtualenv's own wheels, and a hand-made `wheel`: what uv seeds,
    in a find-links folder, so that uv can make the env with no index at all."""
    folder.mkdir()
    embedded = Path(virtualenv.__file__).parent / "seed" / "wheels" / "embed"
    for name in ("pip", "setuptools"):
        shutil.copy(sorted(embedded.glob(f"{name}-*.whl"))[-1], folder)
    build_wheel(folder, "wheel", "0.45.1")
    return folder


@pytest.mark.parametrize("where", ["variables", "pip.conf"])
def test_uv_gets_pips_no_index_and_find_links_offline(
    cli: CliRunner, workon_home: Path, no_pip_settings: None, tmp_path: Path, where: str
) -> None:
    wheels = seed_wheels(tmp_path / "wheels")
    env = {"UV_OFFLINE": "1", "UV_CACHE_DIR": str(tmp_path / "uv-cache")}
    if where == "variables":
        env |= {"PIP_NO_INDEX": "1", "PIP_FIND_LINKS": str(wheels)}
    else:
        conf = tmp_path / "pip.conf"
        conf.write_text(f"[global]\nno-index = true\n\n[install]\nfind-links = {wheels}\n")
        env["PIP_CONFIG_FILE"] = str(conf)
    result = cli("create", "api", "--backend", "uv", env=env)
    assert result.returncode == 0, result.stderr
    site = next((workon_home / "api").glob("lib/python*/site-packages"))
    seeded = {p.name.split("-")[0] for p in site.glob("*.dist-info")}
    assert seeded == ({"pip"} if sys.version_info >= (3, 12) else {"pip", "setuptools", "wheel"})

    # The same offline run without pip's settings cannot seed: they are what made it work.
    bare = {"UV_OFFLINE": "1", "UV_CACHE_DIR": env["UV_CACHE_DIR"], "PIP_CONFIG_FILE": os.devnull}
    error, _ = failure(cli("create", "other", "--backend", "uv", env=bare))
    assert error.startswith("venvreg: error: uv creating the environment failed")


@pytest.mark.parametrize(
    ("output", "cause"),
    [
        (
            ["Collecting x", "ERROR: Could not find a version that satisfies the requirement x",
             "ERROR: No matching distribution found for x"],
            "No matching distribution found for x",
        ),
        (
            ["error: Failed to install seed packages into virtual environment",
             "  cause: No solution found when resolving: `pip`",
             "  cause: Because pip was not found in the package registry, ...",
             "hint: Packages were unavailable because the network was disabled"],
            "Because pip was not found in the package registry, ...",
        ),
        (
            ["\x1b[1m\x1b[31merror\x1b[0m: invalid peer certificate: UnknownIssuer", "",
             "hint: Consider enabling use of system TLS certificates with --system-certs"],
            "invalid peer certificate: UnknownIssuer",
        ),
        (
            ["Traceback (most recent call last):", '  File "venv/__init__.py", line 9, in main',
             "    raise OSError(5)", "PermissionError: [Errno 13] Permission denied: '/x'",
             "note: see above"],
            "PermissionError: [Errno 13] Permission denied: '/x'",
        ),
        (
            ["error: Failed to inspect Python interpreter from provided path at `fakepy`",
             "  cause: Querying Python at `/x/fakepy` failed with exit status 3", "",
             "         [stderr]", "         fake-python: not a real interpreter"],
            "Querying Python at `/x/fakepy` failed with exit status 3: fake-python: not a real "
            "interpreter",
        ),
        (
            ["  error: subprocess-exited-with-error", "  \u00d7 setup.py egg_info failed",
             "  ╰─> [6 lines of output]", "      boom", "      [end of output]",
             "error: metadata-generation-failed", "",
             "\u00d7 Encountered error while generating package metadata.",
             "╰─> See above for output.", "", "note: This is an issue with the package",
             "hint: See above for details."],
            "Encountered error while generating package metadata.",
        ),
        (["making it", "something broke", "hint: try again"], "something broke"),
    ],
)  # fmt: skip
def test_the_cause_line_of_known_outputs(output: list[str], cause: str) -> None:
    assert cause_line(output) == cause
