"""What `venvreg scan` does, apart from its typer wiring (scan_cmd.py): cli/direct.py runs it
without typer when the command's words are plain. The table and the JSON are
cli/scan_view.py's, the --adopt pick list cli/scan_adopt.py's."""

from __future__ import annotations

import os
import sys

from ..errors import EXIT_OK, UsageError
from .common import opened
from .output import message
from .scan_view import ProgressLine, ordered, print_report_json, print_report_table


def show_scan(
    *,
    roots: list[str],
    max_depth: int | None,
    excludes: list[str],
    one_file_system: bool,
    measure_sizes: bool,
    as_json: bool,
    adopt: bool,
    adopt_all: bool,
    yes: bool,
    include_managed: bool,
) -> int:
    """Scan, print the table or the JSON, then adopt when asked; the exit status (128+N when
    a signal stopped the walk)."""
    from ..core.scan import ScanOptions, scan

    if (adopt_all or yes or include_managed) and not adopt:
        raise UsageError("--all, --yes and --include-managed go with --adopt")
    options = ScanOptions(
        roots=roots or [os.path.expanduser("~")],
        max_depth=max_depth,
        excludes=excludes,
        one_file_system=one_file_system,
        measure_sizes=measure_sizes,
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
            from .scan_adopt import adopt_from

            status, adopted = adopt_from(context, rows, adopt_all, yes, include_managed)
    if as_json:
        print_report_json(report, adopted)
    return status
