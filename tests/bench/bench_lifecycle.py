"""Benchmark for the lifecycle issue: `venvreg doctor` and `venvreg prune --dry-run` over 1,000
registered environments, each at most 1 second, starting no interpreter.

Run by hand (pytest does not collect tests/bench):

    python tests/bench/bench_lifecycle.py [--envs 1000] [--rounds 7] [--keep]

The environments are built fast but faithfully, as `python -m venv` plus pip would leave them:
pyvenv.cfg naming the real base Python, bin/python (and python3, pythonX.Y) linked to the real
base interpreter, an activate script and a pip console script carrying the env's path, and
lib/pythonX.Y/site-packages holding two dist-info packages. One `venvreg ls` registers them all.
Then some are made into findings, as on a real machine: 500 unused for 200 days (prune
candidates), 30 broken (bin/python dangling), 20 deleted by hand (registry rows whose folder is
gone), and 5 folders nobody registered.

Each command is timed from spawn to exit (median of the rounds, after one untimed warm-up).
Then each runs once more under `strace -f`, which records every execve and every clone that
makes a process: the proof that nothing else is started (the only execve is venvreg itself,
its console script's interpreter).

venvreg is the console script beside the interpreter running this file, with HOME,
WORKON_HOME and VENVREG_CONFIG in a temporary folder, NO_COLOR=1, and a bytecode cache
(PYTHONPYCACHEPREFIX) there too, so every timed run finds compiled modules as on a user's machine.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from harness import BASE, VERSION, XY, BenchError, bench_main, child_env, say, venvreg_script

TARGET_SECONDS = 1.0
DAY = 86400.0


def write(path: Path, text: str, mode: int = 0o644) -> None:
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def write_dist(site: Path, name: str, version: str) -> None:
    """A dist-info folder as pip leaves it, and the module it records."""
    dist = site / f"{name}-{version}.dist-info"
    dist.mkdir()
    (site / name).mkdir()
    write(site / name / "__init__.py", f"__version__ = {version!r}\n")
    write(dist / "METADATA", f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n\n")
    write(dist / "INSTALLER", "pip\n")
    write(dist / "RECORD", f"{name}/__init__.py,,\n{dist.name}/METADATA,,\n")


def build_env(env: Path) -> None:
    """One env as `python -m venv` + pip + one package leave it."""
    bin_dir = env / "bin"
    site = env / "lib" / f"python{XY}" / "site-packages"
    bin_dir.mkdir(parents=True)
    site.mkdir(parents=True)
    (env / "include").mkdir()
    write(
        env / "pyvenv.cfg",
        f"home = {BASE.parent}\ninclude-system-site-packages = false\nversion = {VERSION}\n"
        f"executable = {BASE}\ncommand = {BASE} -m venv {env}\n",
    )
    os.symlink(BASE, bin_dir / "python")
    os.symlink("python", bin_dir / "python3")
    os.symlink("python", bin_dir / f"python{XY}")
    write(
        bin_dir / "activate",
        f"# This file must be used with \"source bin/activate\"\nVIRTUAL_ENV='{env}'\n"
        'export VIRTUAL_ENV\nPATH="$VIRTUAL_ENV/bin:$PATH"\nexport PATH\n',
    )
    script = f"#!{env}/bin/python\nimport sys\nfrom pip._internal.cli.main import main\n"
    for name in ("pip", "pip3"):
        write(bin_dir / name, script + "sys.exit(main())\n", 0o755)
    write_dist(site, "pip", "24.0")
    write_dist(site, "benchpkg", "1.0.0")


def backdate(env: Path, days: float) -> None:
    when = time.time() - days * DAY
    for path in (env / "lib" / f"python{XY}" / "site-packages", env / "pyvenv.cfg"):
        os.utime(path, (when, when))
    os.utime(env / "bin" / "python", (when, when), follow_symlinks=False)


@dataclass
class Workspace:
    root: Path
    venvreg: Path
    env: dict[str, str]

    @property
    def home(self) -> Path:
        return Path(self.env["WORKON_HOME"])

    @classmethod
    def make(cls, root: Path) -> Workspace:
        env = child_env(root, root / "home" / ".virtualenvs")
        return cls(root, venvreg_script(), env)

    def run(self, *args: str, expect: Sequence[int] = (0,)) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(self.venvreg), *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
        )
        if result.returncode not in expect:
            raise BenchError(f"venvreg {' '.join(args)}: exit {result.returncode}\n{result.stderr}")
        return result


def prepare(work: Workspace, count: int) -> dict[str, int]:
    """Build and register `count` envs, then turn some into findings; returns the counts."""
    home = work.home
    home.mkdir(parents=True)
    started = time.perf_counter()
    names = [f"env-{i:04d}" for i in range(count)]
    for name in names:
        build_env(home / name)
    say(f"built {count} envs in {time.perf_counter() - started:.1f} s; registering")
    work.run("ls")
    unused, broken, deleted = names[: count // 2], names[-50:-20], names[-20:]
    for name in unused:
        backdate(home / name, 200)
    for name in broken:
        python = home / name / "bin" / "python"
        python.unlink()
        python.symlink_to(work.root / "uninstalled" / f"python{XY}")
    for name in deleted:
        shutil.rmtree(home / name)
    for i in range(5):
        build_env(home / f"stray-{i}")
    return {"unused": len(unused), "broken": len(broken), "deleted": len(deleted), "stray": 5}


def check_outputs(work: Workspace, total: int, counts: dict[str, int]) -> str:
    """The commands must find what was planted, or timing them means nothing."""
    import json

    doctor = json.loads(work.run("doctor", "--json", expect=(1,)).stdout)
    kinds: dict[str, int] = {}
    for finding in doctor["findings"]:
        kinds[finding["kind"]] = kinds.get(finding["kind"], 0) + 1
    wanted = {"broken": counts["broken"], "missing": counts["deleted"], "unregistered": 5}
    if kinds != wanted:
        raise BenchError(f"doctor found {kinds}, expected {wanted}")
    if len(doctor["envs"]) != total:
        raise BenchError(f"doctor checked {len(doctor['envs'])} envs")
    prune = json.loads(work.run("prune", "--dry-run", "--json").stdout)
    unused = [c for c in prune["candidates"] if c["reasons"] == ["unused"]]
    if len(unused) != counts["unused"]:
        raise BenchError(f"prune proposed {len(unused)} envs, expected {counts['unused']}")
    return (
        f"doctor: {len(doctor['envs'])} envs checked, findings {kinds}; "
        f"prune: {len(prune['candidates'])} candidates"
    )


def time_command(work: Workspace, args: list[str], rounds: int, expect: int) -> list[float]:
    work.run(*args, expect=(expect,))  # warm-up: bytecode cache, page cache
    samples = []
    for _ in range(rounds):
        started = time.perf_counter()
        work.run(*args, expect=(expect,))
        samples.append(time.perf_counter() - started)
    return samples


@dataclass(frozen=True)
class Processes:
    execs: list[str]
    forks: int


def count_processes(work: Workspace, args: list[str], expect: int) -> Processes:
    """Every execve and every process-making clone/fork/vfork of one run, from strace -f."""
    strace = shutil.which("strace")
    if strace is None:
        raise BenchError("strace is needed to count processes: apt-get install strace")
    log = work.root / "strace.log"
    command = [strace, "-f", "-qq", "-o", str(log), "-e", "trace=execve,clone,clone3,fork,vfork"]
    result = subprocess.run(
        [*command, str(work.venvreg), *args],
        env=work.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
    )
    if result.returncode != expect:
        raise BenchError(f"under strace: exit {result.returncode}\n{result.stderr[-2000:]}")
    execs: list[str] = []
    forks = 0
    for line in log.read_text().splitlines():
        exec_call = re.search(r'execve\("([^"]+)"', line)
        if exec_call and not re.search(r"= -1 ", line):
            execs.append(exec_call.group(1))
        elif (
            re.search(r"\b(clone3?|v?fork)\(", line)
            and "CLONE_THREAD" not in line
            and not re.search(r"= -1 ", line)
        ):
            forks += 1
    return Processes(execs, forks)


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--envs", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=0, help="timed runs (default 7, quick 3)")


def body(options: argparse.Namespace, root: Path) -> int:
    options.rounds = options.rounds or (3 if options.quick else 7)
    work = Workspace.make(root)
    print("venvreg lifecycle benchmark")
    print(f"  date          {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"  python        {VERSION} ({sys.executable}); base {BASE}")
    print(f"  cpus / load   {os.cpu_count()} / {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    counts = prepare(work, options.envs)
    print(f"  envs          {options.envs} registered; planted {counts}")
    print(f"  check         {check_outputs(work, options.envs, counts)}")
    measures = [
        ("venvreg doctor", ["doctor"], 1),
        ("venvreg prune --dry-run", ["prune", "--dry-run"], 0),
    ]
    print()
    print(f"{'measure':<26} {'n':>2} {'median':>9} {'min':>9} {'max':>9}  target  result")
    rows = []
    for label, args, expect in measures:
        say(f"timing {label} x{options.rounds}")
        samples = time_command(work, args, options.rounds, expect)
        processes = count_processes(work, args, expect)
        rows.append((label, samples, processes))
        median = statistics.median(samples)
        verdict = "PASS" if median <= TARGET_SECONDS else "MISS"
        print(
            f"{label:<26} {len(samples):>2} {median * 1000:>7.0f}ms "
            f"{min(samples) * 1000:>7.0f}ms {max(samples) * 1000:>7.0f}ms  <= 1 s  {verdict}"
        )
    print()
    print("processes started (strace -f: every successful execve; clones without CLONE_THREAD)")
    started_any = False
    for label, _, processes in rows:
        others = processes.execs[1:]
        started_any = started_any or bool(others) or processes.forks > 0
        print(
            f"  {label:<26} execve: {len(processes.execs)} ({', '.join(processes.execs)}); "
            f"process forks/clones: {processes.forks}"
        )
    control = count_processes(work, ["run", "env-0000", "--", "true"], 0)
    print(
        f"  control: venvreg run env-0000 -- true  execve: {len(control.execs)} "
        f"({', '.join(control.execs)}); process forks/clones: {control.forks}"
    )
    if len(control.execs) < 2 or control.forks < 1:
        raise BenchError("the process count missed the child of `venvreg run`")
    missed = [label for label, samples, _ in rows if statistics.median(samples) > 1.0]
    print()
    print("no interpreter or other process started" if not started_any else "PROCESSES STARTED")
    print("all targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 0 if not missed and not started_any else 1


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main(argv, doc=__doc__, prefix="lifecycle", body=body, add_options=add_options)


if __name__ == "__main__":
    sys.exit(main())
