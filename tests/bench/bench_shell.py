"""Benchmark for the shell-integration issue: venvreg's bash functions beside virtualenvwrapper's.

Run by hand (pytest does not collect tests/bench):

    python tests/bench/bench_shell.py [--quick] [--keep]

It prints one table: the median of each measure, virtualenvwrapper's median, their ratio, the
target set by the issue and PASS or MISS. Nothing here asserts on time; a MISS is a finding.

1. Shell start: `bash --norc --noprofile -c 'source FILE'` minus `bash --norc --noprofile -c ':'`
   (the median of the paired differences), for shell/venvreg.bash sourced by path (found once,
   untimed, with `venvreg init bash --path`) and for virtualenvwrapper.sh (target: at most 3 ms;
   virtualenvwrapper about 104 ms here). The `eval "$(venvreg init bash)"` form, which starts
   Python once, is reported beside it.
2. `workon NAME` end to end: inside one long-running bash that sourced the file, repeated
   `workon NAME` + `deactivate`, $EPOCHREALTIME taken around `workon` alone (target: at most
   30 ms median and about 6 times faster than virtualenvwrapper's workon).
3. Switching: `workon a`, then `workon b` / `workon a` alternately, each switch timed; a switch
   deactivates the current env with its hooks (target: at most 40 ms; virtualenvwrapper about
   360 ms here).
4. `lsvirtualenv -b` with 500 environments (target: at most 40 ms), beside virtualenvwrapper's.

Each tool has its own WORKON_HOME holding 500 environments of the same kind: `a` and `b` are
real `python -m venv --without-pip` folders, the other 498 are copies of one real venv with its
paths rewritten (bench_foundation.Template). venvreg registers them in one untimed `venvreg ls`
and must judge all of them healthy. virtualenvwrapper (6.x from PyPI, in a venv of its own, with
VIRTUALENVWRAPPER_PYTHON set to that venv's python) writes its stock hook files into its hook
folder when first sourced; measures 2 and 3 are also run for venvreg with
VIRTUALENVWRAPPER_HOOK_DIR pointing at that folder, as a user migrating from virtualenvwrapper
would have them (the `+ vw hooks` rows).

The shell functions find `venvreg` on PATH: the folder of the console script beside the
interpreter running this file comes first, and that script must start a real interpreter, not a
version manager's shim. Bytecode goes to a PYTHONPYCACHEPREFIX in the temporary folder, so timed
runs find compiled modules as on a user's machine. Runs of venvreg and virtualenvwrapper are
interleaved in blocks, each block a fresh bash whose sourcing and first call are not timed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench_foundation import (
    Row,
    Template,
    Workspace,
    Wrapper,
    check_listing,
    fmt_time,
    print_table,
    run,
    tool_version,
)
from harness import BenchError, bench_main, load_average, say

ENVS = 500
REAL_ENVS = ("a", "b")
BASH = ("bash", "--norc", "--noprofile")
SHELL_TIMEOUT = 300  # seconds for one shell of timed calls

SOURCE_TARGET = 0.003
WORKON_TARGET = 0.030
WORKON_SPEEDUP = 6.0
SWITCH_TARGET = 0.040
LS_TARGET = 0.040
# virtualenvwrapper on this machine, as the issue reports it: how busy the machine is now.
ISSUE_FIGURES = {"source": 0.104, "workon": 0.185, "switch": 0.360}


@dataclass(frozen=True)
class Rounds:
    source: int  # paired bash starts, each tool (and the bare bash) once per round
    workon: int
    vw_workon: int
    switch: int
    vw_switch: int
    ls: int
    vw_ls: int
    process: int
    blocks: int  # interleaved blocks (fresh shells) per measure and tool


FULL = Rounds(
    source=60, workon=40, vw_workon=16, switch=40, vw_switch=16, ls=32, vw_ls=16, process=24,
    blocks=8,
)  # fmt: skip
QUICK = Rounds(
    source=12, workon=12, vw_workon=6, switch=12, vw_switch=6, ls=10, vw_ls=6, process=8,
    blocks=2,
)  # fmt: skip


# --------------------------------------------------------------------------------------------
# The bash side. Every script sources "$FUNCS" (untimed), makes one untimed call, then prints
# one "t0 t1" line per timed call. Exit codes >= 3 say which check failed. The scripts' own
# variables are prefixed: virtualenvwrapper's functions assign globals such as `i` and `a`.

CHECK_PYTHON = r"""
__bench_check_python() {  # the env is really active: its python runs with its prefix
    [ "$(python -c 'import sys; print(sys.prefix)')" = "$1" ] \
        || { echo "python -c sys.prefix is not $1 (PATH=$PATH)" >&2; exit 9; }
}
"""

WORKON_SCRIPT = (
    CHECK_PYTHON
    + r"""
source "$FUNCS" >/dev/null || exit 3
__bench_runs=$1 __bench_name=$2 __bench_want=$3
__bench_path0=$PATH
for ((__bench_i = -1; __bench_i < __bench_runs; __bench_i++)); do
    __bench_t0=$EPOCHREALTIME
    workon "$__bench_name" >/dev/null || exit 4
    __bench_t1=$EPOCHREALTIME
    [ "${VIRTUAL_ENV-}" = "$__bench_want" ] && [ "$PATH" = "$__bench_want/bin:$__bench_path0" ] \
        || { echo "after workon: VIRTUAL_ENV=${VIRTUAL_ENV-} PATH=$PATH" >&2; exit 5; }
    ((__bench_i >= 0)) || __bench_check_python "$__bench_want"
    deactivate >/dev/null || exit 6
    [ -z "${VIRTUAL_ENV-}" ] && [ "$PATH" = "$__bench_path0" ] \
        || { echo "after deactivate: VIRTUAL_ENV=${VIRTUAL_ENV-} PATH=$PATH" >&2; exit 7; }
    ((__bench_i < 0)) || printf '%s %s\n' "$__bench_t0" "$__bench_t1"
done
"""
)

SWITCH_SCRIPT = (
    CHECK_PYTHON
    + r"""
source "$FUNCS" >/dev/null || exit 3
__bench_runs=$1 __bench_a=$2 __bench_b=$3 __bench_want_a=$4 __bench_want_b=$5
__bench_path0=$PATH
workon "$__bench_a" >/dev/null || exit 4
[ "${VIRTUAL_ENV-}" = "$__bench_want_a" ] || exit 5
for ((__bench_i = -2; __bench_i < __bench_runs; __bench_i++)); do
    if ((__bench_i & 1)); then
        __bench_name=$__bench_a __bench_want=$__bench_want_a
    else
        __bench_name=$__bench_b __bench_want=$__bench_want_b
    fi
    __bench_t0=$EPOCHREALTIME
    workon "$__bench_name" >/dev/null || exit 4
    __bench_t1=$EPOCHREALTIME
    [ "${VIRTUAL_ENV-}" = "$__bench_want" ] && [ "$PATH" = "$__bench_want/bin:$__bench_path0" ] \
        || { echo "after workon: VIRTUAL_ENV=${VIRTUAL_ENV-} PATH=$PATH" >&2; exit 5; }
    ((__bench_i >= 0)) || __bench_check_python "$__bench_want"
    ((__bench_i < 0)) || printf '%s %s\n' "$__bench_t0" "$__bench_t1"
done
deactivate >/dev/null || exit 6
[ -z "${VIRTUAL_ENV-}" ] && [ "$PATH" = "$__bench_path0" ] \
    || { echo "after deactivate: VIRTUAL_ENV=${VIRTUAL_ENV-} PATH=$PATH" >&2; exit 7; }
"""
)

LS_SCRIPT = r"""
source "$FUNCS" >/dev/null || exit 3
__bench_runs=$1
for ((__bench_i = -1; __bench_i < __bench_runs; __bench_i++)); do
    __bench_t0=$EPOCHREALTIME
    lsvirtualenv -b >/dev/null || exit 4
    __bench_t1=$EPOCHREALTIME
    ((__bench_i < 0)) || printf '%s %s\n' "$__bench_t0" "$__bench_t1"
done
"""

LS_ONCE = r"""
source "$FUNCS" >/dev/null || exit 3
lsvirtualenv -b
"""


@dataclass(frozen=True)
class Tool:
    """One side of the comparison: a function file and the environment its shells run with."""

    label: str
    funcs: Path
    env: dict[str, str]
    home: Path
    strict_stderr: bool  # venvreg promises an empty stderr on success

    def env_path(self, name: str) -> str:
        return str(self.home / name)

    def bash(self, script: str, *args: str, what: str) -> subprocess.CompletedProcess[bytes]:
        """Run `script` in a fresh bash; a shell that fails or hangs stops the benchmark."""
        try:
            result = subprocess.run(
                [*BASH, "-c", script, "bash", *args],
                env=self.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=SHELL_TIMEOUT,
            )
        except subprocess.TimeoutExpired as error:
            raise BenchError(f"{self.label}: {what}: no end after {SHELL_TIMEOUT} s") from error
        if result.returncode != 0:
            tail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-2000:]
            raise BenchError(f"{self.label}: {what} failed (exit {result.returncode}):\n{tail}")
        return result

    def timings(self, script: str, runs: int, *args: str, what: str) -> tuple[list[float], str]:
        """Seconds per timed call of one bash running `script`, and its stderr."""
        result = self.bash(script, str(runs), *args, what=what)
        samples: list[float] = []
        for line in result.stdout.decode("utf-8", "replace").splitlines():
            if line.strip():
                start, end = (float(x) for x in line.split())
                samples.append(end - start)
        if len(samples) != runs:
            raise BenchError(f"{self.label}: {what}: {len(samples)} timings for {runs} calls")
        return samples, result.stderr.decode("utf-8", "replace").strip()


@dataclass
class Side:
    """Samples gathered for one tool on one measure, with what it printed on stderr."""

    samples: list[float]
    stderr: list[str]


def interleaved(
    tools: Sequence[Tool | None],
    counts: Sequence[int],
    blocks: int,
    script: str,
    args_for: Mapping[str, tuple[str, ...]],
    what: str,
) -> list[Side]:
    """Run `script` in `blocks` fresh shells per tool, alternating the tools' order."""
    sides = [Side([], []) for _ in tools]
    for block in range(blocks):
        order = list(range(len(tools)))
        if block % 2:
            order.reverse()
        for index in order:
            tool = tools[index]
            if tool is None:
                continue
            share = counts[index] // blocks + (1 if block < counts[index] % blocks else 0)
            if share == 0:
                continue
            samples, stderr = tool.timings(script, share, *args_for[tool.label], what=what)
            sides[index].samples += samples
            if stderr:
                sides[index].stderr.append(stderr)
    for tool, side in zip(tools, sides, strict=True):
        if tool is not None and tool.strict_stderr and side.stderr:
            say(f"{tool.label}: {what}: stderr not empty: {side.stderr[0][:300]}")
    return sides


# --------------------------------------------------------------------------------------------
# Set-up


def check_real_interpreter(script: Path) -> str:
    """The console script's shebang names a real interpreter, not a version manager's shim."""
    first = script.read_bytes().split(b"\n", 1)[0]
    if not first.startswith(b"#!"):
        raise BenchError(f"{script} has no shebang")
    words = first[2:].decode().split()
    interpreter = Path(words[-1] if words[0].endswith("/env") else words[0])
    if words[0].endswith("/env"):
        found = shutil.which(str(interpreter))
        if found is None:
            raise BenchError(f"{script}: {first.decode()} finds nothing")
        interpreter = Path(found)
    real = interpreter.resolve()
    with real.open("rb") as handle:
        magic = handle.read(4)
    if magic.startswith(b"#!") or "shims" in real.parts:
        raise BenchError(f"{script} runs {real}, a shim: use a venv whose python is real")
    return f"{first.decode()} -> {real}"


def source_state() -> str:
    """The commit measured, and whether the code on the hot path differs from it."""
    repo = Path(__file__).resolve().parents[2]
    git = ["git", "-C", str(repo)]
    head = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
    if head.returncode != 0:
        return f"{repo} (not a git checkout)"
    dirty = subprocess.run(
        [*git, "status", "--porcelain", "--", "src", "shell"], capture_output=True, text=True
    ).stdout.splitlines()
    state = f"{len(dirty)} uncommitted changes under src/ and shell/" if dirty else "clean"
    return f"{repo} at {head.stdout.strip()}, {state}"


def build_home(workspace: Workspace, template: Template, label: str) -> tuple[Path, list[str]]:
    """A WORKON_HOME with `a` and `b` made by `python -m venv` and 498 rewritten copies."""
    home = workspace.folder(f"workon-{label}")
    for name in REAL_ENVS:
        run(
            [workspace.python, "-m", "venv", "--without-pip", home / name],
            workspace.base_env,
            what=f"python -m venv {name}",
        )
    clones = [f"env-{i:04d}" for i in range(ENVS - len(REAL_ENVS))]
    for name in clones:
        template.clone(home / name)
    return home, sorted([*REAL_ENVS, *clones])


def venvreg_tool(
    workspace: Workspace, home: Path, funcs: Path, names: list[str], version: str
) -> Tool:
    env = workspace.env(home)
    env.update(
        PATH=f"{workspace.venvreg.parent}{os.pathsep}{env.get('PATH', '')}",
        LC_NUMERIC="C",  # EPOCHREALTIME with a dot
        FUNCS=str(funcs),
    )
    tool = Tool("venvreg", funcs, env, home, strict_stderr=True)
    found = tool.bash("type -P venvreg", what="type -P venvreg").stdout.decode().strip()
    if found != str(workspace.venvreg):
        raise BenchError(f"bash finds venvreg at {found!r}, not {workspace.venvreg}")
    say("registering the venvreg envs (one untimed `venvreg ls`)")
    workspace.vr(home, "ls")
    check_listing(json.loads(workspace.vr(home, "ls", "--json")), names, version)
    return tool


def wrapper_tool(workspace: Workspace, wrapper: Wrapper, home: Path) -> Tool:
    env = wrapper.env(workspace, home)
    env["FUNCS"] = str(wrapper.script)
    return Tool("virtualenvwrapper", wrapper.script, env, home, strict_stderr=False)


def check_listing_shell(tool: Tool, names: list[str]) -> None:
    listed = tool.bash(LS_ONCE, what="lsvirtualenv -b").stdout.decode("utf-8", "replace").split()
    if sorted(listed) != names:
        raise BenchError(f"{tool.label}: lsvirtualenv -b lists {len(listed)} names, not {ENVS}")


# --------------------------------------------------------------------------------------------
# 1. Shell start


def bash_start(argv: list[str], env: dict[str, str], what: str) -> float:
    start = time.perf_counter()
    result = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-2000:]
        raise BenchError(f"{what} failed (exit {result.returncode}):\n{tail}")
    if what.startswith("source venvreg") and result.stderr:
        raise BenchError(f"{what} wrote to stderr: {result.stderr.decode()[:500]}")
    return elapsed


def bench_source(ours: Tool, theirs: Tool | None, rounds: Rounds) -> list[Row]:
    section_load = load_average()
    bare = [*BASH, "-c", ":"]
    by_path = [*BASH, "-c", f"source {shlex.quote(str(ours.funcs))}"]
    by_eval = [*BASH, "-c", 'eval "$(venvreg init bash)"']
    runs: list[tuple[str, list[str], dict[str, str]]] = [
        ("bare", bare, ours.env),
        ("source venvreg.bash", by_path, ours.env),
        ("source venvreg (eval)", by_eval, ours.env),
    ]
    if theirs is not None:
        vw = [*BASH, "-c", f"source {shlex.quote(str(theirs.funcs))}"]
        runs.append(("source virtualenvwrapper.sh", vw, theirs.env))
    say(f"shell start: {len(runs)} kinds of bash start, x{rounds.source} rounds, interleaved")
    for label, argv, env in runs:  # warm-up: bytecode, page cache, virtualenvwrapper's hooks
        bash_start(argv, env, label)
    times: dict[str, list[float]] = {label: [] for label, _, _ in runs}
    for i in range(rounds.source):
        shift = i % len(runs)
        for label, argv, env in runs[shift:] + runs[:shift]:
            times[label].append(bash_start(argv, env, label))

    def minus_bare(label: str) -> list[float]:
        return [t - b for t, b in zip(times[label], times["bare"], strict=True)]

    peer = minus_bare("source virtualenvwrapper.sh") if theirs is not None else []
    bare_median = fmt_time(statistics.median(times["bare"]))
    bare_note = (
        f"bash --norc --noprofile -c ':' itself: median {bare_median}. Samples are the "
        f"paired differences, one round at a time. Load at the start of this part: "
        f"{section_load}."
    )
    return [
        Row(
            measure="shell start: source venvreg.bash",
            samples=minus_bare("source venvreg.bash"),
            peer="source virtualenvwrapper.sh",
            peer_samples=peer,
            target="<= 3 ms",
            verdict=lambda median, _ratio: median <= SOURCE_TARGET,
            note=bare_note + " " + speedup_note(minus_bare("source venvreg.bash"), peer),
        ),
        Row(
            measure='shell start: eval "$(venvreg init bash)"',
            samples=minus_bare("source venvreg (eval)"),
            peer="source virtualenvwrapper.sh",
            peer_samples=peer,
            target="-",
            verdict=None,
            note="Starts Python once (`venvreg init bash`); not the form the 3 ms target is for.",
        ),
    ]


def speedup_note(ours: list[float], theirs: list[float]) -> str:
    if not ours or not theirs:
        return "virtualenvwrapper not measured."
    factor = statistics.median(theirs) / statistics.median(ours)
    if factor >= 1:
        return f"venvreg is {factor:.1f}x faster than virtualenvwrapper (median / median)."
    return f"venvreg is {1 / factor:.1f}x SLOWER than virtualenvwrapper (median / median)."


# --------------------------------------------------------------------------------------------
# 2, 3, 4. In one long-running bash


def stderr_note(side: Side) -> str:
    if not side.stderr:
        return ""
    return f" STDERR NOT EMPTY: {side.stderr[0][:200]!r}."


def bench_workon(tools: list[Tool | None], labels: list[str], rounds: Rounds) -> list[Row]:
    """`workon a` + `deactivate`, timing workon; tools[-1] is virtualenvwrapper."""
    section_load = load_average()
    args = {t.label: ("a", t.env_path("a")) for t in tools if t is not None}
    counts = [rounds.workon] * (len(tools) - 1) + [rounds.vw_workon]
    say(f"workon a: venvreg x{rounds.workon}, virtualenvwrapper x{rounds.vw_workon}")
    sides = interleaved(tools, counts, rounds.blocks, WORKON_SCRIPT, args, "workon a")
    theirs = sides[-1].samples
    rows = []
    for label, side in zip(labels, sides[:-1], strict=True):
        rows.append(
            Row(
                measure=f"workon a ({ENVS} envs){label}",
                samples=side.samples,
                peer="virtualenvwrapper workon a",
                peer_samples=theirs,
                target="<= 30 ms and >= 6x faster",
                verdict=lambda median, ratio: (
                    median <= WORKON_TARGET and ratio is not None and ratio <= 1 / WORKON_SPEEDUP
                ),
                note=(
                    f"{speedup_note(side.samples, theirs)} Timed around `workon` only, in "
                    f"{rounds.blocks} long-running bash shells per tool (a deactivate between "
                    f"calls); VIRTUAL_ENV and PATH checked after each call, `python -c sys.prefix`"
                    f" once per shell. Load at the start of this part: {section_load}."
                    + stderr_note(side)
                ),
            )
        )
    return rows


def bench_switch(tools: list[Tool | None], labels: list[str], rounds: Rounds) -> list[Row]:
    """`workon a`, then `workon b` / `workon a` alternately, each timed; tools[-1] is vw."""
    section_load = load_average()
    args = {t.label: ("a", "b", t.env_path("a"), t.env_path("b")) for t in tools if t is not None}
    counts = [rounds.switch] * (len(tools) - 1) + [rounds.vw_switch]
    say(f"switch a <-> b: venvreg x{rounds.switch}, virtualenvwrapper x{rounds.vw_switch}")
    sides = interleaved(tools, counts, rounds.blocks, SWITCH_SCRIPT, args, "switch a <-> b")
    theirs = sides[-1].samples
    return [
        Row(
            measure=f"switch workon b / workon a{label}",
            samples=side.samples,
            peer="virtualenvwrapper switch",
            peer_samples=theirs,
            target="<= 40 ms",
            verdict=lambda median, _ratio: median <= SWITCH_TARGET,
            note=(
                f"{speedup_note(side.samples, theirs)} Each switch deactivates the current env "
                f"(its hooks included) and activates the other. Load at the start of this part:"
                f" {section_load}." + stderr_note(side)
            ),
        )
        for label, side in zip(labels, sides[:-1], strict=True)
    ]


def bench_ls(ours: Tool, theirs: Tool | None, rounds: Rounds) -> list[Row]:
    section_load = load_average()
    tools: list[Tool | None] = [ours, theirs]
    args: dict[str, tuple[str, ...]] = {t.label: () for t in tools if t is not None}
    say(f"lsvirtualenv -b: venvreg x{rounds.ls}, virtualenvwrapper x{rounds.vw_ls}")
    sides = interleaved(
        tools, [rounds.ls, rounds.vw_ls], rounds.blocks, LS_SCRIPT, args, "lsvirtualenv -b"
    )
    return [
        Row(
            measure=f"lsvirtualenv -b ({ENVS} envs)",
            samples=sides[0].samples,
            peer="virtualenvwrapper lsvirtualenv -b",
            peer_samples=sides[1].samples,
            target="<= 40 ms",
            verdict=lambda median, _ratio: median <= LS_TARGET,
            note=(
                f"{speedup_note(sides[0].samples, sides[1].samples)} Load at the start of this "
                f"part: {section_load}." + stderr_note(sides[0])
            ),
        )
    ]


def bench_process(workspace: Workspace, ours: Tool, rounds: Rounds) -> list[Row]:
    """What the workon process alone costs, beside the interpreter's bare start."""
    section_load = load_average()
    workon = [str(workspace.venvreg), "__shell", "bash", "workon", "--", "a"]
    bare = [str(workspace.python), "-c", "pass"]
    run(workon, ours.env, what="venvreg __shell bash workon (warm-up)")
    mine: list[float] = []
    floor: list[float] = []
    say(f"the workon process alone x{rounds.process}")
    for _ in range(rounds.process):
        mine.append(bash_start(workon, ours.env, "venvreg __shell bash workon -- a"))
        floor.append(bash_start(bare, ours.env, "python -c pass"))
    return [
        Row(
            measure="process: venvreg __shell bash workon -- a",
            samples=mine,
            peer="python -c pass (same python)",
            peer_samples=floor,
            target="-",
            verdict=None,
            note=(
                "Spawned from Python, no shell: the part of `workon` spent in the CLI process. "
                f"Load at the start of this part: {section_load}."
            ),
        )
    ]


# --------------------------------------------------------------------------------------------


def print_facts(
    workspace: Workspace, rounds: Rounds, quick: bool, facts: dict[str, str], start_load: str
) -> None:
    print("venvreg shell-integration benchmark (bash)")
    print(f"  date          {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"  machine       {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"  python        {platform.python_version()} ({sys.executable})")
    base = getattr(sys, "_base_executable", sys.executable)
    print(f"  base python   {os.path.realpath(base)}")
    print(f"  venvreg       {tool_version(workspace, 'venvreg')} ({workspace.venvreg})")
    for key, value in facts.items():
        print(f"  {key:<13} {value}")
    print(f"  temp folder   {workspace.root}")
    print(f"  load average  {start_load} at the start (before set-up)")
    print(f"  load average  {load_average()} when timing starts")
    mode = "quick" if quick else "full"
    print(
        f"  rounds        {mode}: source {rounds.source}, workon {rounds.workon} (vw "
        f"{rounds.vw_workon}), switch {rounds.switch} (vw {rounds.vw_switch}), lsvirtualenv -b "
        f"{rounds.ls} (vw {rounds.vw_ls}), in {rounds.blocks} blocks"
    )
    print(flush=True)


def print_calibration(rows: list[Row]) -> None:
    """virtualenvwrapper's medians now beside the issue's figures for this machine: a factor
    well above 1 says the machine was busy and every median above is inflated with it."""
    prefixes = {"source": "shell start: source", "workon": "workon", "switch": "switch"}
    parts = []
    for key, prefix in prefixes.items():
        row = next((r for r in rows if r.measure.startswith(prefix)), None)
        if row is not None and row.peer_median is not None:
            expected = ISSUE_FIGURES[key]
            parts.append(
                f"{key} {fmt_time(row.peer_median)} vs {fmt_time(expected)} "
                f"(x{row.peer_median / expected:.2f})"
            )
    if parts:
        print(
            "\nvirtualenvwrapper now vs the issue's figures for this machine: " + ", ".join(parts)
        )


def body(args: argparse.Namespace, root: Path) -> int:
    rounds = QUICK if args.quick else FULL
    start_load = load_average()
    workspace = Workspace.make(root)
    rows: list[Row] = []
    try:
        facts = {
            "venvreg exe": check_real_interpreter(workspace.venvreg),
            "source tree": source_state(),
        }
        bash_version = run(
            [*BASH, "-c", "echo $BASH_VERSION"], workspace.base_env, what="bash"
        ).stdout.decode()
        facts["bash"] = bash_version.strip()
        if int(facts["bash"].split(".")[0]) < 5:
            raise BenchError("bash 5 or later is needed ($EPOCHREALTIME)")
        found = run(
            [workspace.venvreg, "init", "bash", "--path"],
            workspace.base_env,
            what="venvreg init bash --path",
        )
        funcs = Path(found.stdout.decode().strip())
        if not funcs.is_file():
            raise BenchError(f"venvreg init bash --path printed {funcs}, which is not a file")
        facts["function file"] = str(funcs)

        template = Template.make(workspace)
        say(f"building {ENVS} environments for venvreg")
        vr_home, names = build_home(workspace, template, "venvreg")
        ours = venvreg_tool(workspace, vr_home, funcs, names, template.version)

        theirs: Tool | None = None
        migrated: Tool | None = None
        try:
            say("installing virtualenvwrapper from PyPI into a temporary venv")
            wrapper: Wrapper | None = Wrapper.install(workspace)
        except BenchError as error:
            say(str(error).splitlines()[0])
            wrapper = None
            facts["peer"] = "virtualenvwrapper could not be installed: NO PEER"
        if wrapper is not None:
            facts["peer"] = f"virtualenvwrapper {wrapper.version} ({wrapper.script})"
            say(f"building {ENVS} environments for virtualenvwrapper")
            vw_home, vw_names = build_home(workspace, template, "vw")
            theirs = wrapper_tool(workspace, wrapper, vw_home)
            check_listing_shell(theirs, vw_names)  # also writes its stock hook files
            hooks = sorted(p.name for p in wrapper.hooks.iterdir())
            facts["vw hooks"] = f"{len(hooks)} stock files in {wrapper.hooks}"
            migrated = Tool(
                "venvreg + vw hooks",
                funcs,
                {**ours.env, "VIRTUALENVWRAPPER_HOOK_DIR": str(wrapper.hooks)},
                vr_home,
                strict_stderr=True,
            )
        check_listing_shell(ours, names)

        print_facts(workspace, rounds, args.quick, facts, start_load)
        rows += bench_source(ours, theirs, rounds)
        variants: list[Tool | None] = [ours]
        labels = [""]
        if migrated is not None:
            variants.append(migrated)
            labels.append(" + vw hooks")
        rows += bench_workon([*variants, theirs], labels, rounds)
        rows += bench_switch([*variants, theirs], labels, rounds)
        rows += bench_ls(ours, theirs, rounds)
        rows += bench_process(workspace, ours, rounds)
        print_table(rows)
        print(
            "\n`+ vw hooks`: venvreg with VIRTUALENVWRAPPER_HOOK_DIR at virtualenvwrapper's own "
            "hook folder (its stock, empty hook files), as after a migration."
        )
        print_calibration(rows)
        missed = [row.measure for row in rows if row.result() == "MISS"]
        print("all targets met" if not missed else f"targets missed: {', '.join(missed)}")
    except BenchError:
        if rows:
            print("PARTIAL: the rows measured before the benchmark stopped")
            print_table(rows)
        raise
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main(argv, doc=__doc__, prefix="shell", body=body)


if __name__ == "__main__":
    sys.exit(main())
