"""`venvreg scan`."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING, Optional

import typer

from ..errors import EXIT_FAILURE, EXIT_OK, UsageError, VenvregError
from ..text import quoted
from .common import json_option, opened, wide_option
from .output import confirm, message, stdin_is_terminal

if TYPE_CHECKING:
    from ..core.context import Context
    from ..core.scan import FoundEnv

PICK_ATTEMPTS = 3


def scan_command(
    roots: Optional[list[str]] = typer.Argument(
        None, help="Folders to walk (default: your home folder).", metavar="[ROOT]..."
    ),
    max_depth: Optional[int] = typer.Option(
        None, "--max-depth", min=0, help="Walk at most N folder levels below each ROOT."
    ),
    exclude: list[str] = typer.Option(
        [],
        "--exclude",
        help="Skip folders whose name or path matches this glob (repeatable).",
        metavar="GLOB",
    ),
    one_file_system: bool = typer.Option(
        True,
        "--one-file-system/--cross-file-systems",
        help="Stay on each ROOT's filesystem (network and virtual ones are never entered).",
    ),
    no_size: bool = typer.Option(
        False, "--no-size", help="Measure no size (sizes known from earlier scans still show)."
    ),
    as_json: bool = json_option(),
    adopt: bool = typer.Option(
        False, "--adopt", help="Then pick environments to register where they are."
    ),
    adopt_all: bool = typer.Option(
        False, "--all", help="With --adopt: every unregistered env that is not managed."
    ),
    yes: bool = typer.Option(False, "-y", "--yes", help="With --adopt: do not ask."),
    include_managed: bool = typer.Option(
        False, "--include-managed", help="With --adopt --all: envs of poetry, pipx, tox... too."
    ),
    wide: bool = wide_option(),
) -> None:
    """Find the Python environments on disk: owner, Python, health, size, project, last change.

    The walk never enters an env it found, .git, node_modules or caches that hold no env,
    follows no symbolic link, stays on one filesystem, skips /proc, /sys, /dev and network
    mounts, counts what it cannot read, and runs nothing it finds. Envs of poetry, pipenv,
    pipx, hatch, pdm, tox, nox, conda and pyenv are labelled "managed". Sizes are cached, so a
    second scan is quick. A live progress line goes to stderr on a terminal. Ctrl-C stops the
    walk and prints what was found so far (exit 130). --adopt shows a numbered pick list (on a
    terminal; --all --yes in scripts, else nothing is adopted and the exit status is 1).

    \b
    Example: venvreg scan ~/src --exclude 'archive*' --adopt
    """
    from ..core.scan import ScanOptions, scan
    from .scan_view import ProgressLine, ordered, print_report_json, print_report_table

    if (adopt_all or yes or include_managed) and not adopt:
        raise UsageError("--all, --yes and --include-managed go with --adopt")
    options = ScanOptions(
        roots=list(roots) if roots else [os.path.expanduser("~")],
        max_depth=max_depth,
        excludes=list(exclude),
        one_file_system=one_file_system,
        measure_sizes=not no_size,
    )
    line = ProgressLine() if sys.stderr.isatty() else None
    status = EXIT_OK
    adopted: list[tuple[str, str]] = []
    with opened() as context:
        try:
            report = scan(context, options, line)
        finally:
            if line is not None:
                line.clear()
        rows = ordered(report)
        if not as_json:
            print_report_table(report, rows)
        if report.interrupted_by is not None:
            message(
                f"interrupted: these are the environments found in the "
                f"{report.counters.folders_visited:,} folders walked so far"
            )
            status = 128 + report.interrupted_by
        elif adopt:
            status, adopted = _adopt_from(context, rows, adopt_all, yes, include_managed)
    if as_json:
        print_report_json(report, adopted)
    if status != EXIT_OK:
        raise typer.Exit(status)


def _adopt_from(
    context: Context, rows: list[FoundEnv], adopt_all: bool, yes: bool, include_managed: bool
) -> tuple[int, list[tuple[str, str]]]:
    """Choose (by number, or all) among the adoptable rows and adopt them."""
    from ..core.adopt import plan_name
    from ..names import name_key
    from .scan_view import pick_line

    candidates = {number: env for number, env in enumerate(rows, 1) if env.adoptable}
    if not candidates:
        message("nothing to adopt: every environment found is registered already")
        return EXIT_OK, []
    everything = [
        number for number, env in candidates.items() if include_managed or not env.managed
    ]
    if adopt_all and yes:
        return _adopt_numbers(context, candidates, everything)
    if not stdin_is_terminal():
        message(
            f"{len(candidates)} environment(s) could be adopted, but there is no terminal to "
            "ask on; nothing adopted (pass --all --yes to adopt every unregistered one that "
            "is not managed, with --include-managed for those too)"
        )
        return EXIT_FAILURE, []
    taken: set[str] = set()
    print("venvreg: environments that can be adopted (registered where they are):", file=sys.stderr)
    for number, env in candidates.items():
        try:
            name = plan_name(context, env.path, taken)[0]
        except VenvregError:
            name = "?"
        taken.add(name_key(name))
        print(pick_line(number, env, name), file=sys.stderr)
    if adopt_all:
        chosen = everything
        if not chosen or not confirm(f"venvreg: adopt {len(chosen)} environment(s)?"):
            message("nothing adopted")
            return EXIT_OK, []
    else:
        chosen = _ask_numbers(candidates, everything)
    return _adopt_numbers(context, candidates, chosen)


def _ask_numbers(candidates: dict[int, FoundEnv], everything: list[int]) -> list[int]:
    """Read a selection like `1 3 5-7` (or `all`, or nothing) from the terminal."""
    for _ in range(PICK_ATTEMPTS):
        print(
            "venvreg: adopt which? numbers or ranges (1 3 5-7), 'all' (every one not managed), "
            "or Enter for none: ",
            end="",
            file=sys.stderr,
            flush=True,
        )
        answer = sys.stdin.readline().strip()
        if answer.lower() in ("", "q", "n", "none", "no"):
            return []
        if answer.lower() == "all":
            return everything
        try:
            return parse_selection(answer, candidates)
        except UsageError as error:
            message(str(error))
    return []


def parse_selection(answer: str, candidates: dict[int, FoundEnv]) -> list[int]:
    """`1 3 5-7` or `1,3,5-7` -> [1, 3, 5, 6, 7]; each must be an adoptable row."""
    chosen: list[int] = []
    for word in answer.replace(",", " ").split():
        low, dash, high = word.partition("-")
        try:
            numbers = range(int(low), int(high) + 1) if dash else range(int(low), int(low) + 1)
        except ValueError:
            raise UsageError(f"{quoted(word)} is not a number or a range such as 5-7") from None
        for number in numbers:
            if number not in candidates:
                raise UsageError(f"{number} is not one of the environments listed above")
            if number not in chosen:
                chosen.append(number)
    return chosen


def _adopt_numbers(
    context: Context, candidates: dict[int, FoundEnv], chosen: list[int]
) -> tuple[int, list[tuple[str, str]]]:
    from ..core.adopt import adopt
    from .adopt_cmd import describe

    status, adopted = EXIT_OK, []
    if not chosen:
        message("nothing adopted")
    for number in chosen:
        env = candidates[number]
        try:
            result = adopt(context, env.path)
        except VenvregError as error:
            message(f"error: {error}")
            status = EXIT_FAILURE
            continue
        env.registered_as = result.record.name
        adopted.append((result.record.name, result.record.path))
        message(describe(result))
    return status, adopted


def register(app: typer.Typer) -> None:
    app.command("scan", help=scan_command.__doc__)(scan_command)
