"""Benchmark for the foundation issue: venvreg measured side by side with its peers, in one run.

Run by hand (pytest does not collect tests/bench):

    python tests/bench/bench_foundation.py [--quick] [--keep]

It prints one table: the median of each measure, the peer's median, their ratio, the target set
by the issue and PASS or MISS. Nothing here asserts on time; a MISS is a finding to act on.

1. `venvreg ls --json` with 1,000 registered environments (target: under 150 ms), beside
   virtualenvwrapper's `lsvirtualenv -l`, timed on 20 environments of the same kind and
   extrapolated to 1,000 (it spends about 100 ms per env), and `venvreg ls -b` beside
   `lsvirtualenv -b` on the same 1,000 environments. The environments are built fast but
   faithfully: a real `python -m venv --without-pip` folder is cloned with its paths rewritten
   (pyvenv.cfg, activate scripts, `bin/python` linked to the real base interpreter), plus a
   fake pip and one fake package as dist-info folders and pip's console scripts.
2. `venvreg create NAME` beside plain `python -m virtualenv DEST` with the same interpreter and
   its default seeding, alternated, with a warm app-data cache (target: at most 1.05 times as
   long).
3. `venvreg rm NAME --yes` of an environment made by `venvreg create` and grown by 200 MiB of
   real bytes in its site-packages (target: under 100 ms whatever the size), beside `rm -rf` of
   the same folder (what a delete that is not a rename costs) and `venvreg rm` of a tiny env.

venvreg is called through the console script beside the interpreter running this file, with
HOME, WORKON_HOME and VENVREG_CONFIG in a temporary folder, NO_COLOR=1, and a bytecode cache
(PYTHONPYCACHEPREFIX) in that folder too, so that every timed run finds compiled modules, as on
a user's machine, without writing into the source tree.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from harness import BenchError, bench_main, child_env, load_average, say, venvreg_script

MiB = 1024 * 1024
LS_ENVS = 1000
VW_LONG_ENVS = 20
BIG_PACKAGES = 10
BIG_FILES_PER_PACKAGE = 200
BIG_FILE_SIZE = 100 * 1024  # 2,000 files of 100 KiB: 200 MiB
TEMPLATE_NAME = "tmplenv0"
FAKE_PIP_VERSION = "23.2.1"


@dataclass(frozen=True)
class Rounds:
    ls: int
    vw_long: int
    vw_brief: int
    create: int
    rm: int


FULL = Rounds(ls=15, vw_long=5, vw_brief=15, create=7, rm=5)
QUICK = Rounds(ls=5, vw_long=2, vw_brief=5, create=3, rm=2)


# --------------------------------------------------------------------------------------------
# Running things


def run(
    argv: Sequence[str | Path],
    env: dict[str, str],
    *,
    what: str,
    check: bool = True,
) -> subprocess.CompletedProcess[bytes]:
    """Run a child with stdout and stderr captured and stdin closed; fail loudly if asked."""
    result = subprocess.run(
        [str(a) for a in argv],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        check=False,
    )
    if check and result.returncode != 0:
        tail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-2000:]
        raise BenchError(f"{what} failed (exit {result.returncode}):\n{tail}")
    return result


def timed(
    argv: Sequence[str | Path], env: dict[str, str], *, what: str
) -> tuple[float, subprocess.CompletedProcess[bytes]]:
    """Wall-clock seconds of one child, from spawn to exit, with its result."""
    start = time.perf_counter()
    result = run(argv, env, what=what, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        tail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-2000:]
        raise BenchError(f"{what} failed (exit {result.returncode}):\n{tail}")
    return elapsed, result


@dataclass
class Workspace:
    """The temporary folder everything lives in, and the environment children run with."""

    root: Path
    venvreg: Path
    python: Path
    base_env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def make(cls, root: Path) -> Workspace:
        return cls(root, venvreg_script(), Path(sys.executable), child_env(root))

    def env(self, workon_home: Path) -> dict[str, str]:
        return {**self.base_env, "WORKON_HOME": str(workon_home)}

    def folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def vr(self, workon_home: Path, *args: str, what: str | None = None) -> bytes:
        """Run venvreg untimed (set-up and checks) and return its stdout."""
        label = what or "venvreg " + " ".join(args)
        return run([self.venvreg, *args], self.env(workon_home), what=label).stdout

    def time_vr(self, workon_home: Path, *args: str) -> tuple[float, bytes]:
        elapsed, result = timed(
            [self.venvreg, *args], self.env(workon_home), what="venvreg " + " ".join(args)
        )
        return elapsed, result.stdout


# --------------------------------------------------------------------------------------------
# Building environments fast but faithfully


@dataclass(frozen=True)
class TemplateEntry:
    relpath: str
    kind: str  # dir, link, file
    payload: bytes | str | None  # file bytes, link target, or None for a dir
    mode: int


@dataclass(frozen=True)
class Template:
    """A real `python -m venv --without-pip` folder, read into memory for cloning."""

    path: Path
    entries: tuple[TemplateEntry, ...]
    version: str  # X.Y.Z of the base interpreter
    xy: str  # X.Y

    @classmethod
    def make(cls, workspace: Workspace) -> Template:
        path = workspace.folder("template") / TEMPLATE_NAME
        run(
            [workspace.python, "-m", "venv", "--without-pip", path],
            workspace.base_env,
            what="python -m venv (template)",
        )
        entries: list[TemplateEntry] = []
        for current, dirnames, filenames in os.walk(path):
            for name in sorted(dirnames + filenames):
                full = os.path.join(current, name)
                rel = os.path.relpath(full, path)
                mode = os.lstat(full).st_mode & 0o7777
                if os.path.islink(full):
                    entries.append(TemplateEntry(rel, "link", os.readlink(full), mode))
                elif os.path.isdir(full):
                    entries.append(TemplateEntry(rel, "dir", None, mode))
                else:
                    entries.append(TemplateEntry(rel, "file", Path(full).read_bytes(), mode))
        entries.sort(key=lambda e: e.relpath.count(os.sep))
        info = sys.version_info
        return cls(
            path=path,
            entries=tuple(entries),
            version=f"{info.major}.{info.minor}.{info.micro}",
            xy=f"{info.major}.{info.minor}",
        )

    def clone(self, dest: Path) -> None:
        """A venv at `dest` as `python -m venv` + pip + one small package would leave it."""
        old_path = os.fsencode(self.path)
        new_path = os.fsencode(dest)
        old_prompt = f"({TEMPLATE_NAME})".encode()
        new_prompt = f"({dest.name})".encode()
        dest.mkdir(mode=0o755)
        for entry in self.entries:
            target = dest / entry.relpath
            if entry.kind == "dir":
                target.mkdir(mode=entry.mode)
            elif entry.kind == "link":
                assert isinstance(entry.payload, str)
                os.symlink(entry.payload, target)
            else:
                assert isinstance(entry.payload, bytes)
                data = entry.payload.replace(old_path, new_path).replace(old_prompt, new_prompt)
                target.write_bytes(data)
                os.chmod(target, entry.mode)
        self._add_packages(dest)

    def _add_packages(self, dest: Path) -> None:
        site = dest / "lib" / f"python{self.xy}" / "site-packages"
        write_dist(site, "pip", FAKE_PIP_VERSION, {"pip/__init__.py": b"__version__ = '23.2.1'\n"})
        write_dist(site, "benchpkg", "1.0.0", {"benchpkg/__init__.py": b"VALUE = 1\n"})
        script = (
            f"#!{dest}/bin/python\n"
            "# -*- coding: utf-8 -*-\n"
            "import re\nimport sys\nfrom pip._internal.cli.main import main\n"
            "if __name__ == '__main__':\n"
            "    sys.argv[0] = re.sub(r'(-script\\.pyw|\\.exe)?$', '', sys.argv[0])\n"
            "    sys.exit(main())\n"
        ).encode()
        for name in ("pip", "pip3", f"pip{self.xy}"):
            path = dest / "bin" / name
            path.write_bytes(script)
            path.chmod(0o755)


def write_dist(site: Path, name: str, version: str, files: dict[str, bytes]) -> None:
    """A dist-info folder (METADATA, INSTALLER, WHEEL, RECORD) and the files it records."""
    dist = site / f"{name}-{version}.dist-info"
    dist.mkdir(parents=True)
    records: list[str] = []
    for rel, data in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        records.append(f"{rel},,{len(data)}")
    (dist / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\nSummary: fake\n\n",
        encoding="utf-8",
    )
    (dist / "INSTALLER").write_text("pip\n", encoding="utf-8")
    (dist / "WHEEL").write_text(
        "Wheel-Version: 1.0\nGenerator: bench\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        encoding="utf-8",
    )
    records += [f"{dist.name}/{n},," for n in ("METADATA", "INSTALLER", "WHEEL", "RECORD")]
    (dist / "RECORD").write_text("\n".join(records) + "\n", encoding="utf-8")


def build_envs(template: Template, workon_home: Path, count: int) -> list[str]:
    names = [f"env-{i:04d}" for i in range(count)]
    for name in names:
        template.clone(workon_home / name)
    return names


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class Row:
    measure: str
    samples: list[float]
    peer: str
    peer_samples: list[float]
    target: str
    verdict: Callable[[float, float | None], bool] | None
    peer_scale: float = 1.0  # multiply the peer's median (extrapolation)
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def peer_median(self) -> float | None:
        if not self.peer_samples:
            return None
        return statistics.median(self.peer_samples) * self.peer_scale

    @property
    def ratio(self) -> float | None:
        peer = self.peer_median
        return self.median / peer if peer else None

    def result(self) -> str:
        if self.verdict is None:
            return "info"
        return "PASS" if self.verdict(self.median, self.ratio) else "MISS"


def fmt_time(seconds: float | None) -> str:
    if seconds is None:
        return "n/a"
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.3f} s"


def fmt_ratio(ratio: float | None) -> str:
    if ratio is None:
        return "n/a"
    return f"{ratio:.3f}" if ratio >= 0.01 else f"{ratio:.5f}"


def print_table(rows: list[Row]) -> None:
    header = ["measure", "n", "median", "peer", "n", "peer median", "ratio", "target", "result"]
    body = [
        [
            row.measure,
            str(len(row.samples)),
            fmt_time(row.median),
            row.peer,
            str(len(row.peer_samples)) if row.peer_samples else "-",
            fmt_time(row.peer_median),
            fmt_ratio(row.ratio),
            row.target,
            row.result(),
        ]
        for row in rows
    ]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    right = {1, 2, 4, 5, 6}

    def line(cells: list[str]) -> str:
        return "  ".join(
            cell.rjust(widths[i]) if i in right else cell.ljust(widths[i])
            for i, cell in enumerate(cells)
        ).rstrip()

    print(line(header))
    print("  ".join("-" * w for w in widths))
    for cells in body:
        print(line(cells))
    print()
    print("ratio = venvreg median / peer median. Spread (min .. max) of each measure:")
    for row in rows:
        spread = f"{fmt_time(min(row.samples))} .. {fmt_time(max(row.samples))}"
        peer = ""
        if row.peer_samples:
            peer = f"; peer {fmt_time(min(row.peer_samples))} .. {fmt_time(max(row.peer_samples))}"
        print(f"  {row.measure}: {spread}{peer}")
        if row.note:
            print(f"      {row.note}")


# --------------------------------------------------------------------------------------------
# Peer: virtualenvwrapper

VW_TIMING = r"""
source "$VW_SH" >/dev/null || exit 3
runs=$1
shift
for ((i = 0; i < runs; i++)); do
    t0=$EPOCHREALTIME
    lsvirtualenv "$@" >/dev/null 2>&1 || exit 4
    t1=$EPOCHREALTIME
    printf '%s %s\n' "$t0" "$t1"
done
"""

VW_ONCE = r"""
source "$VW_SH" >/dev/null || exit 3
lsvirtualenv "$@"
"""


@dataclass(frozen=True)
class Wrapper:
    """virtualenvwrapper installed from PyPI into a venv of its own."""

    python: Path
    script: Path
    hooks: Path
    version: str

    @classmethod
    def install(cls, workspace: Workspace) -> Wrapper:
        venv = workspace.folder("peers") / "vw-venv"
        run([workspace.python, "-m", "venv", venv], workspace.base_env, what="python -m venv")
        # The user's own pip configuration applies here (index, find-links), not the temp HOME.
        pip_env = {k: v for k, v in os.environ.items() if not k.startswith("VIRTUAL_ENV")}
        pip: list[str | Path] = [
            venv / "bin" / "python",
            "-m",
            "pip",
            "--disable-pip-version-check",
        ]
        run(
            [*pip, "install", "--quiet", "virtualenvwrapper", "virtualenv"],
            pip_env,
            what="pip install virtualenvwrapper virtualenv",
        )
        show = run(
            [*pip, "show", "virtualenvwrapper"],
            pip_env,
            what="pip show virtualenvwrapper",
        ).stdout.decode()
        version = next(
            (ln.split(":", 1)[1].strip() for ln in show.splitlines() if ln.startswith("Version:")),
            "?",
        )
        return cls(
            python=venv / "bin" / "python",
            script=venv / "bin" / "virtualenvwrapper.sh",
            hooks=workspace.folder("peers/vw-hooks"),
            version=version,
        )

    def env(self, workspace: Workspace, workon_home: Path) -> dict[str, str]:
        env = workspace.env(workon_home)
        env.update(
            VIRTUALENVWRAPPER_PYTHON=str(self.python),
            VIRTUALENVWRAPPER_HOOK_DIR=str(self.hooks),
            VW_SH=str(self.script),
            LC_NUMERIC="C",  # EPOCHREALTIME with a dot
            PATH=f"{self.python.parent}{os.pathsep}{env.get('PATH', '')}",
        )
        return env

    def listing(self, workspace: Workspace, workon_home: Path, flag: str) -> str:
        result = run(
            ["bash", "-c", VW_ONCE, "bash", flag],
            self.env(workspace, workon_home),
            what=f"lsvirtualenv {flag}",
        )
        return result.stdout.decode("utf-8", "replace")

    def time_listing(
        self, workspace: Workspace, workon_home: Path, flag: str, runs: int
    ) -> list[float]:
        """Seconds per `lsvirtualenv FLAG`, timed inside one bash that sourced the wrapper
        once, as a user's shell does; the sourcing itself is not timed."""
        result = run(
            ["bash", "-c", VW_TIMING, "bash", str(runs), flag],
            self.env(workspace, workon_home),
            what=f"lsvirtualenv {flag} (timed)",
        )
        samples = []
        for line in result.stdout.decode().split("\n"):
            if line.strip():
                start, end = (float(x) for x in line.split())
                samples.append(end - start)
        if len(samples) != runs:
            raise BenchError(f"lsvirtualenv {flag}: {len(samples)} timings for {runs} runs")
        return samples


# --------------------------------------------------------------------------------------------
# 1. Listing


def bench_listing(workspace: Workspace, template: Template, rounds: Rounds) -> list[Row]:
    home = workspace.folder("workon-ls")
    section_load = load_average()
    say(f"building {LS_ENVS} environments")
    start = time.perf_counter()
    names = build_envs(template, home, LS_ENVS)
    say(f"built in {time.perf_counter() - start:.1f} s; registering them (`venvreg ls`, untimed)")
    start = time.perf_counter()
    workspace.vr(home, "ls")
    registering = time.perf_counter() - start

    items: list[dict[str, Any]] = json.loads(workspace.vr(home, "ls", "--json"))
    check_listing(items, names, template.version)

    say(f"timing venvreg ls --json x{rounds.ls} and ls -b x{rounds.ls}, alternated")
    json_samples: list[float] = []
    brief_samples: list[float] = []
    for _ in range(rounds.ls):
        elapsed, out = workspace.time_vr(home, "ls", "--json")
        if len(json.loads(out)) != LS_ENVS:
            raise BenchError("ls --json lost entries during the timed runs")
        json_samples.append(elapsed)
        elapsed, out = workspace.time_vr(home, "ls", "-b")
        if out.decode().split() != names:
            raise BenchError("ls -b does not list the 1,000 names")
        brief_samples.append(elapsed)

    vw_long: list[float] = []
    vw_brief: list[float] = []
    vw_note = "virtualenvwrapper could not be installed: no peer"
    try:
        say("installing virtualenvwrapper and virtualenv from PyPI into a temporary venv")
        wrapper = Wrapper.install(workspace)
    except BenchError as error:
        say(str(error).splitlines()[0])
        wrapper = None
    if wrapper is not None:
        vw_home = workspace.folder("workon-vw")
        vw_names = build_envs(template, vw_home, VW_LONG_ENVS)
        long_out = wrapper.listing(workspace, vw_home, "-l")
        missing = [n for n in vw_names if f"\n{n}\n" not in f"\n{long_out}"]
        if missing:
            raise BenchError(f"lsvirtualenv -l did not show {missing[:3]}:\n{long_out[:500]}")
        brief_out = wrapper.listing(workspace, home, "-b").split()
        if sorted(brief_out) != names:
            raise BenchError(f"lsvirtualenv -b listed {len(brief_out)} names, not {LS_ENVS}")
        say(f"timing lsvirtualenv -l on {VW_LONG_ENVS} envs x{rounds.vw_long}")
        vw_long = wrapper.time_listing(workspace, vw_home, "-l", rounds.vw_long)
        say(f"timing lsvirtualenv -b on {LS_ENVS} envs x{rounds.vw_brief}")
        vw_brief = wrapper.time_listing(workspace, home, "-b", rounds.vw_brief)
        per_env = statistics.median(vw_long) / VW_LONG_ENVS
        vw_note = (
            f"peer EXTRAPOLATED: lsvirtualenv -l (virtualenvwrapper {wrapper.version}) measured "
            f"on {VW_LONG_ENVS} envs, median {fmt_time(statistics.median(vw_long))} = "
            f"{fmt_time(per_env)} per env, x {LS_ENVS}. First `venvreg ls` (registering "
            f"{LS_ENVS} new envs, untimed set-up): {fmt_time(registering)}."
        )
    vw_note += f" Load at the start of this part: {section_load}."
    return [
        Row(
            measure=f"venvreg ls --json ({LS_ENVS} envs)",
            samples=json_samples,
            peer=f"lsvirtualenv -l (x{LS_ENVS // VW_LONG_ENVS} extrapolated)",
            peer_samples=vw_long,
            peer_scale=LS_ENVS / VW_LONG_ENVS,
            target="< 150 ms",
            verdict=lambda median, _ratio: median < 0.150,
            note=vw_note,
        ),
        Row(
            measure=f"venvreg ls -b ({LS_ENVS} envs)",
            samples=brief_samples,
            peer=f"lsvirtualenv -b ({LS_ENVS} envs)",
            peer_samples=vw_brief,
            target="-",
            verdict=None,
            note="lsvirtualenv is timed inside one bash that sourced virtualenvwrapper.sh once.",
        ),
    ]


def check_listing(items: list[dict[str, Any]], names: list[str], version: str) -> None:
    if len(items) != len(names):
        raise BenchError(f"ls --json has {len(items)} entries, not {len(names)}")
    if sorted(item["name"] for item in items) != names:
        raise BenchError("ls --json names differ from the folders built")
    sick = [item for item in items if not item["healthy"]]
    if sick:
        raise BenchError(f"{len(sick)} envs not healthy, e.g. {sick[0]['problems']}")
    wrong = [item["name"] for item in items if item["python_version"] != version]
    if wrong:
        raise BenchError(f"{len(wrong)} envs without Python {version}, e.g. {wrong[0]}")


# --------------------------------------------------------------------------------------------
# 2. Creation


def wait_for_virtualenv_updates(home: Path, limit: float = 60.0) -> None:
    """Plain virtualenv starts a background 'periodic update' of its embedded wheels on its
    first run; let it finish so that it does not share the CPU with the timed runs."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        pending = False
        for path in home.glob("**/virtualenv/wheel/*/embed/*/*.json"):
            try:
                data = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
            if isinstance(data, dict) and data.get("started") and not data.get("completed"):
                pending = True
        if not pending:
            return
        time.sleep(0.5)
    say("virtualenv's background update still running after 60 s; timing anyway")


def bench_create(workspace: Workspace, rounds: Rounds) -> list[Row]:
    home = workspace.folder("workon-create")
    dests = workspace.folder("virtualenv-dests")
    env = workspace.env(home)

    def venvreg_create(name: str) -> float:
        elapsed, _ = workspace.time_vr(home, "create", name)
        items = json.loads(workspace.vr(home, "show", name, "--json"))
        if not items["healthy"] or items["backend"] != "virtualenv":
            raise BenchError(f"venvreg create {name}: not a healthy virtualenv env: {items}")
        if not list((Path(items["site_packages"])).glob("pip-*.dist-info")):
            raise BenchError(f"venvreg create {name}: no pip")
        workspace.vr(home, "rm", name, "--yes", "--purge")
        return elapsed

    def virtualenv_create(name: str) -> float:
        dest = dests / name
        elapsed, _ = timed(
            [workspace.python, "-m", "virtualenv", dest], env, what="python -m virtualenv"
        )
        if not list(dest.glob("lib/python*/site-packages/pip-*.dist-info")):
            raise BenchError("virtualenv made an env without pip")
        shutil.rmtree(dest)
        return elapsed

    section_load = load_average()
    say("warm-up: one untimed creation with each (fills virtualenv's app-data cache)")
    virtualenv_create("warm")
    venvreg_create("warm")
    wait_for_virtualenv_updates(Path(env["HOME"]))
    say(f"timing venvreg create and virtualenv, alternated, x{rounds.create} each")
    ours: list[float] = []
    theirs: list[float] = []
    for i in range(rounds.create):
        if i % 2 == 0:
            ours.append(venvreg_create(f"c{i}"))
            theirs.append(virtualenv_create(f"c{i}"))
        else:
            theirs.append(virtualenv_create(f"c{i}"))
            ours.append(venvreg_create(f"c{i}"))
    return [
        Row(
            measure="venvreg create NAME",
            samples=ours,
            peer="python -m virtualenv DEST",
            peer_samples=theirs,
            target="ratio <= 1.05",
            verdict=lambda _median, ratio: ratio is not None and ratio <= 1.05,
            note=(
                "Same interpreter, default seeding (pip and setuptools from the embedded wheels),"
                " warm app-data cache. venvreg calls virtualenv's API in its own process with"
                f" --no-download. Load at the start of this part: {section_load}."
            ),
        )
    ]


# --------------------------------------------------------------------------------------------
# 3. Removal


def make_big_tree(root: Path) -> int:
    """10 packages x 200 files of 100 KiB of random bytes, each with its dist-info."""
    for p in range(BIG_PACKAGES):
        files = {
            f"bigpkg{p}/data/blob{f:03d}.bin": os.urandom(BIG_FILE_SIZE)
            for f in range(BIG_FILES_PER_PACKAGE)
        }
        files[f"bigpkg{p}/__init__.py"] = b""
        write_dist(root, f"bigpkg{p}", "1.0.0", files)
    return BIG_PACKAGES * BIG_FILES_PER_PACKAGE * BIG_FILE_SIZE


def bench_remove(workspace: Workspace, rounds: Rounds) -> list[Row]:
    home = workspace.folder("workon-rm")
    big_tree = workspace.folder("big-tree")
    section_load = load_average()
    say("writing the 200 MiB tree that each big env gets a copy of")
    payload = make_big_tree(big_tree)

    def fresh(name: str, grow: bool) -> dict[str, Any]:
        workspace.vr(home, "create", name)
        info: dict[str, Any] = json.loads(workspace.vr(home, "show", name, "--json"))
        if grow:
            # One `cp -a` of the packages, not of the folder: `cp -a tree/. site` would also
            # copy the tree's old mtime onto site-packages, hiding the change as pip never does.
            packages = sorted(str(p) for p in big_tree.iterdir())
            run(["cp", "-a", *packages, info["site_packages"]], workspace.base_env, what="cp -a")
        workspace.vr(home, "ls")  # registers the size, as any listing would
        info = json.loads(workspace.vr(home, "show", name, "--json"))
        if grow and (info["size_bytes"] or 0) < payload:
            raise BenchError(f"{name}: size {info['size_bytes']} is not above {payload}")
        os.sync()  # the copy's dirty pages are not flushed inside a timed section
        return info

    def trash_path(name: str) -> Path:
        entries = json.loads(workspace.vr(home, "trash", "list", "--json"))
        ids: list[str] = [e["id"] for e in entries if e["name"] == name]
        if len(ids) != 1:
            raise BenchError(f"{name} is not in the trash once: {entries}")
        return home / ".venvreg" / "trash" / ids[0] / "env"

    def venvreg_rm(name: str, grow: bool) -> tuple[float, Path]:
        info = fresh(name, grow)
        elapsed, _ = workspace.time_vr(home, "rm", name, "--yes")
        if os.path.lexists(info["path"]):
            raise BenchError(f"venvreg rm {name}: the folder is still there")
        return elapsed, trash_path(name)

    big: list[float] = []
    tiny: list[float] = []
    rmrf: list[float] = []
    size_note = ""
    say("warm-up: one untimed venvreg create and rm")
    venvreg_rm("warm", grow=False)
    workspace.vr(home, "trash", "empty", "--yes")
    say(f"timing venvreg rm (200 MiB), rm -rf (same folder), venvreg rm (tiny), x{rounds.rm}")
    for i in range(rounds.rm):
        if i % 2:
            elapsed, _ = venvreg_rm(f"tiny{i}", grow=False)
            tiny.append(elapsed)
        elapsed, moved = venvreg_rm(f"big{i}", grow=True)
        big.append(elapsed)
        size_note = f"{run(['du', '-sh', moved], workspace.base_env, what='du').stdout.decode()}"
        os.sync()
        elapsed, _ = timed(["rm", "-rf", moved], workspace.base_env, what="rm -rf")
        rmrf.append(elapsed)
        if i % 2 == 0:
            elapsed, _ = venvreg_rm(f"tiny{i}", grow=False)
            tiny.append(elapsed)
        workspace.vr(home, "trash", "empty", "--yes")
    du = size_note.split()[0] if size_note else "?"
    return [
        Row(
            measure="venvreg rm --yes (200 MiB env)",
            samples=big,
            peer="rm -rf (same folder)",
            peer_samples=rmrf,
            target="< 100 ms",
            verdict=lambda median, _ratio: median < 0.100,
            note=(
                f"env made by venvreg create + {BIG_PACKAGES * BIG_FILES_PER_PACKAGE} files of "
                f"{BIG_FILE_SIZE // 1024} KiB in site-packages (du: {du}); rm -rf deletes the "
                "same folder where venvreg moved it. "
                f"Load at the start of this part: {section_load}."
            ),
        ),
        Row(
            measure="venvreg rm --yes (tiny env)",
            samples=tiny,
            peer="venvreg rm (200 MiB env)",
            peer_samples=big,
            target="< 100 ms",
            verdict=lambda median, _ratio: median < 0.100,
            note="ratio near 1: the time does not grow with the size (the trash is a rename).",
        ),
    ]


# --------------------------------------------------------------------------------------------
# The floor every human-facing command stands on


def bench_floor(workspace: Workspace, rounds: Rounds) -> list[Row]:
    """What a command typer parses costs before it does anything: the interpreter, then the
    CLI's imports and the app with one command registered (`ls` and `--version` skip typer)."""
    env = workspace.env(workspace.folder("workon-floor"))
    build = "from venvreg.cli.app import build_app; build_app(['show'])"
    cli: list[str | Path] = [workspace.python, "-c", build]
    bare: list[str | Path] = [workspace.python, "-c", "pass"]
    run(cli, env, what="build_app (warm-up)")
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(rounds.ls):
        ours.append(timed(cli, env, what="build_app")[0])
        theirs.append(timed(bare, env, what="python -c pass")[0])
    return [
        Row(
            measure="floor: venvreg.cli.app.build_app",
            samples=ours,
            peer="python -c pass",
            peer_samples=theirs,
            target="-",
            verdict=None,
            note="The start-up a command typer parses pays before its own work (typer, click).",
        )
    ]


# --------------------------------------------------------------------------------------------


def tool_version(workspace: Workspace, module: str) -> str:
    result = run(
        [workspace.python, "-c", f"import importlib.metadata as m; print(m.version({module!r}))"],
        workspace.base_env,
        what=f"{module} version",
        check=False,
    )
    return result.stdout.decode().strip() or "?"


def print_facts(workspace: Workspace, rounds: Rounds, quick: bool) -> None:
    print("venvreg foundation benchmark")
    print(f"  date          {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    print(f"  machine       {platform.platform()}, {os.cpu_count()} CPUs")
    print(f"  python        {platform.python_version()} ({sys.executable})")
    base = getattr(sys, "_base_executable", sys.executable)
    print(f"  base python   {os.path.realpath(base)}")
    print(f"  venvreg       {tool_version(workspace, 'venvreg')} ({workspace.venvreg})")
    print(f"  virtualenv    {tool_version(workspace, 'virtualenv')}")
    print(f"  temp folder   {workspace.root}")
    print(f"  load average  {load_average()} at the start")
    mode = "quick" if quick else "full"
    print(
        f"  rounds        {mode}: ls {rounds.ls}, lsvirtualenv -l {rounds.vw_long}, "
        f"lsvirtualenv -b {rounds.vw_brief}, create {rounds.create}, rm {rounds.rm}"
    )
    print(flush=True)


def add_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--only",
        default="listing,create,remove,floor",
        help="comma-separated parts to run (default: all of listing,create,remove,floor)",
    )


def body(args: argparse.Namespace, root: Path) -> int:
    parts = set(args.only.split(","))
    rounds = QUICK if args.quick else FULL
    workspace = Workspace.make(root)
    rows: list[Row] = []
    try:
        print_facts(workspace, rounds, args.quick)
        if "listing" in parts:
            rows += bench_listing(workspace, Template.make(workspace), rounds)
        if "create" in parts:
            rows += bench_create(workspace, rounds)
        if "remove" in parts:
            rows += bench_remove(workspace, rounds)
        if "floor" in parts:
            rows += bench_floor(workspace, rounds)
    except BenchError:
        if rows:
            print("PARTIAL: the rows measured before the benchmark stopped")
            print_table(rows)
        raise
    print_table(rows)
    missed = [row.measure for row in rows if row.result() == "MISS"]
    print("all targets met" if not missed else f"targets missed: {', '.join(missed)}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    return bench_main(argv, doc=__doc__, prefix="foundation", body=body, add_options=add_options)


if __name__ == "__main__":
    sys.exit(main())
