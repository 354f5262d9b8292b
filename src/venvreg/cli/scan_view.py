"""How a scan is shown: the live progress line, the table with its totals, and the JSON
(schema: docs/json.md). Rendering only; the scan itself is venvreg.core.scan, the command's
run cli/scan_run.py."""

from __future__ import annotations

import os
import re
import sys
import time

from ..envdir.boundary import holds_more
from ..envdir.venv import BROKEN, env_state
from ..text import escape_text
from .common import state_label
from .fit import FIXED, KEY, PATH, TEXT, Column, cell_len, home_short, shorten_end, shorten_path
from .output import (
    ago,
    human_size,
    iso_time,
    pretty_json,
    print_table,
    print_wrapped,
)

TYPE_CHECKING = False  # typing itself costs start-up; the names below are for mypy only
if TYPE_CHECKING:
    from typing import Any, TextIO

    from ..core.scan import FoundEnv, ScanReport, ScanState

SKIPPED_KEYS = (
    "permission_denied", "vanished", "unreadable", "other_filesystems", "special_filesystems",
    "pruned", "excluded", "depth_limited", "inside_site_packages",
)  # fmt: skip
_SKIP_WORDS = {
    "permission_denied": "permission denied",
    "vanished": "vanished while walking",
    "unreadable": "unreadable",
    "other_filesystems": "on other filesystems (--cross-file-systems enters them)",
    "special_filesystems": "network or virtual filesystems",
    "pruned": "pruned (.git, node_modules, caches, site-packages ...)",
    "excluded": "excluded (--exclude)",
    "depth_limited": "below --max-depth",
    "inside_site_packages": "envs inside site-packages, ignored",
}
_LONE_SURROGATE = re.compile("[\udc80-\udcff]")
COLUMNS = [
    Column("#", KEY),
    Column("SIZE", FIXED, 70),
    Column("OWNER", FIXED, 55),
    Column("PYTHON", FIXED, 40),
    Column("HEALTH", TEXT, 60),
    Column("MODIFIED", TEXT, 20),
    Column("REGISTERED", KEY),
    Column("PROJECT", PATH, 10),
    Column("PATH", PATH, 90),
]


class ProgressLine:
    """One line on stderr (a terminal), rewritten at most ten times a second and at once when
    an env is found; cleared when the scan ends."""

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream or sys.stderr
        self.last = 0.0
        self.envs = 0
        self.shown = False

    def width(self) -> int:
        try:
            columns = os.get_terminal_size(self.stream.fileno()).columns
        except (OSError, ValueError):
            columns = 0
        return columns or 80  # a pseudo-terminal nobody sized says 0

    def __call__(self, state: ScanState) -> None:
        now = time.monotonic()
        found = state.counters.envs_found
        if now - self.last < 0.1 and found == self.envs:
            return
        self.last, self.envs = now, found
        if state.phase == "walking":
            visited = state.counters.folders_visited
            rate = visited / max(now - state.started, 1e-6)
            head = f"scanning: {visited:,} folders ({rate:,.0f}/s), {found} env(s) found  "
        else:
            head = f"measuring sizes: {state.sized}/{state.to_size}  "
        # One cell short of the width: a full last column would wrap on some terminals. Never
        # --wide: a line longer than the terminal cannot be rewritten in place.
        room = self.width() - 1
        head = shorten_end(head, room)
        current = shorten_path(home_short(escape_text(state.current)), room - cell_len(head))
        self.stream.write("\r" + head + current + "\x1b[K")
        self.stream.flush()
        self.shown = True

    def clear(self) -> None:
        if self.shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
            self.shown = False


def ordered(report: ScanReport) -> list[FoundEnv]:
    """Largest first; envs of unknown size last; then by path."""
    return sorted(
        report.envs,
        key=lambda env: (env.size_bytes is None, -(env.size_bytes or 0), env.path),
    )


def totals(report: ScanReport) -> dict[str, int]:
    def size(envs: list[FoundEnv]) -> int:
        return sum(env.size_bytes or 0 for env in envs)

    unregistered = [env for env in report.envs if env.registered_as is None]
    broken = [env for env in report.envs if env_state(env.problems) == BROKEN]
    return {
        "environments": len(report.envs),
        "size_bytes": size(report.envs),
        "unmeasured": sum(env.size_bytes is None for env in report.envs),
        "unregistered": len(unregistered),
        "unregistered_size_bytes": size(unregistered),
        "broken": len(broken),
        "broken_size_bytes": size(broken),
        "managed": sum(env.managed for env in report.envs),
    }


def env_json(env: FoundEnv) -> dict[str, Any]:
    """One found environment (docs/json.md, `venvreg scan --json`)."""
    newest = env.last_modified
    return {
        "path": env.path,
        "owner": env.owner,
        "managed": env.managed,
        "owner_evidence": env.owner_evidence,
        "python_version": env.python_version,
        "healthy": env.healthy,
        "problems": list(env.problems),
        "state": env_state(env.problems),
        "size_bytes": env.size_bytes,
        "size_measured_at": iso_time(env.size_measured_at),
        "last_modified": iso_time(newest[1]) if newest else None,
        "last_modified_source": newest[0] if newest else None,
        "mtimes": {label: iso_time(when) for label, when in env.mtimes.items()},
        "project_path": env.project_path,
        "project_evidence": env.project_evidence,
        "registered_as": env.registered_as,
        "in_workon_home": env.in_workon_home,
        "adoptable": env.adoptable,
        "foreign_entries": list(env.foreign[:3]),
    }


def report_json(report: ScanReport, adopted: list[tuple[str, str]]) -> dict[str, Any]:
    counters = report.counters
    return {
        "roots": report.roots,
        "interrupted": report.interrupted,
        "elapsed_seconds": round(report.elapsed, 3),
        "folders_visited": counters.folders_visited,
        "skipped": {key: getattr(counters, key) for key in SKIPPED_KEYS},
        "skipped_paths": report.skipped_paths,
        "totals": totals(report),
        "environments": [env_json(env) for env in ordered(report)],
        "adopted": [{"name": name, "path": path} for name, path in adopted],
    }


def print_report_json(report: ScanReport, adopted: list[tuple[str, str]]) -> None:
    """JSON on stdout. A path with bytes that are not UTF-8 keeps them as \\udcXX escapes
    (valid JSON; Python's json.loads and os.fsencode give the bytes back)."""
    text = pretty_json(report_json(report, adopted))
    text = _LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
    sys.stdout.write(text + "\n")


def owner_label(env: FoundEnv) -> str:
    return f"{env.owner} (managed)" if env.managed else env.owner


def health_label(env: FoundEnv) -> str:
    return state_label(env.problems)


def modified_label(env: FoundEnv) -> str:
    newest = env.last_modified
    return f"{ago(newest[1])} ({newest[0]})" if newest else "?"


def print_report_table(report: ScanReport, rows: list[FoundEnv]) -> None:
    """The table (numbered: --adopt picks by these numbers) and the totals, on stdout."""
    if rows:
        print_table(
            COLUMNS,
            [
                [
                    str(number),
                    human_size(env.size_bytes),
                    owner_label(env),
                    env.python_version or "?",
                    health_label(env),
                    modified_label(env),
                    env.registered_as or "-",
                    env.project_path or "",
                    env.path,
                ]
                for number, env in enumerate(rows, 1)
            ],
        )
    notes = [
        f"note: {number}) {env.path}: {holds_more(list(env.foreign))}; "
        "rm, prune and purge act on the environment's own entries only"
        for number, env in enumerate(rows, 1)
        if env.foreign
    ]
    print_wrapped(notes + summary_lines(report))


def summary_lines(report: ScanReport) -> list[str]:
    numbers = totals(report)
    roots = ", ".join(report.roots)
    if not numbers["environments"]:
        lines = [f"no environments found under {roots}"]
    else:
        unmeasured = f" ({numbers['unmeasured']} not measured)" if numbers["unmeasured"] else ""
        lines = [
            f"{numbers['environments']} environment(s), {human_size(numbers['size_bytes'])}"
            f"{unmeasured}; unregistered: {numbers['unregistered']} "
            f"({human_size(numbers['unregistered_size_bytes'])}); broken: {numbers['broken']} "
            f"({human_size(numbers['broken_size_bytes'])}); managed by other tools: "
            f"{numbers['managed']}"
        ]
    counters = report.counters
    walked = f"walked {counters.folders_visited:,} folders in {report.elapsed:.2f} s"
    skipped = []
    for key in SKIPPED_KEYS:
        count = getattr(counters, key)
        if count:
            example = report.skipped_paths.get(key)
            first = f", e.g. {example[0]}" if example else ""
            skipped.append(f"{count:,} {_SKIP_WORDS[key]}{first}")
    lines.append(walked + ("; not walked: " + "; ".join(skipped) if skipped else ""))
    return lines


def pick_line(number: int, env: FoundEnv, name: str) -> str:
    """One line of the --adopt pick list."""
    notes = [owner_label(env), env.python_version or "?"]
    if not env.healthy:
        notes.append(health_label(env))
    if env.foreign:
        notes.append(holds_more(list(env.foreign)))
    return (
        f"  {number:>3}) {human_size(env.size_bytes):>9}  {escape_text(env.path)}  "
        f"({', '.join(notes)}) -> {escape_text(name)}"
    )
