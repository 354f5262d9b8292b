"""Benchmark for the scanner: `venvreg scan` beside `find ROOT -name pyvenv.cfg`, in one run.

Run by hand (pytest does not collect tests/bench):

    python tests/bench/bench_scan.py [--quick] [--rounds N] [--keep]

It builds a tree of about 300,000 files (60,000 with --quick) shaped like a developer's home
folder: 60 envs (4 made for real by virtualenv with pip, the rest `cp -a` copies of them, which
still hold pyvenv.cfg and a full site-packages), where poetry, pipenv, pipx and tox keep theirs
and in projects; node_modules and .git folders in many projects; and ordinary source trees.
After one untimed pass of each command (a warm page cache), it times, alternating, the median
of several runs, each from spawn to exit, of

- `find ROOT -name pyvenv.cfg`,
- `venvreg scan ROOT --no-size --json`,
- `venvreg scan EMPTY --no-size --json` (an empty folder: venvreg's start-up cost),
- `python -c pass` (the interpreter's own start-up, the floor of any Python command),

and judges the target: the whole scan, start-up included, faster than find (scan / find below
1). The walk alone (the scan minus its start-up) is shown beside it. It also times the scan
with sizes, first measuring all 60 envs (a fresh WORKON_HOME each time) and then with the sizes
cached by the previous scan, and checks that the scan found every env that find found.
venvreg is the console script beside this interpreter; HOME, WORKON_HOME and VENVREG_CONFIG
live in a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from harness import (
    XY,
    bench_main,
    child_env,
    load_average,
    median,
    run,
    say,
    timed,
    venvreg_script,
)


@dataclass(frozen=True)
class Shape:
    """How many of each thing the tree holds."""

    envs: int = 60
    real_envs: int = 4
    node_projects: int = 30
    node_packages: int = 160  # per node_modules, 25 files each
    git_projects: int = 40
    git_objects: int = 2_000  # per .git
    source_projects: int = 200
    source_dirs: int = 20  # per project, 10 files each


FULL = Shape()
QUICK = Shape(envs=12, real_envs=2, node_projects=6, git_projects=8, source_projects=40)


def files(folder: Path, count: int, prefix: str, size: int = 200) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    payload = b"x" * size
    for i in range(count):
        (folder / f"{prefix}{i}").write_bytes(payload)


def node_modules(project: Path, shape: Shape) -> None:
    for p in range(shape.node_packages):
        package = project / "node_modules" / f"pkg{p}"
        files(package, 5, "f", 300)
        files(package / "lib", 15, "m", 500)
        files(package / "dist", 5, "d", 800)


def git_folder(project: Path, shape: Shape) -> None:
    git = project / ".git"
    for i in range(shape.git_objects):
        folder = git / "objects" / f"{i % 256:02x}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:038x}").write_bytes(b"blob" * 40)
    files(git / "refs" / "heads", 3, "branch", 41)
    (git / "HEAD").write_text("ref: refs/heads/main\n")


def source_tree(project: Path, shape: Shape) -> None:
    (project / "pyproject.toml").parent.mkdir(parents=True, exist_ok=True)
    (project / "pyproject.toml").write_text("[project]\nname = 'p'\n")
    for d in range(shape.source_dirs):
        files(project / "src" / f"mod{d // 5}" / f"sub{d}", 10, "code", 1200)


def env_places(root: Path, count: int) -> list[Path]:
    """Where the envs go: mostly projects' .venv/venv, some where other tools keep theirs."""
    places: list[Path] = []
    for i in range(count):
        kind = i % 6
        if kind == 0:
            places.append(root / ".cache" / "pypoetry" / "virtualenvs" / f"p{i}-Ab3dEf_h-py{XY}")
        elif kind == 1:
            places.append(root / ".local" / "share" / "virtualenvs" / f"p{i}-Xy12aBcD")
        elif kind == 2:
            places.append(root / "work" / f"proj{i}" / ".tox" / "py")
        elif kind == 3:
            places.append(root / "src" / f"proj{i}" / "venv")
        else:
            places.append(root / "src" / f"proj{i}" / ".venv")
    return places


def build_tree(root: Path, shape: Shape, python: Path, env: dict[str, str]) -> list[Path]:
    """The tree; returns the env folders."""
    places = env_places(root, shape.envs)
    real = places[: shape.real_envs]
    for place in real:
        say(f"virtualenv with pip: {place.relative_to(root)}")
        place.parent.mkdir(parents=True, exist_ok=True)
        run([python, "-m", "virtualenv", "-q", "--no-periodic-update", place], env)
    say(f"{len(places) - len(real)} copies with cp -a")
    for i, place in enumerate(places[len(real) :]):
        place.parent.mkdir(parents=True, exist_ok=True)
        run(["cp", "-a", real[i % len(real)], place], env)
    say("node_modules, .git and source trees")
    for i in range(shape.source_projects):
        project = root / "src" / f"proj{i}"
        source_tree(project, shape)
        if i < shape.node_projects:
            node_modules(project, shape)
        if i < shape.git_projects:
            git_folder(project, shape)
    return places


def count_files(root: Path) -> tuple[int, int]:
    """(files and links, folders) under root, not following links."""
    n_files = n_dirs = 0
    for _folder, dirs, names in os.walk(root):
        n_dirs += len(dirs)
        n_files += len(names)
    return n_files, n_dirs


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--rounds", type=int, default=9, help="timed runs of each command")


def body(options: argparse.Namespace, work: Path) -> int:
    """--quick: a tree of about 60,000 files."""
    shape = QUICK if options.quick else FULL
    python = Path(sys.executable)
    venvreg = venvreg_script()
    base = child_env(work, work / "home" / ".virtualenvs")
    root = work / "tree"
    started = time.perf_counter()
    places = build_tree(root, shape, python, base)
    n_files, n_dirs = count_files(root)
    say(f"tree: {n_files:,} files, {n_dirs:,} folders in {time.perf_counter() - started:.0f} s")
    empty = work / "empty"
    empty.mkdir()

    scan: list[str | Path] = [venvreg, "scan", root, "--no-size", "--json"]
    scan_empty: list[str | Path] = [venvreg, "scan", empty, "--no-size", "--json"]
    find: list[str | Path] = ["find", root, "-name", "pyvenv.cfg"]
    bare: list[str | Path] = [python, "-c", "pass"]
    commands = {"find": find, "scan": scan, "empty": scan_empty, "python": bare}
    say("warming: one untimed pass of each")
    for command in commands.values():
        run(command, base)

    runs: dict[str, list[float]] = {key: [] for key in commands}
    found_by_find: set[str] = set()
    found_by_scan: set[str] = set()
    for i in range(options.rounds):
        say(f"round {i + 1}/{options.rounds}")
        for key, command in commands.items():
            elapsed, result = timed(command, base)
            runs[key].append(elapsed)
            if key == "find":
                found_by_find = {
                    os.path.dirname(line) for line in result.stdout.decode().split("\n") if line
                }
            elif key == "scan":
                report = json.loads(result.stdout)
                found_by_scan = {e["path"] for e in report["environments"]}

    say("sizes: first measurement (fresh WORKON_HOME each time), then cached")
    first_sizes: list[float] = []
    cached_sizes: list[float] = []
    sized: list[str | Path] = [venvreg, "scan", root, "--json"]
    for i in range(max(3, options.rounds // 3)):
        fresh = {**base, "WORKON_HOME": str(work / f"wh-sizes-{i}")}
        first_sizes.append(timed(sized, fresh)[0])
        cached_sizes.append(timed(sized, fresh)[0])

    find_t, scan_t, empty_t = (median(runs[key]) for key in ("find", "scan", "empty"))
    python_t = median(runs["python"])
    walk = scan_t - empty_t
    met = scan_t < find_t
    missing = found_by_find - found_by_scan
    expected = {str(p) for p in places}
    rows = [
        ("find ROOT -name pyvenv.cfg", ms(find_t), ""),
        ("venvreg scan ROOT --no-size --json (end to end)", ms(scan_t), ""),
        (
            "scan / find",
            f"{scan_t / find_t:.2f}",
            f"target < 1 (faster than find, start-up included): {'PASS' if met else 'MISS'}",
        ),
        ("venvreg scan EMPTY --no-size --json (start-up)", ms(empty_t), ""),
        ("python -c pass (the interpreter alone)", ms(python_t), ""),
        ("start-up / python -c pass", f"{empty_t / python_t:.2f}", ""),
        ("walk = scan - start-up", ms(walk), ""),
        ("walk / find", f"{walk / find_t:.2f}", ""),
        (f"venvreg scan ROOT --json, measuring {len(places)} envs", ms(median(first_sizes)), ""),
        ("venvreg scan ROOT --json, sizes cached", ms(median(cached_sizes)), ""),
    ]
    width = max(len(r[0]) for r in rows)
    print(f"venvreg scan benchmark: {n_files:,} files, {n_dirs:,} folders, {len(places)} envs")
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {load_average()}")
    print(f"medians of {options.rounds} runs each (sizes: {len(first_sizes)} runs)")
    print()
    for label, value, note in rows:
        print(f"{label:<{width}}  {value:>9}  {note}".rstrip())
    print()
    print(
        f"envs: find {len(found_by_find)}, scan {len(found_by_scan)}, built {len(expected)}; "
        f"scan found every env find found: {'yes' if not missing else 'NO: ' + str(missing)}"
    )
    if found_by_scan != expected:
        print(f"scan differs from what was built: {sorted(found_by_scan ^ expected)}")
    return 0 if not missing and met else 1


def main(argv: list[str] | None = None) -> int:
    return bench_main(argv, doc=__doc__, prefix="scan", body=body, add_options=add_options)


if __name__ == "__main__":
    sys.exit(main())
