"""What every benchmark in tests/bench shares: the main loop (options, a temporary folder kept
or removed, the load average before and after, a clean stop on BenchError), the children's
environment, and timed runs.

The benchmarks are run by hand (pytest does not collect tests/bench); each script imports this
module from its own folder, so `python tests/bench/bench_X.py` works from anywhere.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

XY = f"{sys.version_info[0]}.{sys.version_info[1]}"
VERSION = "{}.{}.{}".format(*sys.version_info[:3])
# The interpreter the envs' pyvenv.cfg names as home: the real base Python, not a venv's.
BASE = Path(os.path.realpath(getattr(sys, "_base_executable", None) or sys.executable))


class BenchError(RuntimeError):
    """A step did not do what it must; the benchmark stops rather than time a failure."""


def say(text: str) -> None:
    """Progress goes to stderr, so stdout holds the report alone."""
    print(f"  .. {text}", file=sys.stderr, flush=True)


def load_average() -> str:
    try:
        one, five, fifteen = os.getloadavg()
    except OSError:
        return "unknown"
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min)"


def venvreg_script() -> Path:
    """The console script beside the interpreter running the benchmark."""
    venvreg = Path(sys.executable).parent / "venvreg"
    if not venvreg.exists():
        raise BenchError(f"no venvreg console script beside {sys.executable}: pip install -e .")
    return venvreg


def child_env(root: Path, workon_home: Path | None = None) -> dict[str, str]:
    """The environment children run with: HOME, the config file and a bytecode cache inside
    `root` (every timed run finds compiled modules, as on a user's machine), NO_COLOR, and
    nothing of the caller's venvs, virtualenvwrapper or venvreg settings."""
    dropped = {"PYTHONHOME", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE", "WORKON_HOME"}
    prefixes = ("VIRTUAL_ENV", "VIRTUALENV", "XDG_", "VENVREG_", "CONDA_PREFIX")
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in dropped and not key.startswith(prefixes)
    }
    home = root / "home"
    home.mkdir(exist_ok=True)
    env.update(
        HOME=str(home),
        NO_COLOR="1",
        VENVREG_CONFIG=str(root / "config" / "venvreg.toml"),
        PYTHONPYCACHEPREFIX=str(root / "pycache"),
    )
    if workon_home is not None:
        env["WORKON_HOME"] = str(workon_home)
    return env


def run(
    argv: Sequence[str | Path],
    env: dict[str, str],
    *,
    what: str | None = None,
    expect: Sequence[int] | None = (0,),
) -> subprocess.CompletedProcess[bytes]:
    """Run a child with stdout and stderr captured and stdin closed; an exit status not in
    `expect` stops the benchmark (None: any status)."""
    result = subprocess.run(
        [str(a) for a in argv], env=env, stdin=subprocess.DEVNULL, capture_output=True
    )
    if expect is not None and result.returncode not in expect:
        tail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-2000:]
        label = what or " ".join(map(str, argv))
        raise BenchError(f"{label} failed (exit {result.returncode}):\n{tail}")
    return result


def timed(
    argv: Sequence[str | Path],
    env: dict[str, str],
    *,
    what: str | None = None,
    expect: Sequence[int] | None = (0,),
) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Wall-clock seconds of one child, from spawn to exit, with its result."""
    start = time.perf_counter()
    result = run(argv, env, what=what, expect=expect)
    return time.perf_counter() - start, result


def samples(
    argv: Sequence[str | Path],
    env: dict[str, str],
    rounds: int,
    *,
    expect: Sequence[int] | None = (0,),
    before: Callable[[int], Sequence[str | Path]] | None = None,
) -> list[float]:
    """`rounds` timed runs after one untimed warm-up (bytecode and page caches). `before`, when
    given, makes the argv of each run from its number (a fresh target for a command that
    consumes it, such as rm)."""
    run(before(-1) if before else argv, env, expect=expect)
    found = []
    for number in range(rounds):
        found.append(timed(before(number) if before else argv, env, expect=expect)[0])
    return found


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:.1f} ms"


def bench_main(
    argv: Sequence[str] | None,
    *,
    doc: str | None,
    prefix: str,
    body: Callable[[argparse.Namespace, Path], int],
    add_options: Callable[[argparse.ArgumentParser], None] | None = None,
) -> int:
    """The one main loop: parse --quick, --keep and the script's own options, make the
    temporary folder, print the load average, run `body(options, root)` and return its status;
    a BenchError stops it with one line (status 1); the folder goes unless --keep."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds, smaller sizes")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    if add_options is not None:
        add_options(parser)
    options = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix=f"venvreg-bench-{prefix}-")).resolve()
    print(f"load average  {load_average()} at the start", flush=True)
    try:
        status = body(options, root)
    except BenchError as error:
        print(f"benchmark stopped: {error}", file=sys.stderr)
        status = 1
    finally:
        if options.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    print(f"load average  {load_average()} at the end")
    return status
