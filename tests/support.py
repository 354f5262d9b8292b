"""Helpers shared by test modules (importable: tests/ is on pytest's pythonpath)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

# The home of the user running the tests, read when conftest imports this module, before any
# fixture replaces HOME: only ever compared against (tests/unit/test_private_home.py).
REAL_HOME = os.path.expanduser("~")


def make_plain_venv(path: Path) -> Path:
    """A real, fast env made by the stdlib venv module without pip (for registry tests)."""
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(path)],
        check=True,
        capture_output=True,
    )
    return path


def run_unprivileged(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run Python `code` without the power to bypass file permissions. As root (CI runs as
    root) the capabilities that override them are dropped with setpriv, so permission-denied
    cases are really exercised, never skipped."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        dropped = "-dac_override,-dac_read_search"
        prefix = ["setpriv", f"--bounding-set={dropped}", f"--inh-caps={dropped}", "--"]
    return subprocess.run(
        [*prefix, sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=60,
    )


# Hostile group A: values that must reach a shell byte for byte and run nothing.
HOSTILE_STRINGS = [
    "';uname -a;':",
    "x'$(touch PWNED)'y",
    "`touch PWNED`",
    "$(touch PWNED)",
    "${IFS}",
    ";|&<>",
    "!!",
    "*",
    "~",
    "=ls",
    "\"';&&$e|'\"",
    "'\";&&e-$ èрт🚒♞中片-j",
    "(touch PWNED)",
    "{a,b}",
    "$HOME",
    "ends with backslash\\",
]


def wait_for(condition: Callable[[], bool], what: str, process: subprocess.Popen[Any]) -> None:
    """Wait until `condition` holds: a guard against hangs, not a timing assertion."""
    deadline = time.monotonic() + 120
    while not condition():
        if process.poll() is not None:
            _, err = process.communicate()
            raise AssertionError(f"exited {process.returncode} before {what}:\n{err}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


class Hold:
    """A command stopped at a named step (src/venvreg/fs/holds.py), so that a test can kill it or
    race another command against it exactly there: start it with `env(step)`, wait with
    `wait_held`, then `kill_when_held` or `release` it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir()
        os.mkfifo(folder / "release")

    def env(self, step: str) -> dict[str, str]:
        return {"VENVREG_TEST_HOLD": step, "VENVREG_TEST_HOLD_DIR": str(self.folder)}

    def wait_held(self, process: subprocess.Popen[Any], what: str = "its step") -> None:
        wait_for((self.folder / "reached").exists, f"the command to reach {what}", process)

    def kill_when_held(self, process: subprocess.Popen[Any]) -> None:
        """Wait until `process` stops at its step, then kill -9 its whole process group."""
        self.wait_held(process)
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        assert process.returncode == -signal.SIGKILL
        (self.folder / "reached").unlink()

    def release(self) -> None:
        """Let the held command go on (it reads one line from the FIFO)."""
        (self.folder / "reached").unlink()
        with open(self.folder / "release", "w", encoding="utf-8") as fifo:
            fifo.write("go\n")


class Asked:
    """What a command asking on a terminal showed: its stdout up to the question (so a test
    sees what the user saw before answering), then its status and whole output."""

    def __init__(self, before: str, status: int, stdout: str, stderr: str) -> None:
        self.before, self.status, self.stdout, self.stderr = before, status, stdout, stderr


def answer_on_terminal(args: list[str], answer: str) -> Asked:
    """Run the CLI with stdin on a pseudo-terminal and stdout and stderr on pipes, as in
    `venvreg prune | tee log`; wait for its [y/N] question, take what stdout holds by then,
    answer. The command is blocked reading the answer, so what stdout holds is final."""
    import select

    main, child_side = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "venvreg", *args],
        stdin=child_side,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "COLUMNS": "200"},
    )
    os.close(child_side)
    assert process.stdout is not None and process.stderr is not None
    err = b""
    while b"[y/N]" not in err:
        chunk = os.read(process.stderr.fileno(), 65536)
        if not chunk:
            process.wait(timeout=120)
            raise AssertionError(f"exited {process.returncode} without asking:\n{err!r}")
        err += chunk
    before = b""
    while select.select([process.stdout], [], [], 0)[0]:
        chunk = os.read(process.stdout.fileno(), 65536)
        if not chunk:
            break
        before += chunk
    os.write(main, answer.encode() + b"\n")
    out, rest = process.communicate(timeout=120)
    os.close(main)

    def text(data: bytes) -> str:
        return data.decode("utf-8", "replace")

    return Asked(text(before), process.returncode, text(before + out), text(err + rest))


# Runs the CLI as the console script does, then reports its exit status and the modules it
# loaded, as JSON on the last line of stderr.
PROBE = """
import os
import sys
before = set(sys.modules)
sys.argv = ["venvreg", *sys.argv[1:]]

def report(status):
    sys.stdout.flush()
    loaded = sorted(set(sys.modules) - before)
    import json
    print("\\n" + json.dumps({"status": status, "modules": loaded}), file=sys.stderr, flush=True)

end_now = os._exit
def report_and_end(status):  # how the commands run without typer end (no teardown)
    report(status)
    end_now(status)
os._exit = report_and_end

from venvreg.__main__ import main
try:
    main()
    status = 0
except SystemExit as exit:
    status = exit.code or 0
report(status)
"""


class Probed:
    """What a probed command did: its exit status, the top-level names of the modules it
    loaded (`typer` for any typer.*), and its output."""

    def __init__(self, status: int, modules: set[str], stdout: str, stderr: str) -> None:
        self.status, self.modules, self.stdout, self.stderr = status, modules, stdout, stderr

    @property
    def tops(self) -> set[str]:
        return {name.split(".")[0] for name in self.modules}


def probe(*argv: str) -> Probed:
    """`venvreg ARGV` in a child (the current environment), with the modules it loaded."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, timeout=120
    )
    # The probe wrote a newline and then its report after everything the command wrote.
    stderr, _, last = result.stderr.rstrip("\n").rpartition("\n")
    report = json.loads(last)
    return Probed(report["status"], set(report["modules"]), result.stdout, stderr)
