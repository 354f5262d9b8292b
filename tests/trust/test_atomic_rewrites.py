"""Atomic rewrites of every file venvreg changes inside an env (.project, a .pth, pyvenv.cfg):
a new file renamed over the old one (its inode changes, its content is whole, its permissions
kept), and when the env's folder is read-only the command fails with one line and the old file
stays as it was, with no temporary file left behind.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

CliRunner = Callable[..., subprocess.CompletedProcess[str]]
PTH = "_virtualenv_path_extensions.pth"
NO_DAC = ["/usr/bin/setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]


def _bash(script: str, *, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    """A real bash with venvreg's functions loaded, running `script`; without the power to
    bypass file permissions when asked (the tests may run as root)."""
    bash = shutil.which("bash")
    assert bash is not None
    prefix = NO_DAC if unprivileged and os.geteuid() == 0 else []
    environment = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    head = 'eval "$(venvreg init bash)"\n'
    return subprocess.run(
        [*prefix, bash, "--norc", "--noprofile", "-c", head + script],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
    )


def _entries(folder: Path) -> set[str]:
    return set(os.listdir(folder))


def _site_packages(env: Path) -> Path:
    return next((env / "lib").glob("python*/site-packages"))


@pytest.fixture
def api(env_in_home: Callable[[str], Path], cli: CliRunner) -> Path:
    env = env_in_home("api")
    assert cli("ls").returncode == 0
    return env


def test_project_set_replaces_the_file_whole_and_keeps_its_mode(
    api: Path, cli: CliRunner, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    assert cli("project", "set", "api", str(first)).returncode == 0
    project_file = api / ".project"
    project_file.chmod(0o640)
    before = project_file.stat()
    entries = _entries(api)
    result = cli("project", "set", "api", str(second))
    assert result.returncode == 0, result.stderr
    after = project_file.stat()
    assert after.st_ino != before.st_ino
    assert project_file.read_text() == f"{second}\n"
    assert stat.S_IMODE(after.st_mode) == 0o640
    assert _entries(api) == entries


def test_project_set_in_a_read_only_env_fails_cleanly(
    api: Path, cli: CliRunner, cli_unprivileged: CliRunner, tmp_path: Path
) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    assert cli("project", "set", "api", str(first)).returncode == 0
    entries = _entries(api)
    api.chmod(0o555)
    try:
        result = cli_unprivileged("project", "set", "api", str(second))
    finally:
        api.chmod(0o755)
    assert result.returncode == 1
    assert result.stderr == f"venvreg: error: Permission denied ('{api / '.project'}')\n"
    assert (api / ".project").read_text() == f"{first}\n"
    assert _entries(api) == entries


def test_add2virtualenv_replaces_the_pth_whole(api: Path, tmp_path: Path) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    first = _bash(f"workon api && add2virtualenv '{one}' && echo rc=$?")
    assert first.stdout.strip().endswith("rc=0"), first.stderr
    pth = _site_packages(api) / PTH
    before = pth.stat()
    entries = _entries(pth.parent)
    second = _bash(f"workon api && add2virtualenv '{two}' && echo rc=$?")
    assert second.stdout.strip().endswith("rc=0"), second.stderr
    assert pth.stat().st_ino != before.st_ino
    lines = pth.read_text().splitlines()
    assert lines[1:3] == [str(two), str(one)]
    assert lines[0].startswith("import sys") and lines[-1].startswith("import sys")
    assert _entries(pth.parent) == entries


def test_add2virtualenv_in_a_read_only_site_packages_fails_cleanly(
    api: Path, tmp_path: Path
) -> None:
    one, two = tmp_path / "one", tmp_path / "two"
    assert _bash(f"workon api && add2virtualenv '{one}'").returncode == 0
    site = _site_packages(api)
    content = (site / PTH).read_bytes()
    entries = _entries(site)
    site.chmod(0o555)
    try:
        result = _bash(f"workon api; add2virtualenv '{two}'; echo rc=$?", unprivileged=True)
    finally:
        site.chmod(0o755)
    assert result.stdout.strip().endswith("rc=1")
    assert result.stderr == (f"add2virtualenv: cannot write {site / PTH}: Permission denied\n")
    assert (site / PTH).read_bytes() == content
    assert _entries(site) == entries


def test_toggleglobalsitepackages_replaces_pyvenv_cfg_and_keeps_the_env(
    api: Path, cli: CliRunner
) -> None:
    cfg = api / "pyvenv.cfg"
    cfg.chmod(0o640)
    original = cfg.read_text().splitlines()
    before = cfg.stat()
    result = _bash("workon api && toggleglobalsitepackages && echo rc=$?")
    assert result.stdout.strip().endswith("rc=0"), result.stderr
    assert "Enabled global site-packages" in result.stdout + result.stderr
    after = cfg.stat()
    assert after.st_ino != before.st_ino
    assert stat.S_IMODE(after.st_mode) == 0o640
    changed = [line for line in cfg.read_text().splitlines() if line not in original]
    assert changed == ["include-system-site-packages = true"]
    assert len(cfg.read_text().splitlines()) == len(original)
    listed = {e["name"]: e for e in json.loads(cli("ls", "--json").stdout)}
    assert listed["api"]["healthy"] is True
    assert cli("doctor").returncode == 0


def test_toggleglobalsitepackages_in_a_read_only_env_fails_cleanly(api: Path) -> None:
    cfg = api / "pyvenv.cfg"
    content = cfg.read_bytes()
    entries = _entries(api)
    api.chmod(0o555)
    try:
        result = _bash("workon api; toggleglobalsitepackages; echo rc=$?", unprivileged=True)
    finally:
        api.chmod(0o755)
    assert result.stdout.strip().endswith("rc=1")
    assert result.stderr == f"toggleglobalsitepackages: cannot write {cfg}: Permission denied\n"
    assert cfg.read_bytes() == content
    assert _entries(api) == entries
