"""`venvreg scan`: find the Python environments on disk, say who owns each, and size them.

The walk is an explicit-stack `os.scandir` loop tuned to touch as little as possible: one
listing per folder, the entry types the listing already gives, and one `lstat` per subfolder
(for its device). It never descends into an env it found (a conda base only into its `envs/`),
prunes folders that cannot hold an env (`.git`, `node_modules`, `__pycache__`, site-packages,
linters' caches) but not the cache and data folders where poetry, pipenv, hatch, pdm, pipx, uv
and pyenv keep theirs, follows no symbolic link, stays on the roots' filesystems unless asked,
never enters /proc, /sys, /dev, network or virtual filesystems, and counts what it could not
read or what vanished meanwhile. Nothing it finds is run; only small regular files are read.
Ctrl-C (or SIGTERM) ends the walk early with what was found so far.
"""

from __future__ import annotations

import fnmatch
import os
import re
import signal
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from ..envdir.boundary import IN_PACKAGES, foreign_entries
from ..envdir.identity import identity_of
from ..envdir.owners import MARKER_FILES, ProjectFinder, classify
from ..envdir.venv import check_health, disk_usage, inspect_venv
from ..errors import Interrupted, UsageError
from ..registry import envs
from ..registry.db import NETWORK_FILESYSTEMS, filesystem_type
from ..registry.envs import EnvRecord
from ..settings.paths import is_within
from ..text import is_utf8, quoted
from .context import Context
from .reconcile import reconcile
from .size_cache import SizeCache
from .sizes import is_stale, refresh_sizes

# Folders whose contents a tool owns and that never hold an env: never entered.
SKIP_NAMES = frozenset(
    [
        ".git", ".hg", ".svn", ".bzr", "CVS", "node_modules", "bower_components",
        "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".hypothesis",
        ".ipynb_checkpoints", ".eggs", ".pytype", ".pyre", ".dmypy.json", ".npm", ".yarn",
        ".pnpm-store", ".gradle", ".m2", ".cargo", ".rustup", ".Trash", "site-packages",
        "dist-packages",
    ]
)  # fmt: skip
SKIP_SUFFIXES = (".egg-info", ".dist-info")
# Filesystems that are not storage: never entered, even with --cross-file-systems.
SPECIAL_FILESYSTEMS = frozenset(
    [
        "proc", "sysfs", "devtmpfs", "devpts", "cgroup", "cgroup2", "debugfs", "tracefs",
        "securityfs", "pstore", "bpf", "configfs", "fusectl", "mqueue", "hugetlbfs", "autofs",
        "binfmt_misc", "efivarfs", "selinuxfs", "rpc_pipefs", "nsfs", "nfsd",
    ]
)  # fmt: skip
SPECIAL_PATHS = ("/proc", "/sys", "/dev")
MAX_EXAMPLES = 20
# The reasons for not walking a folder whose paths are worth showing (the first MAX_EXAMPLES).
EXAMPLE_KINDS = (
    "permission_denied", "vanished", "unreadable", "other_filesystems", "special_filesystems",
)  # fmt: skip
_IN_PACKAGES = IN_PACKAGES

# What a listing reveals about a folder, as bits gathered while iterating it.
_CFG, _LAYOUT, _CONDA, _PIPX, _UV_TOOL = 1, 2, 4, 8, 16
_WATCHED = {
    "pyvenv.cfg": _CFG,
    "bin": _LAYOUT,
    "Scripts": _LAYOUT,
    "lib": _LAYOUT,
    "Lib": _LAYOUT,
    "conda-meta": _CONDA,
    "pipx_metadata.json": _PIPX,
    "uv-receipt.toml": _UV_TOOL,
}
_MARKER_BITS = {name: _WATCHED[name] for name in MARKER_FILES}


class ScanOptions:
    """What `venvreg scan` was asked for."""

    __slots__ = ("excludes", "max_depth", "measure_sizes", "one_file_system", "roots")

    def __init__(
        self,
        roots: list[str],
        max_depth: int | None = None,
        excludes: list[str] | None = None,
        one_file_system: bool = True,
        measure_sizes: bool = True,
    ) -> None:
        self.roots = roots
        self.max_depth = max_depth
        self.excludes = [] if excludes is None else excludes
        self.one_file_system = one_file_system
        self.measure_sizes = measure_sizes


class ScanCounters:
    """Folders walked and folders not walked, by reason (every count starts at 0)."""

    __slots__ = (
        "depth_limited", "envs_found", "excluded", "folders_visited", "inside_site_packages",
        "other_filesystems", "permission_denied", "pruned", "special_filesystems",
        "unreadable", "vanished",
    )  # fmt: skip

    def __init__(self) -> None:
        self.folders_visited = 0
        self.envs_found = 0
        self.permission_denied = 0
        self.vanished = 0
        self.unreadable = 0
        self.other_filesystems = 0
        self.special_filesystems = 0
        self.pruned = 0
        self.excluded = 0
        self.depth_limited = 0
        self.inside_site_packages = 0


class FoundEnv:
    """One environment found: what it is, who owns it, its state, and what venvreg knows."""

    __slots__ = (
        "foreign", "identity", "in_workon_home", "managed", "mtimes", "owner",
        "owner_evidence", "path", "problems", "project_evidence", "project_path",
        "python_version", "registered_as", "site_packages", "size_bytes", "size_measured_at",
    )  # fmt: skip

    def __init__(
        self,
        *,
        path: str,
        owner: str,
        managed: bool,
        owner_evidence: str,
        python_version: str | None,
        problems: tuple[str, ...],
        mtimes: dict[str, float],
        project_path: str | None,
        project_evidence: str | None,
        identity: str | None,
        site_packages: str | None,
        in_workon_home: bool,
        registered_as: str | None = None,
        foreign: tuple[str, ...] = (),
    ) -> None:
        self.path = path
        self.owner = owner
        self.managed = managed
        self.owner_evidence = owner_evidence
        self.python_version = python_version
        self.problems = problems
        self.mtimes = mtimes
        self.project_path = project_path
        self.project_evidence = project_evidence
        self.identity = identity
        self.site_packages = site_packages
        self.in_workon_home = in_workon_home
        self.registered_as = registered_as
        self.size_bytes: int | None = None
        self.size_measured_at: float | None = None
        # Top-level entries no venv tool makes (a project made with `venv .`): the first 4.
        self.foreign = foreign

    def __repr__(self) -> str:
        return f"FoundEnv({self.path!r}, owner={self.owner!r})"

    @property
    def healthy(self) -> bool:
        return not self.problems

    @property
    def last_modified(self) -> tuple[str, float] | None:
        """The newest of the mtimes and what it is the mtime of."""
        if not self.mtimes:
            return None
        source = max(self.mtimes, key=lambda key: self.mtimes[key])
        return source, self.mtimes[source]

    @property
    def registrable_path(self) -> bool:
        """The registry stores text: a path with undecodable bytes cannot go in."""
        return is_utf8(self.path)

    @property
    def adoptable(self) -> bool:
        """Not registered yet, and not a WORKON_HOME folder (those register themselves)."""
        return self.registered_as is None and not self.in_workon_home and self.registrable_path


class ScanState:
    """Live progress, handed to the progress callback after each folder and each size."""

    __slots__ = ("counters", "current", "phase", "sized", "started", "to_size")

    def __init__(
        self, started: float, counters: ScanCounters, phase: str = "walking", current: str = ""
    ) -> None:
        self.started = started
        self.counters = counters
        self.phase = phase
        self.current = current
        self.sized = 0
        self.to_size = 0


Progress = Callable[[ScanState], None]


class ScanReport:
    """Everything a scan found, and how the walk went."""

    __slots__ = ("counters", "elapsed", "envs", "interrupted_by", "roots", "skipped_paths")

    def __init__(
        self,
        roots: list[str],
        envs: list[FoundEnv],
        counters: ScanCounters,
        skipped_paths: dict[str, list[str]],
        elapsed: float,
        interrupted_by: int | None = None,
    ) -> None:
        self.roots = roots
        self.envs = envs
        self.counters = counters
        self.skipped_paths = skipped_paths
        self.elapsed = elapsed
        self.interrupted_by = interrupted_by

    @property
    def interrupted(self) -> bool:
        return self.interrupted_by is not None


def resolve_roots(roots: Iterable[str]) -> list[str]:
    """Absolute roots (symlinks kept), each an existing folder; nested or repeated ones are
    dropped, since walking the outer one covers them."""
    resolved: list[tuple[str, str]] = []
    for root in roots:
        path = os.path.abspath(os.path.expanduser(root))
        if not os.path.isdir(path):
            raise UsageError(f"{quoted(root)} is not a folder")
        resolved.append((path, os.path.realpath(path)))
    kept: list[str] = []
    kept_real: set[str] = set()
    for path, real in resolved:
        if real in kept_real or any(is_within(real, other) for _, other in resolved):
            continue
        kept.append(path)
        kept_real.add(real)
    return kept


def _exclude_matcher(globs: list[str]) -> Callable[[str], bool] | None:
    """One regex for all --exclude globs, matched against a folder's name and its path."""
    patterns = [glob.rstrip(os.sep) or glob for glob in globs if glob]
    if not patterns:
        return None
    compiled = re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns))
    return lambda text: compiled.match(text) is not None


class _Registered:
    """Registered envs by path and by device and inode (an env reached by another path)."""

    def __init__(self, records: list[EnvRecord]) -> None:
        self.by_path: dict[str, EnvRecord] = {}
        self.by_inode: dict[tuple[int, int], EnvRecord] = {}
        for record in records:
            if record.status == "creating":
                continue
            self.by_path[record.path] = record
            try:
                status = os.stat(record.path)
            except OSError:
                continue
            self.by_inode.setdefault((status.st_dev, status.st_ino), record)

    def find(self, path: str) -> EnvRecord | None:
        record = self.by_path.get(path)
        if record is not None:
            return record
        try:
            status = os.stat(path)
        except OSError:
            return None
        return self.by_inode.get((status.st_dev, status.st_ino))


def _mtimes(
    path: str, interpreter: Path | None, site_packages: Path | None, conda: bool
) -> dict[str, float]:
    """Last-modified evidence: pyvenv.cfg (creation or upgrade), site-packages (the last install
    or uninstall), the interpreter link (creation or repair), conda's history (every change)."""
    candidates = {"pyvenv.cfg": os.path.join(path, "pyvenv.cfg")}
    if conda:
        candidates["conda-meta/history"] = os.path.join(path, "conda-meta", "history")
    if site_packages is not None:
        candidates["site-packages"] = str(site_packages)
    if interpreter is not None:
        candidates[os.path.relpath(interpreter, path).replace(os.sep, "/")] = str(interpreter)
    found: dict[str, float] = {}
    for label, candidate in candidates.items():
        try:
            found[label] = os.lstat(candidate).st_mtime
        except OSError:
            continue
    return found


class _Walker:
    """The walk and everything it accumulates."""

    def __init__(self, context: Context, options: ScanOptions, progress: Progress | None) -> None:
        self.context = context
        self.options = options
        self.progress = progress
        self.counters = ScanCounters()
        self.state = ScanState(time.monotonic(), self.counters)
        self.skipped_paths: dict[str, list[str]] = {kind: [] for kind in EXAMPLE_KINDS}
        self.envs: list[FoundEnv] = []
        self.seen: set[str] = set()
        self.excluded = _exclude_matcher(options.excludes)
        home = context.home.root
        self.workon_homes = {str(home), os.path.realpath(home)}
        self.skip_paths = {path: "special_filesystems" for path in SPECIAL_PATHS}
        for own in (context.home.state, Path(os.path.realpath(context.home.state))):
            self.skip_paths[str(own)] = "pruned"  # venvreg's trash holds envs of its own
        for trash in ("~/.local/share/Trash", "~/.cache/pip"):
            self.skip_paths[os.path.expanduser(trash)] = "pruned"
        uid = os.getuid() if hasattr(os, "getuid") else None
        self.skip_names = SKIP_NAMES | ({f".Trash-{uid}"} if uid is not None else set())
        self.projects = ProjectFinder()
        self.registered = _Registered(envs.all_records(context.conn))

    def skip(self, kind: str, path: str) -> None:
        setattr(self.counters, kind, getattr(self.counters, kind) + 1)
        examples = self.skipped_paths.get(kind)
        if examples is not None and len(examples) < MAX_EXAMPLES:
            examples.append(path)

    def skip_error(self, path: str, error: OSError) -> None:
        if isinstance(error, PermissionError):
            self.skip("permission_denied", path)
        elif isinstance(error, (FileNotFoundError, NotADirectoryError)):
            self.skip("vanished", path)
        else:
            self.skip("unreadable", path)

    def walk(self, root: str) -> None:
        """Depth-first from `root`; the hot loop of the scanner, hence the local names."""
        counters, progress, watched = self.counters, self.progress, _WATCHED
        skip_names, skip_paths, excluded = self.skip_names, self.skip_paths, self.excluded
        max_depth = self.options.max_depth
        try:
            root_dev = os.stat(root).st_dev
        except OSError as error:
            self.skip_error(root, error)
            return
        stack = [(root, 0, root_dev)]
        while stack:
            path, depth, dev = stack.pop()
            try:
                listing = os.scandir(path)
            except OSError as error:
                self.skip_error(path, error)
                continue
            counters.folders_visited += 1
            marks = 0
            subdirs: list[os.DirEntry[str]] = []
            try:
                with listing:
                    for entry in listing:
                        bit = watched.get(entry.name)
                        if bit is not None:
                            marks |= bit
                        try:
                            if entry.is_dir(follow_symlinks=False):
                                subdirs.append(entry)
                        except OSError:
                            continue
            except OSError as error:  # the folder went away while being listed
                self.skip_error(path, error)
                continue
            if marks & (_CFG | _CONDA) and self.found(path, marks):
                subdirs = [e for e in subdirs if e.name == "envs"] if marks & _CONDA else []
            if progress is not None:
                self.state.current = path
                progress(self.state)
            if not subdirs:
                continue
            if max_depth is not None and depth >= max_depth:
                counters.depth_limited += len(subdirs)
                continue
            for entry in subdirs:
                name = entry.name
                if name in skip_names or name.endswith(SKIP_SUFFIXES):
                    counters.pruned += 1
                    continue
                child = entry.path
                if name == ".venvreg" and os.path.isfile(os.path.join(child, "registry.sqlite3")):
                    counters.pruned += 1  # any venvreg's state folder: its trash holds envs
                    continue
                reason = skip_paths.get(child)
                if reason is not None:
                    self.skip(reason, child)
                    continue
                if excluded is not None and (excluded(name) or excluded(child)):
                    counters.excluded += 1
                    continue
                try:
                    child_dev = entry.stat(follow_symlinks=False).st_dev
                except OSError as error:
                    self.skip_error(child, error)
                    continue
                if child_dev != dev and not self.may_cross(child):
                    continue
                stack.append((child, depth + 1, child_dev))

    def may_cross(self, mount: str) -> bool:
        """Enter a folder on another filesystem? Only when asked, and never a network or a
        virtual one (/proc, /sys, cgroups, autofs...)."""
        if self.options.one_file_system:
            self.skip("other_filesystems", mount)
            return False
        kind = filesystem_type(Path(mount))
        if kind in NETWORK_FILESYSTEMS or kind in SPECIAL_FILESYSTEMS:
            self.skip("special_filesystems", mount)
            return False
        return True

    def found(self, path: str, marks: int) -> bool:
        """Is the listed folder an env? If so, describe it (once) and say so."""
        conda = False
        if not (marks & _CFG and marks & _LAYOUT):
            conda = bool(marks & _CONDA) and os.path.isfile(
                os.path.join(path, "conda-meta", "history")
            )
            if not conda:
                return False
        if any(part in path + os.sep for part in _IN_PACKAGES):
            self.counters.inside_site_packages += 1
            return True
        identity = identity_of(path)
        if identity is not None and identity in self.seen:
            return True
        if identity is not None:
            self.seen.add(identity)
        self.envs.append(self.describe(path, marks, conda, identity))
        self.counters.envs_found += 1
        return True

    def describe(self, path: str, marks: int, conda: bool, identity: str | None) -> FoundEnv:
        info = inspect_venv(Path(path))
        markers = [name for name, bit in _MARKER_BITS.items() if marks & bit]
        ownership = classify(
            path, info.cfg, conda=conda, workon_homes=self.workon_homes, markers=markers
        )
        guess = self.projects.guess(path, ownership)
        health = check_health(info, guess.path if guess.declared else None)
        record = self.registered.find(path)
        return FoundEnv(
            path=path,
            owner=ownership.owner,
            managed=ownership.managed,
            owner_evidence=ownership.evidence,
            python_version=info.python_version,
            problems=health.problems,
            mtimes=_mtimes(path, info.interpreter, info.site_packages, conda),
            project_path=guess.path,
            project_evidence=guess.evidence,
            identity=identity,
            site_packages=str(info.site_packages) if info.site_packages else None,
            in_workon_home=os.path.dirname(path) in self.workon_homes,
            registered_as=record.name if record is not None else None,
            foreign=tuple(foreign_entries(path, limit=4)),
        )

    def sizes(self, measure: bool) -> None:
        """Fill in sizes: the registry's for registered envs, the scan cache's for the rest,
        measuring (when asked) only those unknown or changed since they were measured."""
        self.state.phase = "sizing"
        self.state.to_size = len(self.envs)
        cache = SizeCache.load(self.context.home)
        try:
            for env in self.envs:
                self.state.current = env.path
                if self.progress is not None:
                    self.progress(self.state)
                record = self.registered.find(env.path) if env.registered_as else None
                if record is not None:
                    if measure and is_stale(record):
                        refresh_sizes(self.context, [record])
                    env.size_bytes, env.size_measured_at = (
                        record.size_bytes,
                        record.size_measured_at,
                    )
                else:
                    self.cached_size(env, cache, measure)
                self.state.sized += 1
        finally:
            cache.save()

    @staticmethod
    def cached_size(env: FoundEnv, cache: SizeCache, measure: bool) -> None:
        known = cache.get(env.path, env.identity, env.site_packages)
        if known is None and measure:
            size = disk_usage(Path(os.path.realpath(env.path)))
            known = (size, time.time())
            cache.put(env.path, env.identity, *known)
        if known is not None:
            env.size_bytes, env.size_measured_at = known


def scan(context: Context, options: ScanOptions, progress: Progress | None = None) -> ScanReport:
    """Walk the roots and describe every environment found. Ctrl-C or SIGTERM stops early and
    returns what was found so far, with sizes known from earlier scans; SIGHUP propagates."""
    roots = resolve_roots(options.roots)
    reconcile(context)  # folders new in WORKON_HOME get their names before we report them
    walker = _Walker(context, options, progress)
    interrupted_by: int | None = None
    try:
        for root in roots:
            walker.walk(root)
        walker.sizes(options.measure_sizes)
    except KeyboardInterrupt:
        interrupted_by = signal.SIGINT
    except Interrupted as interrupted:
        if interrupted.signum == getattr(signal, "SIGHUP", None):
            raise
        interrupted_by = interrupted.signum
    if interrupted_by is not None:
        walker.progress = None  # the caller's callback may be what raised
        walker.sizes(measure=False)
    return ScanReport(
        roots=roots,
        envs=walker.envs,
        counters=walker.counters,
        skipped_paths=walker.skipped_paths,
        elapsed=time.monotonic() - walker.state.started,
        interrupted_by=int(interrupted_by) if interrupted_by is not None else None,
    )
