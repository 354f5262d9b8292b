"""The leftover-process check (tests/process_check.py) itself: a real inner pytest run of a tiny
test file, whose outcome and output are what a contributor sees."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

TESTS = Path(__file__).resolve().parents[1]

INNER = '''
import subprocess, sys
import pytest


def test_child_left_running():
    subprocess.Popen(["sleep", "1000"])


def test_orphan_left_running():
    # sh exits at once: its `sleep` is an orphan, like pip after a kill -9 of venvreg
    subprocess.run(["sh", "-c", "sleep 1001 >/dev/null 2>&1 &"], check=True)


def test_child_waited_for():
    subprocess.run(["sleep", "0"], check=True)


@pytest.fixture
def reader():
    """A child that exits once its stdin is closed, which happens in teardown."""
    process = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"],
                               stdin=subprocess.PIPE)
    yield process
    process.stdin.close()  # not waited for: it exits on its own within the grace


def test_child_ending_after_teardown(reader):
    assert reader.poll() is None


@pytest.fixture(scope="module")
def server():
    process = subprocess.Popen(["sleep", "1002"])
    yield process
    process.kill()
    process.wait()


def test_module_fixture_process_is_not_the_tests(server):
    assert server.poll() is None
'''


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] not in (b"Z", b"X")
    except OSError:
        return False


def test_a_test_leaving_a_process_fails_naming_it(tmp_path: Path) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    (tmp_path / "test_inner.py").write_text(INNER)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "process_check", "-p", "no:cacheprovider", "-rA"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(TESTS)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = result.stdout
    assert result.returncode == 1, out + result.stderr
    assert re.search(r"\b5 passed, 2 errors\b", out), out  # the two fail at their teardown
    for name in ("test_child_left_running", "test_orphan_left_running"):
        assert f"ERROR at teardown of {name}" in out, out
        assert f"ERROR test_inner.py::{name} - Failed: 1 process(es) started" in out, out
    for name in (
        "test_child_waited_for",
        "test_child_ending_after_teardown",
        "test_module_fixture_process_is_not_the_tests",
    ):
        assert f"PASSED test_inner.py::{name}" in out, out
    # Each leftover is named at its teardown error, and again in the summary when pytest does
    # not shorten the summary to the terminal's width.
    leftovers = set(re.findall(r"^\s+(\d+) (sleep 100[01])$", out, re.MULTILINE))
    assert sorted(command for _, command in leftovers) == ["sleep 1000", "sleep 1001"], out
    assert "sleep 1002" not in out
    for pid, _ in leftovers:
        assert not _running(int(pid)), f"leftover {pid} was not killed"
