"""Benchmark for the scale issue: each measure at 100, 1,000 and 10,000 registered envs, so that
what grows with the registry shows, beside the start-up of the human-facing commands.

Run by hand (pytest does not collect tests/bench):

    python tests/bench/bench_scale.py [--quick] [--sizes 100,1000,10000] [--rounds 5] [--keep]

The envs are cheap but valid, as `python -m venv --without-pip` leaves them: pyvenv.cfg naming
the real base Python, bin/python linked to it, an empty lib/pythonX.Y/site-packages. One
`venvreg ls` registers them all, as it would a user's hand-made folders. Each command is timed
from spawn to exit (median of the rounds, after one untimed warm-up), with the console script
beside the interpreter running this file. `workon` is the call the shell function makes
(`venvreg __shell bash workon -- NAME`), without bash around it; `rm` removes a different env in
each round. The last column is the ratio of the largest size to the smallest, then the target
(judged at 10,000 envs). Peak memory is the child's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from harness import (
    BASE,
    VERSION,
    XY,
    BenchError,
    bench_main,
    child_env,
    median,
    ms,
    run,
    samples,
    say,
    venvreg_script,
)

# measure -> (argv after `venvreg`, exit statuses accepted, target in seconds at 10,000 envs)
MEASURES: list[tuple[str, list[str], tuple[int, ...], float | None]] = [
    ("workon NAME (__shell)", ["__shell", "bash", "workon", "--", "{name}"], (0,), 0.030),
    ("lsvirtualenv -b (__shell)", ["__shell", "bash", "lsvirtualenv", "--", "-b"], (0,), None),
    ("ls --json", ["ls", "--json"], (0,), 0.400),
    ("ls", ["ls"], (0,), None),
    ("ls -b", ["ls", "-b"], (0,), 0.200),
    ("doctor", ["doctor"], (0, 1), 1.0),
    ("prune --dry-run", ["prune", "--dry-run"], (0, 1), 0.500),
    ("rm NAME --yes", ["rm", "{victim}", "--yes"], (0,), 0.120),
]


def build_envs(home: Path, count: int) -> list[str]:
    """`count` env folders in `home`, made with a few system calls each."""
    home.mkdir(parents=True, exist_ok=True)
    names = [f"env-{i:05d}" for i in range(count)]
    cfg = f"home = {BASE.parent}\ninclude-system-site-packages = false\nversion = {VERSION}\n"
    for name in names:
        env = home / name
        os.makedirs(env / "lib" / f"python{XY}" / "site-packages")
        os.mkdir(env / "bin")
        (env / "pyvenv.cfg").write_text(cfg + f"executable = {BASE}\n", encoding="utf-8")
        os.symlink(BASE, env / "bin" / "python")
        os.symlink("python", env / "bin" / "python3")
    return names


def peak_memory_mb(argv: Sequence[str | Path], env: dict[str, str]) -> float:
    """The maximum resident set size of one run of `argv`, through a child that runs it alone
    (RUSAGE_CHILDREN is the maximum over every child of the asking process)."""
    probe = (
        "import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    out = run([sys.executable, "-c", probe, *map(str, argv)], env).stdout
    kilobytes = int(out.split()[-1])
    return kilobytes / 1024 if sys.platform != "darwin" else kilobytes / 1024 / 1024


def bench_size(
    root: Path, venvreg: Path, count: int, rounds: int
) -> tuple[dict[str, float], float]:
    """The median of each measure with `count` envs registered, and ls --json's peak memory."""
    home = root / f"wh-{count}"
    env = child_env(root, home)
    say(f"{count} envs: building")
    names = build_envs(home, count)
    say(f"{count} envs: registering with one `venvreg ls`")
    run([venvreg, "ls", "-b"], env)
    listed = json.loads(run([venvreg, "ls", "--json"], env).stdout)
    if len(listed) != count or not all(entry["healthy"] for entry in listed):
        raise BenchError(f"ls --json lists {len(listed)} envs (built {count}), not all healthy")
    found: dict[str, float] = {}
    victims = iter(reversed(names))
    for label, words, expect, _ in MEASURES:
        say(f"{count} envs: {label} x{rounds}")

        def argv(_: int, words: list[str] = words) -> list[str | Path]:
            chosen = {"name": names[len(names) // 2], "victim": next(victims)}
            return [venvreg, *(word.format(**chosen) for word in words)]

        found[label] = median(samples([], env, rounds, expect=expect, before=argv))
    peak = peak_memory_mb([venvreg, "ls", "--json"], env)
    return found, peak


def start_up(root: Path, venvreg: Path, rounds: int) -> list[tuple[str, float, float]]:
    """`--version` and `ls` on an empty registry against `python -c pass`: (label, s, ratio)."""
    env = child_env(root, root / "wh-empty")
    (root / "wh-empty").mkdir()
    floor = median(samples([sys.executable, "-c", "pass"], env, rounds))
    rows = [("python -c pass", floor, 1.0)]
    for label, words in (("venvreg --version", ["--version"]), ("venvreg ls, empty", ["ls"])):
        value = median(samples([venvreg, *words], env, rounds))
        rows.append((label, value, value / floor))
    return rows


def body(options: argparse.Namespace, root: Path) -> int:
    venvreg = venvreg_script()
    sizes = [int(size) for size in options.sizes.split(",")]
    rounds = options.rounds or (3 if options.quick else 5)
    print("venvreg scale benchmark")
    print(f"  python  {VERSION} ({sys.executable}); base {BASE}; {os.cpu_count()} CPUs")
    print(f"  rounds  {rounds} timed runs of each command (medians), one warm-up")
    print()
    print("start-up (target: <= 3x python -c pass)")
    missed: list[str] = []
    for label, value, ratio in start_up(root, venvreg, rounds):
        verdict = "" if label.startswith("python") else ("PASS" if ratio <= 3 else "MISS")
        if verdict == "MISS":
            missed.append(label)
        print(f"  {label:<22} {ms(value):>10}  {ratio:4.1f}x  {verdict}")
    print()
    results: dict[int, dict[str, float]] = {}
    peaks: dict[int, float] = {}
    for count in sizes:
        results[count], peaks[count] = bench_size(root, venvreg, count, rounds)
    header = "".join(f"{count:>12,}" for count in sizes)
    print(f"{'measure (median)':<28}{header}  {'growth':>7}  target at 10,000")
    for label, _, _, target in MEASURES:
        values = [results[count][label] for count in sizes]
        cells = "".join(f"{ms(value):>12}" for value in values)
        growth = values[-1] / values[0] if values[0] else 0.0
        verdict = ""
        if label.startswith("workon"):
            verdict = f"<= 1.2x: {'PASS' if growth <= 1.2 else 'MISS'}"
            if target is not None and 10000 in results:
                verdict += f"; <= {ms(target)}"
        elif target is not None and 10000 in results:
            verdict = f"<= {ms(target)}"
        if target is not None and 10000 in results:
            good = results[10000][label] <= target and (
                not label.startswith("workon") or growth <= 1.2
            )
            verdict += ": PASS" if good else ": MISS"
            if not good:
                missed.append(label)
        print(f"{label:<28}{cells}  {growth:6.2f}x  {verdict}")
    cells = "".join(f"{peaks[count]:>9.1f} MB" for count in sizes)
    print(f"{'peak memory of ls --json':<28}{cells}  {'':>7}  <= 80 MB")
    print()
    print("all targets measured here met" if not missed else f"targets missed: {', '.join(missed)}")
    return 0 if not missed else 1


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", default="100,1000,10000", help="registry sizes, by commas")
    parser.add_argument("--rounds", type=int, default=0, help="timed runs (default 5, quick 3)")


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main(argv, doc=__doc__, prefix="scale", body=body, add_options=add_options)


if __name__ == "__main__":
    sys.exit(main())
